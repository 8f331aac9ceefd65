"""Sealed bids: a company prepares a draft (a unit price per line item, attachments), submits
it with a declaration, revises it and withdraws it until the bid deadline; each of those
returns a receipt. Prices and files go through procurements.vault only; nothing here keeps a
plaintext price outside the call that received it.

The deadline (DESIGN.md 5.3): submit, revise and withdraw hold the solicitation's row in share
mode (FOR SHARE) and read the database's clock (clock_timestamp() on PostgreSQL) inside the
transaction that stores the bid, while closing and opening take the row exclusively: bids do
not wait on each other, and none commits after the opening has read the bids. A refused late
attempt is recorded (company, user, database time) in a transaction of its own and never
becomes a bid. Bid events are recorded in the platform's audit chain, as the company's: the
city's staff learn how many bids arrived, not from whom, before the opening.
"""

import hashlib
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.views.decorators.debug import sensitive_variables

from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import Checks, InvalidTransition, NotFound, ValidationFailed
from p3hub.files import DOCUMENT_KINDS, check_upload
from p3hub.formatting import format_datetime
from p3hub.mail import email_people
from p3hub.money import MoneyError, parse_amount
from procurements import vault
from procurements.allocation import line_amount_minor
from procurements.models import Bid, BidAttachment, BidRevision, LateAttempt, Solicitation
from procurements.services.addenda import open_for_bids, unacknowledged_addenda
from procurements.services.line_items import MAX_UNIT_PRICE_MINOR
from vendors.actor import VendorActor
from vendors.selectors import users_of_companies

Status = Bid.Status
lifecycle = Bid.lifecycle
ALREADY_BIDDING = "Your company already has a bid on this solicitation: continue that one."
NOT_OPEN = "This solicitation is not open for bids."
DECLARATION_REQUIRED = "Confirm the declaration to submit the bid."
MAX_ATTACHMENTS = 20
# A bid's prices and files change until the deadline, in these states.
EDITABLE = frozenset({Status.DRAFT, Status.SUBMITTED, Status.NEEDS_RESUBMISSION})


def _late_message(solicitation: Solicitation) -> str:
    due = format_datetime(solicitation.bids_due_at, solicitation.municipality, zone=True)
    return f"The bid deadline passed at {due}: no bid can be submitted, revised or withdrawn."


def _hold_for_bidding(solicitation: Solicitation) -> tuple[Solicitation, object]:
    """Take the solicitation's row in share mode and read the database clock after it: the
    closing and the opening (which lock it exclusively) wait for this transaction, and this
    one waits for them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM procurements_solicitation WHERE id = %s FOR SHARE",
                [solicitation.pk],
            )
    fresh = Solicitation.objects.select_related("municipality").get(pk=solicitation.pk)
    return fresh, db_now()


def _record_late(actor: VendorActor, solicitation: Solicitation, action: str, now) -> None:
    with transaction.atomic():
        LateAttempt.objects.create(
            solicitation=solicitation,
            vendor=actor.vendor,
            user=actor.user,
            action=action,
            attempted_at=now,
        )
        actor.audit(
            Verb.BID_LATE,
            solicitation,
            after={"action": action, "reference": solicitation.reference},
        )


def _own(actor: VendorActor, bid: Bid) -> Bid:
    """The bid, locked, if the actor's company made it; NotFound for anyone else."""
    if getattr(actor, "vendor", None) is None or actor.vendor.pk != bid.vendor_id:
        raise NotFound("Not found.")
    locked = Bid.objects.select_for_update(of=("self",)).select_related("solicitation")
    return locked.get(pk=bid.pk)


