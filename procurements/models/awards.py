"""The award (DESIGN.md 4): the officer's proposal of one bid, the cost split priced at its
unit prices with each participating department head's decision on their exact amount, the
public notice, the protest period and the protests filed in it."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from departments.models import Department
from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.bids import Bid
from procurements.models.common import OFFICERS_ONLY, is_officer
from procurements.models.solicitations import Solicitation


class AwardQuerySet(models.QuerySet):
    def current(self) -> "AwardQuerySet":
        return self.filter(status__in=Award.CURRENT)


class Award(models.Model):
    """One proposal of one bid, numbered per solicitation like split versions: approvals
    belong to exactly this proposal and never carry over to the next (DESIGN.md 4)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Awaiting the departments"
        APPROVED = "approved", "Approved by every department"
        REJECTED = "rejected", "Rejected"
        PUBLISHED = "published", "Published, protest period running"
        FINAL = "final", "Final"
        ANNULLED = "annulled", "Withdrawn"

    # Every move is a consequence: of the last head's approval, a rejection, the clock, an
    # upheld protest or a reopened evaluation.
    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="award",
        audit_on=lambda award: award.solicitation,
        transitions=[
            Transition(
                "approve", sources(Status.PROPOSED), Status.APPROVED,
                verb=Verb.AWARD_APPROVE, done="approved",
            ),
            Transition(
                "reject", sources(Status.PROPOSED), Status.REJECTED,
                verb=Verb.AWARD_REJECT, done="rejected",
            ),
            Transition(
                "publish", sources(Status.APPROVED), Status.PUBLISHED,
                verb=Verb.AWARD_PUBLISH, done="published",
            ),
            Transition(
                "finalize", sources(Status.PUBLISHED), Status.FINAL,
                verb=Verb.AWARD_FINAL, done="made final",
            ),
            Transition(
                "annul", sources(Status.PROPOSED, Status.APPROVED, Status.PUBLISHED),
                Status.ANNULLED,
                verb=Verb.AWARD_ANNUL, done="withdrawn",
            ),
        ],
    )
    # fmt: on
    CURRENT = frozenset({Status.PROPOSED, Status.APPROVED, Status.PUBLISHED, Status.FINAL})
    PUBLIC = frozenset({Status.PUBLISHED, Status.FINAL})

    solicitation = models.ForeignKey(Solicitation, on_delete=models.PROTECT, related_name="awards")
    number = models.PositiveIntegerField()
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="awards")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # Whether the bid was ranked first; otherwise the justification (published with the notice).
    top_ranked = models.BooleanField()
    justification = models.TextField(blank=True)
    # The split priced at the awarded unit prices: the approved split version it follows, the
    # line items at those prices, and the allocation (procurements.allocation) in minor units.
    split_version = models.ForeignKey(
        "procurements.CostSplitVersion", on_delete=models.PROTECT, related_name="+"
    )
    basis = models.JSONField()
    result = models.JSONField()
    total_minor = models.BigIntegerField()
    in_kind_minor = models.BigIntegerField(default=0)
    # The committee's ranking when proposed ({bid, vendor, rank, total, price_score, ...}): what
    # the notice and the bidders' e-mails report, whatever changes later.
    ranking = models.JSONField()
    evaluation_round = models.PositiveSmallIntegerField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)
    protest_ends_at = models.DateTimeField(null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    # Why it was rejected (the head's reason) or withdrawn (the upheld protest).
    reason = models.TextField(blank=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["solicitation", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["solicitation", "number"], name="award_number_unique"),
            models.UniqueConstraint(
                fields=["solicitation"],
                condition=Q(status__in=["proposed", "approved", "published", "final"]),
                name="award_one_current",
            ),
        ]
        indexes = [
            # The chronograph's sweep: published awards whose protest period has ended.
            models.Index(
                fields=["protest_ends_at"],
                condition=Q(status="published"),
                name="award_protest_period_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Award {self.number} of {self.solicitation_id} ({self.status})"

    @property
    def payable_minor(self) -> int:
        return self.total_minor - self.in_kind_minor

    def amount_of(self, department_code: str) -> int:
        return self.result["departments"].get(department_code, 0)


def _heads_it(actor, share) -> bool:
    return actor.heads(share.department)


def _heads_it_and_did_not_propose(actor, share) -> bool:
    """Four eyes (invariant 11): whoever proposed the award approves no amount of it."""
    return _heads_it(actor, share) and share.award.proposed_by_id != actor.user.pk


def _only_its_head(share, actor) -> str:
    if _heads_it(actor, share):
        return "You proposed this award: another head of the department must approve it."
    return f"Only the head of {share.department.code} may decide for it."


def _already_decided(share, status) -> str:
    return f"{share.department.code} has already decided on award {share.award.number}."


class AwardShare(models.Model):
    """One participating department's exact amount of one award, and its head's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting the head"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="award amount",
        audit_on=lambda share: share.award.solicitation,
        transitions=[
            Transition(
                "approve", sources(Status.PENDING), Status.APPROVED,
                verb=Verb.AWARD_SHARE_APPROVE, done="approved", refused=_already_decided,
                who=_heads_it_and_did_not_propose, denied=_only_its_head,
            ),
            Transition(
                "reject", sources(Status.PENDING), Status.REJECTED,
                verb=Verb.AWARD_SHARE_REJECT, done="rejected", refused=_already_decided,
                who=_heads_it, denied=_only_its_head,
            ),
        ],
    )
    # fmt: on

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="shares")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    amount_minor = models.BigIntegerField()
    # The fund code the cost split's approval charged the share to, carried to the contract.
    fund_code = models.CharField(max_length=30, blank=True)
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
                fields=["award", "department"], name="award_share_once_per_department"
            ),
        ]
        indexes = [models.Index(fields=["department", "status"], name="award_share_inbox")]

    def __str__(self) -> str:
        return f"{self.department.code} amount of award {self.award.number}: {self.status}"


class Protest(models.Model):
    """A bidder's protest against a published award, filed in the protest period (by the
    database clock); the officer upholds it (the award is withdrawn and the solicitation goes
    back to evaluation) or denies it, with reasons either way."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        UPHELD = "upheld", "Upheld"
        DENIED = "denied", "Denied"
        MOOT = "moot", "Closed: the award was withdrawn"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="protest",
        audit_on=lambda protest: protest.award.solicitation,
        transitions=[
            Transition(
                "uphold", sources(Status.OPEN), Status.UPHELD,
                verb=Verb.PROTEST_UPHOLD, done="upheld",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            Transition(
                "deny", sources(Status.OPEN), Status.DENIED,
                verb=Verb.PROTEST_DENY, done="denied",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            # Another protest of the same award was upheld: nothing is left to contest.
            Transition(
                "close", sources(Status.OPEN), Status.MOOT,
                verb=Verb.PROTEST_MOOT, done="closed",
            ),
        ],
    )
    # fmt: on

    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="protests")
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField()
    filed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            # One open protest per company and award: a second says more in the first.
            models.UniqueConstraint(
                fields=["award", "vendor"], condition=Q(status="open"), name="protest_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"Protest {self.pk} on award {self.award_id} ({self.status})"
