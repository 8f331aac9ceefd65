"""REST API of joint solicitations and their cost splits (issue 4, DESIGN.md 3-6 and 10).

Tenant endpoints live under /api/v1/<municipality-slug>/ and follow departments/api.py: 401 for
the anonymous, one 404 for non-members (other cities' staff and vendors), then 403 from the role
checks below, then the solicitation fetched through its selector (another city's reference is
the same 404 as a missing one). Each action parses with an input serializer, calls one service
or selector, and renders with an output serializer; the services check roles, states and sums
again, so these checks are a first layer, not the only one.

The municipality's time zone is active for the whole request: a date and time without an offset
is local time, and dates come back in local time with their offset.

Public endpoints under /api/v1/public/ need no login and show published solicitations only.
"""

from contextlib import ExitStack

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response

from departments.api import TenantAPIMixin
from departments.selectors import municipalities_public
from p3hub.errors import NotFound
from procurements import selectors, services
from procurements.models import (
    CostSplitVersion,
    Criterion,
    LineItem,
    Participation,
    Solicitation,
)
from procurements.serializers import (
    ApprovalSerializer,
    CancelInput,
    CriterionInput,
    CriterionSerializer,
    DepartmentInput,
    HistoryEventSerializer,
    LineItemInput,
    LineItemSerializer,
    ParticipationSerializer,
    PublicSolicitationDetailSerializer,
    PublicSolicitationSerializer,
    RejectInput,
    SolicitationCreateInput,
    SolicitationDetailSerializer,
    SolicitationSerializer,
    SolicitationUpdateInput,
    SplitInput,
    SplitPreviewSerializer,
    SplitVersionSerializer,
)

MAX_REFERENCE = Solicitation._meta.get_field("reference").max_length
MAX_CRITERIA = 50  # far more than any evaluation uses; bounds the work one request can ask for
OFFICERS_ONLY = "Only a procurement officer may do this."
HEADS_ONLY = "Only a department head may decide on a cost split."


# --- plumbing -------------------------------------------------------------------------------


class ProcurementAPIMixin(TenantAPIMixin):
    """TenantAPIMixin plus the municipality's time zone, and role checks per action."""

    # action name -> extra permission classes; everything else is OfficerWrites.
    action_permissions: dict = {}

    def dispatch(self, request, *args, **kwargs):
        # The zone is entered once the actor is known (check_permissions) and left here, so
        # it never leaks into the next request served by this thread.
        with ExitStack() as self.zone_stack:
            return super().dispatch(request, *args, **kwargs)

    def check_permissions(self, request):
        super().check_permissions(request)
        self.zone_stack.enter_context(timezone.override(self.actor.municipality.zone))

    def get_permissions(self):
        extra = self.action_permissions.get(self.action, [OfficerWrites])
        return [IsAuthenticated(), *(permission() for permission in extra)]

    def render(self, serializer_class, instance, *, many: bool = False, status_code=200):
        output = serializer_class(instance, many=many, context=self.get_serializer_context())
        return Response(output.data, status=status_code)

    def render_page(self, queryset):
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def solicitation_of(actor, reference: str) -> Solicitation:
    """The selector's lookup by reference, but a reference that cannot exist (a NUL byte, which
    PostgreSQL refuses in a query, or longer than any reference) is the same 404 at once."""
    if "\x00" in reference or len(reference) > MAX_REFERENCE:
        raise NotFound("Not found.")
    return selectors.solicitation_get_for(actor, reference)


class SolicitationScopedMixin(ProcurementAPIMixin):
    """Views nested under solicitations/<reference>/: the solicitation is read once, after the
    role checks, through the selector that scopes it to the actor's municipality."""

    _solicitation = None

    @property
    def solicitation(self) -> Solicitation:
        if self._solicitation is None:
            self._solicitation = solicitation_of(self.actor, self.kwargs["reference"])
        return self._solicitation


class OfficerWrites(BasePermission):
    """Every member reads; only procurement officers write."""

    message = OFFICERS_ONLY

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or view.actor.is_officer


class AnyMember(BasePermission):
    """Any member of the municipality; the service decides for whom they may act."""

    def has_permission(self, request, view) -> bool:
        return True


