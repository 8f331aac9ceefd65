"""The vendor portal's bid pages (issue 11): preparing a bid from a solicitation's page, the
bid's own page (unit prices, attachments, the declaration and submission, withdrawal), its
receipts (shown, downloaded as JSON, checked against a SHA-256) and the company's bids across
cities (`/vendor/bids/`).

A bid, its files and its receipts are fetched through selectors scoped to the company, so
another company's are the 404 of a bid that does not exist (invariant 2). Every rule, the
deadline by the database clock included, is the service's: each form posts to its own action
URL, one service per form, and a refusal comes back to the bid's page after a 303 with what
was typed and the service's words on the field they name. Times read in the city's zone; the
time left is counted from the database clock, never the browser's."""

import json
from functools import cached_property

from django import forms as django_forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views import View

from departments.views.base import ServiceFormMixin, get_or_404, render_in_zone
from departments.views.confirm import ConfirmActionMixin
from p3hub.clock import db_now
from p3hub.errors import ApplicationError
from p3hub.files import DOCUMENT_KINDS, download_response
from p3hub.formatting import format_datetime, time_left, zone_name
from p3hub.forms import NoInputForm, ServiceForm, TextInput, describe_file_field, number_field
from p3hub.money import format_amount
from procurements import selectors
from procurements.models import Bid
from procurements.services import bids as services
from procurements.services.addenda import open_for_bids, unacknowledged_addenda
from procurements.views.base import PAGE_SIZE
from procurements.views.vendor import VendorSolicitationActionView
from vendors.views.base import VendorPage, VendorTemplatePage

DECLARATION = (
    "I declare that this bid is complete and binding, and that I am authorised to submit it "
    "for {company}"
)


# --- forms --------------------------------------------------------------------------------------


class PricesForm(ServiceForm):
    """A unit-price input per line item (`price_<position>`), as typed: the service reads the
    amounts and names each line at fault as `prices.<position>`."""

    def __init__(self, data=None, *, line_items, initial=None):
        super().__init__(data, initial=initial)
        self.positions = [line.position for line in line_items]
        for line in line_items:
            # Not required: a draft may leave lines unpriced; submitting asks for them all.
            self.fields[f"price_{line.position}"] = number_field(
                f"Unit price of line {line.position}, {line.description}", required=False
            )
        self.error_fields = {f"prices.{p}": f"price_{p}" for p in self.positions}

    def prices(self) -> dict[str, str]:
        return {str(p): self.cleaned_data.get(f"price_{p}") or "" for p in self.positions}


