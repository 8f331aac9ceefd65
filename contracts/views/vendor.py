"""The vendor portal's contract pages (issue 13): the company's contracts once sent for
signature (never a draft), one contract with its parties, schedule, terms and the periods the
company donates, the signature of the company's named signatory, and the signed PDF.

A user of another company, and staff of any city, get the same 404 as for a contract that
does not exist (VendorPage, selectors.contract_get_for_vendor). A colleague of the company
who is not its named signatory sees the contract but is refused the signature (403, the
service's words). The sign form posts to its own action URL; a refusal comes back to the
contract's page after a 303 with what was typed."""

from django.core.paginator import Paginator
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from contracts import selectors, services
from contracts.forms import SignForm
from contracts.models import Contract
from contracts.views.common import in_kind_periods, last_day, pdf_context
from departments.views.base import ServiceFormMixin, get_or_404, render_in_zone
from p3hub.files import download_response
from p3hub.throttling import client_address
from procurements.views.base import PAGE_SIZE
from vendors.views.base import VendorPage, VendorTemplatePage

# --- what the pages show ----------------------------------------------------------------------


def next_step(contract: Contract, user) -> dict:
    """What the company's contract waits for, in a few words; `yours` when it waits for the
    person reading (their signature). From the prefetched parties: no query."""
    parties = selectors.party_rows(contract)
    party = next(p for p in parties if p.is_vendor)
    if contract.status != Contract.Status.OUT_FOR_SIGNATURE:
        return {"text": "", "yours": False}
    if party.signature is None and party.signatory_id == user.pk:
        return {"text": "Your signature is needed", "yours": True}
    if party.signature is None:
        return {"text": f"Awaiting the signature of {party.signatory_title}", "yours": False}
    waiting = ", ".join(p.name for p in parties if p.signature is None)
    return {"text": f"Your company signed; awaiting {waiting}", "yours": False}


def contract_url(contract: Contract, fragment: str = "") -> str:
    url = reverse("vendor-contract", args=[contract.municipality.slug, contract.number])
    return f"{url}#{fragment}" if fragment else url


# --- the pages --------------------------------------------------------------------------------


class VendorContractListView(VendorTemplatePage):
    """The company's contracts in every city, newest first, each with what it waits for."""

    template_name = "contracts/vendor/list.html"
    section = "contracts"

    def get_context_data(self, **kwargs):
        contracts = selectors.contracts_for_vendor(self.actor)
        page = Paginator(contracts, PAGE_SIZE).get_page(self.request.GET.get("page"))
        user = self.actor.user
        kwargs["page"] = page
        kwargs["rows"] = [
            {"contract": contract, "next": next_step(contract, user)} for contract in page
        ]
        return super().get_context_data(**kwargs)


class VendorContractPage(VendorPage):
    """A portal page about one of the company's contracts (`<city>/<number>/` in the URL),
    rendered in the city's time zone."""

    section = "contracts"

    def load_objects(self):
        self.contract = get_or_404(
            selectors.contract_get_for_vendor,
            self.actor,
            self.kwargs["municipality_slug"],
            self.kwargs["number"],
        )

    def get(self, request, *args, **kwargs):
        # In the city's zone, known once load_objects has fetched the contract.
        parent = super().get
        return render_in_zone(
            self.contract.municipality.zone, lambda: parent(request, *args, **kwargs)
        )


class VendorContractView(VendorContractPage, TemplateView):
    """One of the company's contracts: what it says, who signed it when, and for the
    company's named signatory, while it is out for signature, the sign form."""

    template_name = "contracts/vendor/contract.html"

    def get_context_data(self, **kwargs):
        contract = self.contract
        parties = selectors.party_rows(contract)
        party = next(p for p in parties if p.is_vendor)
        awaits_signature = services.awaits_signature(party)
        may_sign = services.may_sign_now(self.actor, party)
        if may_sign:
            kwargs.setdefault("sign_form", SignForm(signer_name=self.actor.user.display_name))
        kwargs.update(
            contract=contract,
            municipality=contract.municipality,
            parties=parties,
            vendor_party=party,
            awaits_signature=awaits_signature,
            may_sign=may_sign,
            donated=in_kind_periods(contract, by_vendor=True),
            partner_donations=in_kind_periods(contract, by_vendor=False),
            ends_on=last_day(contract),
            **pdf_context(contract),
        )
        return super().get_context_data(**kwargs)


class VendorContractSignView(ServiceFormMixin, VendorContractView):
    """POST only: the company's named signatory signs, from their client address; back to
    the contract's page (303 with the refused form on a refusal)."""

    http_method_names = ["post"]
    form_name = "sign_form"

    def build_form(self, data=None, files=None):
        return SignForm(data, signer_name=self.actor.user.display_name)

    def run(self, form):
        return services.contract_sign(
            actor=self.actor,
            contract=self.contract,
            client_address=client_address(self.request),
            user_agent=self.request.META.get("HTTP_USER_AGENT", ""),
            **form.service_arguments(),
        )

    def refusal_page_url(self) -> str:
        return contract_url(self.contract, fragment="sign")

    def success_url(self, signature) -> str:
        return contract_url(self.contract)

    def success_message(self, signature) -> str:
        contract = signature.contract
        signed = f"You signed contract {contract.number} for {self.vendor.name}."
        if contract.status == Contract.Status.EXECUTED:
            return (
                f"{signed} Every party has signed: the contract is executed, and its signed PDF "
                "is being prepared."
            )
        return f"{signed} The parties still to sign are asked to."


class VendorContractPdfStatusView(VendorContractPage, TemplateView):
    """The PDF block alone, polled by htmx while the PDF renders."""

    template_name = "contracts/vendor/_pdf.html"

    def get_context_data(self, **kwargs):
        kwargs.update(contract=self.contract, **pdf_context(self.contract))
        return super().get_context_data(**kwargs)


class VendorContractPdfView(VendorContractPage, View):
    """The signed PDF, once ready (404 before), never kept by a cache."""

    def get(self, request, *args, **kwargs):
        document = get_or_404(selectors.ready_pdf, self.contract)
        return download_response(
            document.file.open("rb"), file_name=document.file_name, content_type="application/pdf"
        )
