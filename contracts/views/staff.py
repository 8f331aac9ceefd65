"""The staff's contract pages (issue 13), under /<municipality-slug>/manage/contracts/: the list
(with the final awards still waiting for their contract), preparing a contract from a final
award and changing its terms, one contract's page (what happens next, the parties and their
signatures, the schedule, the officer's moves, the head's signature, the signing history and
the signed PDF as it renders), and the PDF's download.

Any member of the municipality reads its contracts (contracts.selectors); the officer
prepares, changes, sends, recalls and terminates them; a department's head signs for the
department where the contract names them. Each form of the contract's page posts to its own
action URL, and a refusal comes back to that page after a 303 with what was typed."""

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView, View

from contracts import forms, selectors, services
from contracts.models import Contract, ContractPdf
from contracts.schedule import term_end
from contracts.services.common import OFFICERS_ONLY, require_editable
from contracts.services.contracts import department_signers, final_award_of, vendor_signers
from departments.views.base import ServiceFormMixin, TenantViewMixin, get_or_404
from p3hub.errors import InvalidTransition
from p3hub.files import download_response
from p3hub.formatting import format_date, zone_name
from p3hub.forms import NoInputForm
from p3hub.money import format_amount
from p3hub.throttling import client_address
from procurements import selectors as procurement_selectors

PAGE_SIZE = 20
STATUSES = Contract.Status.choices


# --- what the pages show ------------------------------------------------------------------------


def next_step(contract: Contract, parties) -> str:
    """What happens next to the contract, in a sentence (the list and the contract's page)."""
    municipality = contract.municipality
    status = contract.status
    if status == Contract.Status.DRAFT:
        return "The procurement officer checks the terms and sends it for signature."
    if status == Contract.Status.OUT_FOR_SIGNATURE:
        waiting = [party.name for party in parties if party.signature is None]
        return f"Waiting for the signature of {', '.join(waiting)}." if waiting else ""
    if status == Contract.Status.EXECUTED:
        return f"Executed: it becomes active on {format_date(contract.start_date, municipality)}."
    if status == Contract.Status.ACTIVE:
        last_day = term_end(contract.start_date, contract.term_years)
        return f"In force until {format_date(last_day, municipality)}."
    if status == Contract.Status.COMPLETED:
        return f"Completed on {format_date(contract.ended_at, municipality)}."
    return f"Terminated on {format_date(contract.ended_at, municipality)}."


def pdf_state(contract: Contract) -> dict:
    """The signed PDF as the page shows it: nothing before execution, then the render's step
    (contracts.services.RENDER_STEPS) while it waits, the failure, or the file once ready.
    `poll_every` says how often the status partial asks again (never once it is ready)."""
    if not contract.is_of_record:
        return {"document": None, "poll_every": ""}
    try:
        document = contract.pdf
    except ContractPdf.DoesNotExist:
        document = None
    pending = document is None or document.status == ContractPdf.Status.PENDING
    failed = document is not None and document.status == ContractPdf.Status.FAILED
    return {
        "document": document,
        "failed": failed,
        **services.render_progress(contract.pk),
        # Every second while a worker renders it; a failed one is retried by the clock.
        "poll_every": "1s" if pending else "10s" if failed else "",
    }


def award_summary(award, currency: str) -> dict:
    """What the officer prepares the contract from: the company, the awarded total, each
    department's approved amount and fund code, and the split's in-kind contribution."""
    shares = list(award.shares.select_related("department").order_by("department__code"))
    contributor = award.split_version.in_kind_contributor if award.in_kind_minor else ""
    return {
        "award": award,
        "shares": shares,
        "in_kind_minor": award.in_kind_minor,
        "in_kind_contributor": contributor,
        "currency": currency,
    }


def form_parties(award) -> list[tuple[str, str, list]]:
    """(code, label, [(user pk, name)]) of each party of the award's contract, vendor first:
    the people the form offers as its signatory."""
    vendor = award.bid.vendor
    names = dict(award.shares.values_list("department__code", "department__name"))
    parties = [("vendor", vendor.name, _people(vendor_signers(vendor.pk)))]
    municipality_id = award.solicitation.municipality_id
    for code in sorted(award.result["departments"]):
        heads = department_signers(municipality_id, code)
        parties.append((code, f"{names.get(code, code)} ({code})", _people(heads)))
    return parties


