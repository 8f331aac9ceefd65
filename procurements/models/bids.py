"""Sealed bids (DESIGN.md 3, 4, 11): a company's bid on a solicitation, each submitted
revision with its receipt, the attachments, and the late attempts the deadline refused.

Prices and attachments are never stored in plaintext: `sealed_draft`, a revision's
`sealed_content` and an attachment's file hold AES-256-GCM ciphertext made by
procurements.vault, under the solicitation's own data key (`SolicitationKey`, itself wrapped by
the master key from the environment)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.common import OFFICERS_ONLY, is_officer
from procurements.models.solicitations import Solicitation

OWN_BID_ONLY = "Only the bidding company's users may do this."


def _bidding_company(actor, bid) -> bool:
    vendor = getattr(actor, "vendor", None)
    return vendor is not None and vendor.pk == bid.vendor_id


class SolicitationKey(models.Model):
    """A solicitation's data key, wrapped (encrypted) by the master key; never plaintext."""

    solicitation = models.OneToOneField(
        Solicitation, on_delete=models.CASCADE, related_name="vault_key"
    )
    wrapped_key = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Data key of {self.solicitation_id}"


class NonResponsive(models.TextChoices):
    """Why an opened bid is not responsive (the first two the system proposes from the data)."""

    ADDENDUM = "addendum_not_acknowledged", "An addendum was not acknowledged"
    INSURANCE = "insurance_expired", "The insurance certificate had expired at the deadline"
    DOCUMENT = "document_missing", "A required document is missing"
    OTHER = "other", "Other"


class Bid(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        NEEDS_RESUBMISSION = "needs_resubmission", "Needs re-submission"
        WITHDRAWN = "withdrawn", "Withdrawn"
        OPENED = "opened", "Opened"
        RESPONSIVE = "responsive", "Responsive"
        NON_RESPONSIVE = "non_responsive", "Non-responsive"

    # Statuses in which a bid is the company's one live bid on the solicitation.
    LIVE = frozenset(set(Status) - {Status.WITHDRAWN})
    # Statuses of a bid the opening read (procurements.selectors.OPENED_BIDS agrees).
    OPENED_STATES = frozenset({Status.OPENED, Status.RESPONSIVE, Status.NON_RESPONSIVE})

    # fmt: off
    # DESIGN.md 4. A revision is a new submitted revision of a submitted bid (no move: the
    # status stays `submitted`); the deadline is checked by the services, by the database
    # clock, under the solicitation's share lock.
    lifecycle = Lifecycle(
        Status,
        noun="bid",
        audit_on=lambda bid: bid.solicitation,
        transitions=[
            Transition(
                "submit", sources(Status.DRAFT, Status.NEEDS_RESUBMISSION), Status.SUBMITTED,
                verb=Verb.BID_SUBMIT, done="submitted",
                who=_bidding_company, denied=OWN_BID_ONLY,
            ),
            Transition(
                "withdraw",
                sources(Status.DRAFT, Status.SUBMITTED, Status.NEEDS_RESUBMISSION),
                Status.WITHDRAWN,
                verb=Verb.BID_WITHDRAW, done="withdrawn",
                who=_bidding_company, denied=OWN_BID_ONLY,
            ),
            # An addendum that changes line items: every submitted bid must be submitted again.
            Transition(
                "invalidate", sources(Status.SUBMITTED), Status.NEEDS_RESUBMISSION,
                verb=Verb.BID_INVALIDATE, done="sent back for re-submission",
            ),
            Transition(
                "open", sources(Status.SUBMITTED), Status.OPENED,
                verb=Verb.BID_OPEN, done="opened",
            ),
            # The officer decides responsiveness while the evaluation is open, and may
            # change their mind until it closes.
            Transition(
                "accept", sources(Status.OPENED, Status.NON_RESPONSIVE), Status.RESPONSIVE,
                verb=Verb.BID_RESPONSIVE, done="found responsive",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            Transition(
                "reject", sources(Status.OPENED, Status.RESPONSIVE), Status.NON_RESPONSIVE,
                verb=Verb.BID_NON_RESPONSIVE, done="found non-responsive",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on

    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="bids")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # The draft's prices and declaration, sealed (procurements.vault); None before any.
    sealed_draft = models.BinaryField(null=True, blank=True, editable=False)
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    # The latest submitted revision's number (0: never submitted).
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)  # of the latest revision
    # Written once, by the opening (never before): the latest revision as decrypted, its
    # total in minor units and whether it hashes to the receipt the company was given.
    opened_content = models.JSONField(null=True, blank=True, editable=False)
    total_minor = models.BigIntegerField(null=True, blank=True, editable=False)
    receipt_matches = models.BooleanField(null=True, editable=False)
    # The officer's decision on responsiveness, after the opening.
    responsiveness_reason = models.CharField(
        max_length=30, choices=NonResponsive.choices, blank=True
    )
    responsiveness_note = models.TextField(blank=True)
    responsiveness_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsiveness_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # One live bid per company and solicitation; a withdrawn one leaves room for a new.
            models.UniqueConstraint(
                fields=["solicitation", "vendor"],
                condition=~Q(status="withdrawn"),
                name="bid_one_live_per_vendor",
            ),
        ]
        indexes = [models.Index(fields=["solicitation", "status"], name="bid_status")]

    def __str__(self) -> str:
        return f"Bid {self.pk} on {self.solicitation_id}"


class BidRevision(models.Model):
    """What was submitted, revised or withdrawn, with its receipt: the receipt number, the
    database time and the SHA-256 of the canonical serialisation of the submitted content
    (every line price and every attachment's SHA-256)."""

    class Kind(models.TextChoices):
        SUBMISSION = "submission", "Submitted"
        REVISION = "revision", "Revised"
        WITHDRAWAL = "withdrawal", "Withdrawn"

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    sealed_content = models.BinaryField(null=True, blank=True, editable=False)
    content_sha256 = models.CharField(max_length=64, blank=True)
    receipt_number = models.CharField(max_length=40, unique=True)
    declared_name = models.CharField(max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()  # by the database clock

    class Meta:
        ordering = ["bid", "number"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "number"], name="bid_revision_unique"),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class BidAttachment(models.Model):
    """A file of the bid (a technical proposal, a form), stored sealed: `file` holds the
    ciphertext; the SHA-256 is of the plaintext, as the receipt lists it."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="attachments")
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="bids/%Y/%m/")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title


class BidOpening(models.Model):
    """The opening of a solicitation's bids, once: who asked (None: the chronograph), when it
    started and finished, and how far it got (the page polls it while it runs)."""

    solicitation = models.OneToOneField(
        Solicitation, on_delete=models.CASCADE, related_name="bid_opening"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    requested_at = models.DateTimeField()  # by the database clock
    bids_total = models.PositiveIntegerField(default=0)
    bids_opened = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Opening of {self.solicitation_id}"

    @property
    def percent(self) -> int:
        if self.finished_at is not None or not self.bids_total:
            return 100 if self.finished_at is not None else 0
        return min(99, self.bids_opened * 100 // self.bids_total)


class LateAttempt(models.Model):
    """A submission, revision or withdrawal the deadline refused: recorded, never a bid."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="late_attempts"
    )
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=12)
    attempted_at = models.DateTimeField()  # by the database clock

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"Late {self.action} on {self.solicitation_id}"
