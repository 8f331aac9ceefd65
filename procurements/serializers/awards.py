"""The award in the API (issue 12): the staff's award with each department's exact amount and
its head's decision, the award history, the heads' pending amounts, protests, the public award
notice and what a bidder reads of it (its own rank and scores). Amounts are decimal strings in
major units of the municipality's currency; the ranking a bidder reads is the one the award
recorded when it was proposed."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import AMOUNT_SCHEMA, RawInput, amount, text_input
from procurements.models import Award, AwardShare, Protest
from procurements.serializers.bids import OptionalAmountField
from procurements.serializers.common import status_text
from procurements.serializers.evaluation import ScoreField
from procurements.serializers.questions import InZoneMixin

# --- the staff's award ----------------------------------------------------------------------


class AwardShareSerializer(serializers.Serializer):
    """One participating department's exact amount of the award and its head's decision."""

    department = serializers.CharField(source="department.code")
    department_name = serializers.CharField(source="department.name")
    amount = serializers.SerializerMethodField(help_text="At the awarded unit prices.")
    fund_code = serializers.CharField()
    status = status_text(AwardShare.Status.choices)
    reason = serializers.CharField(help_text="Why it was rejected; empty otherwise.")
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, share) -> str:
        return amount(share.amount_minor, self.context)


class AwardMoneyMixin(serializers.Serializer):
    total = serializers.SerializerMethodField(help_text="The awarded bid's total.")

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, award) -> str:
        return amount(award.total_minor, self.context)


class AwardSummarySerializer(AwardMoneyMixin):
    """An award of the record: rejected and withdrawn ones keep their reason."""

    number = serializers.IntegerField()
    status = status_text(Award.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    bid = serializers.IntegerField(source="bid_id")
    vendor = serializers.CharField(source="bid.vendor.name")
    top_ranked = serializers.BooleanField()
    proposed_at = serializers.DateTimeField()
    reason = serializers.CharField(
        help_text="Why it was rejected (the head's reason) or withdrawn; empty otherwise."
    )


class AwardSerializer(AwardSummarySerializer):
    """The award with its priced split: each department's exact amount, summing exactly to
    what the departments pay (the total less any in-kind part)."""

    justification = serializers.CharField(
        help_text="Why a bid other than the top-ranked one (published with the notice)."
    )
    in_kind = serializers.SerializerMethodField(help_text="Donated, paid by no department.")
    payable = serializers.SerializerMethodField(help_text="What the departments pay together.")
    shares = AwardShareSerializer(many=True)
    evaluation_round = serializers.IntegerField()
    proposed_by = serializers.CharField(source="proposed_by.username")
    published_at = serializers.DateTimeField(allow_null=True)
    protest_ends_at = serializers.DateTimeField(
        allow_null=True, help_text="When the protest period ends (by the database clock)."
    )
    final_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_in_kind(self, award) -> str:
        return amount(award.in_kind_minor, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_payable(self, award) -> str:
        return amount(award.payable_minor, self.context)


class AwardStateSerializer(serializers.Serializer):
    current = serializers.SerializerMethodField(
        help_text="The award in force (proposed, approved, published or final), or null."
    )
    history = AwardSummarySerializer(many=True, help_text="Every award proposed, newest first.")

    @extend_schema_field(
        {
            "oneOf": [
                {"$ref": "#/components/schemas/Award"},
                {"type": "object", "nullable": True, "enum": [None]},
            ]
        }
    )
    def get_current(self, state) -> dict | None:
        current = state["current"]
        return None if current is None else AwardSerializer(current, context=self.context).data


class AwardApprovalSerializer(serializers.Serializer):
    """A department's amount of a proposed award awaiting the caller's decision as its head."""

    solicitation = serializers.CharField(source="award.solicitation.reference")
    title = serializers.CharField(source="award.solicitation.title")
    award = serializers.IntegerField(source="award.number")
    vendor = serializers.CharField(source="award.bid.vendor.name")
    department = serializers.CharField(source="department.code")
    amount = serializers.SerializerMethodField(help_text="What the department pays.")
    total = serializers.SerializerMethodField(help_text="The awarded bid's total.")
    proposed_by = serializers.CharField(source="award.proposed_by.username")
    proposed_at = serializers.DateTimeField(source="award.proposed_at")

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, share) -> str:
        return amount(share.amount_minor, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, share) -> str:
        return amount(share.award.total_minor, self.context)


class ProtestSerializer(serializers.Serializer):
    """A bidder's protest and its resolution, as staff read it."""

    id = serializers.IntegerField(source="pk")
    award = serializers.IntegerField(source="award.number")
    vendor = serializers.CharField(source="vendor.name")
    filed_by = serializers.CharField(source="filed_by.display_name")
    filed_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    status = status_text(Protest.Status.choices)
    resolution = serializers.CharField()
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)


# --- input ----------------------------------------------------------------------------------


@extend_schema_field({"type": "integer", "description": "The bid's id, as given."})
class BidInput(RawInput):
    """As given: the service finds the bid among the responsive ones."""


class AwardProposeInput(serializers.Serializer):
    bid = BidInput(help_text="The responsive bid to award.")
    justification = text_input(
        help_text="Required for any bid but the top-ranked; published with the notice."
    )


class AwardRejectInput(serializers.Serializer):
    reason = text_input(help_text="Why; the solicitation returns to evaluation with it.")


