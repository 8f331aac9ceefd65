"""Forms of the contract pages parse and re-display input; contracts.services decides and owns
every message (STYLE.md 4), so the pages and the API answer the same input alike.

`SignForm` is shared by the staff's and the vendor portal's contract pages."""

from django import forms

from contracts.schedule import CAPITAL, MAX_TERM_YEARS
from contracts.services.contracts import DONOR_LIMIT, REASON_LIMIT, TERMS_LIMIT
from contracts.services.signatures import NAME_LIMIT
from p3hub.errors import ApplicationError
from p3hub.forms import OpenChoiceField, ServiceForm, number_field


class SignForm(ServiceForm):
    """A signatory's signature: the name they type and their consent to sign electronically
    (contract_sign requires both, in its own words). The fields carry the service's names."""

    typed_name = forms.CharField(
        label="Your full name",
        widget=forms.TextInput(attrs={"autocomplete": "name", "maxlength": NAME_LIMIT}),
    )
    consent = forms.BooleanField(
        label="I agree to sign this contract electronically: the name I type is my signature.",
    )

    def __init__(self, *args, signer_name: str = "", **kwargs):
        kwargs.setdefault("auto_id", "id_sign-%s")
        super().__init__(*args, **kwargs)
        if signer_name:
            self.fields["typed_name"].help_text = f"Type “{signer_name}” as it should be printed."

    def service_arguments(self) -> dict:
        """What contract_sign takes from the form (the party and the address come from the
        page and the request)."""
        data = self.cleaned_data
        return {"typed_name": data["typed_name"], "consent": bool(data["consent"])}


# The in-kind table offers at least this many rows (more when the contract has more periods).
IN_KIND_ROWS = 3
NO_PERIOD = ("", "No period")
DONORS = [("vendor", "The vendor"), ("partner", "A partner (named below)")]


def period_choices() -> list[tuple[str, str]]:
    """Every period a term can have: the term is typed on the same form, so the service says
    when a period is past its end (or the one-time part is zero)."""
    years = [(str(year), f"Year {year}") for year in range(1, MAX_TERM_YEARS + 1)]
    return [NO_PERIOD, (str(CAPITAL), "One-time (capital)"), *years]


