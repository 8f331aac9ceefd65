"""What the API shows of addenda: everyone sees the addendum; staff also see which companies
acknowledged it; a company sees when it did."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.api.fields import LocalDateTimeField, RawInput, text_input
from procurements.models import Acknowledgement, Addendum, Document


class AddendumDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["file_name", "content_type", "size", "sha256", "url"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        solicitation = document.solicitation
        return reverse(
            "solicitation-document",
            args=[solicitation.municipality.slug, solicitation.reference, document.pk],
        )


class AddendumSerializer(serializers.ModelSerializer):
    """An addendum as the public reads it."""

    reference = serializers.CharField(source="solicitation.reference")
    municipality = serializers.CharField(source="solicitation.municipality.slug")
    changes = serializers.JSONField(
        help_text="What it changed, as recorded: `dates` {field: [before, after]} (UTC) and "
        "`line_items` [{position, before, after}]."
    )
    changes_described = serializers.ListField(
        child=serializers.CharField(), help_text="The same, one sentence each, in local time."
    )
    documents = AddendumDocumentSerializer(many=True)

    class Meta:
        model = Addendum
        fields = [
            "municipality",
            "reference",
            "number",
            "title",
            "text",
            "published_at",
            "changes",
            "changes_described",
            "documents",
        ]
        read_only_fields = fields


class AcknowledgementSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor.name")
    acknowledged_by = serializers.CharField(source="acknowledged_by.display_name")

    class Meta:
        model = Acknowledgement
        fields = ["vendor", "acknowledged_by", "acknowledged_at"]
        read_only_fields = fields


class StaffAddendumSerializer(AddendumSerializer):
    acknowledgements = AcknowledgementSerializer(many=True)

    class Meta(AddendumSerializer.Meta):
        fields = [*AddendumSerializer.Meta.fields, "acknowledgements"]
        read_only_fields = fields


class VendorAddendumSerializer(AddendumSerializer):
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="When your company acknowledged it; null if not yet."
    )

    class Meta(AddendumSerializer.Meta):
        fields = [*AddendumSerializer.Meta.fields, "acknowledged_at"]
        read_only_fields = fields


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "position": {"type": "integer"},
                "description": {"type": "string"},
                "quantity": {"type": "string", "example": "6"},
            },
            "required": ["position"],
        },
    }
)
class LineChangesInput(RawInput):
    """Handed to the service as given: it names the line at fault."""


class AddendumInput(serializers.Serializer):
    title = text_input()
    text = text_input()
    questions_due_at = LocalDateTimeField(required=False, allow_null=True)
    bids_due_at = LocalDateTimeField(
        required=False, allow_null=True, help_text="Later than the current deadline only."
    )
    opening_at = LocalDateTimeField(required=False, allow_null=True)
    line_items = LineChangesInput(required=False)
    documents = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="PDF, PNG, JPEG, DOCX or XLSX."
    )
