"""Joint solicitations, their line items, criteria, participating departments, documents and
versioned cost splits with per-department approvals (DESIGN.md sections 3, 4 and 6)."""

from django.conf import settings
from django.db import models

from departments.models import Department, Municipality


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
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        OPENED = "opened", "Opened"
        UNDER_EVALUATION = "under_evaluation", "Under evaluation"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    # The lifecycle of DESIGN.md 4: every status change goes through solicitation_transition.
    TRANSITIONS = {
        Status.DRAFT: {Status.IN_APPROVAL, Status.CANCELLED},
        Status.IN_APPROVAL: {Status.IN_APPROVAL, Status.APPROVED, Status.CANCELLED},
        Status.APPROVED: {Status.IN_APPROVAL, Status.PUBLISHED, Status.CANCELLED},
        Status.PUBLISHED: {Status.CLOSED, Status.CANCELLED},
        Status.CLOSED: {Status.OPENED, Status.CANCELLED},
        Status.OPENED: {Status.UNDER_EVALUATION, Status.CANCELLED},
        Status.UNDER_EVALUATION: {Status.AWARDED, Status.CANCELLED},
        Status.AWARDED: set(),
        Status.CANCELLED: set(),
    }
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
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="led_solicitations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    questions_due_at = models.DateTimeField(null=True, blank=True)
    bids_due_at = models.DateTimeField(null=True, blank=True)
    opening_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
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
            # The public lists (home, a city's list, the public API) in their order, over the
            # public states only (Solicitation.PUBLIC; Meta cannot see the class's names): the
            # page is read off the index instead of sorting every published row.
            models.Index(
                fields=["-published_at", "-id"],
                condition=models.Q(
                    status__in=["awarded", "closed", "opened", "published", "under_evaluation"]
                ),
                name="solicitation_public_list",
            ),
            models.Index(
                fields=["municipality", "-published_at", "-id"],
                condition=models.Q(
                    status__in=["awarded", "closed", "opened", "published", "under_evaluation"]
                ),
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
        return self.status in self.PUBLIC

    @property
    def current_status(self) -> str:
        """The status as of now. Selectors annotate `status_now` from the database clock: a
        published solicitation past its bid deadline is closed whether or not a worker has
        recorded it yet (DESIGN.md 4)."""
        return getattr(self, "status_now", self.status)

    def get_current_status_display(self) -> str:
        return self.Status(self.current_status).label


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


class Participation(models.Model):
    """A department invited to a solicitation; it takes part once it has joined."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        JOINED = "joined", "Joined"
        DECLINED = "declined", "Declined"

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="participations"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "department"], name="participation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} in {self.solicitation.reference}: {self.status}"


class Document(models.Model):
    """A file published with the solicitation (specifications, drawings, forms)."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(max_length=200)
    file = models.FileField(upload_to="solicitations/%Y/%m/")
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


class CostSplitVersion(models.Model):
    """One immutable proposal of who pays what. `basis` snapshots the line items it was
    computed on, `inputs` the method's parameters, `result` the allocation in minor units;
    heads approve exactly this version, and approvals never carry over to another."""

    class Method(models.TextChoices):
        PERCENTAGE = "percentage", "Percentage per department"
        FIXED = "fixed", "Fixed amount per department"
        LINE_ITEM = "line_item", "By line item"
        QUANTITY = "quantity", "By quantity"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        SUPERSEDED = "superseded", "Superseded"

    CURRENT = frozenset({Status.PROPOSED, Status.APPROVED})

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="split_versions"
    )
    number = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=Method.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    departments = models.ManyToManyField(Department, related_name="+")
    inputs = models.JSONField()
    basis = models.JSONField()
    result = models.JSONField()
    total_minor = models.BigIntegerField()
    in_kind_contributor = models.CharField(max_length=200, blank=True)
    in_kind_description = models.CharField(max_length=300, blank=True)
    in_kind_minor = models.BigIntegerField(default=0)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["solicitation", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "number"], name="split_version_number_unique"
            ),
            # At most one version in force per solicitation.
            models.UniqueConstraint(
                fields=["solicitation"],
                condition=models.Q(status__in=["proposed", "approved"]),
                name="split_version_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solicitation.reference} split v{self.number} ({self.status})"

    @property
    def payable_minor(self) -> int:
        return self.total_minor - self.in_kind_minor


class CostSplitDecision(models.Model):
    """A department head's approval or rejection of one split version for one department."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    version = models.ForeignKey(
        CostSplitVersion, on_delete=models.CASCADE, related_name="decisions"
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "department"], name="split_decision_once_per_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} {self.decision} v{self.version.number}"
