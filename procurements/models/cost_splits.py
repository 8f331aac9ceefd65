"""Versioned cost splits and each department's share of a version, with its head's decision
(DESIGN.md 4 and 6)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models

from departments.models import Department
from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.solicitations import Solicitation


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


def _only_its_head(share, actor) -> str:
    return f"Only the head of {share.department.code} may decide for it."


def _heads_it_and_did_not_propose(actor, share) -> bool:
    """Four eyes (invariant 11): whoever proposed a version approves no share of it."""
    return _heads_the_department(actor, share) and share.version.created_by_id != actor.user.pk


def _not_the_proposer(share, actor) -> str:
    if _heads_the_department(actor, share):  # then the refusal is four eyes
        return (
            f"You proposed version {share.version.number}: another head of "
            f"{share.department.code} must approve it."
        )
    return _only_its_head(share, actor)


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
                who=_heads_it_and_did_not_propose,
                denied=_not_the_proposer,
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
    # The department fund code the head charges the share to (DESIGN.md 6), set on approval.
    fund_code = models.CharField(max_length=30, blank=True)
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

    @property
    def change_since_decided(self) -> "ShareChange | None":
        """What changed for the department since the last earlier version it decided, as
        procurements.selectors.approvals_pending_for annotates it (None without a decision
        or outside that selector)."""
        number = getattr(self, "decided_before_number", None)
        if number is None:
            return None
        result = getattr(self, "decided_before_result", None) or {}
        return ShareChange(
            department=self.department.code,
            decided_number=number,
            decided_status=self.decided_before_status,
            decided_by=self.decided_before_by or "",
            before_minor=result.get("departments", {}).get(self.department.code, 0),
            now_minor=self.amount_minor,
        )


@dataclass(frozen=True)
class ShareChange:
    """One department's amount in the version it last decided, and in a newer one: what a
    head reads before deciding again (issue 9: "PSD's share: USD 72,000.00 -> 80,000.00")."""

    department: str
    decided_number: int
    decided_status: str
    decided_by: str
    before_minor: int
    now_minor: int

    @property
    def changed(self) -> bool:
        return self.before_minor != self.now_minor

    @property
    def decided_label(self) -> str:
        return CostSplitShare.Status(self.decided_status).label.lower()

    @classmethod
    def between(cls, decided: CostSplitShare, share: CostSplitShare) -> "ShareChange":
        """From the department's decided share of an earlier version to its share now."""
        return cls(
            department=share.department.code,
            decided_number=decided.version.number,
            decided_status=decided.status,
            decided_by=decided.decided_by.display_name if decided.decided_by else "",
            before_minor=decided.amount_minor,
            now_minor=share.amount_minor,
        )
