"""/api/v1/<slug>/solicitations/<reference>/split-versions/ (propose, preview and decide cost
splits) and /api/v1/<slug>/approvals/ (a department head's inbox)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status, viewsets
from rest_framework.decorators import action

from procurements import selectors, services
from procurements.api.common import (
    AnyMember,
    DepartmentHeads,
    ProcurementAPIMixin,
    SolicitationScopedMixin,
)
from procurements.api.examples import (
    NOT_EDITABLE,
    REFERENCE,
    SPLIT_EXAMPLES,
    SPLIT_TABLE,
    SPLIT_VERSION,
    conflict,
    usd,
)
from procurements.models import CostSplitVersion
from procurements.serializers import (
    ApprovalSerializer,
    DepartmentInput,
    RejectInput,
    SplitInput,
    SplitPreviewSerializer,
    SplitVersionSerializer,
)

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
                value={"count": 1, "next": None, "previous": None, "results": [SPLIT_VERSION]},
                response_only=True,
            )
        ],
    ),
    retrieve=extend_schema(
        description="One split version by number.",
        parameters=[_NUMBER],
        examples=[OpenApiExample("Version 1", value=SPLIT_VERSION, response_only=True)],
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
            *SPLIT_EXAMPLES,
            OpenApiExample(
                "Proposed", value=SPLIT_VERSION, response_only=True, status_codes=["201"]
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
            *SPLIT_EXAMPLES,
            OpenApiExample(
                "Preview", value={"method": "line_item", "table": SPLIT_TABLE}, response_only=True
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
                            "share": usd(740000),
                            "payable": usd(1240000),
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