class DepartmentHeads(BasePermission):
    """Heads of some department; the service checks it is the department in the body."""

    message = HEADS_ONLY

    def has_permission(self, request, view) -> bool:
        return bool(view.actor.headed_department_ids)


REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The solicitation's reference, e.g. RIV-2026-0001.",
)


def conflict(description: str, code: str, detail: str) -> OpenApiResponse:
    """A documented 409: the request is valid but the object's state refuses it."""
    return OpenApiResponse(
        response=ConflictErrorResponse,
        description=description,
        examples=[
            OpenApiExample(
                code,
                value={
                    "type": "client_error",
                    "errors": [{"code": code, "detail": detail, "attr": None}],
                },
            )
        ],
    )


class ConflictError(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


class ConflictErrorResponse(serializers.Serializer):
    type = serializers.CharField()
    errors = ConflictError(many=True)


def validation_example(name: str, attr: str, detail: str, code: str = "invalid"):
    return OpenApiExample(
        name,
        value={
            "type": "validation_error",
            "errors": [{"code": code, "detail": detail, "attr": attr}],
        },
        response_only=True,
        status_codes=["400"],
    )


NOT_EDITABLE = conflict(
    "The solicitation is past approval: change it with an addendum.",
    "not_editable",
    "A published solicitation cannot be changed this way; publish an addendum instead.",
)


# --- examples -------------------------------------------------------------------------------

_SOLICITATION = {
    "reference": "RIV-2026-0001",
    "kind": "RFP",
    "title": "Intersection cameras at Main St & Elm St",
    "status": "draft",
    "lead_department": "TRN",
    "departments": ["PSD", "TRN"],
    "publish_at": "2026-03-02T09:00:00-06:00",
    "questions_due_at": "2026-03-16T17:00:00-05:00",
    "bids_due_at": "2026-03-30T14:00:00-05:00",
    "opening_at": "2026-03-31T10:00:00-05:00",
    "published_at": None,
    "created_at": "2026-02-20T15:04:05-06:00",
    "updated_at": "2026-02-20T15:04:05-06:00",
}
_LINE_ITEM = {
    "id": 12,
    "position": 1,
    "description": "Traffic camera",
    "quantity": "4.000",
    "unit": "each",
    "site": "Main St & Elm St",
    "estimated_unit_price": "2500.00",
    "estimated_unit_price_minor": 250000,
    "amount": "10000.00",
    "amount_minor": 1000000,
}
_SOLICITATION_DETAIL = {
    **_SOLICITATION,
    "description": "Cameras and speed sensors shared by Transportation and Public Safety.",
    "cancel_reason": "",
    "participations": [
        {
            "id": 2,
            "department": "PSD",
            "department_name": "Public Safety",
            "status": "joined",
            "responded_at": "2026-02-21T09:30:00-06:00",
        },
        {
            "id": 1,
            "department": "TRN",
            "department_name": "Transportation",
            "status": "joined",
            "responded_at": "2026-02-20T15:04:05-06:00",
        },
    ],
    "line_items": [_LINE_ITEM],
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
    "estimated_total_minor": 1240000,
    "current_split": {"number": 1, "status": "proposed"},
}
_CREATE = {
    "kind": "RFP",
    "title": "Intersection cameras at Main St & Elm St",
    "description": "Cameras and speed sensors shared by Transportation and Public Safety.",
    "lead_department": "TRN",
    "publish_at": "2026-03-02T09:00:00",
    "questions_due_at": "2026-03-16T17:00:00",
    "bids_due_at": "2026-03-30T14:00:00-05:00",
    "opening_at": "2026-03-31T10:00:00-05:00",
}


def _usd(minor: int) -> dict:
    return {"minor": minor, "display": f"USD {minor // 100:,}.{minor % 100:02d}"}


_TABLE = {
    "total": _usd(1240000),
    "in_kind": _usd(0),
    "payable": _usd(1240000),
    "departments": [
        {"department": "PSD", **_usd(500000)},
        {"department": "TRN", **_usd(740000)},
    ],
    "lines": [
        {
            "line_item": 12,
            "description": "Traffic camera",
            "amount": _usd(1000000),
            "in_kind": _usd(0),
            "shares": [
                {"department": "PSD", **_usd(500000)},
                {"department": "TRN", **_usd(500000)},
            ],
        },
        {
            "line_item": 13,
            "description": "Speed sensor",
            "amount": _usd(240000),
            "in_kind": _usd(0),
            "shares": [{"department": "PSD", **_usd(0)}, {"department": "TRN", **_usd(240000)}],
        },
    ],
}
_SPLIT_BODY = {
    "method": "line_item",
    "inputs": {"lines": {"12": {"TRN": "50", "PSD": "50"}, "13": {"TRN": "100"}}},
    "note": "Camera shared, speed sensor Transportation's.",
}
_SPLIT_VERSION = {
    "number": 1,
    "method": "line_item",
    "status": "proposed",
    "departments": ["PSD", "TRN"],
    "inputs": _SPLIT_BODY["inputs"],
    "in_kind": {"contributor": "", "description": "", "amount_minor": 0},
    "note": _SPLIT_BODY["note"],
    "table": _TABLE,
    "decisions": [
        {
            "department": "TRN",
            "decision": "approved",
            "reason": "",
            "decided_by": "head.trn",
            "decided_at": "2026-02-22T10:00:00-06:00",
        }
    ],
    "created_by": "officer",
    "created_at": "2026-02-21T11:00:00-06:00",
}
_SPLIT_EXAMPLES = [
    OpenApiExample("By line item: camera 50/50, sensor 100% TRN", value=_SPLIT_BODY),
    OpenApiExample(
        "Percentage",
        value={
            "method": "percentage",
            "inputs": {"percentages": {"TRN": "59.6774", "PSD": "40.3226"}},
        },
        request_only=True,
    ),
    OpenApiExample(
        "Fixed amounts in minor units, with a donated first year",
        value={
            "method": "fixed",
            "inputs": {"amounts": {"TRN": 640000, "PSD": 500000}},
            "in_kind": {
                "contributor": "Acme Traffic Systems",
                "description": "Year 1 maintenance donated",
                "amount": "1000.00",
            },
        },
        request_only=True,
    ),
    validation_example(
        "Percentages not totalling 100",
        "percentages",
        "Percentages total 99.9999, not exactly 100.",
    ),
    validation_example(
        "Fixed amounts off by a cent",
        "amounts",
        "Fixed amounts total 1239999 cents; they must total exactly 1240000 cents.",
    ),
    validation_example(
        "A line without departments", "lines.13", "Assign “Speed sensor” to departments."
    ),
]


# --- /api/v1/<slug>/solicitations/ ----------------------------------------------------------


class SolicitationFilter(django_filters.FilterSet):
    # max_length everywhere: SQLite refuses a LIKE pattern beyond 50,000 bytes.
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Text in the title or description, or a reference.",
    )
    status = django_filters.ChoiceFilter(choices=Solicitation.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Solicitation.Kind.choices)
    department = django_filters.CharFilter(
        method="joined_by", max_length=10, help_text="Code of a department that joined."
    )
    lead_department = django_filters.CharFilter(
        field_name="lead_department__code",
        lookup_expr="iexact",
        max_length=10,
        help_text="Code of the lead department.",
    )

    class Meta:
        model = Solicitation
        fields = ["q", "status", "kind", "department", "lead_department"]

    def search(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, q=value)

    def joined_by(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, department=value.upper())


