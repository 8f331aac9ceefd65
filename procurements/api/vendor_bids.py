"""/api/v1/vendor/: the company's sealed bids (issue 11, items 1, 2 and 7): start one on a
solicitation open for bids, price it, attach files, submit (and revise by submitting again),
withdraw, read and check the receipts. The same services as the portal's pages: the deadline
by the database clock, the rules and the messages are theirs. A bid, its files and receipts are
the bidding company's only: anyone else gets the 404 of vendors.api.base, as for a bid that
does not exist."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import generics, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from p3hub.files import download_response
from procurements import selectors
from procurements.api.examples import (
    REFERENCE,
    input_example,
    refused_input,
    refused_move,
    validation_example,
)
from procurements.api.vendor_questions import MUNICIPALITY
from procurements.models import Bid
from procurements.serializers.bids import (
    AttachmentInput,
    BidAttachmentSerializer,
    BidDetailSerializer,
    BidPricesInput,
    BidSerializer,
    ReceiptCheckSerializer,
    ReceiptSerializer,
    SubmissionInput,
    VerificationInput,
)
from procurements.services import bids as services
from vendors.api.base import VendorAPIMixin

BID_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The bid.")
ATTACHMENT_ID = OpenApiParameter(
    "attachment_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The attachment."
)
RECEIPT_NUMBER = OpenApiParameter(
    "receipt_number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The receipt's number, e.g. RIV-2026-0001-00007-01.",
)
LATE_DETAIL = (
    "The bid deadline passed at Mar 30, 2026, 2:00 PM CDT: no bid can be submitted, revised "
    "or withdrawn."
)
LATE = validation_example("Past the deadline", "non_field_errors", LATE_DETAIL, "deadline_passed")
LATE_INPUT = input_example("Past the deadline", "non_field_errors", LATE_DETAIL, "deadline_passed")
LATE_NOTE = (
    " Past the bid deadline (by the database clock) the call is refused with the code "
    "`deadline_passed`, recorded as a late attempt, and nothing else changes."
)
NOT_EDITABLE = refused_move(
    "The bid's state refuses it (withdrawn, opened), or bidding is not open.",
    "This bid is withdrawn.",
)

ATTACHMENT = {
    "id": 31,
    "title": "Technical proposal",
    "file_name": "proposal.pdf",
    "content_type": "application/pdf",
    "size": 48213,
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uploaded_at": "2026-03-20T10:00:00-05:00",
    "download_url": "https://p3hub.example/api/v1/vendor/bids/7/attachments/31/file/",
}
RECEIPT = {
    "bid": 7,
    "municipality": "riverton",
    "reference": "RIV-2026-0001",
    "number": 1,
    "kind": "submission",
    "receipt_number": "RIV-2026-0001-00007-01",
    "submitted_at": "2026-03-25T16:42:07-05:00",
    "sha256": "3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b",
    "declared_name": "Avery Acme",
    "submitted_by": "Avery Acme",
    "url": "https://p3hub.example/api/v1/vendor/receipts/RIV-2026-0001-00007-01/",
}
BID = {
    "id": 7,
    "solicitation": {
        "municipality": "riverton",
        "reference": "RIV-2026-0001",
        "title": "Intersection cameras at Main St & Elm St",
        "bids_due_at": "2026-03-30T14:00:00-05:00",
    },
    "status": "submitted",
    "status_display": "Submitted",
    "revision": 1,
    "submitted_at": "2026-03-25T16:42:07-05:00",
    "latest_receipt": "RIV-2026-0001-00007-01",
    "draft_updated_at": "2026-03-25T16:40:00-05:00",
    "prices": {"1": "2450.00", "2": "1180.00"},
    "lines": [
        {
            "position": 1,
            "description": "Traffic camera",
            "quantity": "4.000",
            "unit": "each",
            "unit_price": "2450.00",
            "total": "9800.00",
        },
        {
            "position": 2,
            "description": "Speed sensor",
            "quantity": "2.000",
            "unit": "each",
            "unit_price": "1180.00",
            "total": "2360.00",
        },
    ],
    "total": "12160.00",
    "attachments": [ATTACHMENT],
}
BID_DETAIL = {
    **BID,
    "revisions": [
        {k: v for k, v in RECEIPT.items() if k not in ("bid", "municipality", "reference")}
    ],
}
PRICES_REFUSED = refused_input(
    "A price is refused; `attr` names its line (`prices.<position>`), or `prices` as a whole.",
    input_example("Too many decimals", "prices.1", "USD amounts have at most 2 decimal places."),
    input_example("Zero", "prices.2", "Enter a unit price above zero."),
    input_example("No such line", "prices.9", "This solicitation has no such line item."),
    LATE_INPUT,
)
SUBMISSION_REFUSED = refused_input(
    "The bid cannot be submitted yet; every reason is listed, each naming its field.",
    input_example("A line unpriced", "prices.2", "Enter a unit price for this line item."),
    input_example(
        "No declaration", "declaration", "Confirm the declaration to submit the bid.", "required"
    ),
    input_example(
        "An addendum unacknowledged",
        "addenda",
        "Acknowledge every addendum before submitting: addendum 1 is not acknowledged yet.",
        "addendum_not_acknowledged",
    ),
    LATE_INPUT,
)


class ReceiptDocumentSerializer(serializers.Serializer):
    """The downloadable receipt as services.bids.receipt_document writes it (documentation)."""

    receipt_number = serializers.CharField()
    kind = serializers.CharField(help_text="submission, revision or withdrawal.")
    solicitation = serializers.CharField(help_text="The solicitation's reference.")
    municipality = serializers.CharField()
    submitted_at = serializers.DateTimeField(help_text="By the database clock, in UTC.")
    sha256 = serializers.CharField(allow_null=True, help_text="Null for a withdrawal.")
    hash_method = serializers.CharField()
    content = serializers.JSONField(
        required=False,
        help_text="Exactly what `sha256` covers (absent for a withdrawal): the canonical "
        "content, hashed as JSON with sorted keys, no spaces, UTF-8. Its lines carry each "
        "unit price as an integer of the currency's minor units, as hashed.",
    )


def attachment_response(attachment, content: bytes):
    """The decrypted file as a private attachment."""
    return download_response(
        content, file_name=attachment.file_name, content_type=attachment.content_type
    )


class OwnBidMixin(VendorAPIMixin):
    """The company's bid named by the URL (one 404 for another company's and a missing one),
    answered with its drafts' prices decrypted for that company."""

    model = Bid
    serializer_class = BidDetailSerializer
    filterset_class = None

    def own_bid(self) -> Bid:
        return selectors.vendor_bid_get(self.actor, self.kwargs["pk"])

    def bid_context(self, bids) -> dict:
        drafts = services.bid_drafts(actor=self.actor, bids=bids)
        return {**self.get_serializer_context(), "drafts": drafts}

    def render_bid(self, bid: Bid, status_code=status.HTTP_200_OK) -> Response:
        shown = selectors.vendor_bids_shown(self.actor).get(pk=bid.pk)
        output = BidDetailSerializer(shown, context=self.bid_context([shown]))
        return Response(output.data, status=status_code)


