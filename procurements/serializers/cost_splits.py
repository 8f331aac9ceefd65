"""Cost splits: the allocation table, versions with their shares, the approval inbox, and the
input that previews or proposes a split."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api.base import DepartmentCodeInput
from p3hub.api.fields import AMOUNT_SCHEMA, AmountInput, amount, text_input
from procurements.models import CostSplitShare, CostSplitVersion
from procurements.serializers.common import status_text

_SHARE_SCHEMA = {
    "type": "object",
    "properties": {"department": {"type": "string"}, "amount": AMOUNT_SCHEMA},
    "required": ["department", "amount"],
}
SPLIT_TABLE_SCHEMA = {
    "type": "object",
    "description": "Every amount in major units; rows and columns add up exactly.",
    "properties": {
        "total": AMOUNT_SCHEMA,
        "in_kind_amount": AMOUNT_SCHEMA,
        "payable": AMOUNT_SCHEMA,
        "departments": {"type": "array", "items": _SHARE_SCHEMA},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line_item": {"type": "integer"},
                    "description": {"type": "string"},
                    "amount": AMOUNT_SCHEMA,
                    "in_kind_amount": AMOUNT_SCHEMA,
                    "shares": {"type": "array", "items": _SHARE_SCHEMA},
                },
                "required": ["line_item", "description", "amount", "in_kind_amount", "shares"],
            },
        },
    },
    "required": ["total", "in_kind_amount", "payable", "departments", "lines"],
}
IN_KIND_SCHEMA = {
    "type": "object",
    "description": "The in-kind contribution: part of the cost a vendor or partner donates.",
    "properties": {
        "amount": AMOUNT_SCHEMA,
        "contributor": {"type": "string"},
        "description": {"type": "string"},
    },
    "required": ["amount", "contributor", "description"],
}


def split_table(result: dict, basis: list[dict], context) -> dict:
    """A split's allocation (`SplitResult.as_json()`) as the API shows it, each line named
    from the basis it was computed on."""
    described = {line["id"]: line["description"] for line in basis}

    def shares(by_code: dict) -> list[dict]:
        return [
            {"department": code, "amount": amount(minor, context)}
            for code, minor in sorted(by_code.items())
        ]

    return {
        "total": amount(result["total_minor"], context),
        "in_kind_amount": amount(result["in_kind_minor"], context),
        "payable": amount(result["payable_minor"], context),
        "departments": shares(result["departments"]),
        "lines": [
            {
                "line_item": line["line"],
                "description": described.get(line["line"], ""),
                "amount": amount(line["amount"], context),
                "in_kind_amount": amount(line["in_kind"], context),
                "shares": shares(line["shares"]),
            }
            for line in result["lines"]
        ],
    }


class SplitPreviewSerializer(serializers.Serializer):
    """What a split would allocate (nothing saved)."""

    method = serializers.CharField()
    table = serializers.SerializerMethodField()

    @extend_schema_field(SPLIT_TABLE_SCHEMA)
    def get_table(self, preview) -> dict:
        return split_table(preview["result"].as_json(), preview["basis"], self.context)


class ShareSerializer(serializers.ModelSerializer):
    """One department's share of a version and its head's decision."""

    department = serializers.CharField(source="department.code")
    amount = serializers.SerializerMethodField()
    status = status_text(CostSplitShare.Status.choices)
    decided_by = serializers.CharField(source="decided_by.username", allow_null=True)

    class Meta:
        model = CostSplitShare
        fields = [
            "department",
            "amount",
            "status",
            "fund_code",
            "reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, share) -> str:
        return amount(share.amount_minor, self.context)


class SplitVersionSerializer(serializers.ModelSerializer):
    departments = serializers.SerializerMethodField()
    inputs = serializers.SerializerMethodField()
    in_kind = serializers.SerializerMethodField()
    table = serializers.SerializerMethodField()
    shares = ShareSerializer(many=True)
    created_by = serializers.CharField(source="created_by.username")
    status = status_text(CostSplitVersion.Status.choices)

    class Meta:
        model = CostSplitVersion
        fields = [
            "number",
            "method",
            "status",
            "departments",
            "inputs",
            "in_kind",
            "note",
            "table",
            "shares",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_departments(self, version) -> list[str]:
        return sorted(share.department.code for share in version.shares.all())

    @extend_schema_field({"type": "object", "description": "The method's parameters as given."})
    def get_inputs(self, version) -> dict:
        """As given, with fixed amounts (stored in minor units) back in major units."""
        inputs = dict(version.inputs)
        if isinstance(inputs.get("amounts"), dict):
            inputs["amounts"] = {
                code: amount(minor, self.context) for code, minor in inputs["amounts"].items()
            }
        return inputs

    @extend_schema_field(IN_KIND_SCHEMA)
    def get_in_kind(self, version) -> dict:
        return {
            "amount": amount(version.in_kind_minor, self.context),
            "contributor": version.in_kind_contributor,
            "description": version.in_kind_description,
        }

    @extend_schema_field(SPLIT_TABLE_SCHEMA)
    def get_table(self, version) -> dict:
        return split_table(version.result, version.basis, self.context)


class ApprovalSerializer(serializers.Serializer):
    """One department's share awaiting the caller's decision as its head."""

    solicitation = serializers.CharField(source="version.solicitation.reference")
    title = serializers.CharField(source="version.solicitation.title")
    lead_department = serializers.CharField(source="version.solicitation.lead_department.code")
    version = serializers.IntegerField(source="version.number")
    department = serializers.CharField(source="department.code")
    amount = serializers.SerializerMethodField(help_text="What the department pays.")
    payable = serializers.SerializerMethodField(help_text="What all departments pay together.")
    proposed_by = serializers.CharField(source="version.created_by.username")
    proposed_at = serializers.DateTimeField(source="version.created_at")
    decided_before = serializers.SerializerMethodField(
        help_text="The department's decision on the latest earlier version and its amount "
        "then, or null when it decided none."
    )

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_amount(self, share) -> str:
        return amount(share.amount_minor, self.context)

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "version": {"type": "integer"},
                "status": {"type": "string"},
                "by": {"type": "string"},
                "amount": AMOUNT_SCHEMA,
            },
            "required": ["version", "status", "by", "amount"],
        }
    )
    def get_decided_before(self, share):
        change = share.change_since_decided
        if change is None:
            return None
        return {
            "version": change.decided_number,
            "status": change.decided_status,
            "by": change.decided_by,
            "amount": amount(change.before_minor, self.context),
        }

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_payable(self, share) -> str:
        return amount(share.version.payable_minor, self.context)


class InKindInput(serializers.Serializer):
    amount = AmountInput(required=False, help_text="The donated amount in major units.")
    contributor = text_input(help_text="Who donates it: a vendor or a partner.")
    description = text_input(help_text="What is donated, such as “first year of service”.")


class CostSplitInput(serializers.Serializer):
    method = text_input(help_text="percentage, fixed, line_item or quantity.")
    inputs = serializers.JSONField(
        required=False,
        help_text=(
            "The method's parameters, checked by the split engine: percentage "
            '`{"percentages": {"TRN": "60", "PSD": "40"}}` (at most four decimals, total '
            'exactly 100); fixed `{"amounts": {"TRN": "7,400.00", "PSD": "5,000.00"}}` '
            "(major units like every amount, total exactly the payable estimate); line_item "
            '`{"lines": {"<line item id>": {"TRN": "50", "PSD": "50"}}}` (percentages per '
            'line); quantity `{"quantities": {"<line item id>": {"TRN": "3", "PSD": "1"}}}`.'
        ),
    )
    in_kind = InKindInput(required=False, allow_null=True)
    note = text_input(help_text="A note to the approvers.")

    def service_kwargs(self) -> dict:
        """The validated body as cost_split_propose's keyword arguments."""
        data = self.validated_data
        in_kind = data.get("in_kind") or {}
        return {
            "method": data.get("method", ""),
            "inputs": data.get("inputs", {}),
            "in_kind_amount": in_kind.get("amount"),
            "in_kind_contributor": in_kind.get("contributor", ""),
            "in_kind_description": in_kind.get("description", ""),
            "note": data.get("note", ""),
        }


class ApproveInput(serializers.Serializer):
    department = DepartmentCodeInput(help_text="The department code, e.g. PSD.")
    fund_code = text_input(
        help_text=(
            "The department fund code the share is charged to: one of the department's "
            "`fund_codes`, required when it has any."
        )
    )


class RejectInput(serializers.Serializer):
    department = DepartmentCodeInput(help_text="The department code, e.g. PSD.")
    reason = text_input(help_text="Why; the officer reads it.")