def _people(users) -> list[tuple[int, str]]:
    return [(user.pk, f"{user.display_name} ({user.username})") for user in users]


# --- the list ---------------------------------------------------------------------------------


class ContractListView(TenantViewMixin, TemplateView):
    """The municipality's contracts, newest first, filtered by status; for the officer, the
    final awards that have no contract yet."""

    template_name = "contracts/staff/list.html"
    section = "contracts"

    def get(self, request, *args, **kwargs):
        status = request.GET.get("status", "")
        valid = status in {"", *Contract.Status.values}
        context = {"status": status, "statuses": STATUSES, "status_invalid": not valid}
        if valid:
            found = selectors.contracts_for_staff(self.actor, status=status)
            page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
            context["page"] = page
            context["rows"] = [self.row(contract) for contract in page.object_list]
        if self.actor.is_officer:
            context["ready_awards"] = list(selectors.awards_ready_for_contract(self.actor))
        return self.render_to_response(
            self.get_context_data(**context), status=200 if valid else 400
        )

    def row(self, contract: Contract) -> dict:
        parties = selectors.party_rows(contract)
        return {"contract": contract, "next_step": next_step(contract, parties)}


# --- preparing and changing the terms ----------------------------------------------------------


class OfficerOnly:
    def load_objects(self):
        super().load_objects()
        # The services refuse too; checking here also keeps the blank form from others.
        if not self.actor.is_officer:
            raise HttpForbidden(OFFICERS_ONLY)


class TermsFormMixin(ServiceFormMixin):
    """The form of the terms, for the award the page is about (`self.award`)."""

    def build_form(self, data=None, files=None, initial=None):
        award = self.award
        return forms.ContractTermsForm(
            data,
            initial=initial,
            parties=form_parties(award) if award else [],
            currency=self.municipality.currency,
            vendor_name=award.bid.vendor.name if award else "the vendor",
            rows=len(initial.get("in_kind_rows", ())) + 1 if initial else 0,
        )

    def get_context_data(self, **kwargs):
        if self.award is not None:
            kwargs.setdefault("summary", award_summary(self.award, self.municipality.currency))
        kwargs.setdefault("zone", zone_name(self.municipality.time_zone))
        return super().get_context_data(**kwargs)


class ContractPrepareView(OfficerOnly, TermsFormMixin, TenantViewMixin, TemplateView):
    """The officer prepares the contract of a solicitation's final award (once: the page of
    an award that has its contract goes to it)."""

    template_name = "contracts/staff/prepare.html"
    section = "contracts"

    def load_objects(self):
        self.solicitation = get_or_404(
            procurement_selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )
        super().load_objects()
        try:
            self.award = final_award_of(self.solicitation)
        except InvalidTransition as not_final:
            self.award, self.not_ready = None, not_final.message
        else:
            self.award.solicitation = self.solicitation

    def existing(self) -> Contract | None:
        if self.award is None:
            return None
        return selectors.contracts_for_staff(self.actor).filter(award=self.award).first()

    def get(self, request, *args, **kwargs):
        contract = self.existing()
        if contract is not None:
            return redirect(self.tenant_url("contract", contract.number))
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.update(solicitation=self.solicitation, not_ready=getattr(self, "not_ready", ""))
        if self.award is not None:
            kwargs.setdefault("form", self.build_form(initial=self.initial()))
        return super().get_context_data(**kwargs)

    def initial(self) -> dict:
        signatories = services.default_signatories(self.award)
        carried = {}
        for position, entry in enumerate(services.default_in_kind(self.award)):
            prefix = f"in_kind.{position}"
            carried[f"{prefix}.period"] = str(entry["period"])
            carried[f"{prefix}.donor"] = entry["donor"]
            carried[f"{prefix}.partner"] = entry.get("partner", "")
        return {
            "title": self.solicitation.title,
            **carried,
            **{f"signatories.{code}": str(user.pk) for code, user in signatories.items()},
        }

    def run(self, form):
        return services.contract_prepare(
            actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
        )

    def success_message(self, contract) -> str:
        return (
            f"Contract {contract.number} was prepared as a draft. Check it, then send it for "
            "signature."
        )

    def success_url(self, contract) -> str:
        return self.tenant_url("contract", contract.number)


