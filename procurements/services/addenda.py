"""Addenda: the officer publishes a numbered change to a solicitation open for bids (text,
documents, a later bid deadline with the other key dates kept in order, changed line items);
every company that follows it is e-mailed; each company acknowledges each addendum. The bids
issue counts a bid only when its company acknowledged every addendum (`acknowledged_by`)."""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import Checks, InvalidTransition, ValidationFailed
from p3hub.files import DOCUMENT_KINDS, check_upload, store_upload
from p3hub.formatting import format_datetime
from p3hub.mail import email_people
from procurements.models import Acknowledgement, Addendum, Bid, Document, Solicitation
from procurements.services.common import lock_solicitation, require_officer
from procurements.services.line_items import clean_quantity
from procurements.services.questions import solicitation_follow, solicitation_links
from procurements.services.solicitations import check_dates_in_order
from vendors.actor import VendorActor
from vendors.selectors import users_of_companies

Status = Solicitation.Status
# The key dates an addendum may move; the publish date has passed.
MOVABLE_DATES = ("questions_due_at", "bids_due_at", "opening_at")
MAX_DOCUMENTS = 10
BIDDING_CLOSED = (
    "Addenda are published while bidding is open: this solicitation is no longer open for bids."
)
ACKNOWLEDGE_CLOSED = "Bidding has closed: addenda can no longer be acknowledged."


def open_for_bids(solicitation: Solicitation, now: dt.datetime) -> bool:
    """Published (or released by the clock) and before its bid deadline, by `now`."""
    released = solicitation.status == Status.SCHEDULED and (
        solicitation.publish_at is not None and solicitation.publish_at <= now
    )
    live = solicitation.status == Status.PUBLISHED or released
    return live and (solicitation.bids_due_at is None or solicitation.bids_due_at > now)


def _check_dates(solicitation: Solicitation, dates: dict, now: dt.datetime, checks: Checks) -> dict:
    """The key dates the addendum moves, as {field: [before, after]}: the bid deadline only
    later, none into the past, every date still in order (checked on `solicitation`, which
    takes the new dates)."""
    moved = {}
    for name in MOVABLE_DATES:
        value = dates.get(name)
        if value is None or value == getattr(solicitation, name):
            continue
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            checks.refuse("Give a date and time with a time zone.", field=name)
            continue
        if value <= now:
            checks.refuse("Choose a date and time in the future.", field=name, code="past")
            continue
        current = getattr(solicitation, name)
        if name == "bids_due_at" and current is not None and value < current:
            shown = format_datetime(current, solicitation.municipality)
            checks.refuse(
                f"An addendum may only move the bid deadline later than {shown}.",
                field=name,
                code="earlier_deadline",
            )
            continue
        moved[name] = [current, value]
        setattr(solicitation, name, value)
    if moved:
        check_dates_in_order(solicitation, checks)
    return moved


def _line_changes(solicitation: Solicitation, changes, checks: Checks) -> list[tuple]:
    """[(line item, {field: new value})] for each change to a line item's description or
    quantity, named by its position; a refusal names the line."""
    if not changes:
        return []
    if not isinstance(changes, list | tuple):
        checks.refuse("Give the line item changes as a list.", field="line_items")
        return []
    lines = {line.position: line for line in solicitation.line_items.all()}
    found = []
    for change in changes:
        if not isinstance(change, dict):
            checks.refuse("Give each line item change as an object.", field="line_items")
            continue
        line = lines.get(change.get("position"))
        if line is None:
            checks.refuse(
                f"There is no line item {str(change.get('position'))[:10]}.", field="line_items"
            )
            continue
        new = {}
        try:
            if change.get("description") not in (None, ""):
                new["description"] = clean_text(
                    change["description"], field="line_items", limit=300, required=True
                )
            if change.get("quantity") not in (None, ""):
                new["quantity"] = clean_quantity(change["quantity"])
        except ValidationFailed as error:
            checks.refuse(f"Line item {line.position}: {error.message}", field="line_items")
            continue
        new = {name: value for name, value in new.items() if value != getattr(line, name)}
        if new:
            found.append((line, new))
    return found


def _documents(files: Sequence[UploadedFile], checks: Checks) -> list:
    if len(files) > MAX_DOCUMENTS:
        checks.refuse(f"Attach at most {MAX_DOCUMENTS} documents.", field="documents")
        return []
    return [
        checks.run(
            check_upload,
            file,
            field="documents",
            allowed=DOCUMENT_KINDS,
            max_bytes=settings.UPLOAD_MAX_BYTES,
        )
        for file in files
    ]


