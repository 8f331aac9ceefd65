"""/api/v1/<slug>/solicitations/<reference>/participations/: departments invited to a
solicitation, and their answers."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from departments.api.base import AnyMember
from procurements import selectors, services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import (
    NOT_EDITABLE,
    PARTICIPATION,
    REFERENCE,
    validation_example,
)
from procurements.models import Participation
from procurements.serializers.participations import DepartmentInput, ParticipationSerializer


@extend_schema(parameters=[REFERENCE], tags=["participations"])
@extend_schema_view(
    list=extend_schema(
        description="Departments invited to the solicitation and their answers.",
        examples=[OpenApiExample("Public Safety", value=PARTICIPATION, response_only=True)],
    ),
    retrieve=extend_schema(description="One department's participation."),
    create=extend_schema(
        description="Invite a department of the municipality by code (officers).",
        request=DepartmentInput,
        responses={201: ParticipationSerializer, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample("Invite Public Safety", value={"department": "PSD"}, request_only=True),
            OpenApiExample(
                "Invited", value=PARTICIPATION, response_only=True, status_codes=["201"]
            ),
            validation_example("Already invited", "department", "PSD is already invited."),
        ],
    ),
    destroy=extend_schema(
        description=(
            "Withdraw a department (officers; never the lead). If it had joined, an existing "
            "split must be proposed again. It can be invited again later."
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
@extend_validation_errors(
    ["invalid", "required", "does_not_exist"], field_name="department", actions=["create"]
)
@extend_validation_errors(["invalid"], field_name="department", actions=["destroy"])
class ParticipationViewSet(SolicitationScopedMixin, viewsets.GenericViewSet):
    model = Participation
    serializer_class = ParticipationSerializer
    filterset_class = None
    action_permissions = {"join": [AnyMember], "decline": [AnyMember]}

    def get_tenant_queryset(self):
        return selectors.participations_of(self.solicitation)

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
        services.participation_withdraw(actor=self.actor, participation=self.get_object())
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