@extend_schema(
    tags=["vendors"],
    description=(
        "The company's bids in every city, newest first, each with its draft's unit prices, "
        "each line's total and the bid total (computed; null until every line is priced), "
        "its attachments and its latest receipt. Nobody but the company's users sees any of "
        "it before the opening. Dates are in each solicitation's city's local time."
    ),
    examples=[OpenApiExample("A submitted bid", value=BID, response_only=True)],
)
class VendorBidListView(OwnBidMixin, generics.ListAPIView):
    serializer_class = BidSerializer

    def get_vendor_queryset(self):
        return selectors.vendor_bids_shown(self.actor)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        output = BidSerializer(page, many=True, context=self.bid_context(page))
        return self.get_paginated_response(output.data)


@extend_schema(
    tags=["vendors"],
    parameters=[MUNICIPALITY, REFERENCE],
    request=None,
    responses={status.HTTP_201_CREATED: BidDetailSerializer, 409: NOT_EDITABLE},
    description=(
        "Start the company's bid on a solicitation open for bids (a draft without prices). "
        "A company has one live bid per solicitation: a second is refused with the code "
        "`unique` (withdrawing leaves room for a new one). A draft, scheduled or missing "
        "solicitation is the same 404." + LATE_NOTE
    ),
    examples=[
        OpenApiExample(
            "Started",
            value={
                **BID_DETAIL,
                "status": "draft",
                "status_display": "Draft",
                "revision": 0,
                "submitted_at": None,
                "latest_receipt": None,
                "draft_updated_at": None,
                "prices": {},
                "lines": [{**line, "unit_price": None, "total": None} for line in BID["lines"]],
                "total": None,
                "attachments": [],
                "revisions": [],
            },
            response_only=True,
            status_codes=["201"],
        ),
        validation_example(
            "Already bidding",
            "non_field_errors",
            "Your company already has a bid on this solicitation: continue that one.",
            "unique",
        ),
        LATE,
    ],
)
@extend_validation_errors(["unique", "deadline_passed"], field_name="non_field_errors")
class BidStartView(OwnBidMixin, generics.GenericAPIView):
    def post(self, request, municipality_slug, reference):
        solicitation = selectors.vendor_solicitation_get(self.actor, municipality_slug, reference)
        bid = services.bid_start(actor=self.actor, solicitation=solicitation)
        return self.render_bid(bid, status.HTTP_201_CREATED)


