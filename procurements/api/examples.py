"""OpenAPI pieces shared by the procurement API: the `reference` path parameter, documented 409
and 400 responses, and the example payloads the schema shows (one solicitation, RIV-2026-0001,
told throughout)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from departments.api.examples import conflict, validation_error

# --- parameters and error responses ---------------------------------------------------------

REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The solicitation's reference, e.g. RIV-2026-0001.",
)


class FieldError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(
        help_text="The path of the value at fault: `percentages.TRN`, `lines.12.PSD`, "
        "`criteria.1.weight`."
    )


class FieldErrorResponse(serializers.Serializer):
    type = serializers.ChoiceField(choices=["validation_error"])
    errors = FieldError(many=True)


def refused_input(description: str, *examples: OpenApiExample) -> OpenApiResponse:
    """A documented 400 whose `attr` is a path into the body (a line, a department, an
    entry), which no fixed list of field names can enumerate."""
    return OpenApiResponse(
        response=FieldErrorResponse, description=description, examples=list(examples)
    )


def validation_example(name: str, attr: str, detail: str, code: str = "invalid"):
    """A 400 example as documented by the operation's own error schema."""
    return validation_error(name, attr, detail, code)


def input_example(name: str, attr: str, detail: str, code: str = "invalid") -> OpenApiExample:
    """A 400 example for `refused_input` (no status code: the response carries it)."""
    return OpenApiExample(
        name,
        value={
            "type": "validation_error",
            "errors": [{"code": code, "detail": detail, "attr": attr}],
        },
    )


NOT_EDITABLE = conflict(
    "The solicitation is past approval: change it with an addendum.",
    "not_editable",
    "A published solicitation cannot be changed this way; publish an addendum instead.",
)


def refused_move(description: str, detail: str) -> OpenApiResponse:
    """A documented 409 for a move the lifecycle table refuses from the current state."""
    return conflict(description, "invalid_transition", detail)


# --- example payloads: solicitations and line items -----------------------------------------

SOLICITATION = {
    "reference": "RIV-2026-0001",
    "kind": "RFP",
    "category": "security",
    "title": "Intersection cameras at Main St & Elm St",
    "status": "draft",
    "lead_department": "TRN",
    "departments": ["PSD", "TRN"],
    "publish_at": "2026-03-02T09:00:00-06:00",
    "questions_due_at": "2026-03-16T17:00:00-05:00",
    "bids_due_at": "2026-03-30T14:00:00-05:00",
    "opening_at": "2026-03-31T10:00:00-05:00",
    "published_at": None,
    "status_display": "Draft",
    "cancelled_at": None,
    "status_note": None,
    "rejection": None,
    "created_at": "2026-02-20T15:04:05-06:00",
    "updated_at": "2026-02-20T15:04:05-06:00",
}
LINE_ITEM = {
    "id": 12,
    "position": 1,
    "description": "Traffic camera",
    "quantity": "4.000",
    "unit": "each",
    "site": "Main St & Elm St",
    "estimated_unit_price": "2500.00",
    "amount": "10000.00",
}
SENSOR = {
    "id": 13,
    "position": 2,
    "description": "Speed sensor",
    "quantity": "2.000",
    "unit": "each",
    "site": "Main St & Elm St",
    "estimated_unit_price": "1200.00",
    "amount": "2400.00",
}
SOLICITATION_DETAIL = {
    **SOLICITATION,
    "description": "Cameras and speed sensors shared by Transportation and Public Safety.",
    "cancel_reason": "",
    "participations": [
        {
            "id": 2,
            "department": "PSD",
            "department_name": "Public Safety",
            "status": "joined",
            "responded_at": "2026-02-21T09:30:00-06:00",
            "moves": ["withdraw"],
        },
        {
            "id": 1,
            "department": "TRN",
            "department_name": "Transportation",
            "status": "joined",
            "responded_at": "2026-02-20T15:04:05-06:00",
            "moves": [],
        },
    ],
    "line_items": [LINE_ITEM, SENSOR],
    "criteria": [
        {"position": 1, "name": "Price", "description": "", "weight": 40, "is_price": True},
        {
            "position": 2,
            "name": "Technical approach",
            "description": "",
            "weight": 60,
            "is_price": False,
        },
    ],
    "estimated_total": "12400.00",
    "current_split": {"number": 1, "status": "proposed"},
    "moves": ["cancel"],
    "bids_received": 0,
}
SOLICITATION_CREATE = {
    "kind": "RFP",
    "category": "security",
    "title": "Intersection cameras at Main St & Elm St",
    "description": "Cameras and speed sensors shared by Transportation and Public Safety.",
    "lead_department": "TRN",
    "publish_at": "2026-03-02T09:00:00",
    "questions_due_at": "2026-03-16T17:00:00",
    "bids_due_at": "2026-03-30T14:00:00-05:00",
    "opening_at": "2026-03-31T10:00:00-05:00",
}


# --- example payloads: cost splits ----------------------------------------------------------


