"""Line items: what a solicitation buys."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import (
    AMOUNT_SCHEMA,
    AmountField,
    AmountInput,
    NumberInput,
    amount,
    text_input,
)
from procurements.allocation import line_amount_minor
from procurements.models import LineItem


class LineItemSerializer(serializers.ModelSerializer):
    estimated_unit_price = AmountField(source="estimated_unit_price_minor")
    amount = serializers.SerializerMethodField(help_text="Quantity x estimated unit price.")

    class Meta:
        model = LineItem
        fields = [
            "id",
            "position",
            "description",
            "quantity",
            "unit",
            "site",
            "estimated_unit_price",
            "amount",
        ]
        read_only_fields = fields

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, item) -> str:
        minor = line_amount_minor(item.quantity, item.estimated_unit_price_minor)
        return amount(minor, self.context)


class LineItemInput(serializers.Serializer):
    description = text_input()
    quantity = NumberInput(
        required=False, help_text="Above zero, at most three decimals: “4”, “2.5”, or a number."
    )
    unit = text_input(help_text="“each” when left out.")
    site = text_input(help_text="Where it goes, such as “Main St & Elm St”.")
    estimated_unit_price = AmountInput(
        required=False, help_text="Price of one unit in major units (“2,500.00”)."
    )
