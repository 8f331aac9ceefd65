"""Solicitations: open a draft, edit it, publish, cancel, and close at the bid deadline."""

import datetime as dt
import itertools

from django.db import transaction
from django.db.models.functions import Now

from departments.models import Department
from departments.tenancy import SystemActor, TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_choice, clean_text
from p3hub.clock import db_now
from p3hub.errors import ValidationFailed
from procurements.models import Participation, ReferenceCounter, Solicitation
from procurements.services.common import (
    Status,
    check_department,
    lock_solicitation,
    require_editable,
    require_officer,
)
from procurements.services.cost_splits import check_everyone_answered, check_split_publishable

DATE_FIELDS = Solicitation.DATE_FIELDS
TEXT_LIMITS = {"title": 200, "description": 20_000}
KIND_REFUSED = "“{value}” is not RFP, IFB or RFQ."
lifecycle = Solicitation.lifecycle


def _snapshot(solicitation: Solicitation) -> dict:
    return {
        "reference": solicitation.reference,
        "kind": solicitation.kind,
        "title": solicitation.title,
        "description": solicitation.description,
        "lead_department": solicitation.lead_department.code,
        **{name: getattr(solicitation, name) for name in DATE_FIELDS},
    }


def _clean(name: str, value):
    if name == "kind":
        return clean_choice(value, Solicitation.Kind, field="kind", message=KIND_REFUSED)
    if name in TEXT_LIMITS:
        return clean_text(value, field=name, limit=TEXT_LIMITS[name], required=name == "title")
    if name in DATE_FIELDS:
        return value
    raise TypeError(f"unexpected argument {name!r}")


def _check_dates(solicitation: Solicitation) -> None:
    """Key dates, where given, must come in order: publish, questions, bids, opening."""
    given = [(name, getattr(solicitation, name)) for name in DATE_FIELDS]
    given = [(name, value) for name, value in given if value is not None]
    for name, value in given:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValidationFailed("Give a date and time with a time zone.", field=name)
    for (earlier, first), (later, second) in itertools.pairwise(given):
        if second < first:
            label = later.removesuffix("_at").replace("_", " ")
            raise ValidationFailed(
                f"The {label} date must not be before the {earlier.removesuffix('_at')} date.",
                field=later,
                code="date_order",
            )


def _next_reference(actor: TenantActor) -> str:
    """RIV-2026-0007: the municipality's code, the local year, a number that no two
    concurrent creations share (the counter row is locked until the transaction ends)."""
    year = db_now().astimezone(actor.zone).year
    ReferenceCounter.objects.get_or_create(municipality=actor.municipality, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(
        municipality=actor.municipality, year=year
    )
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{actor.municipality.code}-{year}-{counter.last_number:04d}"


@transaction.atomic
def solicitation_create(
    *,
    actor: TenantActor,
    kind: str,
    title: str,
    lead_department: Department,
    description: str = "",
    **dates: dt.datetime | None,
) -> Solicitation:
    """A procurement officer opens a draft; the lead department takes part from the start."""
    require_officer(actor)
    fields = {name: _clean(name, value) for name, value in dates.items()}
    solicitation = Solicitation(
        municipality=actor.municipality,
        kind=_clean("kind", kind),
        title=_clean("title", title),
        description=_clean("description", description),
        lead_department=check_department(actor, lead_department, "lead_department"),
        created_by=actor.user,
        **fields,
    )
    _check_dates(solicitation)
    solicitation.reference = _next_reference(actor)
    solicitation.save()
    Participation.lifecycle.create(
        status=Participation.Status.JOINED,
        solicitation=solicitation,
        department=solicitation.lead_department,
        invited_by=actor.user,
        responded_by=actor.user,
        responded_at=db_now(),
    )
    actor.audit(Verb.SOLICITATION_CREATE, solicitation, after=_snapshot(solicitation))
    return solicitation


@transaction.atomic
def solicitation_update(
    *, actor: TenantActor, solicitation: Solicitation, **changes
) -> Solicitation:
    """An officer edits the title, description, kind or key dates before publication.
    These do not touch the split, so approvals stand."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    before = _snapshot(solicitation)
    for name, value in changes.items():
        setattr(solicitation, name, _clean(name, value))
    _check_dates(solicitation)
    after = _snapshot(solicitation)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        solicitation.save(update_fields=[*changed, "updated_at"])
        actor.audit(
            Verb.SOLICITATION_UPDATE,
            solicitation,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return solicitation


def _check_ready_to_publish(solicitation: Solicitation) -> None:
    missing = [name for name in DATE_FIELDS[1:] if getattr(solicitation, name) is None]
    if missing:
        raise ValidationFailed("Set every key date before publishing.", field=missing[0])
    if solicitation.bids_due_at <= db_now():
        raise ValidationFailed("The bid deadline has passed.", field="bids_due_at")
    weights = list(solicitation.criteria.values_list("weight", "is_price"))
    if sum(w for w, _ in weights) != 100 or sum(p for _, p in weights) != 1:
        raise ValidationFailed(
            "Evaluation criteria must total 100 with one price criterion.", field="criteria"
        )
    # An invited department could otherwise never join: published is not editable.
    check_everyone_answered(solicitation)


@transaction.atomic
def solicitation_publish(*, actor: TenantActor, solicitation: Solicitation) -> Solicitation:
    """An officer publishes: only an approved solicitation whose current split every
    participating department approved, and whose shares add up exactly (invariant 4)."""
    solicitation = lock_solicitation(actor, solicitation)
    lifecycle.check(solicitation, "publish", actor)
    check_split_publishable(solicitation)
    _check_ready_to_publish(solicitation)
    now = db_now()
    publish_at = solicitation.publish_at
    if publish_at is None or publish_at > now:
        publish_at = now
    lifecycle.apply(
        solicitation,
        "publish",
        actor=actor,
        changes={"publish_at": publish_at, "published_at": now},
    )
    return solicitation


@transaction.atomic
def solicitation_cancel(
    *, actor: TenantActor, solicitation: Solicitation, reason: str
) -> Solicitation:
    """An officer cancels before award, with a reason the public will see."""
    solicitation = lock_solicitation(actor, solicitation)
    lifecycle.check(solicitation, "cancel", actor)
    reason = clean_text(reason, field="reason", limit=5000, required=True)
    lifecycle.apply(
        solicitation,
        "cancel",
        actor=actor,
        changes={"cancel_reason": reason},
        details={"reason": reason},
    )
    return solicitation


def solicitations_close_due(*, batch: int = 500) -> int:
    """Record `closed` for published solicitations whose bid deadline has passed by the
    database clock. Reads already show them closed (selectors.with_status_now); this only
    writes down what the clock decided, with the audit event. Beat runs it; running it twice,
    or on two workers at once, is harmless: rows are taken with SKIP LOCKED and each is moved
    once, by whoever holds its lock."""
    with transaction.atomic():
        due = list(
            Solicitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.PUBLISHED, bids_due_at__lte=Now())
            .select_related("municipality")
            .order_by("bids_due_at", "pk")[:batch]
        )
        for solicitation in due:
            lifecycle.apply(solicitation, "close", actor=SystemActor(solicitation.municipality))
    return len(due)
