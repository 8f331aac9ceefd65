"""Every read of tenant data that depends on who asks. Scoped by the actor's municipality;
objects of another municipality raise the same NotFound as missing ones."""

from django.db.models import Prefetch, QuerySet

from departments.models import Department, Membership, Municipality, User
from departments.tenancy import TenantActor
from p3hub.errors import NotFound


def municipalities_public() -> QuerySet[Municipality]:
    """Every municipality, for the public home page: names and slugs are public."""
    return Municipality.objects.order_by("name")


def memberships_of(user) -> QuerySet[Membership]:
    """The user's own memberships across municipalities (for /api/v1/me/ and the home page)."""
    return Membership.objects.filter(user=user).select_related("municipality", "department")


def departments_for(actor: TenantActor) -> QuerySet[Department]:
    return Department.objects.filter(municipality=actor.municipality).order_by("code")


def department_get_for(actor: TenantActor, pk) -> Department:
    try:
        return departments_for(actor).get(pk=pk)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def department_heads_for(actor: TenantActor) -> QuerySet[Department]:
    """Departments with their heads prefetched: one query for departments, one for heads."""
    heads = Membership.objects.filter(role=Membership.Role.HEAD).select_related("user")
    return departments_for(actor).prefetch_related(
        Prefetch("memberships", queryset=heads, to_attr="head_memberships")
    )


def people_for(actor: TenantActor) -> QuerySet[User]:
    """People holding any role in the actor's municipality, with those roles prefetched."""
    roles = Membership.objects.filter(municipality=actor.municipality).select_related("department")
    return (
        User.objects.filter(memberships__municipality=actor.municipality)
        .distinct()
        .order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=roles, to_attr="tenant_memberships"))
    )


def person_get_for(actor: TenantActor, pk) -> User:
    try:
        return people_for(actor).get(pk=pk)
    except (User.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def membership_get_for(actor: TenantActor, pk) -> Membership:
    try:
        return Membership.objects.select_related("user", "department").get(
            pk=pk, municipality=actor.municipality
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None