@contextmanager
def _while_bidding_open(actor: VendorActor, solicitation: Solicitation, action: str):
    """The caller's block runs in one transaction, holding the solicitation in share mode,
    while bidding is open by the database clock (it gets the fresh solicitation and the
    time). Past the deadline nothing of the block runs: the attempt is recorded in a
    transaction of its own and refused."""
    with transaction.atomic():
        held, now = _hold_for_bidding(solicitation)
        late = held.bids_due_at is not None and held.bids_due_at <= now
        if not late:
            if not open_for_bids(held, now):
                raise InvalidTransition(NOT_OPEN, code="not_open")
            yield held, now
            return
    _record_late(actor, held, action, now)
    raise ValidationFailed(_late_message(held), code="deadline_passed")


def bid_start(*, actor: VendorActor, solicitation: Solicitation) -> Bid:
    """A company starts its one live bid on a solicitation open for bids."""
    with _while_bidding_open(actor, solicitation, "start") as (held, _now):
        live = Bid.objects.filter(solicitation=held, vendor=actor.vendor)
        if live.exclude(status=Status.WITHDRAWN).exists():
            raise ValidationFailed(ALREADY_BIDDING, code="unique")
        try:
            with transaction.atomic():
                return lifecycle.create(
                    solicitation=held, vendor=actor.vendor, created_by=actor.user
                )
        except IntegrityError:  # a colleague started one a moment ago
            raise ValidationFailed(ALREADY_BIDDING, code="unique") from None


@sensitive_variables()
def _clean_prices(solicitation: Solicitation, prices, checks: Checks) -> dict[str, int]:
    """{line position: unit price in minor units} for the lines given, each refused by name
    (`prices.<position>`): not a line of the solicitation, not an amount, zero or less, more
    decimals than the currency has, absurdly large. An empty value leaves the line as it
    was (a draft may be incomplete)."""
    if not isinstance(prices, Mapping):
        checks.refuse("Give the prices as {line position: unit price}.", field="prices")
        return {}
    positions = {str(line.position) for line in solicitation.line_items.all()}
    currency = solicitation.municipality.currency
    cleaned = {}
    for position, value in prices.items():
        field = f"prices.{str(position)[:10]}"
        if str(position) not in positions:
            checks.refuse("This solicitation has no such line item.", field=field)
            continue
        if value in (None, ""):
            continue
        try:
            minor = parse_amount(value, currency)
        except MoneyError as error:
            checks.refuse(str(error), field=field)
            continue
        if minor <= 0:
            checks.refuse("Enter a unit price above zero.", field=field)
        elif minor > MAX_UNIT_PRICE_MINOR:
            checks.refuse("That unit price is implausibly large.", field=field)
        else:
            cleaned[str(position)] = minor
    return cleaned


@sensitive_variables()
def _draft(actor: VendorActor, bid: Bid) -> dict:
    if bid.sealed_draft is None:
        return {"prices": {}}
    return vault.open_own(actor, bid, bid.sealed_draft)


@sensitive_variables()
def bid_draft(*, actor: VendorActor, bid: Bid) -> dict:
    """The company's own draft, {"prices": {position: minor units}}, decrypted for that
    company only (NotFound for anyone else)."""
    return _draft(actor, bid)


@sensitive_variables()
def bid_drafts(*, actor: VendorActor, bids) -> dict[int, dict]:
    """The company's own drafts of several bids, {bid pk: {"prices": {position: minor
    units}}} (no prices yet: empty), decrypted for that company only, with one query for
    their data keys whatever their number."""
    opened = vault.open_own_drafts(actor, bids)
    return {bid.pk: opened.get(bid.pk, {"prices": {}}) for bid in bids}


@sensitive_variables()
def bid_save(*, actor: VendorActor, bid: Bid, prices) -> Bid:
    """The company sets unit prices on its bid's draft; every price at fault is named at
    once and nothing is saved then. A submitted bid's draft becomes its next revision when
    submitted again."""
    with _while_bidding_open(actor, bid.solicitation, "save") as (held, now):
        bid = _own(actor, bid)
        if bid.status not in EDITABLE:
            raise InvalidTransition(f"This bid is {bid.get_status_display().lower()}.")
        checks = Checks()
        cleaned = _clean_prices(held, prices, checks)
        checks.raise_any()
        draft = _draft(actor, bid)
        draft["prices"] = {**draft["prices"], **cleaned}
        bid.sealed_draft = vault.seal_content(bid, draft)
        bid.draft_updated_at = now
        bid.save(update_fields=["sealed_draft", "draft_updated_at"])
        return bid