class ContractTermsForm(ServiceForm):
    """The terms of a contract, to prepare it or change it: title, term, one-time part, the
    in-kind periods (rows of period, donor and partner's name, named `in_kind.<row>.<field>`
    as the service names them), special terms and a signatory per party (`signatories.<code>`,
    the vendor's code being "vendor"). A refusal of the in-kind periods as a whole is kept in
    `in_kind_error` and shown at their table."""

    title = forms.CharField(label="Title", widget=forms.TextInput(attrs={"maxlength": 200}))
    start_date = forms.CharField(
        label="Start date",
        widget=forms.DateInput(attrs={"type": "date", "class": "input-short"}),
        help_text="The first day of the term (YYYY-MM-DD).",
    )
    term_years = number_field("Term in years", help_text=f"From 1 to {MAX_TERM_YEARS}.")
    capital = number_field("One-time (capital) part", required=False)
    special_terms = forms.CharField(
        label="Special terms",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": TERMS_LIMIT}),
        help_text="Added to the standard terms and printed as typed.",
    )

    def __init__(self, *args, parties, currency: str, vendor_name: str, rows: int = 0, **kwargs):
        """`parties`: (code, label, [(user pk, name)]) of each party in order."""
        kwargs.setdefault("auto_id", "id_terms-%s")
        self.party_codes = [code for code, _, _ in parties]
        self.in_kind_rows = self._row_count(args[0] if args else kwargs.get("data"), rows)
        self.in_kind_error, self.sent_rows = "", []
        fields = {}
        for position in range(self.in_kind_rows):
            fields.update(self._in_kind_fields(position, vendor_name))
        for code, label, people in parties:
            fields[f"signatories.{code}"] = OpenChoiceField(
                label=f"Signs for {label}",
                choices=[("", "Choose a person"), *((str(pk), name) for pk, name in people)],
            )
        self.base_fields = {**self.base_fields, **fields}
        super().__init__(*args, **kwargs)
        self.fields["capital"].help_text = (
            f"In {currency}, due at the start; the rest of the total recurs, spread evenly "
            "over the years. Leave it blank for none."
        )

    @staticmethod
    def _row_count(data, rows: int) -> int:
        """Enough rows for what was typed (never more than a term has periods)."""
        typed = 0
        for name in data or {}:
            parts = str(name).split(".")
            if len(parts) == 3 and parts[0] == "in_kind" and parts[1].isdigit():
                typed = max(typed, int(parts[1]) + 1)
        return min(max(IN_KIND_ROWS, rows, typed), MAX_TERM_YEARS + 1)

    @staticmethod
    def _in_kind_fields(position: int, vendor_name: str) -> dict:
        prefix, row = f"in_kind.{position}", position + 1
        donors = [("vendor", f"{vendor_name} (the vendor)"), DONORS[1]]
        return {
            f"{prefix}.period": OpenChoiceField(
                label=f"Period of in-kind row {row}", choices=period_choices(), required=False
            ),
            f"{prefix}.donor": OpenChoiceField(
                label=f"Donor of in-kind row {row}",
                choices=donors,
                widget=forms.RadioSelect,
                initial="vendor",
                required=False,
            ),
            f"{prefix}.partner": forms.CharField(
                label=f"Partner's name, in-kind row {row}",
                required=False,
                widget=forms.TextInput(attrs={"maxlength": DONOR_LIMIT}),
            ),
        }

    # Templates cannot pass arguments: the rows and the signatories as lists.
    @property
    def in_kind_table(self) -> list[tuple[int, object, object, object]]:
        return [
            (
                position + 1,
                self[f"in_kind.{position}.period"],
                self[f"in_kind.{position}.donor"],
                self[f"in_kind.{position}.partner"],
            )
            for position in range(self.in_kind_rows)
        ]

    @property
    def signatory_fields(self) -> list:
        return [self[f"signatories.{code}"] for code in self.party_codes]

    def service_arguments(self) -> dict:
        """The terms as contract_prepare and contract_update take them, as typed. Only the
        in-kind rows with a period or a partner's name go (a blank row is no period); their
        rows are remembered, so the service's `in_kind.<n>` lands on the row typed."""
        data = self.cleaned_data
        in_kind, self.sent_rows = [], []
        for position in range(self.in_kind_rows):
            period = data[f"in_kind.{position}.period"] or ""
            partner = data[f"in_kind.{position}.partner"].strip()
            if not period and not partner:
                continue
            entry = {"period": period, "donor": data[f"in_kind.{position}.donor"] or ""}
            if entry["donor"] != "vendor" or partner:
                entry["partner"] = partner
            in_kind.append(entry)
            self.sent_rows.append(position)
        return {
            "title": data["title"],
            "start_date": data["start_date"],
            "term_years": data["term_years"],
            "capital": data["capital"],
            "in_kind": in_kind,
            "special_terms": data["special_terms"],
            "signatories": {
                code: data[f"signatories.{code}"]
                for code in self.party_codes
                if data[f"signatories.{code}"]
            },
        }

    def apply_service_error(self, error: ApplicationError) -> None:
        field = error.field or ""
        parts = field.split(".")
        if parts[0] == "in_kind" and len(parts) >= 2 and parts[1].isdigit():
            position = int(parts[1])
            if self.sent_rows and position < len(self.sent_rows):
                parts[1] = str(self.sent_rows[position])
            row_field = ".".join(parts)
            if row_field in self.fields:
                self.add_error(row_field, error.message)
                return
            field = ".".join(parts[:2])
        if field.startswith("in_kind"):
            self.in_kind_error = error.message
            self.add_error(None, error.message)
            return
        super().apply_service_error(error)


class RecallForm(ServiceForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_LIMIT}),
        help_text="Told to everyone who signed; their signatures are voided.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_recall-%s")
        super().__init__(*args, **kwargs)


class TerminateForm(ServiceForm):
    reason = forms.CharField(
        label="Reason for the termination",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REASON_LIMIT}),
        help_text="Published with the contract's summary. The signed PDF stays as it was.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_terminate-%s")
        super().__init__(*args, **kwargs)
