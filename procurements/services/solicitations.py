"""Solicitations: open a draft, edit it, publish (now or scheduled), cancel, and release and
close at the publish date and the bid deadline."""

import datetime as dt
import itertools
from typing import NamedTuple

from django.db import transaction
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone

from departments.models import Department
from departments.selectors import heads_of
from departments.tenancy import SystemActor, TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_choice, clean_text
from p3hub.clock import db_now
from p3hub.errors import ApplicationError, Checks, ValidationFailed
from p3hub.mail import email_people, site_link
from procurements.models import Participation, ReferenceCounter, Solicitation
from procurements.services.common import (
    Status,
    check_bidding_period,
    check_department,
    lock_solicitation,
    require_editable,
    require_officer,
)
from procurements.services.cost_splits import check_everyone_answered, check_split_publishable
from vendors.categories import Category

DATE_FIELDS = Solicitation.DATE_FIELDS
DATE_NAMES = {
    "publish_at": "publish date",
    "questions_due_at": "questions due date",
    "bids_due_at": "bid deadline",
    "opening_at": "opening date",
}
TEXT_LIMITS = {"title": 200, "description": 20_000}
KIND_REFUSED = "“{value}” is not RFP, IFB or RFQ."
CATEGORY_REFUSED = "“{value}” is not a category of work."
lifecycle = Solicitation.lifecycle


def _snapshot(solicitation: Solicitation) -> dict:
    return {
        "reference": solicitation.reference,
        "kind": solicitation.kind,
        "category": solicitation.category,
        "title": solicitation.title,
        "description": solicitation.description,
        "lead_department": solicitation.lead_department.code,
        **{name: getattr(solicitation, name) for name in DATE_FIELDS},
    }


def _clean(name: str, value):
    if name == "kind":
        return clean_choice(value, Solicitation.Kind, field="kind", message=KIND_REFUSED)
    if name == "category":
        if value in (None, ""):
            return ""  # not chosen: found by text and city, not by category
        return clean_choice(value, Category, field="category", message=CATEGORY_REFUSED)
    if name in TEXT_LIMITS:
        return clean_text(value, field=name, limit=TEXT_LIMITS[name], required=name == "title")
    if name in DATE_FIELDS:
        return value
    raise TypeError(f"unexpected argument {name!r}")


def _check_dates(solicitation: Solicitation) -> None:
    """Key dates, where given, must come in order: publish, questions, bids, opening; and the
    bidding period must be long enough. Every date at fault is named at once."""
    given = [(name, getattr(solicitation, name)) for name in DATE_FIELDS]
    given = [(name, value) for name, value in given if value is not None]
    checks = Checks()
    for name, value in given:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            checks.refuse("Give a date and time with a time zone.", field=name)
    checks.raise_any()
    check_dates_in_order(solicitation, checks)
    if not checks.refused("bids_due_at"):
        checks.run(check_bidding_period, solicitation)
    checks.raise_any()


