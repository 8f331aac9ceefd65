"""The bids in the API: staff see how many arrived, the opening's progress and, after the
opening, the tabulation (`/api/v1/<slug>/solicitations/<reference>/bids/`); an officer starts
the opening (`.../bids/opening/`); the companies whose bid was opened and, where the city
publishes tabulations, the public read the tabulation. The same selectors and service as
the pages; before the opening nothing of a bid is answered to anyone (invariant 2)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from departments.api.examples import conflict
from departments.selectors import municipality_public_get
from procurements import selectors
from procurements.api.common import SolicitationScopedMixin
from procurements.api.examples import REFERENCE
from procurements.models import Bid, BidOpening
from procurements.serializers.tabulation import (
    OpeningSerializer,
    StaffBidsSerializer,
    TabulationSerializer,
    VendorTabulationSerializer,
)
from procurements.services.opening import opening_start
from vendors.api.base import VendorAPIMixin

CITY = OpenApiParameter(
    "municipality_slug",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The slug of the solicitation's municipality, e.g. riverton.",
)
OPENING = {
    "bids_total": 200,
    "bids_opened": 120,
    "percent": 60,
    "requested_at": "2027-01-08T14:05:00-06:00",
    "finished_at": None,
    "started": True,
    "finished": False,
}
ROW = {
    "rank": 1,
    "vendor": "Beacon Safety Technologies",
    "receipt_number": "R-RIV-2026-0001-0002-1",
    "receipt_matches": True,
    "total": "39900.00",
    "lines": [
        {
            "position": 1,
            "description": "Intersection camera",
            "quantity": "4.000",
            "unit_price": "9000.00",
            "total": "36000.00",
        },
        {
            "position": 2,
            "description": "Speed sensor",
            "quantity": "13.000",
            "unit_price": "300.00",
            "total": "3900.00",
        },
    ],
}
TABULATION = {
    "municipality": "riverton",
    "reference": "RIV-2026-0001",
    "opened_at": "2027-01-08T14:05:03-06:00",
    "currency": "USD",
    "rows": [ROW],
}
DEADLINE_NOT_PASSED = conflict(
    "The bid deadline has not passed yet (by the database clock).",
    "deadline_not_passed",
    "The bids can be opened once the bid deadline has passed, at Fri 8 Jan 2027 14:00 CST.",
)


class StaffBidsView(SolicitationScopedMixin, generics.GenericAPIView):
    model = Bid
    serializer_class = StaffBidsSerializer

    @extend_schema(
        tags=["solicitations"],
        parameters=[REFERENCE],
        description=(
            "How many bids arrived; once the opening started its progress, and once the bids "
            "are opened the tabulation (lowest total first). Before the opening nothing of "
            "any bid is shown: no company, price, total or file. Any member of the city."
        ),
        examples=[
            OpenApiExample(
                "Before the opening",
                value={"bids_received": 2, "opening": None, "tabulation": None},
                response_only=True,
            ),
            OpenApiExample(
                "Opened",
                value={
                    "bids_received": 2,
                    "opening": {
                        **OPENING,
                        "bids_total": 2,
                        "bids_opened": 2,
                        "percent": 100,
                        "finished_at": "2027-01-08T14:05:03-06:00",
                        "finished": True,
                    },
                    "tabulation": TABULATION,
                },
                response_only=True,
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return self.render(
            StaffBidsSerializer, selectors.bids_overview(self.solicitation, self.actor)
        )


class OpeningView(SolicitationScopedMixin, generics.GenericAPIView):
    model = BidOpening
    serializer_class = OpeningSerializer

    @extend_schema(
        tags=["solicitations"],
        parameters=[REFERENCE],
        description=(
            "The opening's progress; before it started, `started` is false and `bids_total` "
            "the bids received so far."
        ),
        examples=[OpenApiExample("Running", value=OPENING, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        solicitation = self.solicitation
        opening = selectors.bid_opening_of(solicitation)
        if opening is None:  # not started: what it would open now, unsaved
            opening = BidOpening(
                solicitation=solicitation,
                requested_at=None,
                bids_total=selectors.bids_received(solicitation),
            )
        return self.render(OpeningSerializer, opening)

    @extend_schema(
        tags=["solicitations"],
        parameters=[REFERENCE],
        request=None,
        responses={202: OpeningSerializer, 409: DEADLINE_NOT_PASSED},
        description=(
            "Start the opening once the bid deadline has passed (officers; a public opening "
            "held in a room). It runs in the background: poll GET for the progress. Starting "
            "it again answers the same opening."
        ),
        examples=[
            OpenApiExample(
                "Started",
                value={**OPENING, "bids_opened": 0, "percent": 0},
                response_only=True,
                status_codes=["202"],
            )
        ],
    )
    def post(self, request, *args, **kwargs):
        opening = opening_start(actor=self.actor, solicitation=self.solicitation)
        return self.render(OpeningSerializer, opening, status_code=202)


class VendorTabulationView(VendorAPIMixin, generics.GenericAPIView):
    model = Bid
    serializer_class = VendorTabulationSerializer

    @extend_schema(
        tags=["vendors"],
        parameters=[CITY, REFERENCE],
        description=(
            "The tabulation of a solicitation your company bid on, once the bids are opened "
            "(your row has `yours`); 404 before, and for a solicitation your company did not "
            "bid on."
        ),
        examples=[
            OpenApiExample(
                "Opened",
                value={**TABULATION, "rows": [{**ROW, "yours": True}]},
                response_only=True,
            )
        ],
    )
    def get(self, request, municipality_slug, reference):
        solicitation = selectors.vendor_tabulation_get(self.actor, municipality_slug, reference)
        return self.render(VendorTabulationSerializer, selectors.tabulation_of(solicitation))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "vendor_id": self.vendor.pk}


class PublicTabulationView(generics.GenericAPIView):
    serializer_class = TabulationSerializer
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=["public"],
        auth=[],
        parameters=[CITY, REFERENCE],
        description=(
            "The tabulation of a public solicitation once its bids are opened, where its "
            "municipality publishes tabulations (no login); 404 otherwise."
        ),
        examples=[OpenApiExample("Opened", value=TABULATION, response_only=True)],
    )
    def get(self, request, municipality_slug, reference):
        municipality = municipality_public_get(municipality_slug)
        solicitation = selectors.public_tabulation_get(municipality, reference)
        tabulation = selectors.tabulation_of(solicitation)
        context = self.get_serializer_context()
        return Response(TabulationSerializer(tabulation, context=context).data)
