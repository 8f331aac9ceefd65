"""The joint evaluation in the API (issue 12): the evaluation's state, the committee list and
the declared conflicts, an evaluator's declaration and score sheet, the responsiveness of the
opened bids and the committee view. Prices are decimal strings in major units, as everywhere;
scores, averages and weighted totals are decimal strings with two places, computed exactly by
procurements.scoring and rounded once."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import AMOUNT_SCHEMA, RawInput, amount, text_input
from procurements.models import NonResponsive, ScoreSheet
from procurements.serializers.common import status_text

SCORE_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?\d+\.\d\d$",
    "example": "91.33",
}
OPTIONAL_SCORE = {**SCORE_SCHEMA, "nullable": True}


def shown(value) -> str | None:
    """A Decimal score as its two-place string (None stays None: not scored)."""
    return None if value is None else str(value)


@extend_schema_field(OPTIONAL_SCORE)
class ScoreField(serializers.Field):
    """A scoring.shown Decimal out as its string; null when nobody scored."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> str | None:
        return shown(value)


def bid_amount(bid, context) -> str | None:
    return None if bid.total_minor is None else amount(bid.total_minor, context)


# --- the evaluation's state -----------------------------------------------------------------


class YourPartSerializer(serializers.Serializer):
    evaluator = serializers.BooleanField(help_text="You hold the evaluator grant.")
    declared = serializers.BooleanField(help_text="You made your declaration.")
    cleared = serializers.BooleanField(
        help_text="Granted and declared no conflict with any bidder: you may score."
    )
    sheet_status = serializers.CharField(
        help_text="Your score sheet: draft, submitted, or empty without one."
    )
    sees_committee = serializers.BooleanField(
        help_text="You may read the committee view (officer, participating heads, an "
        "evaluator once their own sheet is submitted)."
    )


class EvaluationSerializer(serializers.Serializer):
    """Where the evaluation stands (no bid content: any member may read it)."""

    status = serializers.CharField(help_text="not_started, open or closed.")
    round = serializers.IntegerField(allow_null=True, help_text="1, then +1 at each reopening.")
    reopened_reason = serializers.CharField(help_text="Why it was last reopened; empty if never.")
    started_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    close_blockers = serializers.ListField(
        child=serializers.CharField(),
        help_text="While it is open: what must happen before the officer can close it.",
    )
    moves = serializers.ListField(
        child=serializers.CharField(), help_text="The moves you may make now: close, reopen."
    )
    you = YourPartSerializer()


class EvaluatorSerializer(serializers.Serializer):
    """An appointed evaluator (selectors.evaluators_of)."""

    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")
    declared = serializers.BooleanField(
        allow_null=True, help_text="Null until they declared; true: no conflict with anyone."
    )
    sheet_status = serializers.CharField(help_text="draft, submitted, or empty without one.")
    sheet_submitted_at = serializers.DateTimeField(allow_null=True)


class ConflictSerializer(serializers.Serializer):
    """A declared conflict of interest: the evaluator was removed from the solicitation."""

    evaluator = serializers.CharField(source="evaluator.username")
    name = serializers.CharField(source="evaluator.display_name")
    vendor = serializers.CharField(source="vendor.name")
    declared_at = serializers.DateTimeField()
    note = serializers.CharField()


@extend_schema_field(
    {"oneOf": [{"type": "string"}, {"type": "integer"}], "description": "A username or an id."}
)
class UserInput(RawInput):
    """As given: the API finds the person among the municipality's (a 400 naming `user`)."""


class EvaluatorInput(serializers.Serializer):
    user = UserInput(help_text="The person to appoint: their username or id.")


# --- declarations ---------------------------------------------------------------------------


class BidderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text="The company's id: a key of `conflicts`.")
    name = serializers.CharField()


class AnswerSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(source="vendor_id")
    name = serializers.CharField(source="vendor.name")
    conflict = serializers.BooleanField(source="has_conflict")


class DeclarationSerializer(serializers.Serializer):
    """The caller's declaration: whom to declare about and, once made, what they declared."""

    bidders = BidderSerializer(many=True, help_text="The companies whose bids were opened.")
    declared = serializers.BooleanField()
    declared_at = serializers.DateTimeField(allow_null=True)
    typed_name = serializers.CharField()
    note = serializers.CharField()
    answers = AnswerSerializer(many=True, help_text="Empty until declared.")
    cleared = serializers.BooleanField(help_text="No conflict with anyone: you may score.")


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "boolean"},
        "description": "One answer per bidder, by the company's id: true for a conflict of "
        "interest, false for none.",
        "example": {"3": False, "4": False},
    }
)
class ConflictsInput(RawInput):
    """As given: the service names each bidder at fault (`conflicts.<vendor id>`)."""


class DeclarationInput(serializers.Serializer):
    conflicts = ConflictsInput()
    typed_name = text_input(help_text="Your full name, typed, to sign the declaration.")
    note = text_input(help_text="Anything the officer should know (optional).")


# --- responsiveness -------------------------------------------------------------------------


class ProposalSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="One of the `reason` codes.")
    label = serializers.CharField()