def check_dates_in_order(solicitation: Solicitation, checks: Checks) -> None:
    """Refuse, on `checks`, each key date set before an earlier one (publish, questions,
    bids, opening); unset dates are skipped."""
    given = [(name, getattr(solicitation, name)) for name in DATE_FIELDS]
    given = [(name, value) for name, value in given if value is not None]
    for (earlier, first), (later, second) in itertools.pairwise(given):
        if second < first:
            checks.refuse(
                f"The {DATE_NAMES[later]} must not be before the {DATE_NAMES[earlier]}.",
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
    category: str = "",
    **dates: dt.datetime | None,
) -> Solicitation:
    """A procurement officer opens a draft; the lead department takes part from the start."""
    require_officer(actor)
    # Every input is checked before any is refused: the form shows all its errors at once.
    checks = Checks()
    cleaned = {
        "kind": checks.run(_clean, "kind", kind),
        "title": checks.run(_clean, "title", title),
        "description": checks.run(_clean, "description", description),
        "category": checks.run(_clean, "category", category),
        "lead_department": checks.run(check_department, actor, lead_department, "lead_department"),
    }
    dates = {name: _clean(name, value) for name, value in dates.items()}
    checks.run(_check_dates, Solicitation(municipality=actor.municipality, **dates))
    checks.raise_any()
    solicitation = Solicitation(
        municipality=actor.municipality, created_by=actor.user, **cleaned, **dates
    )
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
    """An officer edits the title, description, kind, category or key dates before publication.
    These do not touch the split, so approvals stand."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    before = _snapshot(solicitation)
    checks = Checks()
    for name, value in changes.items():
        cleaned = checks.run(_clean, name, value)
        if not checks.refused(name):
            setattr(solicitation, name, cleaned)
    dates_changed = any(getattr(solicitation, name) != before[name] for name in DATE_FIELDS)
    if dates_changed:
        checks.run(_check_dates, solicitation)
    checks.raise_any()
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


class Blocker(NamedTuple):
    """Why a solicitation cannot be published now, and the input to edit (or None)."""

    code: str
    message: str
    field: str | None


def _check_state(solicitation: Solicitation) -> None:
    if solicitation.status in (Status.DRAFT, Status.IN_APPROVAL):
        raise ValidationFailed(
            "Every participating department head must approve the current cost split.",
            field="cost_split",
            code="not_approved",
        )
    if solicitation.status != Status.APPROVED:
        label = solicitation.get_status_display().lower()
        raise ValidationFailed(f"This solicitation is {label}.", code="invalid_transition")


def _check_key_dates(solicitation: Solicitation) -> None:
    missing = [name for name in DATE_FIELDS[1:] if getattr(solicitation, name) is None]
    if missing:
        raise ValidationFailed("Set every key date before publishing.", field=missing[0])
    check_bidding_period(solicitation)


def _check_criteria(solicitation: Solicitation) -> None:
    weights = list(solicitation.criteria.values_list("weight", "is_price"))
    if sum(w for w, _ in weights) != 100 or sum(p for _, p in weights) != 1:
        raise ValidationFailed(
            "Evaluation criteria must total 100 with one price criterion.", field="criteria"
        )


# What publishing needs besides the state and the split, in the order they are reported.
# An invited department could otherwise never join: published is not editable.
READY_CHECKS = (_check_key_dates, _check_criteria, check_everyone_answered)


def publish_blockers(solicitation: Solicitation) -> list[Blocker]:
    """Everything that stops the solicitation from being published now, each with the input to
    edit: the one answer to "can it be published" for the status panel, the confirm page and
    the API. Empty: it can be."""
    found = []
    for check in (_check_state, _check_split_read_only, *READY_CHECKS):
        if check is _check_split_read_only and found and found[0].code == "not_approved":
            continue  # one message for "the heads have not approved yet"
        try:
            check(solicitation)
        except ApplicationError as error:
            field = "cost_split" if check is _check_split_read_only else error.field
            found.append(Blocker(error.code, error.message, field))
    return found


def _check_split_read_only(solicitation: Solicitation) -> None:
    check_split_publishable(solicitation, lock=False)  # a read locks nothing


@transaction.atomic
def solicitation_publish(*, actor: TenantActor, solicitation: Solicitation) -> Solicitation:
    """An officer publishes: only an approved solicitation whose current split every
    participating department approved, and whose shares add up exactly (invariant 4).

    Before its publish date it is scheduled: public from that date by the database clock
    (selectors.with_status_now), recorded later by beat (`solicitations_release_due`). The
    publish date is kept as entered; set to now only when there is none."""
    solicitation = lock_solicitation(actor, solicitation)
    lifecycle.check(solicitation, "publish", actor)
    check_split_publishable(solicitation)
    for check in READY_CHECKS:
        check(solicitation)
    now = db_now()
    publish_at = solicitation.publish_at
    if publish_at is not None and publish_at > now:
        lifecycle.apply(solicitation, "schedule", actor=actor, changes={"published_at": publish_at})
        notify_heads(solicitation, "scheduled")
        return solicitation
    lifecycle.apply(
        solicitation,
        "publish",
        actor=actor,
        changes={"publish_at": publish_at or now, "published_at": now},
    )
    notify_heads(solicitation, "published")
    return solicitation


def _notify(solicitation: Solicitation, event: str, people) -> int:
    """E-mail `people` about `event` once each (the key), after commit, in the zone."""
    municipality = solicitation.municipality
    slug = municipality.slug
    with timezone.override(municipality.zone):
        return email_people(
            key=f"solicitation-{event}:{solicitation.pk}",
            people=people,
            template=f"procurements/email/solicitation_{event}",
            context={
                "solicitation": solicitation,
                "municipality": municipality,
                "public_link": site_link(
                    reverse("solicitation-public", args=[slug, solicitation.reference])
                ),
                "manage_link": site_link(
                    reverse("solicitation-manage", args=[slug, solicitation.reference])
                ),
            },
            municipality=municipality,
        )


def notify_heads(solicitation: Solicitation, event: str) -> int:
    return _notify(solicitation, event, heads_of(solicitation.joined_departments()))


def cancel_recipients(solicitation: Solicitation) -> list:
    """Whom a cancellation is told to: the heads of the joined departments and the officer who
    created it, each once."""
    people = list(heads_of(solicitation.joined_departments()).order_by("pk"))
    creator = solicitation.created_by
    if creator.is_active and all(person.pk != creator.pk for person in people):
        people.append(creator)
    return people


@transaction.atomic
def solicitation_cancel(
    *, actor: TenantActor, solicitation: Solicitation, reason: str
) -> Solicitation:
    """An officer cancels before award, with a reason the public will see: a solicitation that
    was ever public stays public with the notice (selectors.solicitations_public)."""
    solicitation = lock_solicitation(actor, solicitation)
    lifecycle.check(solicitation, "cancel", actor)
    reason = clean_text(reason, field="reason", limit=5000, required=True)
    now = db_now()
    changes = {"cancel_reason": reason, "cancelled_at": now}
    if solicitation.published_at is not None and solicitation.published_at > now:
        changes["published_at"] = None  # scheduled, never public: it stays hidden
    lifecycle.apply(
        solicitation, "cancel", actor=actor, changes=changes, details={"reason": reason}
    )
    notify_cancelled(solicitation)
    return solicitation


def notify_cancelled(solicitation: Solicitation) -> int:
    return _notify(solicitation, "cancelled", cancel_recipients(solicitation))


def _system(solicitation: Solicitation) -> SystemActor:
    return SystemActor(solicitation.municipality)


def solicitations_release_due(*, batch: int = 500) -> int:
    """Record `published` for scheduled solicitations whose publish date has passed by the
    database clock. Reads already show them public; this writes down what the clock decided,
    with the audit event, and tells the heads. Idempotent like the close sweep: SKIP LOCKED,
    and each row moves once, by whoever holds its lock."""
    with transaction.atomic():
        due = list(
            Solicitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.SCHEDULED, next_check_at__lte=Now())
            .select_related("municipality", "created_by")
            .order_by("next_check_at", "pk")[:batch]
        )
        for solicitation in due:
            lifecycle.apply(solicitation, "release", actor=_system(solicitation))
            notify_heads(solicitation, "published")
    return len(due)


def solicitations_close_due(*, batch: int = 500) -> int:
    """Record `closed` for published solicitations whose bid deadline has passed by the
    database clock. Reads already show them closed (selectors.with_status_now); this only
    writes down what the clock decided, with the audit event. Beat runs it; running it twice,
    or on two workers at once, is harmless: rows are taken with SKIP LOCKED and each is moved
    once, by whoever holds its lock. A scheduled one whose deadline passed with no worker
    running is released first (two events, as the clock saw them)."""
    with transaction.atomic():
        due = list(
            Solicitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                status__in=(Status.PUBLISHED, Status.SCHEDULED),
                next_check_at__lte=Now(),
                bids_due_at__lte=Now(),
            )
            .select_related("municipality", "created_by")
            .order_by("bids_due_at", "pk")[:batch]
        )
        for solicitation in due:
            if solicitation.status == Status.SCHEDULED:
                lifecycle.apply(solicitation, "release", actor=_system(solicitation))
                notify_heads(solicitation, "published")
            lifecycle.apply(solicitation, "close", actor=_system(solicitation))
    return len(due)
