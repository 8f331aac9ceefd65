"""Forms of the solicitation pages parse and re-display input; the rules live in services.

They turn text into Python values (dollars into minor units, local date-times into aware ones,
a department code into a Department) and put a service's refusal back beside the field it
names. Whether a total is 100, a date is in order or a price is too large is the service's
call, so the pages and the API give the same message.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError

from p3hub.errors import ApplicationError
from p3hub.money import MoneyError, from_minor, to_minor
from procurements.models import CostSplitVersion, Solicitation

Method = CostSplitVersion.Method
DATE_FIELDS = ("publish_at", "questions_due_at", "bids_due_at", "opening_at")


def _text_input(**attrs) -> forms.TextInput:
    # Text rather than number inputs: a browser empties a number input it cannot parse, and
    # the re-rendered form must show exactly what was typed.
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class PrefixedIds:
    """Many forms share the workspace page: their ids carry the form's name, so no id repeats
    and every label points at its own input."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class MoneyField(forms.CharField):
    """An amount typed in major units (“2500.00”) in, an int of minor units (250000) out.

    Only the parsing lives here: whether the amount may be negative or is too large is the
    service's rule."""

    default_error_messages = {
        "invalid": "Enter an amount such as 2500.00.",
        "too_large": "That amount is too large.",
        "precision": "Enter whole cents, such as 2500.00.",
    }

    def __init__(self, *, currency: str, **kwargs):
        self.currency = currency
        kwargs.setdefault("widget", _text_input(inputmode="decimal", **{"class": "input-short"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = super().to_python(value).replace(",", "").strip()
        if text in self.empty_values:
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not amount.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        try:
            minor = to_minor(amount, self.currency)
        except MoneyError:
            raise ValidationError(self.error_messages["too_large"], code="too_large") from None
        # Rounding a typed amount would silently change it: refuse fractions of a cent.
        if from_minor(minor, self.currency) != amount:
            raise ValidationError(self.error_messages["precision"], code="precision")
        return minor

    def prepare_value(self, value):
        # Initial values are minor units; bound values are the text the user typed.
        if isinstance(value, int) and not isinstance(value, bool):
            return str(from_minor(value, self.currency))
        return value


class NumberField(forms.DecimalField):
    """A decimal typed as text; limits are the service's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", _text_input(inputmode="decimal", **{"class": "input-short"}))
        super().__init__(**kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input. The tenant views render and parse inside the municipality's
    time zone (TenantViewMixin), so a typed 09:00 means 09:00 there and comes out as an aware
    datetime; a time that does not exist there (a DST gap) is refused."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def department_field(departments, *, label: str, **kwargs) -> forms.ModelChoiceField:
    # Choices are the actor's own departments, by code: anything else is "not a choice".
    return forms.ModelChoiceField(queryset=departments, to_field_name="code", label=label, **kwargs)


class SolicitationEditForm(PrefixedIds, forms.Form):
    id_prefix = "edit"
    kind = forms.ChoiceField(label="Type", choices=Solicitation.Kind.choices)
    title = forms.CharField(label="Title")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    publish_at = LocalDateTimeField(label="Publish on", required=False)
    questions_due_at = LocalDateTimeField(label="Questions due", required=False)
    bids_due_at = LocalDateTimeField(label="Bids due", required=False)
    opening_at = LocalDateTimeField(label="Bid opening", required=False)


class SolicitationCreateForm(SolicitationEditForm):
    id_prefix = ""  # alone on its page
    lead_department = forms.ModelChoiceField(queryset=None)

    field_order = ["kind", "title", "description", "lead_department", *DATE_FIELDS]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_department"] = department_field(
            departments,
            label="Lead department",
            empty_label="Choose a department",
            help_text="It takes part from the start; invite the others afterwards.",
        )


class LineItemForm(PrefixedIds, forms.Form):
    id_prefix = "line"
    description = forms.CharField(label="Description")
    quantity = NumberField(label="Quantity")
    unit = forms.CharField(
        label="Unit", required=False, initial="each", widget=_text_input(**{"class": "input-short"})
    )
    site = forms.CharField(
        label="Site", required=False, help_text="Where it goes, such as “Main St & Elm St”."
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["estimated_unit_price"] = MoneyField(
            currency=currency,
            label="Estimated unit price",
            help_text=f"In {currency}, such as 2500.00.",
        )


class CriterionForm(forms.Form):
    name = forms.CharField(label="Name", required=False)
    weight = forms.IntegerField(
        label="Weight (%)", required=False, widget=_text_input(inputmode="numeric")
    )
    is_price = forms.BooleanField(label="Price criterion", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("name") and data.get("weight") is None and not data.get("is_price")


CriterionFormSet = forms.formset_factory(
    CriterionForm, extra=2, max_num=20, validate_max=True, absolute_max=40
)


def criteria_formset(data=None, *, criteria=()) -> forms.BaseFormSet:
    initial = [{"name": c.name, "weight": c.weight, "is_price": c.is_price} for c in criteria]
    return CriterionFormSet(data, initial=initial or None, prefix="criteria")


def criteria_from(formset) -> tuple[list[dict], list[int]]:
    """The filled rows as the service takes them, and for each its row in the formset (the
    service's error `criteria.<i>.weight` counts filled rows only)."""
    criteria, rows = [], []
    for index, form in enumerate(formset.forms):
        if form.is_blank():
            continue
        data = form.cleaned_data
        criteria.append(
            {"name": data["name"], "weight": data["weight"], "is_price": data["is_price"]}
        )
        rows.append(index)
    return criteria, rows


def apply_criteria_error(formset, rows: list[int], error: ApplicationError) -> None:
    """`criteria.1.weight` goes beside that row's weight; totals go above the table."""
    parts = (error.field or "").split(".")
    if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
        form = formset.forms[rows[int(parts[1])]]
        if parts[2] in form.fields:
            form.add_error(parts[2], error.message)
            return
    formset._non_form_errors = formset.error_class([error.message], error_class="nonform")


class InviteForm(PrefixedIds, forms.Form):
    id_prefix = "invite"

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"] = department_field(
            departments, label="Department", empty_label="Choose a department"
        )


class DocumentForm(PrefixedIds, forms.Form):
    id_prefix = "document"
    title = forms.CharField(label="Title")
    file = forms.FileField(label="File", help_text="Up to 25 MB.")


class ReasonForm(PrefixedIds, forms.Form):
    id_prefix = "reason"
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class NoInputForm(forms.Form):
    """A button with no fields (publish, join, approve): carries the service's refusal."""


class CostSplitForm(PrefixedIds, forms.Form):
    """One form for all four methods. Per-department and per-line inputs are named after the
    service's field paths (`percentages.TRN`, `lines.12.PSD`), so a refusal lands on the
    input it names; a refusal of a whole group (`percentages`, `lines.12`) is kept in
    `group_errors` and shown at that group."""

    method = forms.ChoiceField(
        label="Method", choices=Method.choices, widget=forms.RadioSelect, initial=Method.LINE_ITEM
    )
    in_kind_contributor = forms.CharField(
        label="In-kind contributor",
        required=False,
        help_text="A vendor or partner that donates part of the cost.",
    )
    in_kind_description = forms.CharField(
        label="What is contributed", required=False, help_text="Such as “first year of service”."
    )
    note = forms.CharField(
        label="Note to the approvers", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    id_prefix = "split"

    def __init__(self, *args, departments, lines, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments, self.lines, self.group_errors = list(departments), list(lines), {}
        self.fields["in_kind_amount"] = MoneyField(
            currency=currency, label="In-kind amount", required=False, help_text=f"In {currency}."
        )
        for code in self.codes:
            self.fields[f"percentages.{code}"] = NumberField(label=f"{code} (%)", required=False)
            self.fields[f"amounts.{code}"] = MoneyField(
                currency=currency, label=f"{code} ({currency})", required=False
            )
            for line in self.lines:
                label = f"{line.description}: {code}"
                self.fields[f"lines.{line.pk}.{code}"] = NumberField(
                    label=f"{label} (%)", required=False
                )
                self.fields[f"quantities.{line.pk}.{code}"] = NumberField(
                    label=f"{label} (quantity)", required=False
                )

    @property
    def codes(self) -> list[str]:
        return [department.code for department in self.departments]

    # Templates cannot pass arguments: one property per group.
    @property
    def percentage_fields(self) -> list:
        return self._per_department("percentages")

    @property
    def amount_fields(self) -> list:
        return self._per_department("amounts")

    @property
    def line_rows(self) -> list:
        return self._per_line("lines")

    @property
    def quantity_rows(self) -> list:
        return self._per_line("quantities")

    def _per_department(self, group: str) -> list:
        return [(department, self[f"{group}.{department.code}"]) for department in self.departments]

    def _per_line(self, group: str) -> list:
        """(line, its inputs per department, the refusal of the whole line if any)."""
        return [
            (
                line,
                [self[f"{group}.{line.pk}.{code}"] for code in self.codes],
                self.group_errors.get(f"{group}.{line.pk}"),
            )
            for line in self.lines
        ]

    def service_arguments(self) -> dict:
        """What cost_split_preview / cost_split_propose take. Numbers go as strings: the
        version stores its inputs as JSON, and Decimal is not JSON."""
        data, method = self.cleaned_data, self.cleaned_data["method"]
        if method == Method.PERCENTAGE:
            inputs = {"percentages": self._values("percentages.{code}", data)}
        elif method == Method.FIXED:
            inputs = {"amounts": self._values("amounts.{code}", data)}
        else:
            group = "lines" if method == Method.LINE_ITEM else "quantities"
            inputs = {
                group: {
                    str(line.pk): self._values(f"{group}.{line.pk}.{{code}}", data)
                    for line in self.lines
                }
            }
        return {"method": method, "inputs": inputs, "in_kind_minor": data["in_kind_amount"] or 0}

    def _values(self, pattern: str, data: dict) -> dict:
        values = {code: data[pattern.format(code=code)] for code in self.codes}
        return {
            code: value if isinstance(value, int) else str(value)
            for code, value in values.items()
            if value is not None
        }

    def apply_service_error(self, error: ApplicationError) -> None:
        field = {"in_kind": "in_kind_amount"}.get(error.field, error.field)
        if field in self.fields:
            self.add_error(field, error.message)
            return
        if field:
            self.group_errors[field] = error.message
        self.add_error(None, error.message)


class SolicitationFilterForm(forms.Form):
    """The list filters. Choices are what the viewer may filter by: the public sees public
    statuses only, and departments are those of the municipality."""

    q = forms.CharField(
        label="Search", required=False, help_text="Title, description or reference."
    )
    status = forms.ChoiceField(label="Status", required=False)
    department = forms.ChoiceField(label="Department", required=False)

    def __init__(self, *args, statuses, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *statuses]
        self.fields["department"].choices = [
            ("", "Any department"),
            *((d.code, f"{d.name} ({d.code})") for d in departments),
        ]
