"""The public's contract pages (no login, issue 13): a municipality's contracts of record
(executed and after), one contract's summary, parties, term and schedule, its signed PDF
where the municipality publishes contracts, and the platform's verification page, where
anyone learns whether a PDF (or its SHA-256) is an executed contract of record and whether
its embedded signature holds.

Drafts and contracts out for signature are the same 404 as a number that does not exist.
Nothing here names a signatory's e-mail or client address: only what the PDF prints (the
parties, the signatories' titles, the typed names and the times)."""

from django import forms as django_forms
from django.core.paginator import Paginator
from django.http import Http404
from django.views import View
from django.views.generic import TemplateView

from contracts import selectors, services
from contracts.views.common import in_kind_periods, last_day
from departments.views.base import MunicipalityPage, ServiceFormMixin, get_or_404
from p3hub import throttling
from p3hub.errors import NotFound
from p3hub.files import PDF, download_response
from p3hub.forms import ServiceForm, describe_file_field
from procurements.views.base import PAGE_SIZE


def document_of_record(contract):
    """The contract's signed PDF once stored, else None (still rendering)."""
    try:
        return selectors.ready_pdf(contract)
    except NotFound:
        return None


class PublicContractListView(MunicipalityPage, TemplateView):
    """The municipality's contracts of record, most recently executed first."""

    template_name = "contracts/public/list.html"

    def get_context_data(self, **kwargs):
        contracts = selectors.contracts_public(self.municipality)
        page = Paginator(contracts, PAGE_SIZE).get_page(self.request.GET.get("page"))
        kwargs["page"] = page
        kwargs["rows"] = [
            {
                "contract": contract,
                "departments": [p.name for p in contract.parties.all() if not p.is_vendor],
                "ends_on": last_day(contract),
            }
            for contract in page
        ]
        return super().get_context_data(**kwargs)


class PublicContractPage(MunicipalityPage):
    """A page about one contract of record of the URL's municipality (404 before execution)."""

    def load_objects(self):
        self.contract = get_or_404(
            selectors.contract_public_get, self.municipality, self.kwargs["number"]
        )


class PublicContractView(PublicContractPage, TemplateView):
    template_name = "contracts/public/contract.html"

    def get_context_data(self, **kwargs):
        contract = self.contract
        kwargs.update(
            contract=contract,
            parties=selectors.party_rows(contract),
            in_kind=in_kind_periods(contract),
            ends_on=last_day(contract),
            document=document_of_record(contract),
            pdf_public=selectors.pdf_public(contract),
        )
        return super().get_context_data(**kwargs)


class PublicContractPdfView(PublicContractPage, View):
    """The signed PDF, where the municipality publishes contracts (404 otherwise, and until
    it is stored)."""

    def get(self, request, *args, **kwargs):
        if not selectors.pdf_public(self.contract):
            raise Http404("Not found.")
        document = get_or_404(selectors.ready_pdf, self.contract)
        # A published contract of record never changes: caches may keep it like the page.
        return download_response(
            document.file.open("rb"),
            file_name=document.file_name,
            content_type="application/pdf",
            private=False,
        )


# --- verification -----------------------------------------------------------------------------


class VerifyForm(ServiceForm):
    """A PDF or its SHA-256 (contract_verify wants exactly one, in its own words)."""

    file = django_forms.FileField(label="The contract's PDF file", required=False)
    sha256 = django_forms.CharField(
        label="Or its SHA-256",
        required=False,
        help_text="64 hexadecimal characters, as the contract's page and the API show it.",
        widget=django_forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "maxlength": 100}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_file_field(self.fields["file"], (PDF,))
        for field in self.fields.values():  # one of the two is needed: neither is "optional"
            field.shown_required = True


class ContractVerifyView(ServiceFormMixin, TemplateView):
    """The platform's public check of a contract PDF (/public/verify/): its SHA-256 against
    the contracts of record, and its embedded signature against the platform certificate.
    Each POST is counted against the client address first (page and API share the count);
    past the limit it answers 429 with the form."""

    template_name = "contracts/public/verify.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", VerifyForm())
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        return VerifyForm(data, files)

    def run(self, form):
        data = form.cleaned_data
        file, sha256 = data.get("file") or None, (data.get("sha256") or "").strip() or None
        self.of_stored = file is None  # a hash given: the check is of the stored file
        return services.contract_verify(file=file, sha256=sha256)

    def post(self, request, *args, **kwargs):
        if wait := throttling.verification_wait(request):
            form = self.build_form(request.POST)  # bound: the typed hash stays in its field
            form.is_valid()
            form.add_error(None, throttling.verification_throttled_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def succeeded(self, verification):
        """The answer is the page itself (nothing changed: no redirect), with a blank form
        below it for the next file."""
        for signature in verification.signatures:
            signature.party.contract = verification.contract  # its name without a query
        context = self.get_context_data(verification=verification, of_stored=self.of_stored)
        return self.render_to_response(context)
