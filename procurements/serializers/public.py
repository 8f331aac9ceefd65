"""What the public API shows: published solicitations, no drafts, no split internals, no
people. Each row's dates are in its own municipality's local time."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurements import selectors
from procurements.models import LineItem, Solicitation
from procurements.serializers.common import (
    LIST_FIELDS,
    StatusDisplayField,
    category_field,
    current_status,
)
from procurements.serializers.questions import PublicQuestionSerializer


class PublicDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicSolicitationSerializer(serializers.ModelSerializer):
    """What the public list shows: no drafts, no split internals, no people."""

    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name")
    status = current_status()
    category = category_field()
    status_display = StatusDisplayField()
    lead_department = PublicDepartmentSerializer()
    departments = serializers.SerializerMethodField()

    class Meta:
        model = Solicitation
        fields = ["municipality", "municipality_name", *LIST_FIELDS, "cancel_reason"]
        read_only_fields = fields

    @extend_schema_field(PublicDepartmentSerializer(many=True))
    def get_departments(self, solicitation) -> list[dict]:
        return [{"code": d.code, "name": d.name} for d in solicitation.joined_departments()]

    def to_representation(self, solicitation):
        # Dates in the municipality's own zone, whichever city the row belongs to.
        with timezone.override(solicitation.municipality.zone):
            return super().to_representation(solicitation)


class PublicLineItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = LineItem
        fields = ["position", "description", "quantity", "unit", "site"]
        read_only_fields = fields


class PublicSolicitationDetailSerializer(PublicSolicitationSerializer):
    line_items = PublicLineItemSerializer(many=True)
    documents = serializers.SlugRelatedField(slug_field="title", many=True, read_only=True)
    questions = serializers.SerializerMethodField(
        help_text="The answered questions, by number; nothing of who asked."
    )

    class Meta(PublicSolicitationSerializer.Meta):
        fields = [
            *PublicSolicitationSerializer.Meta.fields,
            "description",
            "line_items",
            "documents",
            "questions",
        ]
        read_only_fields = fields

    @extend_schema_field(PublicQuestionSerializer(many=True))
    def get_questions(self, solicitation) -> list[dict]:
        questions = selectors.answered_questions(solicitation)
        return PublicQuestionSerializer(questions, many=True).data
