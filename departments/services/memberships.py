"""Roles: a tenant admin grants and revokes them, for people already of the municipality (new
people join by invitation, departments.services.invitations). Four eyes: nobody grants a role
to themselves. Revoking a person's last role deactivates them instead of forgetting them."""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from departments.models import Department, Membership, User
from departments.selectors import department_named
from departments.services.common import require_admin
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_choice
from p3hub.errors import NotFound, PermissionDenied, ValidationFailed, get_or_not_found

Role = Membership.Role
NOT_YOURSELF = "You cannot grant yourself a role: another tenant admin must."


def membership_snapshot(membership: Membership) -> dict:
    return {
        "user": membership.user.username,
        "role": membership.role,
        "department": membership.department.code if membership.department_id else None,
    }


def check_role(role: str, department, actor: TenantActor) -> Department | None:
    """The role and its department (named by code or given), as a membership stores them."""
    role = clean_choice(role, Role, field="role", message="“{value}” is not a role.")
    department = department_named(actor, department, field="department")
    if role in Membership.DEPARTMENT_ROLES and department is None:
        raise ValidationFailed(
            "A department head or member needs a department.", field="department"
        )
    if role not in Membership.DEPARTMENT_ROLES and department is not None:
        raise ValidationFailed(
            "Tenant admins and procurement officers act for the whole municipality.",
            field="department",
        )
    return department


def role_refusal(user: User) -> str | None:
    """Why `user` may hold no municipal role, or None. A vendor's account never does (it could
    approve a split its company bids on); the apps that know such accounts say so
    (settings.MUNICIPAL_ROLE_REFUSALS: callables returning a message or None), so departments
    imports no higher app."""
    for path in settings.MUNICIPAL_ROLE_REFUSALS:
        if message := import_string(path)(user):
            return message
    return None


def check_may_hold_a_role(user: User) -> None:
    if message := role_refusal(user):
        raise ValidationFailed(message, field="role", code="not_allowed")


def grant(actor: TenantActor, user: User, role: str, department) -> Membership:
    """A role for `user`, active (an inactive one of the same kind is activated again)."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        municipality=actor.municipality,
        role=role,
        department=department,
        defaults={"is_active": True},
    )
    if not created:
        if membership.is_active:
            raise ValidationFailed(f"{user.username} already holds this role.", field="role")
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    actor.audit(Verb.MEMBERSHIP_GRANT, obj=membership, after=membership_snapshot(membership))
    return membership


@transaction.atomic
def membership_grant(
    *, actor: TenantActor, user: User, role: str, department: Department | str | None = None
) -> Membership:
    """A tenant admin gives a person of the municipality another role (a department role
    names the department). Not to themselves (four eyes), not to a deactivated person (they
    are reactivated first) and never to a vendor's account."""
    require_admin(actor)
    department = check_role(role, department, actor)
    held = Membership.objects.filter(user=user, municipality=actor.municipality)
    if not held.exists():  # people join by invitation; nobody else is "found" here
        raise NotFound("Not found.")
    if user.pk == actor.user.pk:
        raise PermissionDenied(NOT_YOURSELF)
    if not held.filter(is_active=True).exists():
        raise ValidationFailed(
            f"{user.username} is deactivated here: reactivate them first.", field="role"
        )
    check_may_hold_a_role(user)
    return grant(actor, user, role, department)


def lock_active_admins(actor: TenantActor) -> list[Membership]:
    # order_by("pk"): Membership's default ordering joins the nullable department, and
    # PostgreSQL cannot lock the nullable side of an outer join; pk order is the lock order.
    return list(
        Membership.objects.select_for_update()
        .filter(municipality=actor.municipality, role=Role.ADMIN, is_active=True)
        .order_by("pk")
    )


def check_not_last_admin(actor: TenantActor, leaving: list[Membership]) -> None:
    """At least one active tenant admin stays, whatever the change takes away."""
    admins = {m.pk for m in lock_active_admins(actor)}
    if admins and admins <= {m.pk for m in leaving}:
        raise ValidationFailed(
            "A municipality needs at least one tenant admin.", field="role", code="last_admin"
        )


@transaction.atomic
def membership_revoke(*, actor: TenantActor, membership: Membership) -> None:
    """A tenant admin takes a role away. The last tenant admin cannot be removed. A person's
    last role is kept, inactive: the person is deactivated here and can be reactivated."""
    require_admin(actor)
    membership = get_or_not_found(
        Membership.objects.select_for_update(),
        pk=membership.pk,
        municipality=actor.municipality,
        is_active=True,
    )
    check_not_last_admin(actor, [membership])
    actor.audit(Verb.MEMBERSHIP_REVOKE, obj=membership, before=membership_snapshot(membership))
    others = Membership.objects.filter(
        user=membership.user_id, municipality=actor.municipality, is_active=True
    ).exclude(pk=membership.pk)
    if others.exists():
        membership.delete()
        return
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    actor.audit(
        Verb.PERSON_DEACTIVATE,
        obj=membership.user,
        before={"active": True},
        after={"active": False, "why": "last role revoked"},
    )
