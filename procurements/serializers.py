"""Serializers of the procurement API: input serializers parse and shape request bodies for the
services (which hold every rule); output serializers shape rows for the response.

Money crosses the API in two forms: decimal strings in major units ("2500.00") where people
type amounts, and integers of minor units (`*_minor`) where programs add them up. JSON numbers
with a fraction are never accepted as money: a float has already lost the value that was typed
(DESIGN.md 5.6).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from departments.api import TenantDepartmentField
from p3hub.money import format_money, from_minor, minor_units, to_minor
from procurements import splits
from procurements.models import (
    CostSplitDecision,
    CostSplitVersion,
    Criterion,
    LineItem,
    Participation,
    Solicitation,
)

# The key of `inputs` that each split method reads (procurements/splits.py).
SPLIT_INPUT_KEYS = {
    splits.PERCENTAGE: "percentages",
    splits.FIXED: "amounts",
    splits.LINE_ITEM: "lines",
    splits.QUANTITY: "quantities",
}
DATE_FIELDS = ("publish_at", "questions_due_at", "bids_due_at", "opening_at")


def currency_of(serializer_field) -> str:
    return serializer_field.context["view"].actor.municipality.currency


def status_text(choices) -> serializers.CharField:
    """A read-only status shown as text. Several models have a `status` and the schema's enum
    naming (one StatusEnum) cannot tell them apart, so only the solicitation's is an enum."""
    values = ", ".join(value for value, _ in choices)
    return serializers.CharField(read_only=True, help_text=f"One of: {values}.")


def current_status() -> serializers.ChoiceField:
    """A solicitation's status by the database clock (closed once the bid deadline passed)."""
    return serializers.ChoiceField(
        choices=Solicitation.Status.choices, source="current_status", read_only=True
    )


# --- fields --------------------------------------------------------------------------------


@extend_schema_field({"type": "string", "format": "decimal", "example": "2500.00"})
class MajorUnitsField(serializers.Field):
    """An amount in the municipality's currency, given as a decimal string in major units and
    held as an int of minor units. Integers are exact, so a JSON integer is accepted too."""

    default_error_messages = {
        "invalid": "Give the amount as a decimal string such as “2500.00”.",
        "negative": "Enter an amount of zero or more.",
        "too_large": "That amount is too large.",
        "max_decimal_places": "{currency} amounts have at most {places} decimal places.",
    }
    # Far above any public budget (10**13 dollars) yet small enough for a BigIntegerField.
    MAX_ADJUSTED = 12
    MAX_CHARS = 40

    def to_internal_value(self, data) -> int:
        if isinstance(data, bool) or not isinstance(data, str | int):
            self.fail("invalid")
        text = str(data).strip()
        if len(text) > self.MAX_CHARS:  # before Decimal() reads a megabyte of digits
            self.fail("too_large")
        try:
            value = Decimal(text)
        except InvalidOperation:
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        if value < 0:
            self.fail("negative")
        if value and value.adjusted() > self.MAX_ADJUSTED:
            self.fail("too_large")
        currency = currency_of(self)
        minor = to_minor(value, currency)
        if from_minor(minor, currency) != value:
            self.fail("max_decimal_places", currency=currency, places=minor_units(currency))
        return minor

    def to_representation(self, minor: int) -> str:
        return str(from_minor(minor, currency_of(self)))


class LocalDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time; without an offset it is the municipality's local time (the
    API activates the municipality's zone for the request). Output is in local time too."""

    default_error_messages = {"out_of_range": "Give a date between the years 1900 and 9000."}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        # Years near 9999 overflow when converted to UTC for storage (a 500, not a 400).
        if not 1900 <= parsed.astimezone(dt.UTC).year <= 9000:
            self.fail("out_of_range")
        return parsed


# --- output: solicitations ----------------------------------------------------------------


class ParticipationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    status = status_text(Participation.Status.choices)
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = Participation
        fields = ["id", "department", "department_name", "status", "responded_at"]
        read_only_fields = fields