def _shown(value) -> str:
    """A recorded value as text: a moment in ISO 8601, a quantity without trailing zeros."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@transaction.atomic
def addendum_publish(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    title,
    text,
    line_items=None,
    documents: Sequence[UploadedFile] = (),
    **dates,
) -> Addendum:
    """An officer publishes the next addendum to a solicitation open for bids (by the database
    clock): `title` and `text`; optionally new `questions_due_at`, `bids_due_at` (later only)
    and `opening_at`, `line_items` changes ([{"position", "description", "quantity"}]) and
    `documents`. Every input at fault is named at once; nothing changes unless all pass."""
    require_officer(actor)
    if set(dates) - set(MOVABLE_DATES):
        raise TypeError(f"unexpected arguments {sorted(set(dates) - set(MOVABLE_DATES))}")
    solicitation = lock_solicitation(actor, solicitation)
    now = db_now()
    if not open_for_bids(solicitation, now):
        raise InvalidTransition(BIDDING_CLOSED, code="bidding_closed")
    checks = Checks()
    title = checks.run(clean_text, title, field="title", limit=200, required=True)
    text = checks.run(clean_text, text, field="text", limit=20_000, required=True)
    moved = _check_dates(solicitation, dates, now, checks)
    lines = _line_changes(solicitation, line_items, checks)
    uploads = _documents(list(documents or ()), checks)
    checks.raise_any()
    changes = {}
    if moved:
        solicitation.save(update_fields=[*moved, "updated_at"])
        changes["dates"] = {name: [_shown(v) for v in pair] for name, pair in moved.items()}
    if lines:
        changes["line_items"] = _apply_line_changes(lines)
        _send_bids_back(actor, solicitation)
    number = (solicitation.addenda.aggregate(last=Max("number"))["last"] or 0) + 1
    addendum = Addendum.objects.create(
        solicitation=solicitation,
        number=number,
        title=title,
        text=text,
        changes=changes,
        published_at=now,
        published_by=actor.user,
    )
    for upload in uploads:
        _attach(addendum, upload, actor)
    actor.audit(
        Verb.ADDENDUM_PUBLISH,
        solicitation,
        after={"number": number, "title": title, "changes": changes},
    )
    transaction.on_commit(lambda: notify_followers(addendum.pk))
    return addendum


def _apply_line_changes(lines: list[tuple]) -> list[dict]:
    recorded = []
    for line, new in lines:
        before = {name: _shown(getattr(line, name)) for name in new}
        for name, value in new.items():
            setattr(line, name, value)
        line.save(update_fields=list(new))
        recorded.append(
            {
                "position": line.position,
                "before": before,
                "after": {name: _shown(value) for name, value in new.items()},
            }
        )
    return recorded


def _send_bids_back(actor: TenantActor, solicitation: Solicitation) -> None:
    """Line items changed: every submitted bid priced what no longer is, and must be
    submitted again (its company sees it; its prices stay sealed)."""
    for bid in solicitation.bids.filter(status=Bid.Status.SUBMITTED).order_by("pk"):
        Bid.lifecycle.apply(bid, "invalidate", actor=actor)


def _attach(addendum: Addendum, upload, actor: TenantActor) -> Document:
    return store_upload(
        Document(),
        upload,
        solicitation=addendum.solicitation,
        addendum=addendum,
        title=f"Addendum {addendum.number}: {upload.display_name}"[:200],
        uploaded_by=actor.user,
    )


def notify_followers(addendum_pk: int) -> int:
    """E-mail the addendum to the followers' users, at most once per person (a retry, or a
    second call, sends nothing more). Returns how many were queued."""
    addendum = Addendum.objects.select_related("solicitation__municipality").get(pk=addendum_pk)
    solicitation = addendum.solicitation
    return email_people(
        key=f"addendum-published:{addendum.pk}",
        people=users_of_companies(solicitation.follows.values_list("vendor_id", flat=True)),
        template="procurements/email/addendum_published",
        context={
            "addendum": addendum,
            "solicitation": solicitation,
            "link": solicitation_links(solicitation)["vendor_link"] + "#addenda",
        },
        municipality=solicitation.municipality,
    )


@transaction.atomic
def addendum_acknowledge(*, actor: VendorActor, addendum: Addendum) -> Acknowledgement:
    """The company acknowledges `addendum` (who, and when by the database clock) while
    bidding is open; acknowledging again keeps the first acknowledgement. Acknowledging
    follows the solicitation, so later addenda reach the company too."""
    solicitation = Solicitation.objects.select_for_update(of=("self",)).get(
        pk=addendum.solicitation_id
    )
    existing = Acknowledgement.objects.filter(addendum=addendum, vendor=actor.vendor).first()
    if existing is not None:
        return existing
    now = db_now()
    if not open_for_bids(solicitation, now):
        raise InvalidTransition(ACKNOWLEDGE_CLOSED, code="bidding_closed")
    try:
        with transaction.atomic():
            acknowledgement = Acknowledgement.objects.create(
                addendum=addendum,
                vendor=actor.vendor,
                acknowledged_by=actor.user,
                acknowledged_at=now,
            )
    except IntegrityError:  # a colleague acknowledged it a moment ago
        return Acknowledgement.objects.get(addendum=addendum, vendor=actor.vendor)
    solicitation_follow(actor=actor, solicitation=solicitation)
    actor.audit(
        Verb.ADDENDUM_ACKNOWLEDGE,
        solicitation,
        after={"number": addendum.number},
        municipality=solicitation.municipality,
    )
    return acknowledgement


def unacknowledged_addenda(solicitation: Solicitation, vendor) -> list[int]:
    """The numbers of `solicitation`'s addenda `vendor` has not acknowledged: what the bids
    issue checks before a bid counts."""
    return list(
        solicitation.addenda.exclude(acknowledgements__vendor=vendor)
        .order_by("number")
        .values_list("number", flat=True)
    )
