"""The opening of the bids (DESIGN.md 4, 5.3, 5.9; STYLE.md 10): at the opening time the
chronograph records `closed` and starts the opening; an officer may start it from the
workspace once the deadline has passed (a public opening held in a room). The opening
decrypts every submitted bid once, checks it against the SHA-256 its receipt gave the
company, writes the opened prices and total down, and then records the solicitation
`opened`: from then on the tabulation is shown to staff and bidders (and the public, by the
municipality's setting).

Closing and starting take the solicitation's row exclusively (bids hold it in share mode while
they check the deadline), so once it is `closed` no bid can commit any more and the set of
bids to open is final. The bids are then opened in batches, each taken with SKIP LOCKED, so
the page can show progress and a second run (a task delivered twice, two workers, the beat
retrying after a crash) opens only what is left: each bid is opened once and each e-mail is
sent once (its key).

One audit event records the opening (how many bids and the SHA-256 over their receipts), not
one per bid: the bids' receipts are in the chain already, and ten thousand events would make
the opening wait on the chain's lock for each.
"""

import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from departments.selectors import heads_of
from departments.tenancy import SystemActor, TenantActor, tenant_actor_for
from p3hub.clock import db_now
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied
from p3hub.formatting import format_datetime
from p3hub.mail import email_people, site_link
from procurements import vault
from procurements.models import Bid, BidOpening, BidRevision, Solicitation
from procurements.services.bids import priced_lines
from vendors.selectors import users_of_companies

Status = Solicitation.Status
lifecycle = Solicitation.lifecycle
BATCH = 500
OFFICERS_OPEN = "Only a procurement officer can open the bids."


def _deadline_message(solicitation: Solicitation) -> str:
    due = format_datetime(solicitation.bids_due_at, solicitation.municipality, zone=True)
    return f"The bids can be opened once the bid deadline has passed, at {due}."


def _lock(solicitation_pk: int) -> Solicitation:
    locked = Solicitation.objects.select_for_update(of=("self",)).select_related("municipality")
    return locked.get(pk=solicitation_pk)


def _close_if_due(solicitation: Solicitation, now) -> None:
    """Record `closed` for a published solicitation past its deadline (no worker did yet)."""
    if solicitation.status == Status.PUBLISHED and solicitation.bids_due_at <= now:
        lifecycle.apply(solicitation, "close", actor=SystemActor(solicitation.municipality))


def opening_check(*, actor: TenantActor, solicitation: Solicitation):
    """Whether `actor` may open `solicitation`'s bids now (the confirm step asks before the
    button is pressed; opening_start asks again under the lock): an officer, or the system,
    once the bid deadline has passed by the database clock. Returns that clock's time."""
    if not (actor.is_system or actor.is_officer):
        raise PermissionDenied(OFFICERS_OPEN)
    now = db_now()
    if solicitation.status == Status.PUBLISHED and solicitation.bids_due_at > now:
        raise InvalidTransition(_deadline_message(solicitation), code="deadline_not_passed")
    return now


def opening_start(*, actor: TenantActor, solicitation: Solicitation) -> BidOpening:
    """Start the opening of `solicitation`'s bids (an officer, or the chronograph as the
    SystemActor), once the deadline has passed by the database clock; starting it again
    returns the same opening. The work runs in a Celery task after commit."""
    with transaction.atomic():
        try:
            held = _lock(solicitation.pk)
        except Solicitation.DoesNotExist:
            raise NotFound("Not found.") from None
        if held.municipality_id != actor.municipality.pk:
            raise NotFound("Not found.")
        now = opening_check(actor=actor, solicitation=held)
        existing = BidOpening.objects.filter(solicitation=held).first()
        if existing is not None:
            if existing.finished_at is None:
                transaction.on_commit(lambda: _run_later(held.pk), robust=True)
            return existing
        _close_if_due(held, now)
        lifecycle.check(held, "open", actor)
        opening = BidOpening.objects.create(
            solicitation=held,
            requested_by=actor.user,
            requested_at=now,
            bids_total=held.bids.filter(status=Bid.Status.SUBMITTED).count(),
        )
        transaction.on_commit(lambda: _run_later(held.pk), robust=True)
        return opening