class ResponsivenessSerializer(serializers.Serializer):
    """An opened bid with the officer's decision and what the data says against it (the
    `proposals` in the context: bid id -> NonResponsive values)."""

    id = serializers.IntegerField(source="pk", help_text="The bid.")
    vendor = serializers.CharField(source="vendor.name")
    total = serializers.SerializerMethodField()
    status = status_text([("opened", ""), ("responsive", ""), ("non_responsive", "")])
    responsive = serializers.SerializerMethodField(help_text="Null until decided.")
    reason = serializers.CharField(source="responsiveness_reason")
    reason_display = serializers.CharField(source="get_responsiveness_reason_display")
    note = serializers.CharField(source="responsiveness_note")
    decided_by = serializers.CharField(source="responsiveness_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(source="responsiveness_at", allow_null=True)
    proposals = serializers.SerializerMethodField(
        help_text="Reasons the data proposes: an addendum not acknowledged, no insurance "
        "certificate valid at the deadline."
    )

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, bid) -> str | None:
        return bid_amount(bid, self.context)

    def get_responsive(self, bid) -> bool | None:
        return None if bid.status == "opened" else bid.status == "responsive"

    @extend_schema_field(ProposalSerializer(many=True))
    def get_proposals(self, bid) -> list[dict]:
        labels = dict(NonResponsive.choices)
        reasons = self.context["proposals"].get(bid.pk, [])
        return [{"reason": reason, "label": labels[reason]} for reason in reasons]


@extend_schema_field({"type": "boolean"})
class ResponsiveInput(RawInput):
    """As given: the service wants true or false."""


class ResponsivenessInput(serializers.Serializer):
    responsive = ResponsiveInput(help_text="true: responsive; false: not, with a `reason`.")
    reason = text_input(
        help_text="When not responsive: "
        + ", ".join(f"`{value}` ({label.lower()})" for value, label in NonResponsive.choices)
        + "."
    )
    note = text_input(help_text="Details; required with `other`, told to the company.")


# --- the score sheet ------------------------------------------------------------------------


class CriterionScoredSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    description = serializers.CharField()
    weight = serializers.IntegerField(help_text="Of 100, price included.")


class BidToScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    vendor = serializers.CharField(source="vendor.name")
    total = serializers.SerializerMethodField()

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, bid) -> str | None:
        return bid_amount(bid, self.context)


class ScoreSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="bid_id")
    criterion = serializers.IntegerField(source="criterion_id")
    points = serializers.IntegerField(help_text="0 to 100.")
    comment = serializers.CharField()


class ScoreSheetSerializer(serializers.Serializer):
    """The caller's own sheet (a draft only they see) with what is to be scored."""

    status = status_text(ScoreSheet.Status.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    to_score = serializers.IntegerField(
        help_text="How many (bid, criterion) pairs are still unscored."
    )
    criteria = CriterionScoredSerializer(many=True, help_text="Every criterion but price.")
    bids = BidToScoreSerializer(many=True, help_text="The responsive bids, lowest total first.")
    scores = ScoreSerializer(many=True)


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "bid": {"type": "integer"},
                "criterion": {"type": "integer"},
                "points": {"type": "integer", "minimum": 0, "maximum": 100},
                "comment": {"type": "string"},
            },
        },
        "description": "Scores to add or replace, each a responsive bid on a criterion "
        "other than price; scores not given are kept.",
    }
)
class ScoresInput(RawInput):
    """As given: the service names each entry at fault (`scores.<n>.points`)."""


class ScoreSheetInput(serializers.Serializer):
    scores = ScoresInput()


class ReopenInput(serializers.Serializer):
    reason = text_input(help_text="Why it is reopened; recorded and shown to the committee.")


# --- the committee view ---------------------------------------------------------------------


class CommitteeScoreSerializer(serializers.Serializer):
    evaluator = serializers.IntegerField()
    points = serializers.IntegerField()
    outlier = serializers.BooleanField(
        help_text="Far from the other evaluators' scores (with three scores or more)."
    )


class CommitteeCriterionSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    average = ScoreField(help_text="Null when nobody scored it yet.")
    weighted = ScoreField(help_text="The average x the weight / 100.")
    scores = serializers.SerializerMethodField()

    @extend_schema_field(CommitteeScoreSerializer(many=True))
    def get_scores(self, result) -> list[dict]:
        return [
            {"evaluator": evaluator, "points": points, "outlier": evaluator in result.outliers}
            for evaluator, points in result.scores.items()
        ]


class CommitteeRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1 for the best weighted score.")
    bid = serializers.IntegerField(source="bid.pk")
    vendor = serializers.CharField(source="bid.vendor.name")
    total = serializers.SerializerMethodField(help_text="The bid's price.")
    price_score = ScoreField(source="result.price_score", help_text="Null without price.")
    criteria = CommitteeCriterionSerializer(source="result.criteria", many=True)
    score = ScoreField(source="result.total", help_text="The weighted total of 100.")

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, row) -> str | None:
        return bid_amount(row.bid, self.context)


class CommitteeEvaluatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class PriceCriterionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    weight = serializers.IntegerField()


class NonResponsiveSerializer(serializers.Serializer):
    bid = serializers.IntegerField(source="pk")
    vendor = serializers.CharField(source="vendor.name")
    total = serializers.SerializerMethodField()
    reason = serializers.CharField(source="responsiveness_reason")
    reason_display = serializers.CharField(source="get_responsiveness_reason_display")
    note = serializers.CharField(source="responsiveness_note")

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, bid) -> str | None:
        return bid_amount(bid, self.context)


class CommitteeSerializer(serializers.Serializer):
    """selectors.committee_of: the submitted sheets only."""

    criteria = CriterionScoredSerializer(many=True, help_text="The scored criteria, in order.")
    price = serializers.SerializerMethodField(help_text="The price criterion, or null.")
    evaluators = CommitteeEvaluatorSerializer(
        many=True, help_text="The evaluators whose submitted sheets count."
    )
    rows = CommitteeRowSerializer(many=True, help_text="The responsive bids, best first.")
    non_responsive = NonResponsiveSerializer(many=True)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "weight": {"type": "integer"},
            },
            "required": ["id", "name", "weight"],
        }
    )
    def get_price(self, committee) -> dict | None:
        if committee.price is None:
            return None
        return PriceCriterionSerializer(committee.price, context=self.context).data
