"""Addenda in the API: the officer's side (`/api/v1/<slug>/solicitations/<reference>/addenda/`),
the companies' (`/api/v1/vendor/addenda/` and the acknowledgement of one) and the public's
(`/api/v1/public/solicitations/<slug>/<reference>/addenda/`), all calling the services and
selectors the pages call."""

import contextlib
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny

from departments.selectors import municipality_public_get
from procurements import selectors, services
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import REFERENCE, validation_example
from procurements.models import Addendum
from procurements.serializers.addenda import (
    AcknowledgementSerializer,
    AddendumInput,
    AddendumSerializer,
    StaffAddendumSerializer,
    VendorAddendumSerializer,
)
from vendors.api.base import VendorAPIMixin

CITY = OpenApiParameter("municipality_slug", OpenApiTypes.STR, OpenApiParameter.PATH)
NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)
EXAMPLE_ADDENDUM = {
    "title": "Deadline extended",
    "text": "The bid deadline moves a week later; line 1 now needs six cameras.",
    "bids_due_at": "2027-01-15T14:00:00-06:00",
    "opening_at": "2027-01-15T16:00:00-06:00",
    "line_items": [{"position": 1, "quantity": "6"}],
}


ADDENDUM = {
    "municipality": "riverton",
    "reference": "RIV-2026-0001",
    "number": 1,
    "title": "Deadline extended",
    "text": "The bid deadline moves a week later; line 1 now needs six cameras.",
    "published_at": "2026-12-20T09:00:00-06:00",
    "changes": {
        "dates": {"bids_due_at": ["2027-01-08T20:00:00+00:00", "2027-01-15T20:00:00+00:00"]},
        "line_items": [{"position": 1, "before": {"quantity": "4"}, "after": {"quantity": "6"}}],
    },
    "changes_described": [
        "Bids due: now Jan 15, 2027, 2:00 PM (was Jan 8, 2027, 2:00 PM).",
        "Line item 1: quantity now “6” (was “4”).",
    ],
    "documents": [
        {
            "file_name": "revised-drawings.pdf",
            "content_type": "application/pdf",
            "size": 48213,
            "sha256": "9f2c…",
            "url": "/riverton/solicitations/RIV-2026-0001/documents/12/",
        }
    ],
}
ACKNOWLEDGEMENT = {
    "vendor": "Acme Traffic Systems",
    "acknowledged_by": "Avery Acme",
    "acknowledged_at": "2026-12-21T10:30:00-06:00",
}


@extend_validation_errors(
    ["invalid", "required", "date_order", "earlier_deadline", "past"],
    field_name="bids_due_at",
    methods=["post"],
)
class StaffAddendaView(SolicitationScopedMixin, generics.GenericAPIView):
    model = Addendum
    serializer_class = StaffAddendumSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_tenant_queryset(self):
        return selectors.addenda_for_staff(self.solicitation)

    @extend_schema(
        tags=["addenda"],
        parameters=[REFERENCE],
        description="The solicitation's addenda, with the companies that acknowledged each.",
        examples=[
            OpenApiExample(
                "Addendum 1",
                value={**ADDENDUM, "acknowledgements": [ACKNOWLEDGEMENT]},
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    @extend_schema(
        tags=["addenda"],
        parameters=[REFERENCE],
        description=(
            "Publish the next addendum while bidding is open (officers): title and text; "
            "optionally later key dates (the bid deadline later only, every date in order), "
            "line item changes by position and documents (multipart). Every company that "
            "follows the solicitation is e-mailed."
        ),
        request=AddendumInput,
        responses={201: StaffAddendumSerializer},
        examples=[
            OpenApiExample("A later deadline", value=EXAMPLE_ADDENDUM, request_only=True),
            validation_example(
                "An earlier deadline",
                "bids_due_at",
                "An addendum may only move the bid deadline later than Jan 8, 2027, 2:00 PM.",
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        data = self.parse(AddendumInput)
        line_items = data.pop("line_items", None)
        if isinstance(line_items, str):  # multipart carries it as JSON text
            # What is not JSON stays text, which the service refuses, naming the field.
            with contextlib.suppress(ValueError):
                line_items = json.loads(line_items)
        addendum = services.addendum_publish(
            actor=self.actor,
            solicitation=self.solicitation,
            line_items=line_items,
            documents=data.pop("documents", []),
            **data,
        )
        addendum = selectors.addenda_for_staff(self.solicitation).get(pk=addendum.pk)
        return self.render(StaffAddendumSerializer, addendum, status_code=201)


class VendorAddendaView(VendorAPIMixin, generics.GenericAPIView):
    model = Addendum
    serializer_class = VendorAddendumSerializer

    def get_vendor_queryset(self):
        pending = self.request.query_params.get("pending", "").lower() in ("1", "true", "yes")
        return selectors.vendor_addenda(self.actor, pending=pending).prefetch_related("documents")

    @extend_schema(
        tags=["vendors"],
        parameters=[
            OpenApiParameter(
                "pending",
                OpenApiTypes.BOOL,
                description="Only those still to acknowledge, on solicitations open for bids.",
            )
        ],
        description=(
            "Addenda of the solicitations your company follows (or acknowledged), newest "
            "first, each with when your company acknowledged it."
        ),
        examples=[
            OpenApiExample(
                "Still to acknowledge",
                value={**ADDENDUM, "acknowledged_at": None},
                response_only=True,
            )
        ],
    )
    def get(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())


class AcknowledgementView(VendorAPIMixin, generics.GenericAPIView):
    model = Addendum
    serializer_class = AcknowledgementSerializer

    @extend_schema(
        tags=["vendors"],
        parameters=[CITY, REFERENCE, NUMBER],
        request=None,
        responses={201: AcknowledgementSerializer, 200: AcknowledgementSerializer},
        description=(
            "Your company acknowledges the addendum while bidding is open (by the database "
            "clock). Acknowledging again answers 200 with the first acknowledgement."
        ),
        examples=[
            OpenApiExample(
                "Acknowledged", value=ACKNOWLEDGEMENT, response_only=True, status_codes=["201"]
            )
        ],
    )
    def post(self, request, municipality_slug, reference, number):
        solicitation = selectors.vendor_solicitation_get(self.actor, municipality_slug, reference)
        addendum = selectors.addendum_get_public(solicitation, number)
        before = services.unacknowledged_addenda(solicitation, self.vendor)
        acknowledgement = services.addendum_acknowledge(actor=self.actor, addendum=addendum)
        created = addendum.number in before
        return self.render(
            AcknowledgementSerializer,
            acknowledgement,
            status_code=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class PublicAddendaView(generics.GenericAPIView):
    serializer_class = AddendumSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=["public"],
        auth=[],
        parameters=[CITY, REFERENCE],
        description="Every addendum of a public solicitation, in order (no login).",
        examples=[OpenApiExample("Addendum 1", value=ADDENDUM, response_only=True)],
    )
    def get(self, request, municipality_slug, reference):
        municipality = municipality_public_get(municipality_slug)
        solicitation = selectors.solicitation_public_get(municipality, reference)
        addenda = selectors.addenda_of(solicitation)
        page = self.paginate_queryset(addenda)
        return self.get_paginated_response(AddendumSerializer(page, many=True).data)