class ContractMixin(TenantViewMixin):
    section = "contracts"

    def load_objects(self):
        self.contract = get_or_404(
            selectors.contract_get_for_staff, self.actor, self.kwargs["number"]
        )

    def contract_url(self, fragment: str = "") -> str:
        url = self.tenant_url("contract", self.contract.number)
        return f"{url}#{fragment}" if fragment else url


class ContractUpdateView(OfficerOnly, TermsFormMixin, ContractMixin, TemplateView):
    """The same form as preparing, filled with the contract's terms. Out for signature,
    saving voids the signatures (the page says so); executed, nothing changes (invariant 7:
    the page says why and offers no form)."""

    template_name = "contracts/staff/update.html"

    def load_objects(self):
        super().load_objects()
        self.award = self.contract.award
        self.award.solicitation = self.contract.solicitation

    def get_context_data(self, **kwargs):
        contract = self.contract
        parties = selectors.party_rows(contract)
        try:
            require_editable(contract)
        except InvalidTransition as of_record:
            kwargs["of_record"] = of_record.message
        else:
            kwargs.setdefault("form", self.build_form(initial=self.initial()))
        kwargs.update(
            contract=contract,
            voids=sum(party.signature is not None for party in parties),
        )
        return super().get_context_data(**kwargs)

    def initial(self) -> dict:
        contract = self.contract
        initial = {
            "title": contract.title,
            "start_date": contract.start_date.isoformat(),
            "term_years": str(contract.term_years),
            "capital": format_amount(contract.capital_minor, contract.currency)
            if contract.capital_minor
            else "",
            "special_terms": contract.special_terms,
            "in_kind_rows": contract.in_kind,
        }
        for position, entry in enumerate(contract.in_kind):
            prefix = f"in_kind.{position}"
            initial[f"{prefix}.period"] = str(entry["period"])
            initial[f"{prefix}.donor"] = "vendor" if entry["donor_is_vendor"] else "partner"
            initial[f"{prefix}.partner"] = "" if entry["donor_is_vendor"] else entry["donor"]
        for party in selectors.party_rows(contract):
            initial[f"signatories.{party.code}"] = str(party.signatory_id)
        return initial

    def run(self, form):
        self.revision = self.contract.revision
        return services.contract_update(
            actor=self.actor, contract=self.contract, **form.service_arguments()
        )

    def success_message(self, contract) -> str:
        if contract.revision == self.revision:
            return "Nothing changed: the terms are as they were."
        return f"The terms of {contract.number} were saved (revision {contract.revision})."

    def success_url(self, contract) -> str:
        return self.contract_url()


# --- one contract -------------------------------------------------------------------------------


class ContractView(ContractMixin, TemplateView):
    """One contract as its municipality's staff see it, with the moves open to the viewer."""

    template_name = "contracts/staff/detail.html"

    def get_context_data(self, **kwargs):
        kwargs.update(self.refused_form_context())
        contract = self.contract
        parties = selectors.party_rows(contract)
        moves = Contract.lifecycle.open_names(contract, self.actor)
        kwargs.update(
            contract=contract,
            parties=parties,
            next_step=next_step(contract, parties),
            moves=moves,
            may_edit=self.actor.is_officer and contract.is_editable,
            history=list(selectors.signatures_of(contract)),
            pdf=pdf_state(contract),
            zone=zone_name(self.municipality.time_zone),
            currency=contract.currency,
            in_kind_minor=contract.schedule.get("in_kind_minor", 0),
            last_day=term_end(contract.start_date, contract.term_years),
        )
        kwargs.setdefault("recall_form", forms.RecallForm())
        kwargs.setdefault("terminate_form", forms.TerminateForm())
        self.offer_signatures(parties, kwargs)
        return super().get_context_data(**kwargs)

    def offer_signatures(self, parties, context: dict) -> None:
        """A sign form on each department party the viewer may sign for now (a refused one
        comes back with what was typed)."""
        refused = context.pop("sign_form", None)
        refused_code = context.pop("sign_department", None)
        for party in parties:
            party.sign_form = None
            if party.is_vendor or not services.may_sign_now(self.actor, party):
                continue
            if refused is not None and party.code == refused_code:
                party.sign_form = refused
            else:
                party.sign_form = forms.SignForm(signer_name=self.actor.user.display_name)
        context["signing"] = [party for party in parties if party.sign_form is not None]