@sensitive_variables()
def bid_attach(*, actor: VendorActor, bid: Bid, title, file: UploadedFile | None):
    """The company attaches a file to its bid (a technical proposal, a form): the document
    kinds, within the upload limit, stored sealed through the storage API."""
    with _while_bidding_open(actor, bid.solicitation, "attach"):
        bid = _own(actor, bid)
        checks = Checks()
        title = checks.run(clean_text, title, field="title", limit=200, required=True)
        upload = checks.run(
            check_upload,
            file,
            field="file",
            allowed=DOCUMENT_KINDS,
            max_bytes=settings.UPLOAD_MAX_BYTES,
        )
        if bid.attachments.filter(removed_at__isnull=True).count() >= MAX_ATTACHMENTS:
            checks.refuse(f"A bid has at most {MAX_ATTACHMENTS} attachments.", field="file")
        checks.raise_any()
        attachment = BidAttachment(
            bid=bid,
            title=title,
            file_name=upload.display_name,
            content_type=upload.kind.content_type,
            size=upload.size,
            sha256=upload.sha256,
            uploaded_by=actor.user,
        )
        sealed = vault.seal_file(bid, upload.file.read(), attachment_id=upload.sha256)
        attachment.file.save(f"{upload.stored_name}.sealed", ContentFile(sealed), save=False)
        attachment.save()
        return attachment


@sensitive_variables()
def canonical_content(bid: Bid, revision: int, draft: dict, attachments, declared_name) -> dict:
    """What a receipt's SHA-256 covers: every line price and every attachment's SHA-256."""
    solicitation = bid.solicitation
    return {
        "municipality": solicitation.municipality.slug,
        "solicitation": solicitation.reference,
        "vendor": bid.vendor_id,
        "revision": revision,
        "currency": solicitation.municipality.currency,
        "lines": [
            {"position": int(position), "unit_price_minor": minor}
            for position, minor in sorted(draft["prices"].items(), key=lambda p: int(p[0]))
        ],
        "attachments": sorted(
            ({"file_name": a.file_name, "sha256": a.sha256} for a in attachments),
            key=lambda a: (a["sha256"], a["file_name"]),
        ),
        "declared_name": declared_name,
    }


@sensitive_variables()
def content_sha256(content: dict) -> str:
    """The SHA-256 of the canonical serialisation (vault.canonical_json: sorted keys, no
    spaces, UTF-8)."""
    return hashlib.sha256(vault.canonical_json(content)).hexdigest()


def _receipt(actor, bid: Bid, kind: str, now, *, content=None, declared_name="") -> BidRevision:
    number = bid.revisions.count() + 1
    sealed = digest = None
    if content is not None:
        digest = content_sha256(content)
        sealed = vault.seal_content(bid, content, revision=number)
    revision = BidRevision.objects.create(
        bid=bid,
        number=number,
        kind=kind,
        sealed_content=sealed,
        content_sha256=digest or "",
        receipt_number=f"{bid.solicitation.reference}-{bid.pk:05d}-{number:02d}",
        declared_name=declared_name,
        submitted_by=actor.user,
        submitted_at=now,
    )
    transaction.on_commit(lambda: email_receipt(revision.pk))
    return revision


