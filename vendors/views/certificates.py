"""A company's certificates in the vendor portal: the list, the upload form, the permission-
checked downloads (the company's own, and a municipality's staff where
settings.VENDOR_DOCUMENT_ACCESS lets them), and taking one down."""

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.views import View

from departments.views.base import TenantViewMixin, get_or_404
from departments.views.confirm import ConfirmActionMixin
from p3hub.files import download_response
from p3hub.forms import NoInputForm, OpenChoiceField, ServiceForm, TextInput, describe_file_field
from p3hub.money import format_money
from vendors import selectors, services
from vendors.models import Certificate
from vendors.services.certificates import CERTIFICATE_KINDS, certificate_day
from vendors.views.base import VendorFormView, VendorPage, VendorTemplatePage

SOON_DAYS = 30  # an expiry this close is marked "Expires soon"


class CertificateForm(ServiceForm):
    """What each kind needs is the service's rule: the form parses and shows it again."""

    kind = OpenChoiceField(
        label="Kind of document", choices=[("", "Choose…"), *Certificate.Kind.choices]
    )
    title = forms.CharField(
        label="Title",
        required=False,
        help_text="For a tax form, which one, such as “W-9 2026”.",
    )
    issuer = forms.CharField(
        label="Insurer or certifying agency",
        required=False,
        help_text="For insurance the insurer; for a certification the agency that granted it.",
    )
    number = forms.CharField(
        label="Policy or certificate number", required=False, widget=TextInput()
    )
    coverage = forms.CharField(
        label="Coverage (USD)",
        required=False,
        help_text="Insurance only: the amount covered, such as 1,000,000.00.",
        widget=TextInput({"inputmode": "decimal", "class": "input-short"}),
    )
    expires_on = forms.DateField(
        label="Expiry date",
        required=False,
        help_text="Insurance and certifications; a tax form has none.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    file = forms.FileField(label="File", allow_empty_file=True, widget=forms.FileInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_file_field(self.fields["file"], CERTIFICATE_KINDS)


@dataclass(frozen=True)
class CertificateRow:
    """A certificate as the pages show it, judged by the database's date."""

    certificate: Certificate
    expired: bool
    expires_soon: bool
    coverage: str


def certificate_rows(certificates, today: dt.date) -> list[CertificateRow]:
    rows = []
    for certificate in certificates:
        expires_on = certificate.expires_on
        expired = certificate.expired_on(today)
        soon = not expired and expires_on is not None and (expires_on - today).days <= SOON_DAYS
        coverage = (
            format_money(certificate.coverage_minor, certificate.currency)
            if certificate.coverage_minor is not None
            else ""
        )
        rows.append(CertificateRow(certificate, expired, soon, coverage))
    return rows


def certificate_file_response(certificate: Certificate):
    """The certificate's file streamed from storage as a private attachment."""
    return download_response(
        certificate.file.open("rb"),
        file_name=certificate.file_name,
        content_type=certificate.content_type,
    )


class CertificateListView(VendorTemplatePage):
    """The company's live certificates, expired ones marked, and the upload form."""

    template_name = "vendors/certificates.html"
    section = "certificates"

    def get_context_data(self, **kwargs):
        kwargs["rows"] = certificate_rows(selectors.certificates_of(self.actor), certificate_day())
        kwargs.setdefault("form", CertificateForm())
        return super().get_context_data(**kwargs)


class CertificateAddView(VendorFormView):
    """The upload form's own page: a refusal shows it again here (400), with what was typed
    (the file excepted: no browser refills a file input)."""

    template_name = "vendors/certificate_add.html"
    section = "certificates"

    def build_form(self, data=None, files=None, initial=None):
        return CertificateForm(data, files, initial=initial)

    def run(self, form):
        return services.certificate_add(actor=self.actor, **form.cleaned_data)

    def success_message(self, certificate):
        return f"“{certificate}” ({certificate.file_name}) was uploaded."

    def success_url(self, certificate):
        return reverse("vendor-certificates")


class CertificateRemoveView(ConfirmActionMixin, VendorFormView):
    """Take a certificate down after a confirm step (kept, no longer listed nor
    downloadable)."""

    template_name = "vendors/certificates.html"
    section = "certificates"
    confirm_button = "Take it down"
    confirm_button_class = "button button--warning"

    @property
    def confirm_title(self) -> str:
        return f"Take down “{self.certificate}” ({self.certificate.file_name})?"

    def confirm_consequences(self) -> list[str]:
        return [
            "Cities no longer see it with your company's bids; upload a new one to replace it.",
            "It stays in your company's history.",
        ]

    def confirm_back_url(self) -> str:
        return reverse("vendor-certificates")

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [("Certificates", reverse("vendor-certificates"))]

    def load_objects(self):
        self.certificate = get_or_404(selectors.certificate_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def run(self, form):
        return services.certificate_remove(actor=self.actor, certificate=self.certificate)

    def success_message(self, certificate):
        return f"“{certificate}” was taken down."

    def success_url(self, certificate):
        return reverse("vendor-certificates")

    def failure_context(self, form):
        return {"remove_form": form}

    def refusal_page_url(self) -> str | None:
        return reverse("vendor-certificates")


class CertificateDownloadView(VendorPage, View):
    """The company's own users only; anyone else 404, as for a missing file."""

    def load_objects(self):
        self.certificate = get_or_404(selectors.certificate_get_for, self.actor, self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        return certificate_file_response(self.certificate)


class StaffCertificateDownloadView(TenantViewMixin, View):
    """A municipality's staff fetch a vendor's certificate where settings.
    VENDOR_DOCUMENT_ACCESS lets them (once a bid of the vendor there was opened); 404
    otherwise."""

    def load_objects(self):
        self.certificate = get_or_404(
            selectors.certificate_for_staff,
            self.actor,
            self.kwargs["vendor_id"],
            self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        return certificate_file_response(self.certificate)