def _run_later(solicitation_pk: int) -> None:
    from procurements.tasks import bids_open

    bids_open.delay(solicitation_pk)


def opening_run(solicitation_pk: int, *, batch: int = BATCH) -> BidOpening | None:
    """The task's body: open what is left of the bids, batch by batch, then record the
    solicitation opened. Safe to run twice or on two workers at once."""
    opening = (
        BidOpening.objects.select_related("solicitation__municipality")
        .filter(solicitation_id=solicitation_pk)
        .first()
    )
    if opening is None or opening.finished_at is not None:
        return opening
    reader = vault.OpeningReader(opening.solicitation)
    while _open_batch(opening, reader, batch):
        pass
    _finish(opening)
    opening.refresh_from_db()
    return opening


@dataclass
class OpenedBid:
    """One bid as the opening read it (its latest revision, sealed) and wrote it down."""

    pk: int
    revision: int
    sealed: bytes
    receipt_sha256: str
    content: dict | None = None
    canonical: str = ""  # the content's canonical JSON, as stored
    total_minor: int | None = None
    receipt_matches: bool | None = None


@sensitive_variables()
def _open_batch(opening: BidOpening, reader: vault.OpeningReader, batch: int) -> int:
    """Open up to `batch` submitted bids no one else is opening; how many were opened. The
    rows are read as plain values (no model instances: at ten thousand bids, building them
    cost more than decrypting)."""
    solicitation = opening.solicitation
    with transaction.atomic():
        rows = (
            Bid.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                solicitation=solicitation,
                status__in=Bid.lifecycle["open"].sources,
                revisions__number=F("revision"),
            )
            .order_by("pk")
            .values_list(
                "pk", "revisions__number", "revisions__sealed_content", "revisions__content_sha256"
            )[:batch]
        )
        bids = [OpenedBid(*row) for row in rows]
        if not bids:
            return 0
        line_items = list(solicitation.line_items.all())
        for bid in bids:
            _open_one(bid, reader, line_items)
        _store_opened(bids)
        BidOpening.objects.filter(pk=opening.pk).update(bids_opened=F("bids_opened") + len(bids))
    return len(bids)


@sensitive_variables()
def _open_one(bid: OpenedBid, reader: vault.OpeningReader, line_items) -> None:
    """Decrypt the bid, price it and check it against its receipt."""
    plaintext = reader.plaintext(bid.pk, bid.sealed, revision=bid.revision)
    content = json.loads(plaintext)
    prices = {str(line["position"]): line["unit_price_minor"] for line in content["lines"]}
    _rows, bid.total_minor = priced_lines(line_items, prices)
    bid.content, bid.canonical = content, plaintext.decode()
    # The receipt's SHA-256 is of the canonical bytes, which are what was sealed.
    bid.receipt_matches = hashlib.sha256(plaintext).hexdigest() == bid.receipt_sha256


