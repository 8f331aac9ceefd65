"""/api/v1/<slug>/solicitations/<reference>/criteria/: the evaluation criteria, read and
replaced as one resource."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, viewsets

from procurements import services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import CRITERIA, NOT_EDITABLE, REFERENCE, validation_example
from procurements.models import Criterion
from procurements.serializers import CriterionInput, CriterionSerializer

MAX_CRITERIA = 50  # far more than any evaluation uses; bounds the work one request can ask for


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
            OpenApiExample("Price and approach", value=CRITERIA, request_only=True),
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
