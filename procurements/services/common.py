"""Plumbing shared by the procurement services: role checks and the solicitation's lock."""

import datetime as dt

from departments.models import Department
from departments.selectors import department_named
from departments.tenancy import TenantActor
from p3hub.cleaning import REQUIRED
from p3hub.clock import db_now
from p3hub.errors import (
    InvalidTransition,
    PermissionDenied,
    ValidationFailed,
    get_or_not_found,
)
from procurements.models import OFFICERS_ONLY, Solicitation

Status = Solicitation.Status


def require_officer(actor: TenantActor) -> None:
    if not actor.is_officer:
        raise PermissionDenied(OFFICERS_ONLY)


def lock_solicitation(actor: TenantActor, solicitation: Solicitation) -> Solicitation:
    """Re-read and lock the solicitation, inside the actor's municipality.

    Lock order everywhere: solicitation, then split version, then shares (STYLE.md 12), so an
    edit and an approval of the same solicitation run one after the other. `of=("self",)`:
    without it PostgreSQL also locks the joined municipality and department rows FOR UPDATE,
    which blocks every insert referencing them (foreign-key checks take KEY SHARE) and can
    deadlock against an audit append holding the chain lock.
    """
    locked = Solicitation.objects.select_for_update(of=("self",)).select_related(
        "municipality", "lead_department"
    )
    return get_or_not_found(locked, pk=solicitation.pk, municipality=actor.municipality)


def require_editable(solicitation: Solicitation) -> None:
    if solicitation.status not in Solicitation.EDITABLE:
        raise InvalidTransition(
            f"A {solicitation.get_status_display().lower()} solicitation cannot be changed "
            "this way; publish an addendum instead.",
            code="not_editable",
        )


def check_department(actor: TenantActor, department, field: str) -> Department:
    """An active department of the actor's municipality, named by code or given."""
    department = department_named(actor, department, field=field)
    if department is None:
        raise ValidationFailed(REQUIRED, field=field, code="required")
    if not department.is_active:
        raise ValidationFailed(f"{department.code} is no longer active.", field=field)
    return department


def check_bidding_period(solicitation: Solicitation, *, now: dt.datetime | None = None) -> None:
    """The bid deadline, where set, is in the future and at least the municipality's minimum
    bidding period after the solicitation becomes public (its publish date, or now when it has
    none or that date has passed). Checked when dates are entered, when a split is proposed
    and at publishing, so nobody learns it after every head approved."""
    due = solicitation.bids_due_at
    if due is None:
        return
    now = now or db_now()
    if due <= now:
        raise ValidationFailed(
            "The bid deadline has passed: set a later bid deadline.",
            field="bids_due_at",
            code="deadline_passed",
        )
    days = solicitation.municipality.minimum_bidding_days
    publish_at = solicitation.publish_at
    public_from = publish_at if publish_at is not None and publish_at > now else now
    # A difference, not a sum: a publish date near the calendar's end must not overflow.
    if due - public_from < dt.timedelta(days=days):
        after = "the publish date" if public_from is publish_at else "today"
        raise ValidationFailed(
            f"The bid deadline must be at least {days} days after {after}: set a later bid "
            "deadline" + (" or an earlier publish date." if public_from is publish_at else "."),
            field="bids_due_at",
            code="bidding_period_too_short",
        )
