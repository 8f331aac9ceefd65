"""The contract in the staff API (issue 13), under /api/v1/<slug>/contracts/: the officer
prepares it from a final award, changes its terms, sends it for signature, recalls or
terminates it; every member of the municipality reads it, its schedule, its signing history
and its signed PDF; each department's head signs for their own department.

The same selectors and services as the pages: the services decide who signs for which party
(invariant 5) and refuse every change of an executed contract (invariant 7)."""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import generics, status, viewsets

from contracts import selectors, services
from contracts.api import examples as ex
from contracts.models import Contract, ContractPdf, Signature
from contracts.serializers.contracts import (
    ContractDetailSerializer,
    ContractPrepareInput,
    ContractSerializer,
    ContractTermsInput,
    PdfStateSerializer,
    ReasonInput,
    ScheduleSerializer,
    TerminationInput,
    api_url,
    pdf_state,
    schedule_table,
)
from contracts.serializers.documents import SignatureSerializer, StaffSignInput
from departments.api.base import AnyMember
from p3hub import throttling
from p3hub.errors import NotFound, ValidationFailed
from p3hub.files import download_response
from procurements import selectors as procurement_selectors
from procurements.api.common import ProcurementAPIMixin

TAG = "contracts"
NO_SOLICITATION = "No solicitation of this municipality has this reference."
PDF_FILE = {
    (status.HTTP_200_OK, "application/pdf"): OpenApiResponse(
        OpenApiTypes.BINARY, description="The signed PDF, as an attachment."
    )
}


def solicitation_named(actor, reference):
    """The solicitation a body names by reference: one the actor's municipality does not
    have (another city's, a typo) is a 400 naming `solicitation`, not a 404 of the URL."""
    if reference in (None, ""):
        raise ValidationFailed("This field is required.", field="solicitation", code="required")
    try:
        return procurement_selectors.solicitation_get_for(actor, reference)
    except NotFound:
        raise ValidationFailed(
            NO_SOLICITATION, field="solicitation", code="does_not_exist"
        ) from None


def pdf_response(document: ContractPdf, *, private: bool = True):
    return download_response(
        document.file.open("rb"),
        file_name=document.file_name,
        content_type="application/pdf",
        private=private,
    )


class ContractFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Contract.Status.choices)

    class Meta:
        model = Contract
        fields = ["status"]


class ContractScopedMixin(ProcurementAPIMixin):
    """Views under contracts/<number>/: the contract read through the selector that scopes
    it to the actor's municipality (the same 404 for another city's and a missing one).
    Officers alone write, unless an action says otherwise."""

    model = Contract

    def contract(self) -> Contract:
        return selectors.contract_get_for_staff(self.actor, self.kwargs["number"])

    def render_contract(self, number: str, status_code=status.HTTP_200_OK):
        contract = selectors.contract_get_for_staff(self.actor, number)
        return self.render(ContractDetailSerializer, contract, status_code=status_code)


