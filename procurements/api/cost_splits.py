"""/api/v1/<slug>/solicitations/<reference>/cost-split-versions/ (propose and preview cost
splits, decide a department's share) and /api/v1/<slug>/approvals/ (a head's inbox)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.decorators import action

from departments.api.base import AnyMember
from departments.selectors import department_named
from procurements import selectors, services
from procurements.api.common import DepartmentHeads, ProcurementAPIMixin, SolicitationScopedMixin
from procurements.api.examples import (
    NOT_EDITABLE,
    REFERENCE,
    SPLIT_EXAMPLES,
    SPLIT_REFUSED,
    SPLIT_TABLE,
    SPLIT_VERSION,
    conflict,
)
from procurements.models import CostSplitShare, CostSplitVersion
from procurements.serializers.cost_splits import (
    ApprovalSerializer,
    ApproveInput,
    CostSplitInput,
    RejectInput,
    SplitPreviewSerializer,
    SplitVersionSerializer,
)

# --- .../solicitations/<reference>/cost-split-versions/ -------------------------------------

_DECIDED = conflict(
    "The version is no longer open (superseded, rejected or approved: `version_not_open`), "
    "or the department already decided (`invalid_transition`).",
    "version_not_open",
    "Version 1 is superseded; only the current proposed version can be decided.",
)
_NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)


@extend_schema(parameters=[REFERENCE], tags=["cost splits"])
@extend_schema_view(
    list=extend_schema(
        description="Every split version, newest first, with each department's share.",
        examples=[OpenApiExample("One version", value=SPLIT_VERSION, response_only=True)],
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
            "the value at fault: `percentages.TRN`, `lines.12.PSD`, `amounts`, "
            "`in_kind.amount`."
        ),
        request=CostSplitInput,
        responses={201: SplitVersionSerializer, 400: SPLIT_REFUSED, 409: NOT_EDITABLE},
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
            "per line and in total, summing exactly to the total."
        ),
        request=CostSplitInput,
        responses={200: SplitPreviewSerializer, 400: SPLIT_REFUSED},
        examples=[
            *SPLIT_EXAMPLES,
            OpenApiExample(
                "Preview", value={"method": "line_item", "table": SPLIT_TABLE}, response_only=True
            ),
        ],
    ),
    approve=extend_schema(
        description=(
            "The head of `department` approves its share of this exact version, charged to "
            "`fund_code` (one of the department's fund codes; required when it has any, 400 "
            "naming `fund_code` otherwise). When the last share is approved, the version and "
            "the solicitation are. A head may decide only for a department they head (403 "
            "otherwise)."
        ),
        parameters=[_NUMBER],
        request=ApproveInput,
        responses={200: SplitVersionSerializer, 409: _DECIDED},
        examples=[
            OpenApiExample(
                "Transportation",
                value={"department": "TRN", "fund_code": "100-TRN-CAP"},
                request_only=True,
            )
        ],
    ),
    reject=extend_schema(
        description=(
            "The head of `department` rejects its share of this version, with a reason; the "
            "version is rejected and the officer proposes a new one."
        ),
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
class SplitVersionViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = CostSplitVersion
    serializer_class = SplitVersionSerializer
    filterset_class = None
    lookup_field = "number"
    error_fields = {
        "in_kind_amount": "in_kind.amount",
        "in_kind_contributor": "in_kind.contributor",
        "in_kind_description": "in_kind.description",
    }
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
        result = services.cost_split_preview(actor=self.actor, solicitation=solicitation, **body)
        basis = selectors.line_items_of(solicitation).values("id", "description")
        preview = {"method": body["method"], "result": result, "basis": list(basis)}
        return self.render(SplitPreviewSerializer, preview)

    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.parse(ApproveInput)
        services.share_approve(
            actor=self.actor,
            version=version,
            department=self.department(data),
            fund_code=data.get("fund_code", ""),
        )
        return self.render_version(version)

    @action(detail=True, methods=["post"])
    def reject(self, request, *args, **kwargs):
        version = self.get_object()
        data = self.parse(RejectInput)
        services.share_reject(
            actor=self.actor,
            version=version,
            department=self.department(data),
            reason=data.get("reason", ""),
        )
        return self.render_version(version)

    def department(self, data: dict):
        return department_named(self.actor, data.get("department"), field="department")

    def parse_split(self) -> dict:
        serializer = CostSplitInput(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.service_kwargs()

    def render_version(self, version, status_code=200):
        # Re-read with decisions and departments prefetched, as in the list.
        fresh = selectors.split_version_get(self.solicitation, version.number)
        return self.render(SplitVersionSerializer, fresh, status_code=status_code)


# --- /api/v1/<slug>/approvals/ --------------------------------------------------------------


@extend_schema(tags=["approvals"])
@extend_schema_view(
    list=extend_schema(
        description=(
            "The caller's approval inbox: every department's share awaiting their decision as "
            "its head, oldest first. Empty for anyone who heads no department."
        ),
        examples=[
            OpenApiExample(
                "Transportation's share",
                value={
                    "solicitation": "RIV-2026-0001",
                    "title": "Intersection cameras at Main St & Elm St",
                    "lead_department": "TRN",
                    "version": 1,
                    "department": "TRN",
                    "amount": "7400.00",
                    "payable": "12400.00",
                    "proposed_by": "officer",
                    "proposed_at": "2026-02-21T11:00:00-06:00",
                },
                response_only=True,
            )
        ],
    )
)
class ApprovalViewSet(ProcurementAPIMixin, viewsets.GenericViewSet):
    model = CostSplitShare
    serializer_class = ApprovalSerializer
    filterset_class = None
    action_permissions = {"list": [AnyMember]}

    def get_tenant_queryset(self):
        return selectors.approvals_pending_for(self.actor)

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())
