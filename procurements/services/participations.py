"""Participation: the departments invited to a solicitation, and their answers. Every status
change is a move of Participation.lifecycle."""

from django.db import transaction

from departments.models import Department
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.clock import db_now
from p3hub.errors import ValidationFailed, get_or_not_found
from procurements.models import Participation, Solicitation
from procurements.services import notices
from procurements.services.common import (
    check_department,
    lock_solicitation,
    require_editable,
    require_officer,
)
from procurements.services.cost_splits import split_inputs_changed

lifecycle = Participation.lifecycle
ALREADY = {
    Participation.Status.INVITED: "is already invited",
    Participation.Status.JOINED: "has already joined",
    Participation.Status.DECLINED: "has already declined",
}


@transaction.atomic
def participation_invite(
    *, actor: TenantActor, solicitation: Solicitation, department: Department
) -> Participation:
    """An officer invites another department of the municipality to take part (again, if it
    was withdrawn)."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    department = check_department(actor, department, "department")
    existing = (
        Participation.objects.select_for_update()
        .filter(solicitation=solicitation, department=department)
        .first()
    )
    if existing is None:
        participation = lifecycle.create(
            solicitation=solicitation, department=department, invited_by=actor.user
        )
        actor.audit(Verb.PARTICIPATION_INVITE, solicitation, after={"department": department.code})
    else:
        if existing.status != Participation.Status.WITHDRAWN:
            message = f"{department.code} {ALREADY[existing.status]}."
            raise ValidationFailed(message, field="department")
        participation = lifecycle.apply(
            existing,
            "invite",
            actor=actor,
            changes={"invited_by": actor.user, "responded_by": None, "responded_at": None},
            details={"department": department.code},
        )
    participation.solicitation = solicitation
    notices.notify_invited(participation)
    return participation


def _lock_participation(actor, participation: Participation):
    # The solicitation first: another city's participation is NotFound (404) before any role
    # check could answer 403 and so confirm that it exists.
    solicitation = lock_solicitation(actor, participation.solicitation)
    participations = Participation.objects.select_for_update(of=("self",))
    locked = get_or_not_found(
        participations.select_related("department"), pk=participation.pk, solicitation=solicitation
    )
    locked.solicitation = solicitation
    return solicitation, locked


def _answer(actor, participation: Participation, move: str) -> Participation:
    solicitation, participation = _lock_participation(actor, participation)
    lifecycle.check(participation, move, actor)
    require_editable(solicitation)
    lifecycle.apply(
        participation,
        move,
        actor=actor,
        changes={"responded_by": actor.user, "responded_at": db_now()},
        details={"department": participation.department.code},
    )
    if move == "join":  # a decline leaves the split as it was
        split_inputs_changed(actor, solicitation, rebuild=False)
    notices.notify_answered(participation)
    return participation


@transaction.atomic
def participation_join(*, actor: TenantActor, participation: Participation) -> Participation:
    """A head or member of the invited department joins; an existing split must be redone."""
    return _answer(actor, participation, "join")


@transaction.atomic
def participation_decline(*, actor: TenantActor, participation: Participation) -> Participation:
    """A head or member of the invited department declines."""
    return _answer(actor, participation, "decline")


@transaction.atomic
def participation_withdraw(*, actor: TenantActor, participation: Participation) -> Participation:
    """An officer takes a department off the solicitation (never the lead); an existing split
    must be redone if it had joined."""
    require_officer(actor)
    solicitation, participation = _lock_participation(actor, participation)
    require_editable(solicitation)
    if participation.is_lead:
        raise ValidationFailed("The lead department always takes part.", field="department")
    was = participation.status
    lifecycle.apply(
        participation,
        "withdraw",
        actor=actor,
        details={"department": participation.department.code},
    )
    # Only a department that took part is in the split; withdrawing an invitation or a
    # declined department leaves the approvals standing.
    if was == Participation.Status.JOINED:
        split_inputs_changed(actor, solicitation, rebuild=False)
    notices.notify_removed(participation, had_joined=was == Participation.Status.JOINED)
    return participation
