"""Joint solicitations and what they buy: line items, evaluation criteria, documents."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce

from departments.models import Department, Municipality
from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.common import OFFICERS_ONLY, is_officer
from vendors.categories import Category

# The states the public lists' partial indexes cover, as strings (Meta cannot see the class's
# names): Solicitation.PUBLIC with the scheduled and cancelled ones (tests check the two agree).
SEEN_BY_THE_PUBLIC = [
    "awarded",
    "cancelled",
    "closed",
    "opened",
    "published",
    "scheduled",
    "under_evaluation",
]


class Solicitation(models.Model):
    """A joint request for bids, owned by one municipality, led by one department."""

    class Kind(models.TextChoices):
        RFP = "RFP", "Request for proposals"
        IFB = "IFB", "Invitation for bids"
        RFQ = "RFQ", "Request for quotations"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_APPROVAL = "in_approval", "In approval"
        APPROVED = "approved", "Approved"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        OPENED = "opened", "Opened"
        UNDER_EVALUATION = "under_evaluation", "Under evaluation"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    # fmt: off
    # DESIGN.md 4. Editing the split or line items of an in_approval solicitation keeps it
    # there (a new version, no move); of an approved one `reopen`s it.
    lifecycle = Lifecycle(
        Status,
        noun="solicitation",
        transitions=[
            Transition(
                "submit", sources(Status.DRAFT), Status.IN_APPROVAL,
                verb=Verb.SOLICITATION_SUBMIT, done="sent for approval",
            ),
            Transition(
                "approve", sources(Status.IN_APPROVAL), Status.APPROVED,
                verb=Verb.SOLICITATION_APPROVE, done="approved",
            ),
            Transition(
                "reopen", sources(Status.APPROVED), Status.IN_APPROVAL,
                verb=Verb.SOLICITATION_REOPEN, done="returned to approval",
            ),
            Transition(
                "publish", sources(Status.APPROVED), Status.PUBLISHED,
                verb=Verb.SOLICITATION_PUBLISH, done="published",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            # Publishing before the publish date: public from that date by the database
            # clock (selectors.with_status_now); beat then records `release`.
            Transition(
                "schedule", sources(Status.APPROVED), Status.SCHEDULED,
                verb=Verb.SOLICITATION_SCHEDULE, done="scheduled",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            Transition(
                "release", sources(Status.SCHEDULED), Status.PUBLISHED,
                verb=Verb.SOLICITATION_PUBLISH, done="published",
            ),
            Transition(
                "close", sources(Status.PUBLISHED), Status.CLOSED,
                verb=Verb.SOLICITATION_CLOSE, done="closed",
            ),
            Transition(
                "open", sources(Status.CLOSED), Status.OPENED,
                verb=Verb.SOLICITATION_OPEN, done="opened",
            ),
            Transition(
                "evaluate", sources(Status.OPENED), Status.UNDER_EVALUATION,
                verb=Verb.SOLICITATION_EVALUATE, done="put under evaluation",
            ),
            Transition(
                "award", sources(Status.UNDER_EVALUATION), Status.AWARDED,
                verb=Verb.SOLICITATION_AWARD, done="awarded",
            ),
            # An upheld protest withdraws the published award.
            Transition(
                "reevaluate", sources(Status.AWARDED), Status.UNDER_EVALUATION,
                verb=Verb.SOLICITATION_REEVALUATE, done="returned to evaluation",
            ),
            Transition(
                "cancel",
                sources(
                    Status.DRAFT, Status.IN_APPROVAL, Status.APPROVED, Status.SCHEDULED,
                    Status.PUBLISHED,
                    Status.CLOSED, Status.OPENED, Status.UNDER_EVALUATION,
                ),
                Status.CANCELLED,
                verb=Verb.SOLICITATION_CANCEL, done="cancelled",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on
    # The key dates, in the order they must come.
    DATE_FIELDS = ("publish_at", "questions_due_at", "bids_due_at", "opening_at")
    # States in which line items and the split may still change (then a new split version).
    EDITABLE = frozenset({Status.DRAFT, Status.IN_APPROVAL, Status.APPROVED})
    # States the public sees.
    PUBLIC = frozenset(
        {
            Status.PUBLISHED,
            Status.CLOSED,
            Status.OPENED,
            Status.UNDER_EVALUATION,
            Status.AWARDED,
        }
    )

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="solicitations"
    )
    reference = models.CharField(max_length=20)
    kind = models.CharField(max_length=3, choices=Kind.choices, default=Kind.RFP)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The category of work, as vendors register theirs: the portal's search by category.
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="led_solicitations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    questions_due_at = models.DateTimeField(null=True, blank=True)
    bids_due_at = models.DateTimeField(null=True, blank=True)
    opening_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # When its bids were opened (procurements.vault reads none before).
    opened_at = models.DateTimeField(null=True, blank=True)
    # The chronograph (STYLE.md 10): when the next timed event is due, derived by the database
    # from the status and the key dates: a scheduled one's release, a published one's
    # closing, a closed one's opening. One indexed sweep takes the rows past it.
    next_check_at = models.GeneratedField(
        expression=models.Case(
            models.When(status="scheduled", then=models.F("publish_at")),
            models.When(status="published", then=models.F("bids_due_at")),
            models.When(
                status="closed",
                then=Coalesce(models.F("opening_at"), models.F("bids_due_at")),
            ),
            default=None,
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        # Granted per solicitation with django-guardian (procurements.models.evaluation).
        permissions = [("evaluate_solicitation", "May evaluate this solicitation's bids")]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"], name="solicitation_reference_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status"], name="solicitation_muni_status"),
            models.Index(fields=["status", "-published_at"], name="solicitation_public"),
            # The deadline sweep: published solicitations by bid deadline.
            models.Index(fields=["status", "bids_due_at"], name="solicitation_due"),
            models.Index(
                fields=["next_check_at"],
                condition=models.Q(next_check_at__isnull=False),
                name="solicitation_next_check",
            ),
            # The public lists (home, a city's list, the public API) newest first, over the
            # states the public may see (Solicitation.PUBLIC, and scheduled and cancelled ones,
            # which selectors._public_now narrows by date; Meta cannot see the class's names):
            # each arm of that OR implies this condition, so the page is read off the index
            # instead of sorting every public row.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(status__in=SEEN_BY_THE_PUBLIC),
                name="solicitation_public_list",
            ),
            models.Index(
                fields=["municipality", "-published_at", "-id"],
                condition=models.Q(status__in=SEEN_BY_THE_PUBLIC),
                name="solicitation_public_muni",
            ),
            # The staff lists (page and API): a municipality's solicitations in Meta.ordering.
            models.Index(
                fields=["municipality", "-created_at", "-id"], name="solicitation_muni_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_public(self) -> bool:
        """Whether the public sees it now (as selectors.solicitations_public decides): by the
        status as of now, or cancelled after it had been public."""
        if self.current_status in self.PUBLIC:
            return True
        return self.was_public_when_cancelled

    @property
    def was_public_when_cancelled(self) -> bool:
        return (
            self.status == self.Status.CANCELLED
            and None not in (self.published_at, self.cancelled_at)
            and self.published_at <= self.cancelled_at
        )

    @property
    def current_status(self) -> str:
        """The status as of now. Selectors annotate `status_now` from the database clock: a
        published solicitation past its bid deadline is closed whether or not a worker has
        recorded it yet (DESIGN.md 4)."""
        return getattr(self, "status_now", self.status)

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status).label

    @property
    def rejection(self) -> "Rejection | None":
        """Why the solicitation is stuck in approval: its latest split version was rejected,
        as procurements.selectors.solicitations_for annotates it (None otherwise, and for
        rows read without that selector, such as the public's)."""
        department = getattr(self, "rejection_department", None)
        if department is None:
            return None
        return Rejection(
            department=department,
            department_name=self.rejection_department_name,
            reason=self.rejection_reason,
            by=self.rejection_by or "",
            at=self.rejection_at,
            version=self.rejection_version,
        )

    def joined_departments(self) -> list[Department]:
        """The departments taking part, by code. Reads the participations a selector
        prefetched (no query then); otherwise one query."""
        from procurements.models.participations import Participation

        participations = self.participations.all()
        if "participations" not in getattr(self, "_prefetched_objects_cache", {}):
            participations = participations.select_related("department")
        joined = [p.department for p in participations if p.status == Participation.Status.JOINED]
        return sorted(joined, key=lambda department: department.code)


@dataclass(frozen=True)
class Rejection:
    """A department head's rejection of the latest split version, and what the officer does
    next: what every status, badge and the API say until a new version is proposed."""

    NEXT_STEP = "Edit the split or line items and propose a new version."

    department: str
    department_name: str
    reason: str
    by: str
    at: dt.datetime | None
    version: int

    @property
    def summary(self) -> str:
        return f"Rejected by {self.department}: {self.reason}"

    @property
    def next_step(self) -> str:
        return self.NEXT_STEP


class ReferenceCounter(models.Model):
    """The last reference number handed out per municipality and year (locked to allocate)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="reference_counter_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.year}: {self.last_number}"


class LineItem(models.Model):
    """What is bought: a quantity of something, at a site, with an estimated unit price."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="line_items"
    )
    position = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit = models.CharField(max_length=30, default="each")
    site = models.CharField(max_length=200, blank=True)
    estimated_unit_price_minor = models.BigIntegerField(
        help_text="Estimated price of one unit, in the currency's minor units (cents)."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="line_item_qty_gt_0"),
            models.CheckConstraint(
                condition=models.Q(estimated_unit_price_minor__gte=0),
                name="line_item_price_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class Criterion(models.Model):
    """An evaluation criterion with its weight; the weights of a solicitation total 100."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="criteria"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField()
    is_price = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation"],
                condition=models.Q(is_price=True),
                name="criterion_one_price_per_solicitation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.weight}%)"


class Document(models.Model):
    """A file published with the solicitation (specifications, drawings, forms)."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    # Set for a document published with an addendum, listed with it.
    addendum = models.ForeignKey(
        "procurements.Addendum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    # Stored under a random name (p3hub.files.check_upload); served under `file_name`, the
    # uploader's name cleaned, with the extension of what the content is.
    file = models.FileField(upload_to="solicitations/%Y/%m/")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.title
