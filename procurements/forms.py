"""Forms of the solicitation pages parse and re-display input; the rules live in services.

They turn text into Python values only where the page's format differs from the API's (a local
`datetime-local` value into an aware datetime); numbers, amounts ("2,500.00"), codes and
choices go to the service as typed, and the service's refusal comes back beside the field it
names (`p3hub.forms.ServiceForm`). So a page and the API give the same message.
"""

from django import forms

from p3hub.errors import ApplicationError
from p3hub.files import DOCUMENT_KINDS
from p3hub.forms import (
    NoInputForm,
    OpenChoiceField,
    ServiceForm,
    TextInput,
    describe_file_field,
    number_field,
)
from procurements.models import CostSplitVersion, NonResponsive, Solicitation
from procurements.services.cost_splits import NOT_YET_JOINED
from procurements.services.criteria import MAX_CRITERIA
from procurements.services.questions import ANSWER_LIMIT
from vendors.categories import Category

Method = CostSplitVersion.Method
DATE_FIELDS = Solicitation.DATE_FIELDS

__all__ = ["NoInputForm"]


class PrefixedIds:
    """Many forms share the workspace page: their ids carry the form's name, so no id repeats
    and every label points at its own input."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        if self.id_prefix:
            kwargs.setdefault("auto_id", f"id_{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)


class LocalDateTimeField(forms.DateTimeField):
    """A `datetime-local` input. The tenant views render and parse inside the municipality's
    time zone (departments.views.base.MunicipalityPage), so a typed 09:00 means 09:00 there and
    comes out as an aware datetime; a time that does not exist there (a DST gap) is refused."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def department_field(departments, *, label: str, empty: str, **kwargs) -> OpenChoiceField:
    """A select of the actor's departments by code; the service resolves the code."""
    choices = [("", empty), *((d.code, f"{d.name} ({d.code})") for d in departments)]
    return OpenChoiceField(label=label, choices=choices, **kwargs)


class SolicitationEditForm(PrefixedIds, ServiceForm):
    id_prefix = "edit"
    kind = OpenChoiceField(label="Type", choices=Solicitation.Kind.choices)
    title = forms.CharField(label="Title")
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = OpenChoiceField(
        label="Category of work",
        required=False,
        choices=[("", "Not set"), *Category.choices],
        help_text="Vendors registered for this category find it in the portal.",
    )
    publish_at = LocalDateTimeField(label="Publish on", required=False)
    questions_due_at = LocalDateTimeField(label="Questions due", required=False)
    bids_due_at = LocalDateTimeField(label="Bids due", required=False)
    opening_at = LocalDateTimeField(label="Bid opening", required=False)


class SolicitationCreateForm(SolicitationEditForm):
    id_prefix = ""  # alone on its page
    field_order = ["kind", "title", "description", "category", "lead_department", *DATE_FIELDS]

    def __init__(self, *args, departments, **kwargs):
        self.base_fields = {
            **self.base_fields,
            "lead_department": department_field(
                departments,
                label="Lead department",
                empty="Choose a department",
                help_text="It takes part from the start; invite the others afterwards.",
            ),
        }
        super().__init__(*args, **kwargs)
        self.order_fields(self.field_order)


class LineItemForm(PrefixedIds, ServiceForm):
    id_prefix = "line"
    description = forms.CharField(label="Description")
    quantity = number_field("Quantity")
    unit = forms.CharField(
        label="Unit",
        required=False,
        initial="each",
        widget=TextInput({"class": "input-short"}),
    )
    site = forms.CharField(
        label="Site", required=False, help_text="Where it goes, such as “Main St & Elm St”."
    )

    def __init__(self, *args, currency: str, **kwargs):
        self.base_fields = {
            **self.base_fields,
            "estimated_unit_price": number_field(
                "Estimated unit price", help_text=f"In {currency}, such as 2,500.00."
            ),
        }
        super().__init__(*args, **kwargs)