class ContractActionView(ServiceFormMixin, ContractView):
    """POST only: one form, one service, back to the contract's page (303 with the refused
    form on a refusal)."""

    http_method_names = ["post"]
    fragment = "actions"

    def failure_context(self, form) -> dict:
        return {self.form_name: form, "failed": self.fragment}

    def refusal_page_url(self) -> str:
        return self.contract_url(self.fragment)

    def success_url(self, result) -> str:
        return self.contract_url()


class ContractSendView(ContractActionView):
    form_name = "send_form"

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.contract_send(actor=self.actor, contract=self.contract)

    def success_message(self, contract) -> str:
        return f"{contract.number} was sent for signature: each party's signatory is asked to sign."


class ContractRecallView(ContractActionView):
    form_name = "recall_form"

    def build_form(self, data=None, files=None):
        return forms.RecallForm(data)

    def run(self, form):
        return services.contract_recall(
            actor=self.actor, contract=self.contract, reason=form.cleaned_data["reason"]
        )

    def success_message(self, contract) -> str:
        return f"{contract.number} is back in draft: its signatures are voided."


class ContractTerminateView(ContractActionView):
    form_name, fragment = "terminate_form", "terminate"

    def build_form(self, data=None, files=None):
        return forms.TerminateForm(data)

    def run(self, form):
        return services.contract_terminate(
            actor=self.actor, contract=self.contract, reason=form.cleaned_data["reason"]
        )

    def success_message(self, contract) -> str:
        return f"{contract.number} is terminated."


class ContractSignView(ContractActionView):
    """A head signs for the department the URL names; contract_sign decides whether they
    may (403 with its message otherwise: invariant 5)."""

    form_name = "sign_form"

    @property
    def fragment(self) -> str:
        return f"sign-{self.kwargs['department']}"

    def build_form(self, data=None, files=None):
        return forms.SignForm(data, signer_name=self.actor.user.display_name)

    def failure_context(self, form) -> dict:
        return {"sign_form": form, "sign_department": self.kwargs["department"]}

    def run(self, form):
        request = self.request
        return services.contract_sign(
            actor=self.actor,
            contract=self.contract,
            department=self.kwargs["department"],
            client_address=client_address(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            **form.service_arguments(),
        )

    def success_message(self, signature) -> str:
        contract = signature.contract
        if contract.status == Contract.Status.EXECUTED:
            return (
                f"You signed {contract.number} for {signature.party.name}. Every party has "
                "signed: the contract is executed and its signed PDF is being prepared."
            )
        return f"You signed {contract.number} for {signature.party.name}."


# --- the signed PDF -------------------------------------------------------------------------------


class ContractPdfView(ContractMixin, View):
    """The signed PDF, to the municipality's staff, once ready (404 before)."""

    def get(self, request, *args, **kwargs):
        document = get_or_404(selectors.ready_pdf, self.contract)
        return download_response(
            document.file.open("rb"), file_name=document.file_name, content_type="application/pdf"
        )


class ContractPdfStatusView(ContractMixin, TemplateView):
    """The PDF block alone, for htmx to poll while the PDF renders (it stops asking once the
    answer carries no trigger)."""

    template_name = "contracts/staff/_pdf.html"

    def get_context_data(self, **kwargs):
        kwargs.update(contract=self.contract, pdf=pdf_state(self.contract))
        return super().get_context_data(**kwargs)
