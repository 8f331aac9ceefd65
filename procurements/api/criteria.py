"""/api/v1/<slug>/solicitations/<reference>/criteria/: the evaluation criteria, read and
replaced as one resource."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import viewsets

from procurements import services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import (
    CRITERIA,
    CRITERIA_BODY,
    CRITERIA_REFUSED,
    NOT_EDITABLE,
    REFERENCE,
)
from procurements.models import Criterion
from procurements.serializers.criteria import CriteriaInput, CriterionSerializer


@extend_schema(parameters=[REFERENCE], tags=["criteria"])
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
        examples=[OpenApiExample("Price", value=CRITERIA[0], response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render(CriterionSerializer, self.get_queryset(), many=True)

    @extend_schema(
        description=(
            "Replace every criterion (officers): weights total exactly 100, with exactly one "
            "price criterion, at most 20. Errors name the entry, e.g. `criteria.1.weight`."
        ),
        request=CriteriaInput,
        responses={200: CriterionSerializer(many=True), 400: CRITERIA_REFUSED, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample("Price and approach", value=CRITERIA_BODY, request_only=True),
            OpenApiExample("Saved", value=CRITERIA[0], response_only=True, status_codes=["200"]),
        ],
    )
    def update(self, request, *args, **kwargs):
        solicitation = self.solicitation
        # The body's types only; the service reads each entry and names it (criteria.1.weight).
        criteria = request.data.get("criteria") if isinstance(request.data, dict) else None
        services.criteria_set(actor=self.actor, solicitation=solicitation, criteria=criteria)
        return self.render(CriterionSerializer, self.get_queryset(), many=True)