class CriterionForm(ServiceForm):
    name = forms.CharField(label="Name", required=False)
    weight = forms.CharField(
        label="Weight (%)", required=False, widget=TextInput({"inputmode": "numeric"})
    )
    is_price = forms.BooleanField(label="Price criterion", required=False)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("name") and not data.get("weight") and not data.get("is_price")


class CriterionFormSet(forms.BaseFormSet):
    """The criteria table. The service's error `criteria.<i>.weight` counts the filled rows
    only; `filled_rows` maps them back to the table's rows."""

    def filled_rows(self) -> list[int]:
        """The indexes of the rows that are not blank (the formset must have been parsed)."""
        return [index for index, form in enumerate(self.forms) if not form.is_blank()]

    def criteria(self) -> list[dict]:
        """The filled rows as the service takes them (blank rows are dropped)."""
        return [
            {name: self.forms[index].cleaned_data[name] for name in ("name", "weight", "is_price")}
            for index in self.filled_rows()
        ]

    def apply_service_error(self, error: ApplicationError) -> None:
        """`criteria.1.weight` goes beside that row's weight; totals go above the table."""
        parts = (error.field or "").split(".")
        rows = self.filled_rows()
        if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
            form = self.forms[rows[int(parts[1])]]
            if parts[2] in form.fields:
                form.add_error(parts[2], error.message)
                return
        self.non_form_errors().append(error.message)  # every total at fault, together


CriterionFormSetClass = forms.formset_factory(
    CriterionForm,
    formset=CriterionFormSet,
    extra=2,
    max_num=MAX_CRITERIA,
    absolute_max=MAX_CRITERIA,
)


def criteria_formset(data=None, *, criteria=()) -> CriterionFormSet:
    initial = [{"name": c.name, "weight": c.weight, "is_price": c.is_price} for c in criteria]
    return CriterionFormSetClass(data, initial=initial or None, prefix="criteria")


class InviteForm(PrefixedIds, ServiceForm):
    id_prefix = "invite"

    def __init__(self, *args, departments, **kwargs):
        self.base_fields = {
            "department": department_field(
                departments, label="Department", empty="Choose a department"
            )
        }
        super().__init__(*args, **kwargs)


class DocumentForm(PrefixedIds, ServiceForm):
    id_prefix = "document"
    title = forms.CharField(label="Title")
    file = forms.FileField(label="File")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        describe_file_field(self.fields["file"], DOCUMENT_KINDS)


class AddendumForm(PrefixedIds, ServiceForm):
    """An addendum: title and text; optionally later key dates, a document, and a new
    description or quantity for any line item (left blank, a line stays as it is)."""

    id_prefix = "addendum"
    # The service's "line_items" refusals name the line in their words: on the whole form.
    error_fields = {"documents": "document"}
    title = forms.CharField(label="Title", help_text="Such as “Deadline extended”.")
    text = forms.CharField(label="Text", widget=forms.Textarea(attrs={"rows": 6}))
    questions_due_at = LocalDateTimeField(
        label="New questions due", required=False, help_text="Leave blank to keep it."
    )
    bids_due_at = LocalDateTimeField(
        label="New bid deadline", required=False, help_text="Later only. Leave blank to keep it."
    )
    opening_at = LocalDateTimeField(
        label="New bid opening", required=False, help_text="Leave blank to keep it."
    )
    document = forms.FileField(label="Document", required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        describe_file_field(self.fields["document"], DOCUMENT_KINDS, optional=True)
        self.lines = list(lines)
        for line in self.lines:
            self.fields[f"line_{line.position}_description"] = forms.CharField(
                label=f"Line {line.position}: new description", required=False
            )
            self.fields[f"line_{line.position}_quantity"] = forms.CharField(
                label=f"Line {line.position}: new quantity", required=False
            )

    @property
    def date_fields(self):
        return [self[name] for name in ("questions_due_at", "bids_due_at", "opening_at")]

    @property
    def line_fields(self):
        return [
            (
                line,
                self[f"line_{line.position}_description"],
                self[f"line_{line.position}_quantity"],
            )
            for line in self.lines
        ]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        changes = [
            {
                "position": line.position,
                "description": data.get(f"line_{line.position}_description", ""),
                "quantity": data.get(f"line_{line.position}_quantity", ""),
            }
            for line in self.lines
        ]
        return {
            "title": data["title"],
            "text": data["text"],
            "questions_due_at": data.get("questions_due_at"),
            "bids_due_at": data.get("bids_due_at"),
            "opening_at": data.get("opening_at"),
            "line_items": [c for c in changes if c["description"] or c["quantity"]],
            "documents": [data["document"]] if data.get("document") else [],
        }


class AnswerForm(ServiceForm):
    answer = forms.CharField(
        label="Answer",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": ANSWER_LIMIT}),
        help_text="Published for everyone with the question; the asker is never named.",
    )


def answer_form(number, data=None) -> AnswerForm:
    """The answer form of question `number`: its ids are unique on the workspace."""
    return AnswerForm(data, auto_id=f"id_answer-{number}-%s")


class ApproveForm(ServiceForm):
    """A head's approval of a share: the fund code it is charged to, chosen among the
    department's codes (preselected when it has just one). Which codes are allowed, and that
    one is required, is share_approve's rule."""

    fund_code = OpenChoiceField(label="Fund code")

    def __init__(self, *args, fund_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = list(fund_codes or [])
        field = self.fields["fund_code"]
        field.choices = [("", "Choose a fund code")] * (len(codes) != 1) + [
            (code, code) for code in codes
        ]
        field.initial = codes[0] if len(codes) == 1 else ""
        field.shown_required = bool(codes)
        field.help_text = "The budget fund your department's share is charged to."
        self.has_fund_codes = bool(codes)


class ReasonForm(PrefixedIds, ServiceForm):
    id_prefix = "reason"
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))


