"""The company's contracts in the vendor API (issue 13), under /api/v1/vendor/contracts/: the
contracts of every city the company is a party to once sent for signature (never a draft),
its signature by the user named as its signatory, and the signed PDF. Another company's
contract is the same 404 as a missing one."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, viewsets

from contracts import selectors, services
from contracts.api import examples as ex
from contracts.api.staff import PDF_FILE, pdf_response
from contracts.models import Contract
from contracts.serializers.contracts import (
    PdfStateSerializer,
    VendorContractDetailSerializer,
    VendorContractSerializer,
    api_url,
    pdf_state,
)
from contracts.serializers.documents import VendorSignInput
from p3hub import throttling
from vendors.api.base import VendorAPIMixin

TAG = "vendors"


class VendorContractMixin(VendorAPIMixin):
    model = Contract
    filterset_class = None

    def get_vendor_queryset(self):
        return selectors.contracts_for_vendor(self.actor)

    def contract(self) -> Contract:
        return selectors.contract_get_for_vendor(
            self.actor, self.kwargs["municipality_slug"], self.kwargs["number"]
        )


@extend_schema(tags=[TAG])
class VendorContractViewSet(VendorContractMixin, viewsets.GenericViewSet):
    serializer_class = VendorContractSerializer

    @extend_schema(
        description=(
            "Your company's contracts in every city once sent for signature, newest first, "
            "with each party's signer and whether they have signed; each in its city's "
            "currency and local time."
        ),
        examples=[OpenApiExample("Awaiting TRN", value=ex.VENDOR_CONTRACT, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    @extend_schema(
        parameters=[ex.CITY, ex.NUMBER],
        responses=VendorContractDetailSerializer,
        description=(
            "One of your company's contracts with its terms, parties (`may_sign`: whether "
            "you sign for the company now), schedule and signed PDF's state."
        ),
        examples=[
            OpenApiExample("Awaiting TRN", value=ex.VENDOR_CONTRACT_DETAIL, response_only=True)
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        return self.render(VendorContractDetailSerializer, self.contract())

    @extend_schema(
        parameters=[ex.CITY, ex.NUMBER],
        request=VendorSignInput,
        responses={200: VendorContractDetailSerializer, 400: ex.SIGN_REFUSED, 409: ex.NOT_SIGNABLE},
        description=(
            "Sign for the company (the user named as its signatory; any other 403) with your "
            "typed name and `consent: true` to sign electronically; the database time and "
            "your client address are recorded. The last party's signature executes the "
            "contract and starts rendering its signed PDF."
        ),
        examples=[
            OpenApiExample(
                "Ada signs", value={"typed_name": "Ada Acme", "consent": True}, request_only=True
            ),
            OpenApiExample(
                "Signed", value=ex.VENDOR_CONTRACT_DETAIL, response_only=True, status_codes=["200"]
            ),
        ],
    )
    def sign(self, request, *args, **kwargs):
        contract = self.contract()
        data = self.parse(VendorSignInput)
        services.contract_sign(
            actor=self.actor,
            contract=contract,
            client_address=throttling.client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **data,
        )
        return self.render(VendorContractDetailSerializer, self.contract())


@extend_schema(tags=[TAG], parameters=[ex.CITY, ex.NUMBER])
class VendorContractPdfView(VendorContractMixin, generics.GenericAPIView):
    serializer_class = PdfStateSerializer

    @extend_schema(
        description=(
            "The signed PDF's state: `none` until executed, `pending` with the renderer's "
            "step, `ready` with its SHA-256 and download, or `failed` (retried)."
        ),
        examples=[OpenApiExample("Ready", value=ex.PDF_READY, response_only=True)],
    )
    def get(self, request, *args, **kwargs):
        contract = self.contract()
        download = api_url(
            self.get_serializer_context(),
            "vendor_api:contract-pdf-download",
            municipality_slug=contract.municipality.slug,
            number=contract.number,
        )
        with timezone.override(contract.municipality.zone):  # its city's local time
            return self.render(PdfStateSerializer, pdf_state(contract, download))


@extend_schema(tags=[TAG], parameters=[ex.CITY, ex.NUMBER], responses=PDF_FILE)
class VendorContractPdfDownloadView(VendorContractMixin, generics.GenericAPIView):
    serializer_class = PdfStateSerializer

    @extend_schema(description="The signed PDF, as stored; 404 until it is ready.")
    def get(self, request, *args, **kwargs):
        return pdf_response(selectors.ready_pdf(self.contract()))
