"""The contract in the API (issue 13): the staff's and the company's contract with its parties,
signatories and signatures, the public summary of a contract of record, and the cost-sharing
schedule as a table (a row per department, the in-kind row with its donors, the column totals).

Money is a decimal string in major units of the contract's currency; a list of several
cities' contracts (the company's, the verification's) formats each in its own currency and
local time."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contracts import selectors, services
from contracts.models import Contract, ContractPdf
from p3hub.api.fields import AMOUNT_SCHEMA, AmountField, RawInput, amount, text_input
from p3hub.errors import NotFound
from procurements.serializers.common import MOVES_HELP, status_text

IN_KIND_LABEL = "In-kind (donor)"
OPTIONAL_AMOUNT = {**AMOUNT_SCHEMA, "nullable": True}


def api_url(context, name: str, **kwargs) -> str:
    path = reverse(name, kwargs=kwargs)
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class InMunicipalityMixin:
    """Each contract's money in its municipality's currency and its dates in its local time,
    whichever city it is (the company's list spans several)."""

    def to_representation(self, contract):
        municipality = contract.municipality
        self.context["currency"] = municipality.currency
        with timezone.override(municipality.zone):
            return super().to_representation(contract)


# --- the schedule ---------------------------------------------------------------------------


def schedule_table(contract: Contract) -> dict:
    """The stored schedule laid out as the pages and the PDF print it, in minor units (the
    serializer formats them): every row and every column adds up exactly (contracts.schedule)."""
    schedule = contract.schedule
    departments = {p.code: p for p in selectors.party_rows(contract) if not p.is_vendor}
    rows = [
        {
            "code": code,
            "name": departments[code].name,
            "fund_code": departments[code].fund_code,
            "cells": row["cells"],
            "total_minor": row["total_minor"],
        }
        for code, row in sorted(schedule["departments"].items())
    ]
    in_kind = schedule["in_kind_row"]
    columns = zip(in_kind, *(row["cells"] for row in rows), strict=True)
    return {
        "currency": contract.currency,
        "periods": schedule["periods"],
        "rows": rows,
        "in_kind_row": {
            "label": IN_KIND_LABEL,
            "cells": in_kind,
            "donors": [period["donor"] for period in schedule["periods"]],
            "total_minor": schedule["in_kind_minor"],
        },
        "column_totals": [sum(column) for column in columns],
        "total_minor": schedule["total_minor"],
        "in_kind_minor": schedule["in_kind_minor"],
        "payable_minor": schedule["total_minor"] - schedule["in_kind_minor"],
    }


class PeriodSerializer(serializers.Serializer):
    index = serializers.IntegerField(help_text="0: the one-time (capital) part; n: Year n.")
    label = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    amount = AmountField(source="amount_minor", help_text="The period's amount, paid or donated.")
    in_kind = serializers.BooleanField(help_text="Donated: no department pays for it.")
    donor = serializers.CharField(help_text="Who donates it; empty when departments pay.")


class ScheduleRowSerializer(serializers.Serializer):
    department = serializers.CharField(source="code")
    name = serializers.CharField()
    fund_code = serializers.CharField(help_text="The fund its head charged it to.")
    cells = serializers.ListField(child=AmountField(), help_text="Its amount in each period.")
    total = AmountField(source="total_minor", help_text="The department's total over the term.")


class InKindRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    cells = serializers.ListField(child=AmountField(), help_text="Donated in each period.")
    donors = serializers.ListField(
        child=serializers.CharField(), help_text="Each period's donor; empty when paid."
    )
    total = AmountField(source="total_minor")


class ScheduleSerializer(serializers.Serializer):
    """Who pays what, period by period: columns are the periods, rows the departments and the
    in-kind row; each row's cells add up to its total and each column's to its period's
    amount (`column_totals`), exactly."""

    currency = serializers.CharField()
    periods = PeriodSerializer(many=True)
    rows = ScheduleRowSerializer(many=True)
    in_kind_row = InKindRowSerializer()
    column_totals = serializers.ListField(
        child=AmountField(), help_text="Each period's column summed: its amount."
    )
    total = AmountField(source="total_minor", help_text="The awarded total.")
    in_kind_amount = AmountField(source="in_kind_minor", help_text="Donated in all.")
    payable = AmountField(source="payable_minor", help_text="What the departments pay.")


# --- parties and the PDF --------------------------------------------------------------------


class PartySummarySerializer(serializers.Serializer):
    """A party as every list shows it: who signs for it and whether they have."""

    party = serializers.CharField(source="code", help_text='"vendor" or the department code.')
    kind = status_text([("vendor", ""), ("department", "")])
    name = serializers.CharField()
    signatory_title = serializers.CharField(help_text="As printed: “Dana Reyes, Head of …”.")
    signed_at = serializers.DateTimeField(
        source="signature.signed_at", allow_null=True, help_text="Its live signature's time."
    )


class PartySerializer(PartySummarySerializer):
    """A party with its share, its signatory and the live signature, and whether the caller
    may sign for it now."""

    amount = serializers.SerializerMethodField(help_text="A department's total; null: vendor.")
    fund_code = serializers.CharField()
    signatory = serializers.IntegerField(source="signatory_id", help_text="The signer's id.")
    signatory_username = serializers.CharField(source="signatory.username")
    typed_name = serializers.CharField(
        source="signature.typed_name", allow_null=True, help_text="As the signer typed it."
    )
    may_sign = serializers.SerializerMethodField(help_text="Whether you may sign for it now.")

    @extend_schema_field(OPTIONAL_AMOUNT)
    def get_amount(self, party) -> str | None:
        return None if party.is_vendor else amount(party.amount_minor, self.context)

    def get_may_sign(self, party) -> bool:
        return services.may_sign_now(self.context["view"].actor, party)


def pdf_state(contract: Contract, download: str) -> dict:
    """The signed PDF's state: `none` until executed, then pending (with the task's step),
    ready (with its hash and the `download` URL) or failed (retried by the clock)."""
    try:
        document = contract.pdf
    except ContractPdf.DoesNotExist:
        document = None
    status = document.status if document is not None else "none"
    step = services.render_step(contract.pk) if status == ContractPdf.Status.PENDING else None
    ready = document is not None and document.is_ready
    return {
        "status": status,
        "step": step,
        "step_label": services.RENDER_STEPS.get(step) if step else None,
        "sha256": document.sha256 if ready else None,
        "size": document.size if ready else None,
        "rendered_at": document.rendered_at if ready else None,
        "download": download if ready else None,
    }


class PdfStateSerializer(serializers.Serializer):
    status = serializers.CharField(
        help_text="none (not executed yet), pending, ready or failed (retried)."
    )
    step = serializers.CharField(
        allow_null=True,
        help_text="While pending: " + ", ".join(services.RENDER_STEPS) + ".",
    )
    step_label = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(allow_null=True, help_text="Of the stored file, once ready.")
    size = serializers.IntegerField(allow_null=True, help_text="In bytes.")
    rendered_at = serializers.DateTimeField(allow_null=True)
    download = serializers.URLField(allow_null=True, help_text="The file, once ready.")


# --- the contract ---------------------------------------------------------------------------


class ContractFieldsMixin(serializers.Serializer):
    number = serializers.CharField(help_text="Unique in the municipality: RIV-C-2026-0001.")
    title = serializers.CharField()
    status = status_text(Contract.Status.choices)
    status_display = serializers.CharField(source="get_status_display")
    solicitation = serializers.CharField(source="solicitation.reference")
    vendor = serializers.CharField(source="vendor.name")
    currency = serializers.CharField()
    total = AmountField(source="total_minor", help_text="The awarded total.")
    start_date = serializers.DateField()
    term_years = serializers.IntegerField()
    executed_at = serializers.DateTimeField(allow_null=True)


class ContractSerializer(ContractFieldsMixin):
    """A contract as the staff's list shows it."""

    prepared_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    parties = serializers.SerializerMethodField()
    pdf_status = serializers.SerializerMethodField(help_text="none, pending, ready or failed.")

    @extend_schema_field(PartySummarySerializer(many=True))
    def get_parties(self, contract) -> list:
        rows = selectors.party_rows(contract)
        return PartySummarySerializer(rows, many=True, context=self.context).data

    def get_pdf_status(self, contract) -> str:
        try:
            return contract.pdf.status
        except ContractPdf.DoesNotExist:
            return "none"


class InKindPeriodSerializer(serializers.Serializer):
    """An in-kind period as the terms name it (`in_kind` of the body) and what it is worth."""

    period = serializers.IntegerField()
    donor = serializers.SerializerMethodField(help_text='"vendor" or "partner".')
    donor_name = serializers.CharField(source="donor")

    def get_donor(self, entry) -> str:
        return "vendor" if entry["donor_is_vendor"] else "partner"


class ContractTermsSerializer(ContractSerializer):
    """The contract with its terms, parties (and whether the caller may sign for each),
    schedule and signed PDF."""

    award = serializers.IntegerField(source="award.number")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capital = AmountField(source="capital_minor", help_text="The one-time part.")
    in_kind = InKindPeriodSerializer(many=True)
    in_kind_amount = serializers.SerializerMethodField(help_text="Donated in all.")
    payable = serializers.SerializerMethodField(help_text="What the departments pay.")
    special_terms = serializers.CharField()
    revision = serializers.IntegerField(help_text="Bumped by every change of the terms.")
    prepared_by = serializers.CharField(source="prepared_by.username")
    ended_at = serializers.DateTimeField(allow_null=True)
    termination_reason = serializers.CharField()
    pdf = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()

    # The download of the audience's own API.
    PDF_URL = "tenant_api:contract-pdf-download"

    @extend_schema_field(PartySerializer(many=True))
    def get_parties(self, contract) -> list:
        rows = selectors.party_rows(contract)
        return PartySerializer(rows, many=True, context=self.context).data

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_in_kind_amount(self, contract) -> str:
        return amount(contract.schedule["in_kind_minor"], self.context)

    @extend_schema_field(AMOUNT_SCHEMA)
    def get_payable(self, contract) -> str:
        schedule = contract.schedule
        return amount(schedule["total_minor"] - schedule["in_kind_minor"], self.context)

    @extend_schema_field(PdfStateSerializer)
    def get_pdf(self, contract) -> dict:
        download = api_url(
            self.context,
            self.PDF_URL,
            municipality_slug=contract.municipality.slug,
            number=contract.number,
        )
        return PdfStateSerializer(pdf_state(contract, download), context=self.context).data

    @extend_schema_field(ScheduleSerializer)
    def get_schedule(self, contract) -> dict:
        return ScheduleSerializer(schedule_table(contract), context=self.context).data


class ContractDetailSerializer(ContractTermsSerializer):
    """The staff's contract. `moves` are the lifecycle's moves the caller may make now;
    changing the terms (PATCH) is the officer's while it is a draft or out for signature."""

    moves = serializers.SerializerMethodField(help_text=MOVES_HELP)

    def get_moves(self, contract) -> list[str]:
        return sorted(Contract.lifecycle.open_names(contract, self.context["view"].actor))


# --- the company's --------------------------------------------------------------------------


class VendorContractSerializer(InMunicipalityMixin, ContractSerializer):
    """One of the company's contracts (never a draft), in its city's money and time."""

    municipality = serializers.CharField(source="municipality.slug")
    municipality_name = serializers.CharField(source="municipality.name")


class VendorContractDetailSerializer(InMunicipalityMixin, ContractTermsSerializer):
    municipality = serializers.CharField(source="municipality.slug")
    municipality_name = serializers.CharField(source="municipality.name")

    PDF_URL = "vendor_api:contract-pdf-download"


# --- the public's ---------------------------------------------------------------------------


class PublicContractSerializer(InMunicipalityMixin, ContractFieldsMixin):
    """A contract of record as anyone reads it: no signatory's account, no client address."""

    municipality = serializers.CharField(source="municipality.slug")
    departments = serializers.SerializerMethodField(help_text="The paying departments' names.")

    def get_departments(self, contract) -> list[str]:
        return [p.name for p in selectors.party_rows(contract) if not p.is_vendor]


class PublicContractDetailSerializer(PublicContractSerializer):
    """The summary, the parties by name with their signers and times, the schedule, the
    SHA-256 of the signed PDF of record and, where the municipality publishes contracts, its
    download."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capital = AmountField(source="capital_minor", help_text="The one-time part.")
    ended_at = serializers.DateTimeField(allow_null=True)
    termination_reason = serializers.CharField()
    parties = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    sha256 = serializers.SerializerMethodField(help_text="Of the signed PDF of record.")
    pdf_download = serializers.SerializerMethodField(
        help_text="The signed PDF, where the municipality publishes contracts; else null."
    )

    @extend_schema_field(PartySummarySerializer(many=True))
    def get_parties(self, contract) -> list:
        rows = selectors.party_rows(contract)
        return PartySummarySerializer(rows, many=True, context=self.context).data

    @extend_schema_field(ScheduleSerializer)
    def get_schedule(self, contract) -> dict:
        return ScheduleSerializer(schedule_table(contract), context=self.context).data

    def _ready(self, contract):
        try:
            return selectors.ready_pdf(contract)
        except NotFound:
            return None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_sha256(self, contract) -> str | None:
        document = self._ready(contract)
        return None if document is None else document.sha256

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_pdf_download(self, contract) -> str | None:
        if self._ready(contract) is None or not selectors.pdf_public(contract):
            return None
        return api_url(
            self.context,
            "public_api:contract-pdf-download",
            municipality_slug=contract.municipality.slug,
            number=contract.number,
        )


# --- input ----------------------------------------------------------------------------------

TERMS_HELP = {
    "title": "The solicitation's title unless given.",
    "start_date": "The first day of the term (YYYY-MM-DD), not before the award became final.",
    "term_years": "Whole years, 1 to 30.",
    "capital": "The one-time (capital) part of the total; the rest recurs yearly. 0 if none.",
    "special_terms": "Printed as typed under the standard terms.",
}


@extend_schema_field({"type": "string", "format": "date", "example": "2030-01-01"})
class DateInput(RawInput):
    """A date as given; the service reads it."""


@extend_schema_field({"type": "integer", "example": 3})
class WholeNumberInput(RawInput):
    """A whole number as given; the service reads it."""


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "example": "1,500.00"}, {"type": "integer"}],
        "description": "An amount in major units, as people write it.",
    }
)
class CapitalInput(RawInput):
    """An amount as given; the service reads it (p3hub.money.parse_amount)."""


@extend_schema_field(
    {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "period": {"type": "integer", "description": "0: one-time part; n: Year n."},
                "donor": {"type": "string", "enum": ["vendor", "partner"]},
                "partner": {"type": "string", "description": "The partner's name."},
            },
        },
        "description": "The periods donated in kind (no department pays for them).",
    }
)
class InKindInput(RawInput):
    """The in-kind periods as given; the service reads each entry."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "integer"},
        "description": 'Who signs for each party, by user id: "vendor" and each department '
        "code. Parties not named keep theirs (the defaults: the bid's submitter, the heads "
        "who approved the award).",
        "example": {"vendor": 8, "TRN": 3},
    }
)
class SignatoriesInput(RawInput):
    """Party code -> user id, as given; the service checks each signer."""


class ContractTermsInput(serializers.Serializer):
    """The terms as typed (PATCH: only those given change). Keys it does not know go to the
    service as given, which refuses them by name: a misspelt term must not pass unnoticed."""

    title = text_input(help_text=TERMS_HELP["title"])
    start_date = DateInput(help_text=TERMS_HELP["start_date"])
    term_years = WholeNumberInput(help_text=TERMS_HELP["term_years"])
    capital = CapitalInput(help_text=TERMS_HELP["capital"])
    in_kind = InKindInput()
    special_terms = text_input(help_text=TERMS_HELP["special_terms"])
    signatories = SignatoriesInput()

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        values.update({key: value for key, value in data.items() if key not in self.fields})
        return values


class ContractPrepareInput(ContractTermsInput):
    solicitation = text_input(help_text="The reference of the solicitation with a final award.")


class ReasonInput(serializers.Serializer):
    reason = text_input(help_text="Why; told to whoever signed.")


class TerminationInput(serializers.Serializer):
    reason = text_input(help_text="Why the contract ends early; published with its summary.")