@sensitive_variables()
def bid_submit(*, actor: VendorActor, bid: Bid, declaration, declared_name) -> BidRevision:
    """The company submits its bid, or a revision of a submitted one (the old revision is
    kept): every line priced, the declaration confirmed with the typed name of the person
    submitting, every addendum acknowledged; before the deadline by the database clock.
    Returns the receipt."""
    with _while_bidding_open(actor, bid.solicitation, "submit") as (held, now):
        bid = _own(actor, bid)
        lifecycle.check_actor(bid, "submit", actor)
        revising = bid.status == Status.SUBMITTED
        if not revising:
            lifecycle.check(bid, "submit", actor)
        checks = Checks()
        draft = _draft(actor, bid)
        for line in held.line_items.all():
            if str(line.position) not in draft["prices"]:
                checks.refuse(
                    "Enter a unit price for this line item.", field=f"prices.{line.position}"
                )
        if declaration is not True:
            checks.refuse(DECLARATION_REQUIRED, field="declaration", code="required")
        declared_name = checks.run(
            clean_text, declared_name, field="declared_name", limit=200, required=True
        )
        if missing := unacknowledged_addenda(held, actor.vendor):
            numbers = ", ".join(str(n) for n in missing)
            checks.refuse(
                f"Acknowledge every addendum before submitting: addendum {numbers} is not "
                "acknowledged yet.",
                field="addenda",
                code="addendum_not_acknowledged",
            )
        checks.raise_any()
        attachments = list(bid.attachments.filter(removed_at__isnull=True))
        number = bid.revisions.count() + 1
        content = canonical_content(bid, number, draft, attachments, declared_name)
        kind = BidRevision.Kind.REVISION if bid.revision else BidRevision.Kind.SUBMISSION
        receipt = _receipt(actor, bid, kind, now, content=content, declared_name=declared_name)
        changes = {"revision": receipt.number, "submitted_at": now}
        details = {"receipt": receipt.receipt_number, "sha256": receipt.content_sha256}
        if revising:
            bid.revision, bid.submitted_at = receipt.number, now
            bid.save(update_fields=["revision", "submitted_at"])
            actor.audit(Verb.BID_REVISE, bid, after={**details, "reference": held.reference})
        else:
            lifecycle.apply(bid, "submit", actor=actor, changes=changes, details={**details})
        return receipt


def bid_withdraw(*, actor: VendorActor, bid: Bid) -> BidRevision:
    """The company withdraws its bid before the deadline (it may bid again with a new one);
    the receipt says so."""
    with _while_bidding_open(actor, bid.solicitation, "withdraw") as (_held, now):
        bid = _own(actor, bid)
        lifecycle.check(bid, "withdraw", actor)
        receipt = _receipt(actor, bid, BidRevision.Kind.WITHDRAWAL, now)
        lifecycle.apply(bid, "withdraw", actor=actor, details={"receipt": receipt.receipt_number})
        return receipt


def email_receipt(revision_pk: int) -> int:
    """The receipt to the company's users, once per revision: number, database time and
    hash; never a price."""
    revision = BidRevision.objects.select_related(
        "bid__solicitation__municipality", "bid__vendor"
    ).get(pk=revision_pk)
    bid = revision.bid
    return email_people(
        key=f"bid-receipt:{revision.pk}",
        people=users_of_companies([bid.vendor_id]),
        template="procurements/email/bid_receipt",
        context={"revision": revision, "bid": bid, "solicitation": bid.solicitation},
        municipality=bid.solicitation.municipality,
    )


def bid_detach(*, actor: VendorActor, attachment: BidAttachment) -> BidAttachment:
    """The company takes an attachment off its bid before the deadline (the file stays, as
    submitted revisions may list it; the next submission does not)."""
    with _while_bidding_open(actor, attachment.bid.solicitation, "detach") as (_held, now):
        bid = _own(actor, attachment.bid)
        if bid.status not in EDITABLE:
            raise InvalidTransition(f"This bid is {bid.get_status_display().lower()}.")
        updated = BidAttachment.objects.filter(
            pk=attachment.pk, bid=bid, removed_at__isnull=True
        ).update(removed_at=now)
        if not updated:
            raise NotFound("Not found.")
        attachment.removed_at = now
        return attachment


