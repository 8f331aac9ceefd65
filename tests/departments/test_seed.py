"""`manage.py seed_demo` builds exactly the demo of DESIGN.md 8, and a second run changes
nothing."""

import io

import pytest
from django.core.management import call_command

from departments.models import Department, Membership, Municipality, User
from p3hub.audit import audit_chain_keys, audit_chain_verify
from p3hub.models import AuditEvent
from tests.helpers import every_row_count
from vendors.models import Vendor, VendorUser

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "admin",
    "officer",
    "head.trn",
    "head.psd",
    "evaluator",
    "vendor.acme",
    "vendor.beacon",
    "officer.lakeside",
    "admin.lakeside",  # lakeside's tenant admin: nobody grants a role to themselves
}


def seed() -> None:
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def roles(slug: str) -> set[tuple]:
    return set(
        Membership.objects.filter(municipality__slug=slug).values_list(
            "user__username", "role", "department__code"
        )
    )


def test_seed_creates_the_demo_users_with_the_demo_password():
    seed()

    assert set(User.objects.values_list("username", flat=True)) == DEMO_USERS
    for user in User.objects.all():
        assert user.check_password("demo-pass-2026"), user.username
        assert user.is_active
        assert not user.is_superuser
    # Only the tenant admin uses Django's admin (scoped to riverton).
    assert set(User.objects.filter(is_staff=True).values_list("username", flat=True)) == {"admin"}


def test_seed_creates_riverton_with_transportation_and_public_safety():
    seed()

    riverton = Municipality.objects.get(slug="riverton")
    departments = {d.code: d.name for d in Department.objects.filter(municipality=riverton)}
    assert departments == {"TRN": "Transportation", "PSD": "Public Safety"}
    assert roles("riverton") == {
        ("admin", "admin", None),
        ("officer", "officer", None),
        ("head.trn", "head", "TRN"),
        ("head.psd", "head", "PSD"),
        ("evaluator", "member", "TRN"),
    }


def test_seed_creates_lakeside_apart_from_riverton():
    seed()

    lakeside = Municipality.objects.get(slug="lakeside")
    assert set(Municipality.objects.values_list("slug", flat=True)) == {"riverton", "lakeside"}
    assert list(lakeside.departments.values_list("code", flat=True)) == ["PWD"]
    assert {username for username, _, _ in roles("lakeside")} == {
        "officer.lakeside",
        "admin.lakeside",
    }


def test_seed_creates_two_vendors_with_their_users():
    seed()

    assert set(VendorUser.objects.values_list("vendor__name", "user__username")) == {
        ("Acme Traffic Systems", "vendor.acme"),
        ("Beacon Safety Technologies", "vendor.beacon"),
    }
    assert Vendor.objects.count() == 2
    vendor_users = User.objects.filter(vendor_roles__isnull=False)
    assert not Membership.objects.filter(user__in=vendor_users).exists()


def test_seed_writes_an_audit_trail_that_verifies():
    seed()

    assert AuditEvent.objects.filter(municipality__slug="riverton").exists()
    assert all(audit_chain_verify(key) is None for key in audit_chain_keys())


def test_seeding_twice_changes_nothing():
    seed()
    counts = every_row_count()
    hashes = dict(User.objects.values_list("username", "password"))
    events = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))

    seed()

    assert every_row_count() == counts
    assert dict(User.objects.values_list("username", "password")) == hashes
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == events


def test_seed_keeps_a_demo_users_changed_password():
    # Given someone changed the officer's password after the first seed.
    seed()
    officer = User.objects.get(username="officer")
    officer.set_password("a-different-passphrase")
    officer.save(update_fields=["password"])

    seed()

    officer.refresh_from_db()
    assert officer.check_password("a-different-passphrase")
