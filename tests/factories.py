"""factory_boy factories for rows the demo seed does not cover."""

import factory
from factory.django import DjangoModelFactory

from departments.models import Department, Membership, Municipality, User
from vendors.models import Vendor


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("demo-pass-2026")


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    slug = factory.Sequence(lambda n: f"city-{n}")
    name = factory.Sequence(lambda n: f"City {n}")
    code = factory.Sequence(lambda n: "C" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    time_zone = "America/New_York"


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: "D" + "".join(chr(65 + int(d)) for d in f"{n:03d}"))
    name = factory.Sequence(lambda n: f"Department {n}")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Membership.Role.MEMBER
    department = factory.SubFactory(
        DepartmentFactory, municipality=factory.SelfAttribute("..municipality")
    )


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
