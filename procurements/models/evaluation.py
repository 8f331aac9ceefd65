"""The joint evaluation (DESIGN.md 3, 4): who may evaluate a solicitation (a django-guardian
object permission), their conflict-of-interest declarations per bidder, the evaluation's own
lifecycle (scores locked once closed) and each evaluator's score sheet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from procurements.models.bids import Bid
from procurements.models.common import OFFICERS_ONLY, is_officer
from procurements.models.solicitations import Criterion, Solicitation

# The object permission an evaluator holds on one solicitation (Solicitation.Meta.permissions).
EVALUATE = "procurements.evaluate_solicitation"


class SolicitationUserPermission(UserObjectPermissionBase):
    """guardian's grants on a solicitation, by a direct foreign key (STYLE.md 7): a row per
    evaluator, deleted with the solicitation, joined without a content-type lookup."""

    content_object = models.ForeignKey(Solicitation, on_delete=models.CASCADE)


class SolicitationGroupPermission(GroupObjectPermissionBase):
    """Unused by the product (grants are to people), declared so guardian never falls back to
    its generic table for solicitations."""

    content_object = models.ForeignKey(Solicitation, on_delete=models.CASCADE)


class ConflictDeclaration(models.Model):
    """An evaluator's declaration about one bidder, typed and timed by the database clock. A
    declared conflict removes the evaluator from the solicitation for good."""

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="declarations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="+")
    has_conflict = models.BooleanField()
    note = models.TextField(blank=True)
    typed_name = models.CharField(max_length=200)
    declared_at = models.DateTimeField()

    class Meta:
        ordering = ["solicitation", "evaluator", "vendor__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "evaluator", "vendor"], name="declaration_once_per_bidder"
            ),
        ]

    def __str__(self) -> str:
        said = "conflict" if self.has_conflict else "no conflict"
        return f"{self.evaluator_id} on {self.vendor_id}: {said}"


class Evaluation(models.Model):
    """A solicitation's evaluation: open while evaluators score, closed (scores locked) before
    the award is proposed; a rejected award or an upheld protest reopens it, with the reason,
    as a new round."""

    class Status(models.TextChoices):
        OPEN = "open", "Open for scoring"
        CLOSED = "closed", "Closed"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="evaluation",
        audit_on=lambda evaluation: evaluation.solicitation,
        transitions=[
            Transition(
                "close", sources(Status.OPEN), Status.CLOSED,
                verb=Verb.EVALUATION_CLOSE, done="closed",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            Transition(
                "reopen", sources(Status.CLOSED), Status.OPEN,
                verb=Verb.EVALUATION_REOPEN, done="reopened",
                who=is_officer, denied=OFFICERS_ONLY,
            ),
            # The same, as the consequence of a head's rejection or an upheld protest.
            Transition(
                "resume", sources(Status.CLOSED), Status.OPEN,
                verb=Verb.EVALUATION_REOPEN, done="reopened",
            ),
        ],
    )
    # fmt: on

    solicitation = models.OneToOneField(
        Solicitation, on_delete=models.CASCADE, related_name="evaluation"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    round = models.PositiveSmallIntegerField(default=1)
    # Why it was last reopened (a head's rejection, an upheld protest, the officer's own).
    reopened_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Evaluation of {self.solicitation_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def _the_evaluator(actor, sheet) -> bool:
    return getattr(actor, "user", None) is not None and actor.user.pk == sheet.evaluator_id


class ScoreSheet(models.Model):
    """One evaluator's scores on one solicitation: a draft only they see, then submitted (and
    locked), after which they see the committee's scores. Reopening the evaluation returns it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="score sheet",
        audit_on=lambda sheet: sheet.solicitation,
        transitions=[
            Transition(
                "submit", sources(Status.DRAFT), Status.SUBMITTED,
                verb=Verb.SCORE_SHEET_SUBMIT, done="submitted",
                who=_the_evaluator, denied="Only its evaluator may submit a score sheet.",
            ),
            Transition(
                "return", sources(Status.SUBMITTED), Status.DRAFT,
                verb=Verb.SCORE_SHEET_RETURN, done="returned",
            ),
        ],
    )
    # fmt: on

    solicitation = models.ForeignKey(
        Solicitation, on_delete=models.CASCADE, related_name="score_sheets"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["solicitation", "evaluator__last_name", "evaluator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "evaluator"], name="score_sheet_once_per_evaluator"
            ),
        ]

    def __str__(self) -> str:
        return f"Sheet of {self.evaluator_id} on {self.solicitation_id} ({self.status})"


class Score(models.Model):
    """One evaluator's points (0-100) for one responsive bid on one non-price criterion."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["sheet", "bid", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "bid", "criterion"], name="score_once_per_bid_and_criterion"
            ),
            models.CheckConstraint(condition=Q(points__lte=100), name="score_points_lte_100"),
        ]

    def __str__(self) -> str:
        return f"{self.points} for bid {self.bid_id} on {self.criterion_id}"
