"""Plumbing shared by the procurement services: locks, role checks, the status transition."""

from departments.models import Department
from departments.tenancy import TenantActor
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from procurements.models import Solicitation

Status = Solicitation.Status


def clean_text(value, *, field: str, limit: int, required: bool = False) -> str:
    """Stripped text of at most `limit` characters. Too long is refused, never cut: a cut
    reason or site would silently say something other than what was typed."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed("Enter text.", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationFailed("This field is required.", field=field, code="required")
    if len(value) > limit:
        raise ValidationFailed(f"At most {limit} characters.", field=field, code="max_length")
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here, not with a 500
        raise ValidationFailed("Remove the NUL character.", field=field)
    return value


def require_officer(actor: TenantActor) -> None:
    if not actor.is_officer:
        raise PermissionDenied("Only a procurement officer may do this.")


def require_head_of(actor: TenantActor, department: Department) -> None:
    if not actor.heads(department):
        raise PermissionDenied(f"Only the head of {department.code} may decide for it.")


def lock_solicitation(actor: TenantActor, solicitation: Solicitation) -> Solicitation:
    """Re-read and lock the solicitation, inside the actor's municipality.

    Lock order everywhere: solicitation, then split version, then decisions (STYLE.md 12), so
    an edit and an approval of the same solicitation run one after the other. `of=("self",)`:
    without it PostgreSQL also locks the joined municipality and department rows FOR UPDATE,
    which blocks every insert referencing them (foreign-key checks take KEY SHARE) and can
    deadlock against an audit append holding the chain lock.
    """
    try:
        return (
            Solicitation.objects.select_for_update(of=("self",))
            .select_related("municipality", "lead_department")
            .get(pk=solicitation.pk, municipality=actor.municipality)
        )
    except Solicitation.DoesNotExist:
        raise NotFound("Not found.") from None


def require_editable(solicitation: Solicitation) -> None:
    if solicitation.status not in Solicitation.EDITABLE:
        raise InvalidTransition(
            f"A {solicitation.get_status_display().lower()} solicitation cannot be changed "
            "this way; publish an addendum instead.",
            code="not_editable",
        )


def solicitation_transition(
    actor: TenantActor, solicitation: Solicitation, new_status: str, *, reason: str = ""
) -> None:
    """Move a locked solicitation along the transition table and record it."""
    old_status = solicitation.status
    if new_status not in Solicitation.TRANSITIONS[old_status]:
        raise InvalidTransition(
            f"A solicitation cannot go from {old_status} to {new_status}.",
            code="invalid_transition",
        )
    if old_status == new_status:
        return
    solicitation.status = new_status
    solicitation.save(update_fields=["status", "updated_at"])
    after = {"status": new_status} | ({"reason": reason} if reason else {})
    actor.audit("solicitation.status", solicitation, before={"status": old_status}, after=after)