@sensitive_variables()
def bid_attachment_content(*, actor, attachment: BidAttachment) -> bytes:
    """The attachment's plaintext: for the bidding company at any time, for anyone the
    caller's selectors let see the bid once its solicitation was opened; else the vault
    refuses (NotFound for another company, PermissionDenied before the opening)."""
    bid = attachment.bid
    with attachment.file.open("rb") as stored:
        sealed = stored.read()
    if getattr(actor, "vendor", None) is not None:
        # A company reads its own bid's files only: another's is NotFound, opened or not, as
        # PermissionDenied would tell it that the file exists.
        return vault.open_own_file(actor, bid, sealed, attachment_id=attachment.sha256)
    return vault.open_opened_file(bid, sealed, attachment_id=attachment.sha256)


@sensitive_variables()
def _revision_content(actor, revision: BidRevision) -> dict:
    bid = revision.bid
    if bid.solicitation.opened_at is not None:
        return vault.open_opened(bid, revision.sealed_content, revision=revision.number)
    return vault.open_own(actor, bid, revision.sealed_content, revision=revision.number)


@sensitive_variables()
def receipt_document(*, actor, revision: BidRevision) -> dict:
    """The downloadable receipt: its number, the database time, the SHA-256 and the
    canonical content it covers (the company's own prices: only the company, or anyone once
    opened, may have it). Hashing `content` as content_sha256 does gives `sha256`."""
    document = {
        "receipt_number": revision.receipt_number,
        "kind": revision.kind,
        "solicitation": revision.bid.solicitation.reference,
        "municipality": revision.bid.solicitation.municipality.slug,
        "submitted_at": revision.submitted_at.isoformat(),
        "sha256": revision.content_sha256 or None,
        "hash_method": "SHA-256 of the JSON of `content` with sorted keys, no spaces, UTF-8",
    }
    if revision.sealed_content is not None:
        document["content"] = _revision_content(actor, revision)
    return document


@dataclass(frozen=True)
class ReceiptCheck:
    """Whether what the platform holds (and, once opened, what was opened) hashes to the
    receipt, and whether a SHA-256 the checker brought is the receipt's."""

    receipt_number: str
    submitted_at: object
    sha256: str
    opened: bool
    content_matches: bool | None
    given_matches: bool | None


@sensitive_variables()
def receipt_check(*, actor, revision: BidRevision, sha256: str = "") -> ReceiptCheck:
    """Check a receipt: the stored revision decrypted (by its company before the opening, by
    anyone with access to the bid after) is hashed again and compared with the receipt's
    SHA-256; a withdrawal's receipt covers no content (None)."""
    content_matches = None
    if revision.sealed_content is not None:
        content = _revision_content(actor, revision)
        content_matches = content_sha256(content) == revision.content_sha256
    given = (sha256 or "").strip().lower()
    return ReceiptCheck(
        receipt_number=revision.receipt_number,
        submitted_at=revision.submitted_at,
        sha256=revision.content_sha256,
        opened=revision.bid.solicitation.opened_at is not None,
        content_matches=content_matches,
        given_matches=(given == revision.content_sha256) if given else None,
    )


@dataclass(frozen=True)
class PricedLine:
    """A line item with the bid's unit price on it (None while unpriced) and its total."""

    line: object
    unit_price_minor: int | None
    total_minor: int | None


@sensitive_variables()
def priced_lines(line_items, prices: Mapping[str, int]) -> tuple[list[PricedLine], int | None]:
    """Each line item with its unit price from `prices` ({position: minor units}, a draft's
    or an opened bid's) and quantity x price; and the bid total, None until every line is
    priced. The total is always computed here, never typed."""
    rows = []
    for line in line_items:
        unit = prices.get(str(line.position))
        total = None if unit is None else line_amount_minor(line.quantity, unit)
        rows.append(PricedLine(line=line, unit_price_minor=unit, total_minor=total))
    if any(row.total_minor is None for row in rows):
        return rows, None
    return rows, sum(row.total_minor for row in rows)