@extend_schema_field({"type": "boolean"})
class UpheldInput(RawInput):
    """As given: the service wants true or false."""


class ProtestResolutionInput(serializers.Serializer):
    upheld = UpheldInput(help_text="true: upheld (back to evaluation); false: denied.")
    resolution = text_input(help_text="The reasons, told to the company.")


class ProtestInput(serializers.Serializer):
    reasons = text_input(help_text="Why the company protests the award.")


# --- the notice -----------------------------------------------------------------------------


class NoticeShareSerializer(serializers.Serializer):
    department = serializers.CharField(source="department.code")
    name = serializers.CharField(source="department.name")
    amount = serializers.SerializerMethodField()

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, share) -> str:
        return amount(share.amount_minor, self.context)


class AwardNoticeSerializer(serializers.Serializer):
    """The public award notice: the company, the amount and each department's share; no
    score and nothing of the other bids. In the municipality's money and local time."""

    municipality = serializers.CharField(source="solicitation.municipality.slug")
    reference = serializers.CharField(source="solicitation.reference")
    title = serializers.CharField(source="solicitation.title")
    number = serializers.IntegerField()
    status = status_text([(Award.Status.PUBLISHED, ""), (Award.Status.FINAL, "")])
    vendor = serializers.CharField(source="bid.vendor.name")
    currency = serializers.CharField(source="solicitation.municipality.currency")
    total = serializers.SerializerMethodField()
    in_kind = serializers.SerializerMethodField()
    payable = serializers.SerializerMethodField()
    departments = NoticeShareSerializer(source="shares", many=True)
    top_ranked = serializers.BooleanField()
    justification = serializers.CharField(help_text="Empty for the top-ranked bid.")
    published_at = serializers.DateTimeField()
    protest_ends_at = serializers.DateTimeField()
    final_at = serializers.DateTimeField(allow_null=True)

    def to_representation(self, award):
        municipality = award.solicitation.municipality
        self.context["currency"] = municipality.currency
        with timezone.override(municipality.zone):
            return super().to_representation(award)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, award) -> str:
        return amount(award.total_minor, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_in_kind(self, award) -> str:
        return amount(award.in_kind_minor, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_payable(self, award) -> str:
        return amount(award.payable_minor, self.context)


# --- what a bidder reads --------------------------------------------------------------------


class RankedCriterionSerializer(serializers.Serializer):
    name = serializers.CharField()
    weight = serializers.IntegerField()
    average = ScoreField(help_text="The evaluators' average; null when not scored.")


class YourBidSerializer(serializers.Serializer):
    bid = serializers.IntegerField()
    responsive = serializers.BooleanField()
    rank = serializers.IntegerField(allow_null=True, help_text="Null when not responsive.")
    ranked = serializers.IntegerField(help_text="How many responsive bids were ranked.")
    total = OptionalAmountField(help_text="The bid's price; null when not responsive.")
    price_score = ScoreField()
    criteria = RankedCriterionSerializer(many=True)
    score = ScoreField(help_text="The weighted total of 100.")
    reason = serializers.CharField(help_text="Why the bid was not responsive; empty otherwise.")
    note = serializers.CharField()


class VendorProtestSerializer(InZoneMixin, serializers.Serializer):
    """The company's own protest and its resolution, in the municipality's local time."""

    id = serializers.IntegerField(source="pk")
    award = serializers.IntegerField(source="award.number")
    filed_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    status = status_text(Protest.Status.choices)
    resolution = serializers.CharField()
    resolved_at = serializers.DateTimeField(allow_null=True)

    def zone_of(self, protest):
        return protest.award.solicitation.municipality.zone


def your_bid(award: Award, bid_pk: int, context) -> dict:
    """The company's own line of the ranking the award recorded: its rank of how many and its
    scores, or why its bid was not responsive."""
    ranking = award.ranking
    names = {str(c["id"]): (c["name"], c["weight"]) for c in ranking["criteria"]}
    rows = ranking["rows"]
    row = next((r for r in rows if r["bid"] == bid_pk), None)
    excluded = next((r for r in ranking["non_responsive"] if r["bid"] == bid_pk), {})
    criteria = [
        {"name": names[key][0], "weight": names[key][1], "average": average}
        for key, average in (row["criteria"] if row else {}).items()
        if key in names
    ]
    return {
        "bid": bid_pk,
        "responsive": row is not None,
        "rank": row["rank"] if row else None,
        "ranked": len(rows),
        "total": amount(row["total_minor"], context) if row else None,
        "price_score": row["price_score"] if row else None,
        "criteria": criteria,
        "score": row["total"] if row else None,
        "reason": excluded.get("reason", ""),
        "note": excluded.get("note", ""),
    }


class VendorAwardSerializer(AwardNoticeSerializer):
    """The notice with the company's own line of the ranking and its protests (the view puts
    the company's bid, `bid_pk`, and its `protests` in the context)."""

    yours = serializers.SerializerMethodField()
    protests = serializers.SerializerMethodField()

    @extend_schema_field(YourBidSerializer)
    def get_yours(self, award) -> dict:
        line = your_bid(award, self.context["bid_pk"], self.context)
        return YourBidSerializer(line, context=self.context).data

    @extend_schema_field(VendorProtestSerializer(many=True))
    def get_protests(self, award) -> list[dict]:
        protests = self.context["protests"]
        return VendorProtestSerializer(protests, many=True, context=self.context).data