@sensitive_variables()
def _store_opened(bids: list[OpenedBid]) -> None:
    """Write the opened bids down in one statement. On PostgreSQL an UPDATE from arrays:
    Django's bulk_update builds a CASE per row and field, which took nine tenths of an
    opening's time (bench/bid_opening.py)."""
    opened = Bid.lifecycle["open"].target
    if connection.vendor != "postgresql":
        Bid.objects.bulk_update(
            [
                Bid(
                    pk=bid.pk,
                    status=opened,
                    opened_content=bid.content,
                    total_minor=bid.total_minor,
                    receipt_matches=bid.receipt_matches,
                )
                for bid in bids
            ],
            ["status", "opened_content", "total_minor", "receipt_matches"],
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE procurements_bid AS bid SET
                status = %s,
                opened_content = opened.content,
                total_minor = opened.total,
                receipt_matches = opened.matches
            FROM unnest(%s::bigint[], %s::jsonb[], %s::bigint[], %s::boolean[])
                AS opened(id, content, total, matches)
            WHERE bid.id = opened.id
            """,
            [
                opened,
                [bid.pk for bid in bids],
                [bid.canonical for bid in bids],
                [bid.total_minor for bid in bids],
                [bid.receipt_matches for bid in bids],
            ],
        )


def _receipts_digest(solicitation: Solicitation) -> tuple[int, int, str]:
    """How many bids were opened, how many did not hash to their receipt, and the SHA-256
    over their receipts' hashes in receipt order: what the audit event records."""
    rows = list(
        BidRevision.objects.filter(
            bid__solicitation=solicitation,
            bid__status=Bid.Status.OPENED,
            number=F("bid__revision"),
        )
        .order_by("receipt_number")
        .values_list("receipt_number", "content_sha256", "bid__receipt_matches")
    )
    digest = hashlib.sha256()
    for number, sha256, _matches in rows:
        digest.update(f"{number}:{sha256}\n".encode())
    mismatched = sum(1 for *_rest, matches in rows if not matches)
    return len(rows), mismatched, digest.hexdigest()


def _actor_of(opening: BidOpening, solicitation: Solicitation) -> TenantActor:
    """Who the opening is recorded as: the officer who started it, while still a member;
    otherwise the system (the chronograph)."""
    if opening.requested_by is not None:
        try:
            return tenant_actor_for(opening.requested_by, solicitation.municipality.slug)
        except NotFound:
            pass
    return SystemActor(solicitation.municipality)


def _finish(opening: BidOpening) -> None:
    """Record the solicitation opened once no submitted bid is left (another worker may
    still hold some: then it finishes)."""
    with transaction.atomic():
        solicitation = _lock(opening.solicitation_id)
        if solicitation.status != Status.CLOSED:
            return
        if solicitation.bids.filter(status=Bid.Status.SUBMITTED).exists():
            return
        now = db_now()
        count, mismatched, digest = _receipts_digest(solicitation)
        lifecycle.apply(
            solicitation,
            "open",
            actor=_actor_of(opening, solicitation),
            changes={"opened_at": now},
            details={"bids": count, "receipts_sha256": digest, "not_matching": mismatched},
        )
        BidOpening.objects.filter(pk=opening.pk).update(finished_at=now, bids_opened=count)
        notify_opened(solicitation)


def notify_opened(solicitation: Solicitation) -> int:
    """Tell each bidding company's users and the solicitation's heads and officer that the
    bids were opened, once each (the key), with a link to the tabulation."""
    municipality = solicitation.municipality
    slug, reference = municipality.slug, solicitation.reference
    bidders = Bid.objects.filter(solicitation=solicitation, status=Bid.Status.OPENED)
    staff = list(heads_of(solicitation.joined_departments()))
    if solicitation.created_by.is_active:
        staff.append(solicitation.created_by)
    context = {"solicitation": solicitation, "municipality": municipality}
    with timezone.override(municipality.zone):
        sent = email_people(
            key=f"bids-opened:{solicitation.pk}",
            people=users_of_companies(bidders.values_list("vendor_id", flat=True)),
            template="procurements/email/bids_opened",
            context={
                **context,
                "link": site_link(reverse("vendor-tabulation", args=[slug, reference])),
            },
            municipality=municipality,
        )
        sent += email_people(
            key=f"bids-opened-staff:{solicitation.pk}",
            people={person.pk: person for person in staff}.values(),
            template="procurements/email/bids_opened",
            context={**context, "link": site_link(reverse("tabulation", args=[slug, reference]))},
            municipality=municipality,
        )
    return sent


def bids_open_due(*, batch: int = 100) -> int:
    """The chronograph's last step: start the opening of every closed solicitation whose
    opening time (or, without one, bid deadline) has passed by the database clock."""
    with transaction.atomic():
        due = list(
            Solicitation.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=Status.CLOSED, next_check_at__lte=Now())
            .select_related("municipality")
            .order_by("next_check_at", "pk")[:batch]
        )
        for solicitation in due:
            opening_start(actor=SystemActor(solicitation.municipality), solicitation=solicitation)
    return len(due)