@extend_schema(tags=[TAG])
class ContractViewSet(ContractScopedMixin, viewsets.GenericViewSet):
    serializer_class = ContractSerializer
    filterset_class = ContractFilter

    def get_tenant_queryset(self):
        return selectors.contracts_for_staff(self.actor)

    @extend_schema(
        description=(
            "The municipality's contracts in every state, newest first, each with its "
            "parties and whether each has signed (any member)."
        ),
        examples=[OpenApiExample("Out for signature", value=ex.CONTRACT, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))

    @extend_schema(
        request=ContractPrepareInput,
        responses={201: ContractDetailSerializer, 400: ex.TERMS_REFUSED, 409: ex.PREPARE_REFUSED},
        description=(
            "Prepare the contract of a solicitation's final award (officers): the term from "
            "`start_date` for `term_years` years, the one-time `capital` part (the rest "
            "recurs yearly), the `in_kind` periods donated by the vendor or a named partner, "
            "and who signs for each party (by default the bid's submitter and the heads who "
            "approved the award). The schedule divides what the departments pay by the "
            "award's split so that every row and column adds up exactly. A draft: nothing is "
            "sent until `send/`."
        ),
        examples=[
            OpenApiExample("Year 1 donated by Acme", value=ex.PREPARE, request_only=True),
            OpenApiExample(
                "A partner donates year 2",
                value={
                    **ex.PREPARE,
                    "in_kind": [{"period": 2, "donor": "partner", "partner": "Harbor Foundation"}],
                },
                request_only=True,
            ),
            OpenApiExample("Prepared", value=ex.DRAFT, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request, *args, **kwargs):
        data = self.parse(ContractPrepareInput, partial=True)
        solicitation = solicitation_named(self.actor, data.pop("solicitation", None))
        contract = services.contract_prepare(actor=self.actor, solicitation=solicitation, **data)
        return self.render_contract(contract.number, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[ex.NUMBER],
        responses=ContractDetailSerializer,
        description=(
            "One contract with its terms, parties (and whether you may sign for each now), "
            "schedule and signed PDF's state (any member; 404 for everyone else)."
        ),
        examples=[
            OpenApiExample("Out for signature", value=ex.CONTRACT_DETAIL, response_only=True),
            OpenApiExample("Executed", value=ex.EXECUTED, response_only=True),
        ],
    )
    def retrieve(self, request, *args, **kwargs):
        return self.render(ContractDetailSerializer, self.contract())

    @extend_schema(
        parameters=[ex.NUMBER],
        request=ContractTermsInput,
        responses={200: ContractDetailSerializer, 400: ex.TERMS_REFUSED, 409: ex.OF_RECORD},
        description=(
            "Change the terms (officers), any of them: the schedule is computed again. Out "
            "for signature, a change voids every signature and returns the contract to "
            "draft; whoever signed is told. Executed or after, nothing changes (409)."
        ),
        examples=[
            OpenApiExample(
                "Four years", value={"term_years": 4, "capital": "1,000.00"}, request_only=True
            ),
            OpenApiExample(
                "Changed, back to draft",
                value={**ex.DRAFT, "term_years": 4, "revision": 2},
                response_only=True,
                status_codes=["200"],
            ),
        ],
    )
    def partial_update(self, request, *args, **kwargs):
        contract = self.contract()
        data = self.parse(ContractTermsInput, partial=True)
        services.contract_update(actor=self.actor, contract=contract, **data)
        return self.render_contract(contract.number)

    @extend_schema(
        parameters=[ex.NUMBER],
        request=None,
        responses={200: ContractDetailSerializer, 409: ex.MOVE_REFUSED},
        description="Send the draft for signature (officers): each signatory is asked to sign.",
        examples=[
            OpenApiExample("Sent", value=ex.CONTRACT_DETAIL, response_only=True),
        ],
    )
    def send(self, request, *args, **kwargs):
        contract = services.contract_send(actor=self.actor, contract=self.contract())
        return self.render_contract(contract.number)

    @extend_schema(
        parameters=[ex.NUMBER],
        request=ReasonInput,
        responses={200: ContractDetailSerializer, 409: ex.MOVE_REFUSED},
        description=(
            "Take the contract back from signature (officers), with an optional reason: "
            "every signature is voided (kept in the history) and it returns to draft."
        ),
        examples=[
            OpenApiExample(
                "For changes", value={"reason": "The start date moves."}, request_only=True
            ),
            OpenApiExample("Back to draft", value=ex.DRAFT, response_only=True),
        ],
    )
    def recall(self, request, *args, **kwargs):
        data = self.parse(ReasonInput)
        contract = services.contract_recall(
            actor=self.actor, contract=self.contract(), reason=data["reason"]
        )
        return self.render_contract(contract.number)

    @extend_schema(
        parameters=[ex.NUMBER],
        request=TerminationInput,
        responses={200: ContractDetailSerializer, 409: ex.MOVE_REFUSED},
        description=(
            "Terminate an executed or active contract (officers), with the reason, which is "
            "published with its summary. The signed PDF stays what it was."
        ),
        examples=[
            OpenApiExample(
                "Ended early", value={"reason": "The intersection is rebuilt."}, request_only=True
            ),
            OpenApiExample("Terminated", value=ex.TERMINATED, response_only=True),
        ],
    )
    def terminate(self, request, *args, **kwargs):
        data = self.parse(TerminationInput)
        contract = services.contract_terminate(
            actor=self.actor, contract=self.contract(), reason=data["reason"]
        )
        return self.render_contract(contract.number)

    @extend_schema(
        parameters=[ex.NUMBER],
        responses=ScheduleSerializer,
        description=(
            "The cost-sharing schedule as a table (any member): the periods (the one-time "
            "part, then each year), a row per department with its amount in each period and "
            "its total, the in-kind row with each period's donor, and the column totals. "
            "Every row and column adds up exactly."
        ),
        examples=[OpenApiExample("Year 1 in-kind", value=ex.SCHEDULE, response_only=True)],
    )
    def schedule(self, request, *args, **kwargs):
        return self.render(ScheduleSerializer, schedule_table(self.contract()))


@extend_schema(tags=[TAG], parameters=[ex.NUMBER])
class SignatureViewSet(ContractScopedMixin, viewsets.GenericViewSet):
    model = Signature
    serializer_class = SignatureSerializer
    filterset_class = None
    action_permissions = {"create": [AnyMember]}
    _contract = None  # read once per request; the serializer names its vendor party from it

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "contract": self._contract}

    @extend_schema(
        description=(
            "The signing history, newest first: every signature of every revision, those a "
            "change voided included (with `voided_at`), with the typed name, the consent, "
            "the database time and the client address (any member)."
        ),
        examples=[OpenApiExample("PSD signed", value=ex.SIGNATURE, response_only=True)],
    )
    def list(self, request, *args, **kwargs):
        self._contract = self.contract()
        return self.render_page(selectors.signatures_of(self._contract))

    @extend_schema(
        request=StaffSignInput,
        responses={201: SignatureSerializer, 400: ex.SIGN_REFUSED, 409: ex.NOT_SIGNABLE},
        description=(
            "Sign for `department` (its head, named as the party's signatory; anyone else "
            "403) with your typed name and `consent: true` to sign electronically. The "
            "database time and your client address are recorded. The last party's signature "
            "executes the contract and starts rendering its signed PDF (follow `pdf/`)."
        ),
        examples=[
            OpenApiExample("PSD signs", value=ex.SIGN_BODY, request_only=True),
            OpenApiExample("Signed", value=ex.SIGNATURE, response_only=True, status_codes=["201"]),
        ],
    )
    def create(self, request, *args, **kwargs):
        self._contract = self.contract()
        data = self.parse(StaffSignInput)
        signature = services.contract_sign(
            actor=self.actor,
            contract=self._contract,
            client_address=throttling.client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **data,
        )
        shown = selectors.signatures_of(self._contract).get(pk=signature.pk)
        return self.render(SignatureSerializer, shown, status_code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG], parameters=[ex.NUMBER])
class ContractPdfView(ContractScopedMixin, generics.GenericAPIView):
    serializer_class = PdfStateSerializer

    @extend_schema(
        description=(
            "The signed PDF's state (any member): `none` until the contract is executed, "
            "then `pending` with the renderer's step, `ready` with its SHA-256, size and "
            "download, or `failed` (retried by the clock). Poll it after the last signature."
        ),
        examples=[
            OpenApiExample("Rendering", value=ex.PDF_RENDERING, response_only=True),
            OpenApiExample("Ready", value=ex.PDF_READY, response_only=True),
        ],
    )
    def get(self, request, *args, **kwargs):
        contract = self.contract()
        download = api_url(
            self.get_serializer_context(),
            "tenant_api:contract-pdf-download",
            municipality_slug=self.municipality.slug,
            number=contract.number,
        )
        return self.render(PdfStateSerializer, pdf_state(contract, download))


@extend_schema(tags=[TAG], parameters=[ex.NUMBER], responses=PDF_FILE)
class ContractPdfDownloadView(ContractScopedMixin, generics.GenericAPIView):
    serializer_class = PdfStateSerializer

    @extend_schema(
        description=(
            "The signed PDF of the executed contract, as stored (its SHA-256 is the one "
            "`pdf/` shows). Any member; 404 until it is ready."
        )
    )
    def get(self, request, *args, **kwargs):
        return pdf_response(selectors.ready_pdf(self.contract()))
