"""Solicitations: create, edit, line items, criteria, participation, documents, publish, cancel."""

import datetime as dt
import hashlib
import itertools
from decimal import Decimal, InvalidOperation

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Now

from departments.models import Department
from departments.tenancy import TenantActor
from p3hub.clock import db_now
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from procurements.models import (
    Criterion,
    Document,
    LineItem,
    Participation,
    ReferenceCounter,
    Solicitation,
)
from procurements.services.common import (
    Status,
    clean_text,
    lock_solicitation,
    require_editable,
    require_officer,
    solicitation_transition,
)
from procurements.services.splits import (
    check_everyone_answered,
    check_split_publishable,
    split_inputs_changed,
)
from procurements.splits import MAX_TOTAL_MINOR, line_amount_minor

DATE_FIELDS = ("publish_at", "questions_due_at", "bids_due_at", "opening_at")
TEXT_LIMITS = {"title": 200, "description": 20_000}
MAX_QUANTITY = Decimal("99999999999")  # 14 digits, 3 decimals
MAX_UNIT_PRICE_MINOR = 10**15  # ten trillion dollars: anything above is a typo
MAX_LINE_AMOUNT_MINOR = 10**15  # quantity x unit price, likewise
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024


def _snapshot(solicitation: Solicitation) -> dict:
    return {
        "reference": solicitation.reference,
        "kind": solicitation.kind,
        "title": solicitation.title,
        "description": solicitation.description,
        "lead_department": solicitation.lead_department.code,
        **{name: getattr(solicitation, name) for name in DATE_FIELDS},
    }


def _clean_text(name: str, value: str, *, required: bool) -> str:
    return clean_text(value, field=name, limit=TEXT_LIMITS[name], required=required)


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


def _check_department(actor: TenantActor, department: Department, field: str) -> Department:
    if not isinstance(department, Department) or (
        department.municipality_id != actor.municipality.pk
    ):
        raise ValidationFailed("No such department.", field=field)
    if not department.is_active:
        raise ValidationFailed(f"{department.code} is no longer active.", field=field)
    return department


