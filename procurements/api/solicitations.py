"""/api/v1/<slug>/solicitations/: list, read, open, edit, publish and cancel solicitations,
and their history."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status, viewsets
from rest_framework.decorators import action

from departments.api.base import AnyMember
from procurements import selectors, services
from procurements.api.common import ProcurementAPIMixin
from procurements.api.examples import (
    NOT_EDITABLE,
    REFERENCE,
    SOLICITATION,
    SOLICITATION_CREATE,
    SOLICITATION_DETAIL,
    STATUS_HELP,
    input_example,
    refused_input,
    refused_move,
    validation_example,
)
from procurements.models import Solicitation
from procurements.serializers.solicitations import (
    CancelInput,
    HistoryEventSerializer,
    SolicitationCreateInput,
    SolicitationDetailSerializer,
    SolicitationSerializer,
    SolicitationUpdateInput,
)


class SolicitationFilter(django_filters.FilterSet):
    # max_length everywhere: SQLite refuses a LIKE pattern beyond 50,000 bytes.
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Text in the title or description, or a reference.",
    )
    status = django_filters.ChoiceFilter(
        choices=Solicitation.Status.choices, method="in_status", help_text=STATUS_HELP
    )
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

    def in_status(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, status=value)


_SOLICITATION_WRITES = ["create", "partial_update"]


@extend_schema(tags=["solicitations"])
@extend_schema_view(
    list=extend_schema(
        description="Solicitations of the municipality in every state, newest first (members).",
        examples=[OpenApiExample("One draft", value=SOLICITATION, response_only=True)],
    ),
    retrieve=extend_schema(
        description="One solicitation with its departments, line items, criteria and split.",
        parameters=[REFERENCE],
        responses=SolicitationDetailSerializer,
        examples=[OpenApiExample("Cameras", value=SOLICITATION_DETAIL, response_only=True)],
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
            OpenApiExample("Intersection cameras", value=SOLICITATION_CREATE, request_only=True),
            OpenApiExample(
                "Created", value=SOLICITATION_DETAIL, response_only=True, status_codes=["201"]
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
@extend_validation_errors(
    ["date_order", "deadline_passed", "bidding_period_too_short"],
    field_name="bids_due_at",
    actions=_SOLICITATION_WRITES,
)
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
        return selectors.solicitation_get_for(self.actor, self.kwargs["reference"])

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
            400: refused_input(
                "Not ready: a key date missing or past, criteria not totalling 100, an "
                "invitation unanswered; `attr` names what to fix.",
                input_example(
                    "Criteria not ready",
                    "criteria",
                    "Evaluation criteria must total 100 with one price criterion.",
                ),
                input_example("The deadline passed", "bids_due_at", "The bid deadline has passed."),
            ),
            409: refused_move(
                "Not approved yet, or already published (`invalid_transition`); or the "
                "current split is not approved by every department or no longer adds up "
                "(`not_approved`, `split_mismatch`).",
                "This solicitation is in approval: it cannot be published.",
            ),
        },
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
            409: refused_move(
                "Already awarded or cancelled.",
                "This solicitation is cancelled: it cannot be cancelled.",
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
                    "seq": 41,
                    "verb": "cost_split.propose",
                    "actor": "officer",
                    "created_at": "2026-02-21T11:00:00-06:00",
                    "before": None,
                    "after": {"version": 1, "method": "line_item"},
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