class AttachmentForm(ServiceForm):
    title = django_forms.CharField(
        label="Title", help_text="What the file is, such as “Technical proposal”."
    )
    # An empty file is the service's refusal, in its words.
    file = django_forms.FileField(
        label="File", allow_empty_file=True, widget=django_forms.FileInput()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_file_field(self.fields["file"], DOCUMENT_KINDS)


class SubmitForm(ServiceForm):
    declaration = django_forms.BooleanField(label="", required=True)
    declared_name = django_forms.CharField(
        label="Your full name",
        help_text="The name of the person submitting, as a signature.",
        widget=django_forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def __init__(self, data=None, *, company: str):
        super().__init__(data)
        self.fields["declaration"].label = DECLARATION.format(company=company)

    def apply_service_error(self, error: ApplicationError) -> None:
        """A line still unpriced is on the prices' form, not this one: say which line."""
        if (error.field or "").startswith("prices."):
            position = error.field.split(".", 1)[1]
            error = ApplicationError(f"Line item {position}: {error.message}", code=error.code)
        super().apply_service_error(error)


class ReceiptCheckForm(ServiceForm):
    sha256 = django_forms.CharField(
        label="SHA-256 from your receipt",
        help_text="The 64 characters your receipt shows, as you kept them.",
        widget=TextInput(),
    )


# --- preparing a bid, from the solicitation's page ----------------------------------------------


class BidStartView(VendorSolicitationActionView):
    form_name, fragment = "bid_start_form", "your-bid"

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.bid_start(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, bid):
        return (
            f"Your company's bid on {self.solicitation.reference} was started. Nobody else "
            "sees any of it before the opening."
        )

    def success_url(self, bid) -> str:
        return reverse("vendor-bid", args=[bid.pk])


# --- the bid's page -----------------------------------------------------------------------------


def line_rows(priced, form) -> list[dict]:
    """Each priced line (services.bids.priced_lines) with its unit-price input."""
    return [{"priced": row, "field": form[f"price_{row.line.position}"]} for row in priced]


class VendorBidPage(VendorPage):
    """A page about one of the company's own bids (404 for anyone else's), in its city's
    zone."""

    section = "bids"

    def load_objects(self):
        self.bid = get_or_404(selectors.vendor_bid_get, self.actor, self.kwargs["pk"])
        self.solicitation = self.bid.solicitation
        self.municipality_of_bid = self.solicitation.municipality

    def get(self, request, *args, **kwargs):
        # In the city's zone, known once load_objects has fetched the bid.
        parent = super().get
        return render_in_zone(self.municipality_of_bid.zone, lambda: parent(request))

    def bid_url(self, fragment: str = "") -> str:
        url = reverse("vendor-bid", args=[self.bid.pk])
        return f"{url}#{fragment}" if fragment else url

    @cached_property
    def line_items(self) -> list:
        return list(selectors.line_items_of(self.solicitation))

    @cached_property
    def draft_prices(self) -> dict[str, int]:
        return services.bid_draft(actor=self.actor, bid=self.bid)["prices"]

    def prices_form(self, data=None) -> PricesForm:
        currency = self.municipality_of_bid.currency
        initial = {f"price_{p}": format_amount(m, currency) for p, m in self.draft_prices.items()}
        return PricesForm(data, line_items=self.line_items, initial=initial)

    def submit_form(self, data=None) -> SubmitForm:
        return SubmitForm(data, company=self.actor.vendor.name)


class VendorBidView(VendorBidPage, VendorTemplatePage):
    """The bid: status, time left, the line items with their unit prices and totals (computed
    by the service, never typed), the attachments, the addenda still to acknowledge and the
    submission; read-only once bidding has closed or the bid can no longer change."""

    template_name = "procurements/vendor/bid.html"

    def get_context_data(self, **kwargs):
        bid, solicitation = self.bid, self.solicitation
        municipality = self.municipality_of_bid
        now = db_now()
        priced, total = services.priced_lines(self.line_items, self.draft_prices)
        kwargs.setdefault("prices_form", self.prices_form())
        kwargs.setdefault("attachment_form", AttachmentForm())
        kwargs.setdefault("submit_form", self.submit_form())
        kwargs.setdefault("withdraw_form", NoInputForm())
        open_now = open_for_bids(solicitation, now)
        kwargs.update(
            bid=bid,
            solicitation=solicitation,
            municipality=municipality,
            currency=municipality.currency,
            zone=zone_name(municipality.time_zone),
            time_left=time_left(solicitation.bids_due_at, now),
            bidding_open=open_now,
            editable=open_now and bid.status in services.EDITABLE,
            can_withdraw=open_now and "withdraw" in Bid.lifecycle.open_names(bid, self.actor),
            total_minor=total,
            attachments=list(selectors.bid_attachments_of(bid)),
            unacknowledged=self.unacknowledged(),
            receipts=list(selectors.bid_revisions_of(bid)),
        )
        context = super().get_context_data(**kwargs)
        # After the base put a refused form back in place of the blank one.
        context["lines"] = line_rows(priced, context["prices_form"])
        return context

    def unacknowledged(self) -> list:
        numbers = unacknowledged_addenda(self.solicitation, self.actor.vendor)
        return list(selectors.addenda_of(self.solicitation).filter(number__in=numbers))


class BidActionView(ServiceFormMixin, VendorBidView):
    """POST only: one form, one service, back to the bid's page (303 with the refused form
    on a refusal)."""

    http_method_names = ["post"]
    fragment = ""

    def refusal_page_url(self) -> str:
        return self.bid_url(self.fragment)

    def success_url(self, result) -> str:
        return self.bid_url(self.fragment)


class BidPricesView(BidActionView):
    form_name, fragment = "prices_form", "prices"

    def build_form(self, data=None, files=None):
        return self.prices_form(data)

    def run(self, form):
        return services.bid_save(actor=self.actor, bid=self.bid, prices=form.prices())

    def success_message(self, bid):
        return "The unit prices were saved, sealed: nobody else sees them before the opening."


class BidAttachView(BidActionView):
    form_name, fragment = "attachment_form", "attachments"

    def build_form(self, data=None, files=None):
        return AttachmentForm(data, files)

    def run(self, form):
        return services.bid_attach(
            actor=self.actor,
            bid=self.bid,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )

    def success_message(self, attachment):
        return f"“{attachment.title}” ({attachment.file_name}) was attached to the bid, sealed."


class BidSubmitView(BidActionView):
    form_name, fragment = "submit_form", "submit"

    def build_form(self, data=None, files=None):
        return self.submit_form(data)

    def run(self, form):
        return services.bid_submit(
            actor=self.actor,
            bid=self.bid,
            declaration=form.cleaned_data["declaration"],
            declared_name=form.cleaned_data["declared_name"],
        )

    def success_message(self, receipt):
        done = "revised" if receipt.kind == receipt.Kind.REVISION else "submitted"
        return f"Your bid was {done}: keep receipt {receipt.receipt_number}."

    def success_url(self, receipt) -> str:
        return reverse("vendor-receipt", args=[receipt.receipt_number])


class BidConfirmMixin(ConfirmActionMixin):
    """A bid's action with a confirm step first; the confirm page goes back to the bid."""

    confirm_button_class = "button button--warning"

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def confirm_back_url(self) -> str:
        return self.bid_url(self.fragment)

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [
            ("Bids", reverse("vendor-bids")),
            (self.solicitation.reference, self.bid_url()),
        ]


class BidWithdrawView(BidConfirmMixin, BidActionView):
    form_name, fragment = "withdraw_form", "withdraw"
    confirm_button = "Withdraw the bid"

    @property
    def confirm_title(self) -> str:
        return f"Withdraw your company's bid on {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        due = format_datetime(self.solicitation.bids_due_at, self.municipality_of_bid, zone=True)
        return [
            "The bid no longer counts: the city will not open it.",
            "You get a receipt of the withdrawal; the earlier receipts stay valid records.",
            f"Your company may prepare a new bid until the deadline, {due}.",
        ]

    def run(self, form):
        return services.bid_withdraw(actor=self.actor, bid=self.bid)

    def success_message(self, receipt):
        return f"Your bid was withdrawn: keep receipt {receipt.receipt_number}."

    def success_url(self, receipt) -> str:
        return reverse("vendor-receipt", args=[receipt.receipt_number])


class BidDetachView(BidConfirmMixin, BidActionView):
    form_name, fragment = "detach_form", "attachments"
    confirm_button = "Remove the file"

    def load_objects(self):
        super().load_objects()
        self.attachment = get_or_404(
            selectors.bid_attachment_get, self.bid, self.kwargs["attachment_id"]
        )

    @property
    def confirm_title(self) -> str:
        return f"Remove “{self.attachment.title}” ({self.attachment.file_name}) from the bid?"

    def confirm_consequences(self) -> list[str]:
        return [
            "The next submission no longer includes it.",
            "Receipts already given still list it, as they were.",
        ]

    def run(self, form):
        return services.bid_detach(actor=self.actor, attachment=self.attachment)

    def success_message(self, attachment):
        return f"“{attachment.title}” was removed from the bid."


class BidAttachmentDownloadView(VendorBidPage, View):
    """The company's own file, decrypted; anyone else's is the 404 of a missing one."""

    def load_objects(self):
        super().load_objects()
        self.attachment = get_or_404(
            selectors.bid_attachment_get, self.bid, self.kwargs["attachment_id"]
        )

    def get(self, request, *args, **kwargs):
        content = get_or_404(self._content)
        attachment = self.attachment
        return download_response(
            content, file_name=attachment.file_name, content_type=attachment.content_type
        )

    def _content(self) -> bytes:
        return services.bid_attachment_content(actor=self.actor, attachment=self.attachment)


# --- receipts -----------------------------------------------------------------------------------


class VendorReceiptPage(VendorPage):
    """One receipt of the company's own bids, by its number; anyone else's is 404."""

    section = "bids"

    def load_objects(self):
        self.revision = get_or_404(
            selectors.vendor_receipt_get, self.actor, self.kwargs["receipt_number"]
        )
        self.solicitation = self.revision.bid.solicitation

    def document(self) -> dict:
        return services.receipt_document(actor=self.actor, revision=self.revision)


class VendorReceiptView(VendorReceiptPage, VendorTemplatePage):
    """The receipt: number, kind, database time, SHA-256, what was submitted, the JSON to
    download and a check of a SHA-256 the company kept (a GET: it changes nothing)."""

    template_name = "procurements/vendor/bid_receipt.html"

    def get(self, request, *args, **kwargs):
        parent = super().get
        return render_in_zone(self.solicitation.municipality.zone, lambda: parent(request))

    def get_context_data(self, **kwargs):
        municipality = self.solicitation.municipality
        document = self.document()
        kwargs.update(
            revision=self.revision,
            bid=self.revision.bid,
            solicitation=self.solicitation,
            municipality=municipality,
            currency=municipality.currency,
            zone=zone_name(municipality.time_zone),
            lines=self.submitted_lines(document),
            attachments=document.get("content", {}).get("attachments", []),
        )
        kwargs.update(self.check_context())
        return super().get_context_data(**kwargs)

    def submitted_lines(self, document: dict) -> list[dict]:
        """Each submitted unit price with its line item's description."""
        if "content" not in document:
            return []
        descriptions = {
            line.position: line.description for line in selectors.line_items_of(self.solicitation)
        }
        return [
            {**line, "description": descriptions.get(line["position"], "")}
            for line in document["content"]["lines"]
        ]

    def check_context(self) -> dict:
        if "sha256" not in self.request.GET:
            return {"check_form": ReceiptCheckForm()}
        form = ReceiptCheckForm(self.request.GET)
        form.is_valid()  # text only: any string is compared
        checked = services.receipt_check(
            actor=self.actor,
            revision=self.revision,
            sha256=form.cleaned_data.get("sha256") or "",
        )
        return {"check_form": form, "checked": checked}


class VendorReceiptDownloadView(VendorReceiptPage, View):
    """The receipt document as a JSON file to keep; hashing its `content` as `hash_method`
    says gives its `sha256`."""

    def get(self, request, *args, **kwargs):
        body = json.dumps(self.document(), indent=2, sort_keys=True, ensure_ascii=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        filename = f"receipt-{self.revision.receipt_number}.json"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        response["X-Content-Type-Options"] = "nosniff"
        return response  # VendorPage marks it private, no-store


# --- the company's bids -------------------------------------------------------------------------


class VendorBidListView(VendorTemplatePage):
    """The company's bids in every city, newest first, paginated; deadlines in each city's
    zone."""

    template_name = "procurements/vendor/bids.html"
    section = "bids"

    def get_context_data(self, **kwargs):
        bids = selectors.vendor_bids(self.actor)
        kwargs["page"] = Paginator(bids, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(**kwargs)