@extend_schema(tags=["vendors"], parameters=[BID_ID])
class VendorBidDetailView(OwnBidMixin, generics.GenericAPIView):
    @extend_schema(
        description="One of the company's bids, with every receipt it was given.",
        examples=[OpenApiExample("A submitted bid", value=BID_DETAIL, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        return self.render_bid(self.own_bid())

    @extend_schema(
        description=(
            "Set unit prices on the bid's draft: `prices` by line position, in major units. "
            "Lines left out keep their price; the totals are computed. Every price at fault "
            "is named at once (`prices.<position>`: not a line, not an amount, zero or less, "
            "more decimals than the currency has, implausibly large) and nothing is saved "
            "then. A submitted bid's new prices count once it is submitted again." + LATE_NOTE
        ),
        request=BidPricesInput,
        responses={200: BidDetailSerializer, 400: PRICES_REFUSED, 409: NOT_EDITABLE},
        examples=[
            OpenApiExample(
                "Two prices", value={"prices": {"1": "2450.00", "2": "1,180.00"}}, request_only=True
            ),
            OpenApiExample("Priced", value=BID_DETAIL, response_only=True, status_codes=["200"]),
        ],
    )
    def patch(self, request, *args, **kwargs):
        bid = self.own_bid()
        data = self.parse(BidPricesInput)
        services.bid_save(actor=self.actor, bid=bid, prices=data["prices"])
        return self.render_bid(bid)


class AttachmentMixin(OwnBidMixin):
    def own_attachment(self):
        return selectors.bid_attachment_get(self.own_bid(), self.kwargs["attachment_id"])


@extend_schema(
    tags=["vendors"],
    parameters=[BID_ID],
    description=(
        "Attach a file to the bid as `multipart/form-data`: a `title` and the `file` (PDF, "
        "PNG, JPEG, DOCX or XLSX, told by its content, within the upload limit). It is stored "
        "encrypted; its SHA-256 goes into the next receipt." + LATE_NOTE
    ),
    request=AttachmentInput,
    responses={status.HTTP_201_CREATED: BidAttachmentSerializer, 409: NOT_EDITABLE},
    examples=[
        OpenApiExample(
            "A proposal",
            value={"title": "Technical proposal", "file": "(the PDF, as a file part)"},
            request_only=True,
        ),
        OpenApiExample("Attached", value=ATTACHMENT, response_only=True, status_codes=["201"]),
        validation_example(
            "Wrong type",
            "file",
            "Choose a PDF, PNG, JPEG, DOCX or XLSX file: this file's content is none of these.",
            "file_type",
        ),
        LATE,
    ],
)
@extend_validation_errors(["required", "max_length", "invalid"], field_name="title")
@extend_validation_errors(["deadline_passed"], field_name="non_field_errors")
class BidAttachmentListView(OwnBidMixin, generics.GenericAPIView):
    serializer_class = BidAttachmentSerializer
    parser_classes = [MultiPartParser]  # a file cannot travel in JSON

    def post(self, request, *args, **kwargs):
        bid = self.own_bid()
        data = self.parse(AttachmentInput)
        attachment = services.bid_attach(actor=self.actor, bid=bid, **data)
        return self.render(BidAttachmentSerializer, attachment, status_code=201)


@extend_schema(
    tags=["vendors"],
    parameters=[BID_ID, ATTACHMENT_ID],
    request=None,
    description=(
        "Take the attachment off the bid (the next submission no longer lists it; earlier "
        "receipts still do)." + LATE_NOTE
    ),
    responses={
        status.HTTP_204_NO_CONTENT: OpenApiResponse(description="Taken off."),
        409: NOT_EDITABLE,
    },
)
@extend_validation_errors(["deadline_passed"], field_name="non_field_errors")
class BidAttachmentDetailView(AttachmentMixin, generics.GenericAPIView):
    serializer_class = BidAttachmentSerializer

    def delete(self, request, *args, **kwargs):
        services.bid_detach(actor=self.actor, attachment=self.own_attachment())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["vendors"],
    parameters=[BID_ID, ATTACHMENT_ID],
    description="The attachment's file, decrypted, as an attachment (the company's users).",
    responses={
        (status.HTTP_200_OK, "application/octet-stream"): OpenApiResponse(
            OpenApiTypes.BINARY, description="The file, with its own content type."
        )
    },
)
class BidAttachmentFileView(AttachmentMixin, generics.GenericAPIView):
    serializer_class = BidAttachmentSerializer

    def get(self, request, *args, **kwargs):
        attachment = self.own_attachment()
        content = services.bid_attachment_content(actor=self.actor, attachment=attachment)
        return attachment_response(attachment, content)


@extend_schema(
    tags=["vendors"],
    parameters=[BID_ID],
    request=SubmissionInput,
    responses={
        status.HTTP_201_CREATED: ReceiptSerializer,
        400: SUBMISSION_REFUSED,
        409: NOT_EDITABLE,
    },
    description=(
        "Submit the bid, or revise a submitted one (the old revision is kept): every line "
        "priced, every addendum acknowledged, `declaration` true and the typed "
        "`declared_name` of the person submitting. Answers the receipt: its number, the "
        "database time and the SHA-256 of what was submitted (every price and every "
        "attachment's SHA-256), also e-mailed to the company's users." + LATE_NOTE
    ),
    examples=[
        OpenApiExample(
            "Declared",
            value={"declaration": True, "declared_name": "Avery Acme"},
            request_only=True,
        ),
        OpenApiExample("Receipt", value=RECEIPT, response_only=True, status_codes=["201"]),
    ],
)
class SubmissionView(OwnBidMixin, generics.GenericAPIView):
    serializer_class = ReceiptSerializer

    def post(self, request, *args, **kwargs):
        bid = self.own_bid()
        data = self.parse(SubmissionInput)
        receipt = services.bid_submit(actor=self.actor, bid=bid, **data)
        return self.render(ReceiptSerializer, receipt, status_code=201)


@extend_schema(
    tags=["vendors"],
    parameters=[BID_ID],
    request=None,
    responses={status.HTTP_201_CREATED: ReceiptSerializer, 409: NOT_EDITABLE},
    description=(
        "Withdraw the bid before the deadline; the receipt says so (it covers no content). "
        "The company may then start a new bid." + LATE_NOTE
    ),
    examples=[
        OpenApiExample(
            "Withdrawn",
            value={
                **RECEIPT,
                "number": 2,
                "kind": "withdrawal",
                "receipt_number": "RIV-2026-0001-00007-02",
                "sha256": "",
                "declared_name": "",
                "url": "https://p3hub.example/api/v1/vendor/receipts/RIV-2026-0001-00007-02/",
            },
            response_only=True,
            status_codes=["201"],
        ),
        LATE,
    ],
)
@extend_validation_errors(["deadline_passed"], field_name="non_field_errors")
class WithdrawalView(OwnBidMixin, generics.GenericAPIView):
    serializer_class = ReceiptSerializer

    def post(self, request, *args, **kwargs):
        receipt = services.bid_withdraw(actor=self.actor, bid=self.own_bid())
        return self.render(ReceiptSerializer, receipt, status_code=201)


class ReceiptMixin(OwnBidMixin):
    serializer_class = ReceiptSerializer

    def own_receipt(self):
        return selectors.vendor_receipt_get(self.actor, self.kwargs["receipt_number"])


@extend_schema(
    tags=["vendors"],
    parameters=[RECEIPT_NUMBER],
    description=(
        "The receipt document, to download and keep: its number, the database time, the "
        "SHA-256 and the canonical content it covers; hashing `content` as `hash_method` says "
        "gives `sha256`."
    ),
    responses={200: ReceiptDocumentSerializer},
    examples=[
        OpenApiExample(
            "A submission",
            value={
                "receipt_number": "RIV-2026-0001-00007-01",
                "kind": "submission",
                "solicitation": "RIV-2026-0001",
                "municipality": "riverton",
                "submitted_at": "2026-03-25T21:42:07.123456+00:00",
                "sha256": RECEIPT["sha256"],
                "hash_method": "SHA-256 of the JSON of `content` with sorted keys, no spaces, "
                "UTF-8",
                "content": {
                    "municipality": "riverton",
                    "solicitation": "RIV-2026-0001",
                    "revision": 1,
                    "currency": "USD",
                    "attachments": [{"file_name": "proposal.pdf", "sha256": ATTACHMENT["sha256"]}],
                    "declared_name": "Avery Acme",
                },
            },
            response_only=True,
        )
    ],
)
class ReceiptView(ReceiptMixin, generics.GenericAPIView):
    def get(self, request, *args, **kwargs):
        document = services.receipt_document(actor=self.actor, revision=self.own_receipt())
        return Response(document)


@extend_schema(
    tags=["vendors"],
    parameters=[RECEIPT_NUMBER],
    description=(
        "Check a receipt: what the platform holds for it is decrypted and hashed again "
        "(`content_matches`), and a SHA-256 you kept, if given, is compared with the "
        "receipt's (`given_matches`)."
    ),
    request=VerificationInput,
    responses={200: ReceiptCheckSerializer},
    examples=[
        OpenApiExample("A hash you kept", value={"sha256": RECEIPT["sha256"]}, request_only=True),
        OpenApiExample(
            "It matches",
            value={
                "receipt_number": RECEIPT["receipt_number"],
                "submitted_at": RECEIPT["submitted_at"],
                "sha256": RECEIPT["sha256"],
                "opened": False,
                "content_matches": True,
                "given_matches": True,
            },
            response_only=True,
        ),
    ],
)
class ReceiptVerificationView(ReceiptMixin, generics.GenericAPIView):
    def post(self, request, *args, **kwargs):
        revision = self.own_receipt()
        data = self.parse(VerificationInput)
        checked = services.receipt_check(actor=self.actor, revision=revision, **data)
        with timezone.override(revision.bid.solicitation.municipality.zone):
            return self.render(ReceiptCheckSerializer, checked)