def _next_reference(actor: TenantActor) -> str:
    """RIV-2026-0007: the municipality's code, the local year, a number that no two
    concurrent creations share (the counter row is locked until the transaction ends)."""
    year = db_now().astimezone(actor.municipality.zone).year
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
    if kind not in Solicitation.Kind.values:
        raise ValidationFailed(f"“{kind}” is not RFP, IFB or RFQ.", field="kind")
    unknown = set(dates) - set(DATE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected arguments {sorted(unknown)}")
    solicitation = Solicitation(
        municipality=actor.municipality,
        kind=kind,
        title=_clean_text("title", title, required=True),
        description=_clean_text("description", description, required=False),
        lead_department=_check_department(actor, lead_department, "lead_department"),
        created_by=actor.user,
        **dates,
    )
    _check_dates(solicitation)
    solicitation.reference = _next_reference(actor)
    solicitation.save()
    Participation.objects.create(
        solicitation=solicitation,
        department=solicitation.lead_department,
        status=Participation.Status.JOINED,
        invited_by=actor.user,
        responded_by=actor.user,
        responded_at=db_now(),
    )
    actor.audit("solicitation.create", solicitation, after=_snapshot(solicitation))
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
        if name in TEXT_LIMITS:
            value = _clean_text(name, value, required=name == "title")
        elif name == "kind" and value not in Solicitation.Kind.values:
            raise ValidationFailed(f"“{value}” is not RFP, IFB or RFQ.", field="kind")
        elif name not in DATE_FIELDS and name != "kind":
            raise TypeError(f"unexpected argument {name!r}")
        setattr(solicitation, name, value)
    _check_dates(solicitation)
    after = _snapshot(solicitation)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        solicitation.save(update_fields=[*changed, "updated_at"])
        actor.audit(
            "solicitation.update",
            solicitation,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return solicitation


def _clean_quantity(quantity) -> Decimal:
    # A float has already lost the typed value (invariant 6): refuse it, never str() it.
    if isinstance(quantity, bool | float) or not isinstance(quantity, int | str | Decimal):
        raise ValidationFailed("Enter a number.", field="quantity")
    try:
        quantity = Decimal(quantity.strip() if isinstance(quantity, str) else quantity)
    except InvalidOperation:
        raise ValidationFailed("Enter a number.", field="quantity") from None
    if not quantity.is_finite() or quantity <= 0 or quantity > MAX_QUANTITY:
        raise ValidationFailed(
            f"Enter a quantity above zero and at most {MAX_QUANTITY}.", field="quantity"
        )
    if quantity != quantity.quantize(Decimal("0.001")):
        raise ValidationFailed("At most three decimal places.", field="quantity")
    return quantity


def _clean_line(description, quantity, unit, site, unit_price_minor) -> dict:
    description = clean_text(description, field="description", limit=300, required=True)
    quantity = _clean_quantity(quantity)
    if isinstance(unit_price_minor, bool) or not isinstance(unit_price_minor, int):
        raise ValidationFailed("Enter a price in whole cents.", field="estimated_unit_price")
    if not 0 <= unit_price_minor <= MAX_UNIT_PRICE_MINOR:
        raise ValidationFailed(
            f"Enter a price from zero up to {MAX_UNIT_PRICE_MINOR} cents.",
            field="estimated_unit_price",
        )
    if line_amount_minor(quantity, unit_price_minor) > MAX_LINE_AMOUNT_MINOR:
        raise ValidationFailed(
            "Quantity times unit price is implausibly large.", field="estimated_unit_price"
        )
    return {
        "description": description,
        "quantity": quantity,
        "unit": clean_text(unit, field="unit", limit=30) or "each",
        "site": clean_text(site, field="site", limit=200),
        "estimated_unit_price_minor": unit_price_minor,
    }


def _check_total(solicitation: Solicitation, fields: dict, *, replacing: int | None) -> None:
    """The solicitation's estimate stays within what a split version can store."""
    others = solicitation.line_items.exclude(pk=replacing).values_list(
        "quantity", "estimated_unit_price_minor"
    )
    total = sum(line_amount_minor(q, p) for q, p in others)
    total += line_amount_minor(fields["quantity"], fields["estimated_unit_price_minor"])
    if total > MAX_TOTAL_MINOR:
        raise ValidationFailed(
            "The line items together exceed the largest estimate we accept.",
            field="estimated_unit_price",
        )


def _line_snapshot(item: LineItem) -> dict:
    return {
        "line_item": item.pk,
        "description": item.description,
        "quantity": str(item.quantity),
        "unit": item.unit,
        "site": item.site,
        "estimated_unit_price_minor": item.estimated_unit_price_minor,
    }


@transaction.atomic
def line_item_add(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    description: str,
    quantity: Decimal,
    estimated_unit_price_minor: int,
    unit: str = "each",
    site: str = "",
) -> LineItem:
    """An officer adds a line item; once a split exists, this makes a new split version."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    fields = _clean_line(description, quantity, unit, site, estimated_unit_price_minor)
    _check_total(solicitation, fields, replacing=None)
    last = solicitation.line_items.order_by("-position").values_list("position", flat=True)
    item = LineItem.objects.create(
        solicitation=solicitation, position=(last.first() or 0) + 1, **fields
    )
    actor.audit("line_item.add", solicitation, after=_line_snapshot(item))
    split_inputs_changed(actor, solicitation, rebuild=True)
    return item


def _lock_line(actor, item: LineItem) -> tuple[Solicitation, LineItem]:
    solicitation = lock_solicitation(actor, item.solicitation)
    require_editable(solicitation)
    try:
        return solicitation, LineItem.objects.get(pk=item.pk, solicitation=solicitation)
    except LineItem.DoesNotExist:
        raise NotFound("Not found.") from None


@transaction.atomic
def line_item_update(*, actor: TenantActor, item: LineItem, **changes) -> LineItem:
    """An officer edits a line item; once a split exists, this makes a new split version."""
    require_officer(actor)
    solicitation, item = _lock_line(actor, item)
    before = _line_snapshot(item)
    editable = {"description", "quantity", "unit", "site", "estimated_unit_price_minor"}
    if set(changes) - editable:
        raise TypeError(f"unexpected arguments {sorted(set(changes) - editable)}")
    merged = {name: getattr(item, name) for name in editable} | changes
    fields = _clean_line(
        merged["description"],
        merged["quantity"],
        merged["unit"],
        merged["site"],
        merged["estimated_unit_price_minor"],
    )
    _check_total(solicitation, fields, replacing=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    after = _line_snapshot(item)
    if after == before:
        return item
    item.save(update_fields=list(fields))
    actor.audit("line_item.update", solicitation, before=before, after=after)
    split_inputs_changed(actor, solicitation, rebuild=True)
    return item


@transaction.atomic
def line_item_remove(*, actor: TenantActor, item: LineItem) -> None:
    """An officer removes a line item; once a split exists, this makes a new split version."""
    require_officer(actor)
    solicitation, item = _lock_line(actor, item)
    actor.audit("line_item.remove", solicitation, before=_line_snapshot(item))
    item.delete()
    split_inputs_changed(actor, solicitation, rebuild=True)


@transaction.atomic
def criteria_set(
    *, actor: TenantActor, solicitation: Solicitation, criteria: list[dict]
) -> list[Criterion]:
    """An officer replaces the evaluation criteria: weights total exactly 100 and exactly one
    criterion is price. Criteria do not touch the split, so approvals stand."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    cleaned = [_clean_criterion(index, entry) for index, entry in enumerate(criteria)]
    if not cleaned:
        raise ValidationFailed("Add at least one criterion.", field="criteria")
    if sum(c["weight"] for c in cleaned) != 100:
        total = sum(c["weight"] for c in cleaned)
        raise ValidationFailed(f"Weights total {total}; they must total 100.", field="criteria")
    if sum(c["is_price"] for c in cleaned) != 1:
        raise ValidationFailed("Exactly one criterion must be price.", field="criteria")
    before = list(solicitation.criteria.values("name", "weight", "is_price"))
    solicitation.criteria.all().delete()
    created = Criterion.objects.bulk_create(
        Criterion(solicitation=solicitation, position=i + 1, **c) for i, c in enumerate(cleaned)
    )
    actor.audit(
        "criteria.set", solicitation, before={"criteria": before}, after={"criteria": cleaned}
    )
    return created


def _clean_criterion(index: int, entry: dict) -> dict:
    field = f"criteria.{index}"
    if not isinstance(entry, dict):
        raise ValidationFailed("Each criterion has a name and a weight.", field=field)
    name = clean_text(entry.get("name"), field=f"{field}.name", limit=120, required=True)
    description = clean_text(entry.get("description"), field=f"{field}.description", limit=2000)
    weight = entry.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, int) or not 1 <= weight <= 100:
        raise ValidationFailed("A whole number from 1 to 100.", field=f"{field}.weight")
    return {
        "name": name,
        "description": description,
        "weight": weight,
        "is_price": entry.get("is_price") is True,
    }


@transaction.atomic
def participation_invite(
    *, actor: TenantActor, solicitation: Solicitation, department: Department
) -> Participation:
    """An officer invites another department of the municipality to take part."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    _check_department(actor, department, "department")
    participation, created = Participation.objects.get_or_create(
        solicitation=solicitation, department=department, defaults={"invited_by": actor.user}
    )
    if not created:
        raise ValidationFailed(f"{department.code} is already invited.", field="department")
    actor.audit("participation.invite", solicitation, after={"department": department.code})
    return participation


def _lock_participation(actor, participation: Participation):
    # The solicitation first: another city's participation is NotFound (404) before any role
    # check could answer 403 and so confirm that it exists.
    solicitation = lock_solicitation(actor, participation.solicitation)
    try:
        locked = (
            Participation.objects.select_for_update(of=("self",))
            .select_related("department")
            .get(pk=participation.pk, solicitation=solicitation)
        )
    except Participation.DoesNotExist:
        raise NotFound("Not found.") from None
    return solicitation, locked


def _answer(actor, participation: Participation, status: str) -> Participation:
    solicitation, participation = _lock_participation(actor, participation)
    department = participation.department
    if not any(m.department_id == department.pk for m in actor.memberships):
        raise PermissionDenied(f"Only people of {department.code} may answer for it.")
    require_editable(solicitation)
    if participation.status != Participation.Status.INVITED:
        raise InvalidTransition(
            f"{department.code} has already {participation.status}.", code="already_answered"
        )
    participation.status = status
    participation.responded_by = actor.user
    participation.responded_at = db_now()
    participation.save(update_fields=["status", "responded_by", "responded_at"])
    verb = (
        "participation.join" if status == Participation.Status.JOINED else "participation.decline"
    )
    actor.audit(verb, solicitation, after={"department": department.code})
    if status == Participation.Status.JOINED:  # a decline leaves the split as it was
        split_inputs_changed(actor, solicitation, rebuild=False)
    return participation


@transaction.atomic
def participation_join(*, actor: TenantActor, participation: Participation) -> Participation:
    """A head or member of the invited department joins; an existing split must be redone."""
    return _answer(actor, participation, Participation.Status.JOINED)


@transaction.atomic
def participation_decline(*, actor: TenantActor, participation: Participation) -> Participation:
    """A head or member of the invited department declines."""
    return _answer(actor, participation, Participation.Status.DECLINED)


@transaction.atomic
def participation_remove(*, actor: TenantActor, participation: Participation) -> None:
    """An officer withdraws a department (never the lead); an existing split must be redone."""
    require_officer(actor)
    solicitation, participation = _lock_participation(actor, participation)
    require_editable(solicitation)
    if participation.department_id == solicitation.lead_department_id:
        raise ValidationFailed("The lead department always takes part.", field="department")
    code, status = participation.department.code, participation.status
    participation.delete()
    actor.audit("participation.remove", solicitation, before={"department": code, "status": status})
    # Only a department that took part is in the split; withdrawing an invitation or a
    # declined department leaves the approvals standing.
    if status == Participation.Status.JOINED:
        split_inputs_changed(actor, solicitation, rebuild=False)


@transaction.atomic
def document_add(
    *, actor: TenantActor, solicitation: Solicitation, title: str, file: UploadedFile
) -> Document:
    """An officer attaches a document; it is public once the solicitation is."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    title = clean_text(title, field="title", limit=200, required=True)
    if file is None or file.size == 0:
        raise ValidationFailed("Choose a file.", field="file")
    if file.size > MAX_DOCUMENT_BYTES:
        raise ValidationFailed("Files are limited to 25 MB.", field="file")
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document = Document(
        solicitation=solicitation,
        title=title,
        size=file.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor.user,
    )
    document.file.save(file.name, file, save=False)
    document.save()
    actor.audit("document.add", solicitation, after={"title": title, "sha256": document.sha256})
    return document


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
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    if solicitation.status != Status.APPROVED:
        raise InvalidTransition(
            "Only an approved solicitation can be published.", code="not_approved"
        )
    check_split_publishable(solicitation)
    _check_ready_to_publish(solicitation)
    now = db_now()
    if solicitation.publish_at is None or solicitation.publish_at > now:
        solicitation.publish_at = now
    solicitation.published_at = now
    solicitation.save(update_fields=["publish_at", "published_at", "updated_at"])
    solicitation_transition(actor, solicitation, Status.PUBLISHED)
    return solicitation


@transaction.atomic
def solicitation_cancel(
    *, actor: TenantActor, solicitation: Solicitation, reason: str
) -> Solicitation:
    """An officer cancels before award, with a reason the public will see."""
    require_officer(actor)
    reason = clean_text(reason, field="reason", limit=5000, required=True)
    solicitation = lock_solicitation(actor, solicitation)
    solicitation.cancel_reason = reason
    solicitation_transition(actor, solicitation, Status.CANCELLED, reason=reason)
    solicitation.save(update_fields=["cancel_reason", "updated_at"])
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
            system = TenantActor(user=None, municipality=solicitation.municipality)
            solicitation_transition(system, solicitation, Status.CLOSED)
    return len(due)