SPLIT_TABLE = {
    "total": "12400.00",
    "in_kind_amount": "0.00",
    "payable": "12400.00",
    "departments": [
        {"department": "PSD", "amount": "5000.00"},
        {"department": "TRN", "amount": "7400.00"},
    ],
    "lines": [
        {
            "line_item": 12,
            "description": "Traffic camera",
            "amount": "10000.00",
            "in_kind_amount": "0.00",
            "shares": [
                {"department": "PSD", "amount": "5000.00"},
                {"department": "TRN", "amount": "5000.00"},
            ],
        },
        {
            "line_item": 13,
            "description": "Speed sensor",
            "amount": "2400.00",
            "in_kind_amount": "0.00",
            "shares": [
                {"department": "PSD", "amount": "0.00"},
                {"department": "TRN", "amount": "2400.00"},
            ],
        },
    ],
}
SPLIT_BODY = {
    "method": "line_item",
    "inputs": {"lines": {"12": {"TRN": "50", "PSD": "50"}, "13": {"TRN": "100"}}},
    "note": "Camera shared, speed sensor Transportation's.",
}
SPLIT_VERSION = {
    "number": 1,
    "method": "line_item",
    "status": "proposed",
    "departments": ["PSD", "TRN"],
    "inputs": SPLIT_BODY["inputs"],
    "in_kind": {"amount": "0.00", "contributor": "", "description": ""},
    "note": SPLIT_BODY["note"],
    "table": SPLIT_TABLE,
    "shares": [
        {
            "department": "PSD",
            "amount": "5000.00",
            "status": "pending",
            "fund_code": "",
            "reason": "",
            "decided_by": None,
            "decided_at": None,
        },
        {
            "department": "TRN",
            "amount": "7400.00",
            "status": "approved",
            "fund_code": "100-TRN-CAP",
            "reason": "",
            "decided_by": "head.trn",
            "decided_at": "2026-02-22T10:00:00-06:00",
        },
    ],
    "created_by": "officer",
    "created_at": "2026-02-21T11:00:00-06:00",
}
SPLIT_EXAMPLES = [
    OpenApiExample(
        "By line item: camera 50/50, sensor 100% TRN", value=SPLIT_BODY, request_only=True
    ),
    OpenApiExample(
        "Percentage",
        value={
            "method": "percentage",
            "inputs": {"percentages": {"TRN": "59.6774", "PSD": "40.3226"}},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Fixed amounts, with a donated first year",
        value={
            "method": "fixed",
            "inputs": {"amounts": {"TRN": "6,400.00", "PSD": "5,000.00"}},
            "in_kind": {
                "amount": "1,000.00",
                "contributor": "Acme Traffic Systems",
                "description": "Year 1 maintenance donated",
            },
        },
        request_only=True,
    ),
]
SPLIT_REFUSED = refused_input(
    "A value of the split is refused; `attr` names it.",
    input_example(
        "Percentages not totalling 100",
        "percentages",
        "Percentages total 99.9999, not exactly 100.",
    ),
    input_example(
        "Fixed amounts off by a cent",
        "amounts",
        "Fixed amounts total $12,399.99; they must total exactly $12,400.00.",
    ),
    input_example(
        "A line without departments", "lines.13", "Assign “Speed sensor” to departments."
    ),
    input_example("An amount not in USD", "amounts.TRN", "Give the amount in USD."),
)

# --- example payloads: criteria, participations, the public view ----------------------------

CRITERIA = [
    {
        "position": 1,
        "name": "Price",
        "description": "Lowest total scores highest.",
        "weight": 40,
        "is_price": True,
    },
    {
        "position": 2,
        "name": "Technical approach",
        "description": "",
        "weight": 60,
        "is_price": False,
    },
]
CRITERIA_REFUSED = refused_input(
    "The criteria are refused; `attr` names the entry (`criteria.1.weight`) or the whole.",
    input_example("Weights total 90", "criteria", "Weights total 90; they must total 100."),
    input_example(
        "A weight out of range", "criteria.1.weight", "Enter a whole number from 1 to 100."
    ),
)
CRITERIA_BODY = {
    "criteria": [{k: v for k, v in criterion.items() if k != "position"} for criterion in CRITERIA]
}

PARTICIPATION = {
    "id": 2,
    "department": "PSD",
    "department_name": "Public Safety",
    "status": "invited",
    "responded_at": None,
    "moves": ["withdraw"],
}

PUBLIC_SOLICITATION = {
    "municipality": "riverton",
    "municipality_name": "City of Riverton",
    "reference": "RIV-2026-0001",
    "kind": "RFP",
    "category": "security",
    "title": "Intersection cameras at Main St & Elm St",
    "status": "published",
    "lead_department": {"code": "TRN", "name": "Transportation"},
    "departments": [
        {"code": "PSD", "name": "Public Safety"},
        {"code": "TRN", "name": "Transportation"},
    ],
    "publish_at": "2026-03-02T09:00:00-06:00",
    "questions_due_at": "2026-03-16T17:00:00-05:00",
    "bids_due_at": "2026-03-30T14:00:00-05:00",
    "opening_at": "2026-03-31T10:00:00-05:00",
    "published_at": "2026-03-02T09:00:00-06:00",
    "status_display": "Published",
    "cancelled_at": None,
    "cancel_reason": "",
}

STATUS_HELP = (
    "Status as of now: past its publish date a scheduled solicitation is published, and past "
    "its bid deadline a published one is closed."
)
