"""The bid count, the opening's progress and the tabulation (issue 11). Money as everywhere
in the API: a decimal string in major units."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import AMOUNT_SCHEMA, amount


class OpeningSerializer(serializers.Serializer):
    bids_total = serializers.IntegerField(help_text="Bids to open (submitted at the deadline).")
    bids_opened = serializers.IntegerField()
    percent = serializers.IntegerField(help_text="0 to 100; 100 once finished.")
    requested_at = serializers.DateTimeField(
        allow_null=True, help_text="When the opening started; null before."
    )
    finished_at = serializers.DateTimeField(allow_null=True, help_text="Null until finished.")
    started = serializers.SerializerMethodField()
    finished = serializers.SerializerMethodField()

    def get_started(self, opening) -> bool:
        return opening.requested_at is not None

    def get_finished(self, opening) -> bool:
        return opening.finished_at is not None


class TabulationLineSerializer(serializers.Serializer):
    position = serializers.IntegerField(source="line.position")
    description = serializers.CharField(source="line.description")
    quantity = serializers.DecimalField(source="line.quantity", max_digits=14, decimal_places=3)
    unit_price = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField(help_text="Quantity x unit price.")

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_unit_price(self, priced) -> str:
        return amount(priced.unit_price_minor, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, priced) -> str:
        return amount(priced.total_minor, self.context)


class TabulationRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text="1 for the lowest total.")
    vendor = serializers.CharField(source="vendor_name")
    receipt_number = serializers.CharField()
    receipt_matches = serializers.BooleanField(
        help_text="Whether the opened bid hashes to the receipt its company was given."
    )
    total = serializers.SerializerMethodField()
    lines = TabulationLineSerializer(many=True)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_total(self, row) -> str:
        return amount(row.total_minor, self.context)


class VendorTabulationRowSerializer(TabulationRowSerializer):
    yours = serializers.SerializerMethodField(help_text="Your company's bid.")

    def get_yours(self, row) -> bool:
        return row.bid.vendor_id == self.context["vendor_id"]


class TabulationSerializer(serializers.Serializer):
    municipality = serializers.CharField(source="solicitation.municipality.slug")
    reference = serializers.CharField(source="solicitation.reference")
    opened_at = serializers.DateTimeField(source="solicitation.opened_at")
    currency = serializers.CharField(source="solicitation.municipality.currency")
    rows = TabulationRowSerializer(many=True, help_text="Lowest total first.")

    def to_representation(self, tabulation):
        # The city's money and local time, whoever asks (a company bids in many cities).
        municipality = tabulation.solicitation.municipality
        self.context["currency"] = municipality.currency
        with timezone.override(municipality.zone):
            return super().to_representation(tabulation)


class VendorTabulationSerializer(TabulationSerializer):
    rows = VendorTabulationRowSerializer(many=True, help_text="Lowest total first.")


def _or_null(component: str, description: str) -> dict:
    """A nested object or null. OpenAPI 3.0 has no nullable $ref (`nullable` beside `allOf`
    is ignored by validators), so: one of the object or null."""
    return {
        "oneOf": [
            {"$ref": f"#/components/schemas/{component}"},
            {"type": "object", "nullable": True, "enum": [None]},
        ],
        "description": description,
    }


class StaffBidsSerializer(serializers.Serializer):
    """Before the opening only the count: nothing of any bid (invariant 2)."""

    bids_received = serializers.IntegerField()
    opening = serializers.SerializerMethodField()
    tabulation = serializers.SerializerMethodField()

    @extend_schema_field(_or_null("Opening", "Null until the opening starts."))
    def get_opening(self, state) -> dict | None:
        opening = state["opening"]
        return None if opening is None else OpeningSerializer(opening, context=self.context).data

    @extend_schema_field(_or_null("Tabulation", "Null until the bids are opened."))
    def get_tabulation(self, state) -> dict | None:
        tabulation = state["tabulation"]
        if tabulation is None:
            return None
        return TabulationSerializer(tabulation, context=self.context).data