class SolicitationSerializer(serializers.ModelSerializer):
    """A solicitation in a list: the row and its joined departments (prefetched)."""

    status = current_status()
    lead_department = serializers.CharField(source="lead_department.code")
    departments = serializers.SerializerMethodField(
        help_text="Codes of the departments that joined (the lead department included)."
    )
    publish_at = LocalDateTimeField()
    questions_due_at = LocalDateTimeField()
    bids_due_at = LocalDateTimeField()
    opening_at = LocalDateTimeField()

    class Meta:
        model = Solicitation
        fields = [
            "reference",
            "kind",
            "title",
            "status",
            "lead_department",
            "departments",
            *DATE_FIELDS,
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_departments(self, solicitation) -> list[str]:
        joined = Participation.Status.JOINED
        return [p.department.code for p in solicitation.participations.all() if p.status == joined]


class LineItemSerializer(serializers.ModelSerializer):
    estimated_unit_price = MajorUnitsField(source="estimated_unit_price_minor")
    amount = serializers.SerializerMethodField(help_text="Quantity x unit price, major units.")
    amount_minor = serializers.SerializerMethodField(help_text="The same in minor units.")

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
            "estimated_unit_price_minor",
            "amount",
            "amount_minor",
        ]
        read_only_fields = fields

    def get_amount_minor(self, item) -> int:
        return splits.line_amount_minor(item.quantity, item.estimated_unit_price_minor)

    @extend_schema_field(OpenApiTypes.DECIMAL)
    def get_amount(self, item) -> str:
        return str(from_minor(self.get_amount_minor(item), currency_of(self)))


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["position", "name", "description", "weight", "is_price"]
        read_only_fields = fields


class SolicitationDetailSerializer(SolicitationSerializer):
    """One solicitation with everything the officer's workspace shows."""

    participations = ParticipationSerializer(many=True)
    line_items = LineItemSerializer(many=True)
    criteria = CriterionSerializer(many=True)
    estimated_total_minor = serializers.SerializerMethodField()
    current_split = serializers.SerializerMethodField(
        help_text="Number and status of the split version in force, or null."
    )

    class Meta(SolicitationSerializer.Meta):
        fields = [
            *SolicitationSerializer.Meta.fields,
            "description",
            "cancel_reason",
            "participations",
            "line_items",
            "criteria",
            "estimated_total_minor",
            "current_split",
        ]
        read_only_fields = fields

    def get_estimated_total_minor(self, solicitation) -> int:
        return sum(
            splits.line_amount_minor(item.quantity, item.estimated_unit_price_minor)
            for item in solicitation.line_items.all()
        )

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"number": {"type": "integer"}, "status": {"type": "string"}},
        }
    )
    def get_current_split(self, solicitation):
        current = solicitation.split_versions.filter(status__in=CostSplitVersion.CURRENT)
        version = current.only("number", "status").first()
        return None if version is None else {"number": version.number, "status": version.status}


# --- output: cost splits ------------------------------------------------------------------


def _money(minor: int, currency: str) -> dict:
    return {"minor": minor, "display": format_money(minor, currency)}


def split_table(result: dict, basis: list[dict], currency: str) -> dict:
    """A split's allocation (`SplitResult.as_json()`) as the API shows it: every amount in minor
    units and formatted, each line named from the basis it was computed on."""
    described = {line["id"]: line["description"] for line in basis}
    return {
        "total": _money(result["total_minor"], currency),
        "in_kind": _money(result["in_kind_minor"], currency),
        "payable": _money(result["payable_minor"], currency),
        "departments": [
            {"department": code, **_money(amount, currency)}
            for code, amount in sorted(result["departments"].items())
        ],
        "lines": [
            {
                "line_item": line["line"],
                "description": described.get(line["line"], ""),
                "amount": _money(line["amount"], currency),
                "in_kind": _money(line["in_kind"], currency),
                "shares": [
                    {"department": code, **_money(amount, currency)}
                    for code, amount in sorted(line["shares"].items())
                ],
            }
            for line in result["lines"]
        ],
    }


_MONEY_SCHEMA = {
    "type": "object",
    "properties": {"minor": {"type": "integer"}, "display": {"type": "string"}},
}
_SHARE_SCHEMA = {
    "type": "object",
    "properties": {"department": {"type": "string"}, **_MONEY_SCHEMA["properties"]},
}
SPLIT_TABLE_SCHEMA = {
    "type": "object",
    "properties": {
        "total": _MONEY_SCHEMA,
        "in_kind": _MONEY_SCHEMA,
        "payable": _MONEY_SCHEMA,
        "departments": {"type": "array", "items": _SHARE_SCHEMA},
        "lines": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "line_item": {"type": "integer"},
                    "description": {"type": "string"},
                    "amount": _MONEY_SCHEMA,
                    "in_kind": _MONEY_SCHEMA,
                    "shares": {"type": "array", "items": _SHARE_SCHEMA},
                },
            },
        },
    },
}


