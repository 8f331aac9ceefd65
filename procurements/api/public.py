"""/api/v1/public/solicitations/: published solicitations of every municipality, no login."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from departments.selectors import municipality_public_get
from procurements import selectors
from procurements.api.examples import PUBLIC_SOLICITATION, REFERENCE, STATUS_HELP
from procurements.models import Solicitation
from procurements.serializers.public import (
    PublicSolicitationDetailSerializer,
    PublicSolicitationSerializer,
)


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
        choices=[c for c in Solicitation.Status.choices if c[0] in selectors.PUBLIC_STATUSES],
        method="in_status",
        help_text=STATUS_HELP,
    )
    department = django_filters.CharFilter(
        method="joined_by", max_length=10, help_text="Code of a participating department."
    )
    ordering = django_filters.ChoiceFilter(
        choices=list(selectors.PUBLIC_SORTS.items()),
        method="ordered",
        help_text="newest (the default: when each became public) or deadline (open ones by "
        "the soonest bid deadline first, then the rest).",
    )

    class Meta:
        model = Solicitation
        fields = ["municipality", "q", "status", "department", "ordering"]

    def ordered(self, queryset, name, value):
        return selectors.solicitations_sorted(queryset, value)

    def search(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, q=value)

    def joined_by(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, department=value.upper())

    def in_status(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, status=value)


@extend_schema(tags=["public"], auth=[])
@extend_schema_view(
    list=extend_schema(
        description=(
            "Published solicitations of every municipality, newest first (no login). Dates "
            "are in each municipality's local time."
        ),
        examples=[OpenApiExample("Cameras", value=PUBLIC_SOLICITATION, response_only=True)],
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
                    **PUBLIC_SOLICITATION,
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
        municipality = municipality_public_get(kwargs["municipality_slug"])
        solicitation = selectors.solicitation_public_get(municipality, kwargs["reference"])
        return Response(PublicSolicitationDetailSerializer(solicitation).data)