class CostSplitForm(PrefixedIds, ServiceForm):
    """One form for all four methods. Per-department and per-line inputs are named after the
    service's field paths (`percentages.TRN`, `lines.12.PSD`), so a refusal lands on the
    input it names; a refusal of a whole group (`percentages`, `lines.12`) is kept in
    `group_errors` and shown at that group."""

    method = OpenChoiceField(
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

    # What the form says of an invited department in place of its inputs.
    NOT_YET_JOINED = NOT_YET_JOINED

    def __init__(self, *args, departments, lines, currency: str, invited=(), **kwargs):
        """`departments` share the cost (they joined); `invited` ones are shown without
        inputs until they join."""
        self.departments, self.lines, self.group_errors = list(departments), list(lines), {}
        self.invited = list(invited)
        fields = {"in_kind_amount": number_field("In-kind amount", help_text=f"In {currency}.")}
        for code in self.codes:
            fields[f"percentages.{code}"] = number_field(f"{code} (%)")
            fields[f"amounts.{code}"] = number_field(f"{code} ({currency})")
            for line in self.lines:
                label = f"{line.description}: {code}"
                fields[f"lines.{line.pk}.{code}"] = number_field(f"{label} (%)")
                fields[f"quantities.{line.pk}.{code}"] = number_field(f"{label} (quantity)")
        for field in fields.values():
            field.required = False
        self.base_fields = {**self.base_fields, **fields}
        super().__init__(*args, **kwargs)

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
        """What cost_split_preview and cost_split_propose take, as typed."""
        data, method = self.cleaned_data, self.cleaned_data["method"]
        group = {
            Method.PERCENTAGE: "percentages",
            Method.FIXED: "amounts",
            Method.LINE_ITEM: "lines",
            Method.QUANTITY: "quantities",
        }.get(method)
        if group in ("percentages", "amounts"):
            inputs = {group: self._values(f"{group}.{{code}}", data)}
        elif group:
            inputs = {
                group: {
                    str(line.pk): self._values(f"{group}.{line.pk}.{{code}}", data)
                    for line in self.lines
                }
            }
        else:
            inputs = {}
        return {
            "method": method,
            "inputs": inputs,
            "in_kind_amount": data["in_kind_amount"],
            "in_kind_contributor": data["in_kind_contributor"],
            "in_kind_description": data["in_kind_description"],
            "note": data["note"],
        }

    def _values(self, pattern: str, data: dict) -> dict:
        values = {code: data[pattern.format(code=code)].strip() for code in self.codes}
        return {code: value for code, value in values.items() if value}

    def apply_service_error(self, error: ApplicationError) -> None:
        if error.field in self.fields:
            self.add_error(error.field, error.message)
            return
        if error.field:
            self.group_errors[error.field] = error.message
        self.add_error(None, error.message)


class SolicitationFilterForm(forms.Form):
    """The list filters. Choices are what the viewer may filter by: the public sees public
    statuses only, and departments are those of the municipality."""

    q = forms.CharField(
        label="Search", required=False, help_text="Title, description or reference."
    )
    status = forms.ChoiceField(label="Status", required=False)
    department = forms.ChoiceField(label="Department", required=False)

    def __init__(self, *args, statuses, departments, sorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "Any status"), *statuses]
        self.fields["department"].choices = [
            ("", "Any department"),
            *((d.code, f"{d.name} ({d.code})") for d in departments),
        ]
        if sorts:  # {value: label}, the first the default
            self.fields["sort"] = forms.ChoiceField(
                label="Sort by", required=False, choices=list(sorts.items())
            )


