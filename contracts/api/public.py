"""Contracts in the public API (issue 13), no login: a municipality's contracts of record
(executed and after) with their summary, parties, schedule and the SHA-256 of the signed PDF
(/api/v1/public/contracts/<slug>/...), the PDF itself where the municipality publishes
contracts, and the verification of a PDF or a hash (/api/v1/public/contract-verifications/)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, generics, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from contracts import selectors, services
from contracts.api import examples as ex
from contracts.api.staff import PDF_FILE, pdf_response
from contracts.models import Contract
from contracts.serializers.contracts import (
    PublicContractDetailSerializer,
    PublicContractSerializer,
)
from contracts.serializers.documents import ContractVerificationInput, VerificationSerializer
from departments.selectors import municipality_public_get
from p3hub import throttling
from p3hub.api.parsers import JSONParser
from p3hub.errors import NotFound

TAG = "public"


class PublicAPIMixin:
    """Open to everyone: no session (so no CSRF) and no token are read."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def public_contract(self):
        municipality = municipality_public_get(self.kwargs["municipality_slug"])
        return selectors.contract_public_get(municipality, self.kwargs["number"])


@extend_schema(tags=[TAG], auth=[], parameters=[ex.CITY])
class PublicContractViewSet(PublicAPIMixin, viewsets.GenericViewSet):
    serializer_class = PublicContractSerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no URL
            return Contract.objects.none()
        municipality = municipality_public_get(self.kwargs["municipality_slug"])
        return selectors.contracts_public(municipality)

    @extend_schema(
        description=(
            "The municipality's contracts of record (executed, active, completed or "
            "terminated), most recently executed first. Drafts and contracts out for "
            "signature are nobody's business but the parties' until executed."
        ),
        examples=[OpenApiExample("Executed", value=ex.PUBLIC_CONTRACT, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        parameters=[ex.NUMBER],
        responses=PublicContractDetailSerializer,
        description=(
            "A contract of record: its summary, the parties by name with who signed and "
            "when, the cost-sharing schedule, the SHA-256 of the signed PDF of record (check "
            "a copy at contract-verifications/) and, where the municipality publishes "
            "contracts, the PDF's download (null otherwise). 404 before it is executed."
        ),
        examples=[OpenApiExample("Executed", value=ex.PUBLIC_CONTRACT_DETAIL, response_only=True)],
    )
    def retrieve(self, request, *args, **kwargs):
        contract = self.public_contract()
        context = self.get_serializer_context()
        return Response(PublicContractDetailSerializer(contract, context=context).data)


@extend_schema(tags=[TAG], auth=[], parameters=[ex.CITY, ex.NUMBER], responses=PDF_FILE)
class PublicContractPdfView(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = PublicContractDetailSerializer

    @extend_schema(
        description=(
            "The signed PDF of a contract of record, where the municipality publishes "
            "contracts; 404 otherwise (its hash is public all the same)."
        )
    )
    def get(self, request, *args, **kwargs):
        contract = self.public_contract()
        if not selectors.pdf_public(contract):
            raise NotFound("Not found.")
        return pdf_response(selectors.ready_pdf(contract), private=False)


@extend_schema(
    tags=[TAG],
    auth=[],
    request={
        "multipart/form-data": ContractVerificationInput,
        "application/json": ContractVerificationInput,
    },
    responses={200: VerificationSerializer, 400: ex.VERIFY_REFUSED},
    description=(
        "Check a PDF: send the file (`multipart/form-data`, field `file`) or its SHA-256 "
        '(JSON `{"sha256": ...}`), not both. The answer says whether it is an executed '
        "contract of record and which, who signed it and when, and what its embedded "
        "signature proves by pyHanko's validation against the platform's certificate "
        "(intact, valid, trusted, covering the whole file); for a hash of record the stored "
        "file is checked, for an unknown hash there is nothing to check (null). A file with "
        "one byte changed is not of record and its signature no longer holds. Counted per "
        "client address (429 past the limit)."
    ),
    examples=[
        OpenApiExample("By hash", value={"sha256": ex.SHA256}, request_only=True),
        OpenApiExample("Of record", value=ex.VERIFIED, response_only=True, status_codes=["200"]),
        OpenApiExample(
            "Changed after signing",
            value=ex.NOT_OF_RECORD,
            response_only=True,
            status_codes=["200"],
        ),
    ],
)
class ContractVerificationView(PublicAPIMixin, generics.GenericAPIView):
    serializer_class = VerificationSerializer
    parser_classes = [MultiPartParser, JSONParser]

    def post(self, request, *args, **kwargs):
        if wait := throttling.verification_wait(request):
            raise exceptions.Throttled(
                wait=wait, detail=throttling.verification_throttled_message(wait)
            )
        serializer = ContractVerificationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification = services.contract_verify(**serializer.validated_data)
        context = self.get_serializer_context()
        return Response(VerificationSerializer(verification, context=context).data)
