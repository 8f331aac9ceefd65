"""Solicitations: lists, the workspace's detail, the inputs that open and edit one."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api.base import DepartmentCodeInput
from p3hub.api.fields import AMOUNT_SCHEMA, LocalDateTimeField, amount, text_input
from procurements import selectors, services
from procurements.allocation import line_amount_minor
from procurements.models import Solicitation
from procurements.serializers.common import (
    LIST_FIELDS,
    MOVES_HELP,
    StatusDisplayField,
    category_field,
    current_status,
    joined_codes,
    open_moves,
)
from procurements.serializers.criteria import CriterionSerializer
from procurements.serializers.line_items import LineItemSerializer
from procurements.serializers.participations import ParticipationSerializer
from vendors.categories import Category


class RejectionSerializer(serializers.Serializer):
    """Why a solicitation in approval is stuck: its latest split version was rejected."""

    department = serializers.CharField(help_text="Code of the department that rejected.")
    reason = serializers.CharField()
    by = serializers.CharField(help_text="Who rejected, as named on the pages.")
    at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField(help_text="The split version rejected.")
    next_step = serializers.CharField(help_text="What the officer does next.")


class SolicitationSerializer(serializers.ModelSerializer):
    """A solicitation in a list: the row and its joined departments (prefetched)."""

    status = current_status()
    category = category_field()
    status_display = StatusDisplayField()
    status_note = serializers.SerializerMethodField(
        help_text="What holds the solicitation up, as its status on the pages says it "
        "(“Rejected by PSD: <reason>”), or null."
    )
    rejection = serializers.SerializerMethodField(
        help_text="The rejection of the latest split version, until a new one is proposed."
    )
    lead_department = serializers.CharField(source="lead_department.code")
    departments = serializers.SerializerMethodField(
        help_text="Codes of the departments that joined (the lead department included)."
    )

    class Meta:
        model = Solicitation
        fields = [*LIST_FIELDS, "status_note", "rejection", "created_at", "updated_at"]
        read_only_fields = fields

    def get_departments(self, solicitation) -> list[str]:
        return joined_codes(solicitation)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "department": {"type": "string", "description": "Who rejected: a code."},
                "reason": {"type": "string"},
                "by": {"type": "string", "description": "The head, as the pages name them."},
                "at": {"type": "string", "format": "date-time", "nullable": True},
                "version": {"type": "integer", "description": "The version rejected."},
                "next_step": {"type": "string", "description": "What the officer does next."},
            },
            "required": ["department", "reason", "by", "at", "version", "next_step"],
        }
    )
    def get_rejection(self, solicitation) -> dict | None:
        rejection = solicitation.rejection
        if rejection is None:
            return None
        return RejectionSerializer(rejection, context=self.context).data

    def get_status_note(self, solicitation) -> str | None:
        rejection = solicitation.rejection
        return None if rejection is None else rejection.summary


class SolicitationDetailSerializer(SolicitationSerializer):
    """One solicitation with everything the officer's workspace shows."""

    participations = ParticipationSerializer(many=True)
    line_items = LineItemSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    estimated_total = serializers.SerializerMethodField(help_text="The line items' total.")
    current_split = serializers.SerializerMethodField(
        help_text="Number and status of the split version in force, or null."
    )
    moves = serializers.SerializerMethodField(help_text=MOVES_HELP)
    publish_blockers = serializers.SerializerMethodField(
        help_text="What stops publishing now, each with the field to edit (empty: it can be "
        "published by an officer once it is approved)."
    )
    bids_received = serializers.SerializerMethodField(
        help_text="How many bids arrived: all staff learn of the bids before the opening "
        "(.../bids/ has the opening and the tabulation)."
    )

    class Meta(SolicitationSerializer.Meta):
        fields = [
            *SolicitationSerializer.Meta.fields,
            "description",
            "cancel_reason",
            "participations",
            "line_items",
            "criteria",
            "estimated_total",
            "current_split",
            "moves",
            "publish_blockers",
            "bids_received",
        ]
        read_only_fields = fields

    def get_bids_received(self, solicitation) -> int:
        return selectors.bids_received(solicitation)

    @extend_schema_field(
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "detail": {"type": "string"},
                    "attr": {"type": "string", "nullable": True},
                },
                "required": ["code", "detail", "attr"],
            },
        }
    )
    def get_publish_blockers(self, solicitation) -> list[dict]:
        if solicitation.status not in Solicitation.EDITABLE:
            return []
        return [
            {"code": blocker.code, "detail": blocker.message, "attr": blocker.field}
            for blocker in services.publish_blockers(solicitation)
        ]

    def get_moves(self, solicitation) -> list[str]:
        return open_moves(solicitation, self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_estimated_total(self, solicitation) -> str:
        total = sum(
            line_amount_minor(item.quantity, item.estimated_unit_price_minor)
            for item in solicitation.line_items.all()
        )
        return amount(total, self.context)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"number": {"type": "integer"}, "status": {"type": "string"}},
            "required": ["number", "status"],
        }
    )
    def get_current_split(self, solicitation):
        version = solicitation.split_versions.current().only("number", "status").first()
        return None if version is None else {"number": version.number, "status": version.status}


def _date_input() -> LocalDateTimeField:
    return LocalDateTimeField(required=False, allow_null=True)


class SolicitationUpdateInput(serializers.Serializer):
    kind = text_input(help_text="RFP, IFB or RFQ.")
    title = text_input()
    description = text_input()
    category = text_input(help_text="A category of work: " + ", ".join(Category.values) + ".")
    publish_at = _date_input()
    questions_due_at = _date_input()
    bids_due_at = _date_input()
    opening_at = _date_input()


class SolicitationCreateInput(SolicitationUpdateInput):
    lead_department = DepartmentCodeInput(
        required=False, help_text="Code of the department that leads."
    )


class CancelInput(serializers.Serializer):
    reason = text_input(help_text="Shown to the public.")


class HistoryEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    verb = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    created_at = serializers.DateTimeField()
    before = serializers.JSONField(help_text="The values before, as recorded (times in UTC).")
    after = serializers.JSONField(help_text="The values after, as recorded (times in UTC).")