# --- the evaluation (issue 12) ------------------------------------------------------------------

# Radio answers as typed; anything else goes to the service as it came, which refuses it.
YES_NO = {"yes": True, "no": False}


def _as_bool(value):
    return YES_NO.get(value, value)


class EvaluatorGrantForm(PrefixedIds, ServiceForm):
    """The officer appoints an evaluator: a person of the municipality by their id. The view
    resolves the id through a selector; who may be appointed is evaluator_grant's rule."""

    id_prefix = "grant"

    def __init__(self, *args, people=(), conflicted=frozenset(), **kwargs):
        choices = [("", "Choose a person")]
        for person in people:
            label = person.display_name
            if person.pk in conflicted:
                label += " (declared a conflict of interest here)"
            choices.append((str(person.pk), label))
        self.base_fields = {
            "user": OpenChoiceField(
                label="Person",
                choices=choices,
                help_text="Any active member of the municipality but you. They are e-mailed "
                "and declare any conflict of interest before they see a bid.",
            )
        }
        super().__init__(*args, **kwargs)


class ResponsivenessForm(ServiceForm):
    """The officer's decision on one opened bid. Its ids carry the bid, so every bid's form
    on the evaluation page has its own."""

    responsive = OpenChoiceField(
        label="Decision",
        choices=[("yes", "Responsive"), ("no", "Not responsive")],
        widget=forms.RadioSelect,
    )
    reason = OpenChoiceField(
        label="Reason",
        required=False,
        choices=[("", "Choose a reason"), *NonResponsive.choices],
        help_text="Needed when it is not responsive; the company is told it with the award notice.",
    )
    note = forms.CharField(
        label="Note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the reason is “Other”.",
    )

    def __init__(self, *args, bid_pk: int, **kwargs):
        kwargs.setdefault("auto_id", f"id_bid-{bid_pk}-%s")
        self.bid_pk = bid_pk
        super().__init__(*args, **kwargs)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "responsive": _as_bool(data["responsive"]),
            "reason": data["reason"],
            "note": data["note"],
        }


class DeclarationForm(ServiceForm):
    """An evaluator's conflict-of-interest declaration: one answer per bidder (the field is
    named as the service names it, `conflicts.<company id>`), a note, the typed name."""

    ANSWERS = [("no", "No conflict"), ("yes", "Conflict of interest")]

    def __init__(self, *args, bidders, signer_name: str, **kwargs):
        self.bidders = list(bidders)
        fields = {
            f"conflicts.{vendor.pk}": OpenChoiceField(
                label=vendor.name, choices=self.ANSWERS, widget=forms.RadioSelect
            )
            for vendor in self.bidders
        }
        fields["note"] = forms.CharField(
            label="Note",
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Anything the officer should know about your answers.",
        )
        fields["typed_name"] = forms.CharField(
            label="Your full name",
            help_text=f"Type “{signer_name}” to sign the declaration.",
            widget=forms.TextInput(attrs={"autocomplete": "name"}),
        )
        self.base_fields = fields
        super().__init__(*args, **kwargs)

    @property
    def answers(self) -> list:
        return [(vendor, self[f"conflicts.{vendor.pk}"]) for vendor in self.bidders]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "conflicts": {
                vendor.pk: _as_bool(data[f"conflicts.{vendor.pk}"]) for vendor in self.bidders
            },
            "typed_name": data["typed_name"],
            "note": data["note"],
        }