_SOLICITATION_WRITES = ["create", "partial_update"]


@extend_schema_view(
    list=extend_schema(
        description="Solicitations of the municipality in every state, newest first (members).",
        examples=[
            OpenApiExample(
                "One draft",
                value={"count": 1, "next": None, "previous": None, "results": [_SOLICITATION]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        description="One solicitation with its departments, line items, criteria and split.",
        parameters=[REFERENCE],
        responses=SolicitationDetailSerializer,
        examples=[OpenApiExample("Cameras", value=_SOLICITATION_DETAIL, response_only=True)],
    ),
    create=extend_schema(
        description=(
            "Open a draft (procurement officers). The lead department joins at once; the "
            "reference is allocated per municipality and year. Dates are ISO 8601: without "
            "an offset they are the municipality's local time. Dates given must be in order: "
            "publish, questions due, bids due, opening."
        ),
        request=SolicitationCreateInput,
        responses={status.HTTP_201_CREATED: SolicitationDetailSerializer},
        examples=[
            OpenApiExample("Intersection cameras", value=_CREATE, request_only=True),
            OpenApiExample(
                "Created", value=_SOLICITATION_DETAIL, response_only=True, status_codes=["201"]
            ),
            validation_example(
                "Dates out of order",
                "opening_at",
                "The opening date must not be before the bids_due date.",
                "date_order",
            ),
            validation_example(
                "Unknown department",
                "lead_department",
                "No department has the code “XYZ”.",
                "does_not_exist",
            ),
        ],
    ),
    partial_update=extend_schema(
        description=(
            "Change the title, description, kind or key dates before publication (officers). "
            "These do not touch the cost split, so approvals stand."
        ),
        parameters=[REFERENCE],
        request=SolicitationUpdateInput,
        responses={200: SolicitationDetailSerializer, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample(
                "Extend the deadline",
                value={"bids_due_at": "2026-04-06T14:00:00", "opening_at": "2026-04-07T10:00:00"},
                request_only=True,
            )
        ],
    ),
)
@extend_validation_errors(["date_order"], field_name="opening_at", actions=_SOLICITATION_WRITES)
@extend_validation_errors(["date_order"], field_name="bids_due_at", actions=_SOLICITATION_WRITES)
@extend_validation_errors(
    ["date_order"], field_name="questions_due_at", actions=_SOLICITATION_WRITES
)
class SolicitationViewSet(ProcurementAPIMixin, viewsets.GenericViewSet):
    model = Solicitation
    serializer_class = SolicitationSerializer
    filterset_class = SolicitationFilter
    lookup_field = "reference"
    action_permissions = {"history": [AnyMember]}

    def get_tenant_queryset(self):
        return selectors.solicitations_for(self.actor)

    def get_object(self):
        return solicitation_of(self.actor, self.kwargs["reference"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        return self.render(SolicitationDetailSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        data = self.parse(SolicitationCreateInput)
        solicitation = services.solicitation_create(actor=self.actor, **data)
        return self.render_detail(solicitation, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        solicitation = self.get_object()
        data = self.parse(SolicitationUpdateInput, partial=True)
        services.solicitation_update(actor=self.actor, solicitation=solicitation, **data)
        return self.render_detail(solicitation)

    @extend_schema(
        description=(
            "Publish (officers): only an approved solicitation whose current cost split every "
            "participating department approved, computed on the line items as they are now, "
            "with shares adding up exactly to the whole; every key date set, the bid deadline "
            "ahead, and criteria totalling 100."
        ),
        parameters=[REFERENCE],
        request=None,
        responses={
            200: SolicitationDetailSerializer,
            409: conflict(
                "Not every department approved the current split, or it no longer adds up.",
                "not_approved",
                "Only an approved solicitation can be published.",
            ),
        },
        examples=[
            validation_example(
                "Criteria not ready",
                "criteria",
                "Evaluation criteria must total 100 with one price criterion.",
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, *args, **kwargs):
        solicitation = services.solicitation_publish(
            actor=self.actor, solicitation=self.get_object()
        )
        return self.render_detail(solicitation)

    @extend_schema(
        description="Cancel before award, with a reason the public sees (officers).",
        parameters=[REFERENCE],
        request=CancelInput,
        responses={
            200: SolicitationDetailSerializer,
            409: conflict(
                "Already awarded or cancelled.",
                "invalid_transition",
                "A solicitation cannot go from cancelled to cancelled.",
            ),
        },
        examples=[
            OpenApiExample(
                "Budget withdrawn",
                value={"reason": "The capital budget was withdrawn."},
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        solicitation = self.get_object()
        data = self.parse(CancelInput)
        services.solicitation_cancel(actor=self.actor, solicitation=solicitation, **data)
        return self.render_detail(solicitation)

    @extend_schema(
        description="Every recorded change of the solicitation, newest first (members).",
        parameters=[REFERENCE],
        responses=HistoryEventSerializer(many=True),
        examples=[
            OpenApiExample(
                "Proposed",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "seq": 41,
                            "verb": "cost_split.propose",
                            "actor": "officer",
                            "created_at": "2026-02-21T11:00:00-06:00",
                            "before": None,
                            "after": {"version": 1, "method": "line_item"},
                        }
                    ],
                },
                response_only=True,
            )
        ],
        filters=False,
    )
    @action(
        detail=True, methods=["get"], serializer_class=HistoryEventSerializer, filterset_class=None
    )
    def history(self, request, *args, **kwargs):
        return self.render_page(selectors.solicitation_history(self.get_object()))

    def render_detail(self, solicitation, status_code=200):
        # Re-read through the selector: the service's locked copy has no prefetched rows.
        fresh = selectors.solicitation_get_for(self.actor, solicitation.reference)
        return self.render(SolicitationDetailSerializer, fresh, status_code=status_code)


# --- .../solicitations/<reference>/line-items/ ----------------------------------------------


@extend_schema(parameters=[REFERENCE])
@extend_schema_view(
    list=extend_schema(
        description="Line items of the solicitation, in order (members).",
        examples=[
            OpenApiExample(
                "Cameras",
                value={"count": 1, "next": None, "previous": None, "results": [_LINE_ITEM]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(description="One line item (members)."),
    create=extend_schema(
        description=(
            "Add a line item (officers). Once a cost split exists, a new split version is made "
            "and every department must approve again."
        ),
        request=LineItemInput,
        responses={201: LineItemSerializer, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample(
                "Cameras",
                value={
                    "description": "Traffic camera",
                    "quantity": "4",
                    "unit": "each",
                    "site": "Main St & Elm St",
                    "estimated_unit_price": "2500.00",
                },
                request_only=True,
            ),
            OpenApiExample("Added", value=_LINE_ITEM, response_only=True, status_codes=["201"]),
            validation_example(
                "Fractions of a cent",
                "estimated_unit_price",
                "USD amounts have at most 2 decimal places.",
                "max_decimal_places",
            ),
        ],
    ),
    partial_update=extend_schema(
        description=(
            "Change a line item (officers). Once a cost split exists, a new split version is "
            "made: approvals of the old one no longer count."
        ),
        request=LineItemInput,
        responses={200: LineItemSerializer, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample(
                "New price", value={"estimated_unit_price": "2600.00"}, request_only=True
            )
        ],
    ),
    destroy=extend_schema(
        description="Remove a line item (officers); a new split version follows as for an edit.",
        responses={204: OpenApiResponse(description="Removed."), 409: NOT_EDITABLE},
    ),
)
class LineItemViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = LineItem
    serializer_class = LineItemSerializer
    filterset_class = None

    def get_tenant_queryset(self):
        return selectors.line_items_of(self.solicitation)

    def get_object(self):
        return selectors.line_item_get(self.solicitation, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        return self.render(LineItemSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        solicitation = self.solicitation
        data = self.parse(LineItemInput)
        item = services.line_item_add(actor=self.actor, solicitation=solicitation, **data)
        return self.render(LineItemSerializer, item, status_code=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        data = self.parse(LineItemInput, partial=True)
        item = services.line_item_update(actor=self.actor, item=item, **data)
        return self.render(LineItemSerializer, item)

    def destroy(self, request, *args, **kwargs):
        services.line_item_remove(actor=self.actor, item=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- .../solicitations/<reference>/criteria/ ------------------------------------------------

_CRITERIA = [
    {
        "name": "Price",
        "description": "Lowest total scores highest.",
        "weight": 40,
        "is_price": True,
    },
    {"name": "Technical approach", "description": "", "weight": 60, "is_price": False},
]


@extend_schema(parameters=[REFERENCE])
class CriterionViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = Criterion
    serializer_class = CriterionSerializer
    filterset_class = None
    pagination_class = None

    def get_tenant_queryset(self):
        return self.solicitation.criteria.order_by("position", "id")

    @extend_schema(
        description="The evaluation criteria with their weights (members).",
        responses=CriterionSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        return self.render(CriterionSerializer, self.get_queryset(), many=True)

    @extend_schema(
        description=(
            "Replace every criterion (officers): a list whose weights total exactly 100, with "
            "exactly one price criterion. Errors name the entry, e.g. `criteria.1.weight`."
        ),
        request=CriterionInput(many=True),
        responses={200: CriterionSerializer(many=True), 409: NOT_EDITABLE},
        examples=[
            OpenApiExample("Price and approach", value=_CRITERIA, request_only=True),
            validation_example(
                "Weights total 90", "criteria", "Weights total 90; they must total 100."
            ),
        ],
    )
    def replace(self, request, *args, **kwargs):
        solicitation = self.solicitation
        criteria = CriterionInput(data=request.data, many=True, max_length=MAX_CRITERIA)
        if not criteria.is_valid():
            # Name entries like the service does (criteria.1.weight) and a body that is not a
            # list of criteria as `criteria` itself.
            errors = criteria.errors
            if isinstance(errors, dict):
                errors = errors.get("non_field_errors", errors)
            raise serializers.ValidationError({"criteria": errors})
        services.criteria_set(
            actor=self.actor, solicitation=solicitation, criteria=criteria.validated_data
        )
        return self.render(CriterionSerializer, self.get_queryset(), many=True)


# --- .../solicitations/<reference>/participations/ ------------------------------------------

_PARTICIPATION = {
    "id": 2,
    "department": "PSD",
    "department_name": "Public Safety",
    "status": "invited",
    "responded_at": None,
}


@extend_schema(parameters=[REFERENCE])
@extend_schema_view(
    list=extend_schema(description="Departments invited to the solicitation and their answers."),
    retrieve=extend_schema(description="One department's participation."),
    create=extend_schema(
        description="Invite a department of the municipality by code (officers).",
        request=DepartmentInput,
        responses={201: ParticipationSerializer, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample("Invite Public Safety", value={"department": "PSD"}, request_only=True),
            OpenApiExample(
                "Invited", value=_PARTICIPATION, response_only=True, status_codes=["201"]
            ),
            validation_example("Already invited", "department", "PSD is already invited."),
        ],
    ),
    destroy=extend_schema(
        description=(
            "Withdraw a department (officers; never the lead). An existing split must be "
            "proposed again."
        ),
        responses={204: OpenApiResponse(description="Withdrawn."), 409: NOT_EDITABLE},
    ),
    join=extend_schema(
        description="The invited department joins (its head or members). Splits must be redone.",
        request=None,
        responses={200: ParticipationSerializer, 409: NOT_EDITABLE},
    ),
    decline=extend_schema(
        description="The invited department declines (its head or members).",
        request=None,
        responses={200: ParticipationSerializer, 409: NOT_EDITABLE},
    ),
)
@extend_validation_errors(["invalid"], field_name="department", actions=["create", "destroy"])
class ParticipationViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = Participation
    serializer_class = ParticipationSerializer
    filterset_class = None
    action_permissions = {"join": [AnyMember], "decline": [AnyMember]}

    def get_tenant_queryset(self):
        return self.solicitation.participations.select_related("department")

    def get_object(self):
        return selectors.participation_get(self.solicitation, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        return self.render(ParticipationSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        solicitation = self.solicitation
        data = self.parse(DepartmentInput)
        participation = services.participation_invite(
            actor=self.actor, solicitation=solicitation, **data
        )
        return self.render(ParticipationSerializer, participation, status_code=201)

    def destroy(self, request, *args, **kwargs):
        services.participation_remove(actor=self.actor, participation=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def join(self, request, *args, **kwargs):
        participation = services.participation_join(
            actor=self.actor, participation=self.get_object()
        )
        return self.render(ParticipationSerializer, participation)

    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        participation = services.participation_decline(
            actor=self.actor, participation=self.get_object()
        )
        return self.render(ParticipationSerializer, participation)


# --- .../solicitations/<reference>/split-versions/ ------------------------------------------

_DECIDED = conflict(
    "The version is no longer open: superseded, rejected or already approved.",
    "version_not_open",
    "Version 1 is superseded; only the current proposed version can be decided.",
)
_NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(parameters=[REFERENCE])
@extend_schema_view(
    list=extend_schema(
        description="Every split version, newest first, with the departments' decisions.",
        examples=[
            OpenApiExample(
                "One version",
                value={"count": 1, "next": None, "previous": None, "results": [_SPLIT_VERSION]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        description="One split version by number.",
        parameters=[_NUMBER],
        examples=[OpenApiExample("Version 1", value=_SPLIT_VERSION, response_only=True)],
    ),
    create=extend_schema(
        description=(
            "Propose a new split version (officers) once every invited department has joined "
            "or declined. The version in force is superseded, the solicitation returns to "
            "approval and every head of a department in the split is e-mailed. Errors name "
            "the value at fault: `percentages.TRN`, `lines.12.PSD`, `amounts`, `in_kind`."
        ),
        request=SplitInput,
        responses={201: SplitVersionSerializer, 409: NOT_EDITABLE},
        examples=[
            *_SPLIT_EXAMPLES,
            OpenApiExample(
                "Proposed", value=_SPLIT_VERSION, response_only=True, status_codes=["201"]
            ),
        ],
    ),
    preview=extend_schema(
        description=(
            "Compute a split without saving anything (any member): every department's amount "
            "per line and in total, in minor units and formatted, summing exactly to the total."
        ),
        request=SplitInput,
        responses=SplitPreviewSerializer,
        examples=[
            *_SPLIT_EXAMPLES,
            OpenApiExample(
                "Preview", value={"method": "line_item", "table": _TABLE}, response_only=True
            ),
        ],
    ),
    approve=extend_schema(
        description=(
            "The head of `department` approves its share of this exact version. When the last "
            "department approves, the solicitation is approved. A head may decide only for a "
            "department they head (403 otherwise)."
        ),
        parameters=[_NUMBER],
        request=DepartmentInput,
        responses={200: SplitVersionSerializer, 409: _DECIDED},
        examples=[OpenApiExample("Transportation", value={"department": "TRN"}, request_only=True)],
    ),
    reject=extend_schema(
        description="The head of `department` rejects this version, with a reason.",
        parameters=[_NUMBER],
        request=RejectInput,
        responses={200: SplitVersionSerializer, 409: _DECIDED},
        examples=[
            OpenApiExample(
                "Public Safety",
                value={"department": "PSD", "reason": "Our share of the sensor is wrong."},
                request_only=True,
            )
        ],
    ),
)
@extend_validation_errors(
    ["invalid"],
    field_name="non_field_errors",
    actions=["create", "preview"],
)
@extend_validation_errors(
    ["already_decided", "invalid"], field_name="department", actions=["approve", "reject"]
)
class SplitVersionViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = CostSplitVersion
    serializer_class = SplitVersionSerializer
    filterset_class = None
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"
    action_permissions = {
        "preview": [AnyMember],
        "approve": [DepartmentHeads],
        "reject": [DepartmentHeads],
    }

    def get_tenant_queryset(self):
        return selectors.split_versions_of(self.solicitation)

    def get_object(self):
        return selectors.split_version_get(self.solicitation, self.kwargs["number"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        return self.render(SplitVersionSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        solicitation = self.solicitation
        body = self.parse_split()
        version = services.cost_split_propose(actor=self.actor, solicitation=solicitation, **body)
        return self.render_version(version, status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def preview(self, request, *args, **kwargs):
        solicitation = self.solicitation
        body = self.parse_split()
        result = services.cost_split_preview(
            actor=self.actor,
            solicitation=solicitation,
            method=body["method"],
            inputs=body["inputs"],
            in_kind_minor=body["in_kind_minor"],
        )
        basis = selectors.line_items_of(solicitation).values("id", "description")
        preview = {"method": body["method"], "result": result, "basis": list(basis)}
        return self.render(SplitPreviewSerializer, preview)

    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.parse(DepartmentInput)
        services.cost_split_approve(actor=self.actor, version=version, **data)
        return self.render_version(version)

    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.parse(RejectInput)
        services.cost_split_reject(actor=self.actor, version=version, **data)
        return self.render_version(version)

    def parse_split(self) -> dict:
        serializer = SplitInput(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.service_kwargs()

    def render_version(self, version, status_code=200):
        # Re-read with decisions and departments prefetched, as in the list.
        fresh = selectors.split_version_get(self.solicitation, version.number)
        return self.render(SplitVersionSerializer, fresh, status_code=status_code)


# --- /api/v1/<slug>/approvals/ --------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        description=(
            "The caller's approval inbox: every (split version, department) awaiting their "
            "decision as a department head, oldest first, with the department's share. "
            "Empty for anyone who heads no department."
        ),
        examples=[
            OpenApiExample(
                "Transportation's share",
                value={
                    "count": 1,
                    "next": None,
                    "previous": None,
                    "results": [
                        {
                            "solicitation": "RIV-2026-0001",
                            "title": "Intersection cameras at Main St & Elm St",
                            "lead_department": "TRN",
                            "version": 1,
                            "department": "TRN",
                            "share": _usd(740000),
                            "payable": _usd(1240000),
                            "proposed_by": "officer",
                            "proposed_at": "2026-02-21T11:00:00-06:00",
                        }
                    ],
                },
                response_only=True,
            )
        ],
    )
)
class ApprovalViewSet(ProcurementAPIMixin, viewsets.GenericViewSet):
    model = CostSplitVersion.departments.through
    serializer_class = ApprovalSerializer
    filterset_class = None
    action_permissions = {"list": [AnyMember]}

    def get_tenant_queryset(self):
        return selectors.approvals_pending_for(self.actor)

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())


# --- /api/v1/public/solicitations/ ----------------------------------------------------------


class PublicSolicitationFilter(django_filters.FilterSet):
    municipality = django_filters.CharFilter(
        field_name="municipality__slug", max_length=40, help_text="Municipality slug."
    )
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Text in the title or description, or a reference.",
    )
    status = django_filters.ChoiceFilter(
        choices=[c for c in Solicitation.Status.choices if c[0] in Solicitation.PUBLIC]
    )
    department = django_filters.CharFilter(
        method="joined_by", max_length=10, help_text="Code of a participating department."
    )

    class Meta:
        model = Solicitation
        fields = ["municipality", "q", "status", "department"]

    def search(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, q=value)

    def joined_by(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, department=value.upper())


_PUBLIC = {
    "municipality": "riverton",
    "municipality_name": "City of Riverton",
    "reference": "RIV-2026-0001",
    "kind": "RFP",
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
}


@extend_schema_view(
    list=extend_schema(
        description=(
            "Published solicitations of every municipality, newest first (no login). Dates "
            "are in each municipality's local time."
        ),
        examples=[
            OpenApiExample(
                "Cameras",
                value={"count": 1, "next": None, "previous": None, "results": [_PUBLIC]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        description="One published solicitation with its line items and documents (no login).",
        parameters=[
            OpenApiParameter("municipality_slug", OpenApiTypes.STR, OpenApiParameter.PATH),
            REFERENCE,
        ],
        responses=PublicSolicitationDetailSerializer,
        examples=[
            OpenApiExample(
                "Cameras",
                value={
                    **_PUBLIC,
                    "description": "Cameras and speed sensors at one intersection.",
                    "line_items": [
                        {
                            "position": 1,
                            "description": "Traffic camera",
                            "quantity": "4.000",
                            "unit": "each",
                            "site": "Main St & Elm St",
                        }
                    ],
                    "documents": ["Specifications"],
                },
                response_only=True,
            )
        ],
    ),
)
class PublicSolicitationViewSet(viewsets.GenericViewSet):
    serializer_class = PublicSolicitationSerializer
    filterset_class = PublicSolicitationFilter
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.solicitations_public()

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        municipality = municipalities_public().filter(slug=kwargs["municipality_slug"]).first()
        reference = kwargs["reference"]
        if municipality is None or "\x00" in reference or len(reference) > MAX_REFERENCE:
            raise NotFound("Not found.")
        solicitation = selectors.solicitation_public_get(municipality, reference)
        return Response(PublicSolicitationDetailSerializer(solicitation).data)
