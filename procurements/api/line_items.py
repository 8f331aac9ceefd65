"""/api/v1/<slug>/solicitations/<reference>/line-items/: what the solicitation buys."""

from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status, viewsets
from rest_framework.response import Response

from procurements import selectors, services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import LINE_ITEM, NOT_EDITABLE, REFERENCE, validation_example
from procurements.models import LineItem
from procurements.serializers.line_items import LineItemInput, LineItemSerializer


@extend_schema(parameters=[REFERENCE], tags=["line items"])
@extend_schema_view(
    list=extend_schema(
        description="Line items of the solicitation, in order (members).",
        examples=[OpenApiExample("Cameras", value=LINE_ITEM, response_only=True)],
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
                    "estimated_unit_price": "2,500.00",
                },
                request_only=True,
            ),
            OpenApiExample("Added", value=LINE_ITEM, response_only=True, status_codes=["201"]),
            validation_example(
                "Fractions of a cent",
                "estimated_unit_price",
                "USD amounts have at most 2 decimal places.",
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