class ScoreSheetForm(ServiceForm):
    """An evaluator's points (0-100, typed as text) and comment for each responsive bid on
    each criterion but price. A pair left blank that was never scored is left out of the
    draft; the service's refusal of entry `scores.<n>` lands on that pair's inputs."""

    def __init__(self, *args, bids, criteria, scores=None, **kwargs):
        """`bids` the responsive bids (with their companies), `criteria` the scored ones,
        `scores` the sheet's saved scores {(bid id, criterion id): Score}."""
        self.bids, self.criteria = list(bids), list(criteria)
        self.saved = dict(scores or {})
        fields, initial = {}, {}
        for bid in self.bids:
            for criterion in self.criteria:
                name = self.pair_name(bid.pk, criterion.pk)
                about = f"{criterion.name}, {bid.vendor.name}"
                fields[f"{name}-points"] = number_field(
                    f"Points for {about}",
                    help_text="A whole number from 0 to 100.",
                    widget=TextInput({"inputmode": "numeric", "class": "input-short"}),
                )
                fields[f"{name}-comment"] = forms.CharField(
                    label=f"Comment on {about}",
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                # What a short visible label ("Points") leaves for screen readers to say.
                fields[f"{name}-points"].label_rest = f"for {about}"
                fields[f"{name}-comment"].label_rest = f"on {about}"
                saved = self.saved.get((bid.pk, criterion.pk))
                if saved is not None:
                    initial[f"{name}-points"] = str(saved.points)
                    initial[f"{name}-comment"] = saved.comment
        self.base_fields = fields
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)

    @staticmethod
    def pair_name(bid_pk: int, criterion_pk: int) -> str:
        return f"score-{bid_pk}-{criterion_pk}"

    @property
    def groups(self) -> list:
        """(bid, [(criterion, points field, comment field)]) for the template."""
        return [
            (
                bid,
                [
                    (
                        criterion,
                        self[f"{self.pair_name(bid.pk, criterion.pk)}-points"],
                        self[f"{self.pair_name(bid.pk, criterion.pk)}-comment"],
                    )
                    for criterion in self.criteria
                ],
            )
            for bid in self.bids
        ]

    def _entries(self) -> list[tuple[str, dict]]:
        """(pair name, entry) in a fixed order, for score_sheet_save and to map its refusals
        (`scores.<n>.points`) back to the inputs. Read once, before any refusal takes a
        field out of cleaned_data."""
        if hasattr(self, "_parsed_entries"):
            return self._parsed_entries
        data, entries = self.cleaned_data, []
        for bid in self.bids:
            for criterion in self.criteria:
                name = self.pair_name(bid.pk, criterion.pk)
                points, comment = data[f"{name}-points"], data[f"{name}-comment"]
                saved = (bid.pk, criterion.pk) in self.saved
                if not (saved or points.strip() or comment.strip()):
                    continue
                entry = {"bid": bid.pk, "criterion": criterion.pk}
                entries.append((name, {**entry, "points": points, "comment": comment}))
        self._parsed_entries = entries
        return entries

    def scores(self) -> list[dict]:
        return [entry for _name, entry in self._entries()]

    def apply_service_error(self, error: ApplicationError) -> None:
        parts = (error.field or "").split(".")
        if parts[0] == "scores" and len(parts) > 1 and parts[1].isdigit():
            entries = self._entries()
            index = int(parts[1])
            if index < len(entries):
                part = parts[2] if len(parts) > 2 and parts[2] == "comment" else "points"
                self.add_error(f"{entries[index][0]}-{part}", error.message)
                return
        self.add_error(None, error.message)
