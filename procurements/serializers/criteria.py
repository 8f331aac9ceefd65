"""Evaluation criteria, read and replaced as a whole."""

from rest_framework import serializers

from p3hub.api.fields import NumberInput, text_input
from procurements.models import Criterion


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["position", "name", "description", "weight", "is_price"]
        read_only_fields = fields


class CriterionInput(serializers.Serializer):
    name = text_input()
    description = text_input()
    weight = NumberInput(required=False, help_text="A whole number from 1 to 100.")
    is_price = serializers.BooleanField(required=False, default=False)


class CriteriaInput(serializers.Serializer):
    criteria = CriterionInput(
        many=True,
        help_text="Every criterion: weights total exactly 100, exactly one is price.",
    )
