"""Joint solicitations, their line items, criteria, participating departments, documents and
versioned cost splits with per-department approvals (DESIGN.md sections 3, 4 and 6)."""

from django.conf import settings
from django.db import models

from departments.models import Department, Municipality
from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources

OFFICERS_ONLY = "Only a procurement officer may do this."


def _officer(actor, obj) -> bool:
    return actor.is_officer


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
                who=_officer, denied=OFFICERS_ONLY,
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
            Transition(
                "cancel",
                sources(
                    Status.DRAFT, Status.IN_APPROVAL, Status.APPROVED, Status.PUBLISHED,
                    Status.CLOSED, Status.OPENED, Status.UNDER_EVALUATION,
                ),
                Status.CANCELLED,
                verb=Verb.SOLICITATION_CANCEL, done="cancelled",
                who=_officer, denied=OFFICERS_ONLY,
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

    def joined_departments(self) -> list[Department]:
        """The departments taking part, by code. Reads the participations a selector
        prefetched (no query then); otherwise one query."""
        participations = self.participations.all()
        if "participations" not in getattr(self, "_prefetched_objects_cache", {}):
            participations = participations.select_related("department")
        joined = [p.department for p in participations if p.status == Participation.Status.JOINED]
        return sorted(joined, key=lambda department: department.code)


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


def _answers_for_department(actor, participation) -> bool:
    return actor.acts_for(participation.department)


def _officer_and_not_lead(actor, participation) -> bool:
    return actor.is_officer and not participation.is_lead


def _only_its_people(participation) -> str:
    return f"Only people of {participation.department.code} may answer for it."


def _already_answered(participation, status) -> str:
    return f"{participation.department.code} has already {status}."


class Participation(models.Model):
    """A department invited to a solicitation; it takes part once it has joined. A withdrawn
    department is off the solicitation (the row stays for the record) until invited again."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        JOINED = "joined", "Joined"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="participation",
        # The lead department takes part from the start; every other one is invited.
        initial=(Status.INVITED, Status.JOINED),
        audit_on=lambda participation: participation.solicitation,
        transitions=[
            Transition(
                "join", sources(Status.INVITED), Status.JOINED,
                verb=Verb.PARTICIPATION_JOIN, done="joined", refused=_already_answered,
                who=_answers_for_department, denied=_only_its_people,
            ),
            Transition(
                "decline", sources(Status.INVITED), Status.DECLINED,
                verb=Verb.PARTICIPATION_DECLINE, done="declined", refused=_already_answered,
                who=_answers_for_department, denied=_only_its_people,
            ),
            Transition(
                "withdraw", sources(Status.INVITED, Status.JOINED, Status.DECLINED),
                Status.WITHDRAWN,
                verb=Verb.PARTICIPATION_WITHDRAW, done="withdrawn",
                who=_officer_and_not_lead, denied=OFFICERS_ONLY,
            ),
            Transition(
                "invite", sources(Status.WITHDRAWN), Status.INVITED,
                verb=Verb.PARTICIPATION_INVITE, done="invited again",
                who=_officer, denied=OFFICERS_ONLY,
            ),
        ],
    )
    # fmt: on
    # Every state but withdrawn: who is on the solicitation's list.
    LISTED = frozenset({Status.INVITED, Status.JOINED, Status.DECLINED})

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

    @property
    def is_lead(self) -> bool:
        return self.department_id == self.solicitation.lead_department_id


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


class CostSplitVersionQuerySet(models.QuerySet):
    def current(self) -> "CostSplitVersionQuerySet":
        """The version in force (proposed or approved): at most one per solicitation."""
        return self.filter(status__in=CostSplitVersion.CURRENT)


class CostSplitVersion(models.Model):
    """One immutable proposal of who pays what. `basis` snapshots the line items it was
    computed on, `inputs` the method's parameters, `result` the allocation in minor units;
    heads approve their department's share of exactly this version, and approvals never carry
    over to another."""

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

    # Every move is a consequence: of the last share approved, of one share rejected, of a
    # newer version or a change to what the split was computed on.
    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="cost split version",
        audit_on=lambda version: version.solicitation,
        transitions=[
            Transition(
                "approve", sources(Status.PROPOSED), Status.APPROVED,
                verb=Verb.COST_SPLIT_APPROVE, done="approved",
            ),
            Transition(
                "reject", sources(Status.PROPOSED), Status.REJECTED,
                verb=Verb.COST_SPLIT_REJECT, done="rejected",
            ),
            Transition(
                "supersede", sources(Status.PROPOSED, Status.APPROVED), Status.SUPERSEDED,
                verb=Verb.COST_SPLIT_SUPERSEDE, done="superseded",
            ),
        ],
    )
    # fmt: on
    CURRENT = frozenset({Status.PROPOSED, Status.APPROVED})

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="split_versions"
    )
    number = models.PositiveIntegerField()
    method = models.CharField(max_length=12, choices=Method.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PROPOSED)
    departments = models.ManyToManyField(Department, through="CostSplitShare", related_name="+")
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

    objects = CostSplitVersionQuerySet.as_manager()

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
    def is_current(self) -> bool:
        return self.status in self.CURRENT

    @property
    def payable_minor(self) -> int:
        return self.total_minor - self.in_kind_minor

    def share_minor(self, department: Department) -> int:
        """What `department` pays under this version."""
        return self.result["departments"].get(department.code, 0)


def _heads_the_department(actor, share) -> bool:
    return actor.heads(share.department)


def _only_its_head(share) -> str:
    return f"Only the head of {share.department.code} may decide for it."


def _already_decided(share, status) -> str:
    return f"{share.department.code} has already decided on version {share.version.number}."


class CostSplitShare(models.Model):
    """One participating department's share of one split version, and its head's decision
    on it (DESIGN.md 4, invariant 5): pending until the head approves or rejects it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the head"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="share",
        audit_on=lambda share: share.version.solicitation,
        transitions=[
            Transition(
                "approve", sources(Status.PENDING), Status.APPROVED,
                verb=Verb.SHARE_APPROVE, done="approved", refused=_already_decided,
                who=_heads_the_department,
                denied=_only_its_head,
            ),
            Transition(
                "reject", sources(Status.PENDING), Status.REJECTED,
                verb=Verb.SHARE_REJECT, done="rejected", refused=_already_decided,
                who=_heads_the_department,
                denied=_only_its_head,
            ),
        ],
    )
    # fmt: on

    version = models.ForeignKey(CostSplitVersion, on_delete=models.CASCADE, related_name="shares")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "department"], name="split_share_once_per_department"
            ),
        ]
        indexes = [
            # The approval inbox: pending shares of the departments someone heads.
            models.Index(fields=["department", "status"], name="split_share_inbox"),
        ]

    def __str__(self) -> str:
        return f"{self.department.code} share of v{self.version.number}: {self.status}"

    @property
    def amount_minor(self) -> int:
        return self.version.share_minor(self.department)