class SplitPreviewSerializer(serializers.Serializer):
    """What a split would allocate (nothing saved)."""

    method = serializers.CharField()
    table = serializers.SerializerMethodField()

    @extend_schema_field(SPLIT_TABLE_SCHEMA)
    def get_table(self, preview) -> dict:
        return split_table(preview["result"].as_json(), preview["basis"], currency_of(self))


class DecisionSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department.code")
    decided_by = serializers.CharField(source="decided_by.username")

    class Meta:
        model = CostSplitDecision
        fields = ["department", "decision", "reason", "decided_by", "decided_at"]
        read_only_fields = fields


class SplitVersionSerializer(serializers.ModelSerializer):
    departments = serializers.SerializerMethodField()
    in_kind = serializers.SerializerMethodField()
    table = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username")
    decisions = DecisionSerializer(many=True)
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
            "decisions",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_departments(self, version) -> list[str]:
        return sorted(d.code for d in version.departments.all())

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "contributor": {"type": "string"},
                "description": {"type": "string"},
                "amount_minor": {"type": "integer"},
            },
        }
    )
    def get_in_kind(self, version) -> dict:
        return {
            "contributor": version.in_kind_contributor,
            "description": version.in_kind_description,
            "amount_minor": version.in_kind_minor,
        }

    @extend_schema_field(SPLIT_TABLE_SCHEMA)
    def get_table(self, version) -> dict:
        return split_table(version.result, version.basis, currency_of(self))


class ApprovalSerializer(serializers.Serializer):
    """One (split version, department) pair awaiting the caller's decision as head."""

    solicitation = serializers.CharField(source="costsplitversion.solicitation.reference")
    title = serializers.CharField(source="costsplitversion.solicitation.title")
    lead_department = serializers.CharField(
        source="costsplitversion.solicitation.lead_department.code"
    )
    version = serializers.IntegerField(source="costsplitversion.number")
    department = serializers.CharField(source="department.code")
    share = serializers.SerializerMethodField(help_text="The department's share of this version.")
    payable = serializers.SerializerMethodField(help_text="What all departments pay together.")
    proposed_by = serializers.CharField(source="costsplitversion.created_by.username")
    proposed_at = serializers.DateTimeField(source="costsplitversion.created_at")

    @extend_schema_field(_MONEY_SCHEMA)
    def get_share(self, link) -> dict:
        shares = link.costsplitversion.result["departments"]
        return _money(shares.get(link.department.code, 0), currency_of(self))

    @extend_schema_field(_MONEY_SCHEMA)
    def get_payable(self, link) -> dict:
        return _money(link.costsplitversion.payable_minor, currency_of(self))


class HistoryEventSerializer(serializers.Serializer):
    seq = serializers.IntegerField()
    verb = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    created_at = serializers.DateTimeField()
    before = serializers.JSONField()
    after = serializers.JSONField()


# --- input ---------------------------------------------------------------------------------


class SolicitationUpdateInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Solicitation.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20_000, allow_blank=True, required=False)
    publish_at = LocalDateTimeField(required=False, allow_null=True)
    questions_due_at = LocalDateTimeField(required=False, allow_null=True)
    bids_due_at = LocalDateTimeField(required=False, allow_null=True)
    opening_at = LocalDateTimeField(required=False, allow_null=True)


class SolicitationCreateInput(SolicitationUpdateInput):
    lead_department = TenantDepartmentField(help_text="Code of the department that leads.")


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, help_text="Shown to the public.")


class LineItemInput(serializers.Serializer):
    description = serializers.CharField(max_length=300)
    quantity = serializers.DecimalField(
        max_digits=14,
        decimal_places=3,
        min_value=Decimal("0.001"),
        help_text="Above zero, at most three decimals: a decimal string or a JSON number.",
    )
    unit = serializers.CharField(max_length=30, required=False, default="each")
    site = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    estimated_unit_price = MajorUnitsField(
        source="estimated_unit_price_minor",
        help_text="Price of one unit in major units, as a decimal string (“2500.00”).",
    )


class CriterionInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=2000, allow_blank=True, required=False)
    weight = serializers.IntegerField(min_value=1, max_value=100)
    is_price = serializers.BooleanField(required=False, default=False)


class DepartmentInput(serializers.Serializer):
    department = TenantDepartmentField()


class RejectInput(DepartmentInput):
    reason = serializers.CharField(max_length=2000)


class InKindInput(serializers.Serializer):
    contributor = serializers.CharField(max_length=200, allow_blank=True, required=False)
    description = serializers.CharField(max_length=300, allow_blank=True, required=False)
    amount = MajorUnitsField(help_text="The donated amount in major units (“5000.00”).")


class SplitInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=CostSplitVersion.Method.choices)
    inputs = serializers.DictField(
        help_text=(
            "The method's parameters, checked by the split engine: percentage "
            '`{"percentages": {"TRN": "60", "PSD": "40"}}` (at most four decimals, total '
            'exactly 100); fixed `{"amounts": {"TRN": "7400.00", "PSD": "5000.00"}}` (major '
            "units like every amount, total exactly the payable estimate); line_item "
            '`{"lines": {"<line item id>": '
            '{"TRN": "50", "PSD": "50"}}}` (percentages per line); quantity `{"quantities": '
            '{"<line item id>": {"TRN": "3", "PSD": "1"}}}`. Numbers are strings or integers.'
        )
    )
    in_kind = InKindInput(required=False, allow_null=True)
    note = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")

    def validate(self, data):
        # The engine ignores keys it does not read; refuse them instead of storing them.
        expected = SPLIT_INPUT_KEYS[data["method"]]
        unexpected = sorted(set(data["inputs"]) - {expected})
        if unexpected:
            raise serializers.ValidationError(
                {"inputs": f"The {data['method']} method reads only “{expected}”."}
            )
        amounts = data["inputs"].get("amounts")
        if data["method"] == splits.FIXED and isinstance(amounts, dict):
            data["inputs"] = {"amounts": self._in_minor_units(amounts)}
        return data

    def _in_minor_units(self, amounts: dict) -> dict:
        """Fixed amounts arrive in major units like every amount of the API; the engine counts
        minor units. Errors name `amounts.<code>`, the path the engine's own errors use."""
        field = MajorUnitsField()
        field.bind("amounts", self)
        converted = {}
        for code, value in amounts.items():
            try:
                converted[code] = field.to_internal_value(value)
            except serializers.ValidationError as error:
                raise serializers.ValidationError({f"amounts.{code}": error.detail}) from None
        return converted

    def service_kwargs(self) -> dict:
        """The validated body as cost_split_propose's keyword arguments."""
        data = self.validated_data
        in_kind = data.get("in_kind") or {}
        return {
            "method": data["method"],
            "inputs": data["inputs"],
            "in_kind_minor": in_kind.get("amount", 0),
            "in_kind_contributor": in_kind.get("contributor", ""),
            "in_kind_description": in_kind.get("description", ""),
            "note": data["note"],
        }


# --- public --------------------------------------------------------------------------------


class PublicDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicSolicitationSerializer(serializers.ModelSerializer):
    """What the public list shows: no drafts, no split internals, no people."""

    municipality = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    municipality_name = serializers.CharField(source="municipality.name")
    status = current_status()
    lead_department = PublicDepartmentSerializer()
    departments = serializers.SerializerMethodField()

    class Meta:
        model = Solicitation
        fields = [
            "municipality",
            "municipality_name",
            "reference",
            "kind",
            "title",
            "status",
            "lead_department",
            "departments",
            *DATE_FIELDS,
            "published_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PublicDepartmentSerializer(many=True))
    def get_departments(self, solicitation) -> list[dict]:
        joined = Participation.Status.JOINED
        return [
            {"code": p.department.code, "name": p.department.name}
            for p in solicitation.participations.all()
            if p.status == joined
        ]

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

    class Meta(PublicSolicitationSerializer.Meta):
        fields = [
            *PublicSolicitationSerializer.Meta.fields,
            "description",
            "line_items",
            "documents",
        ]
        read_only_fields = fields
