"""What the solicitation pages share: list constants, split and line-item presentation, the
filtered list, the facts both detail pages show."""

from django.core.paginator import Paginator

from departments.views.base import partial_response
from p3hub.money import format_money
from procurements import forms, selectors
from procurements.allocation import line_amount_minor
from procurements.models import CostSplitVersion, Solicitation

PAGE_SIZE = 20
HISTORY_LIMIT = 100  # the full trail is on the audit page
PUBLIC_STATUSES = [
    (s.value, s.label) for s in Solicitation.Status if s in selectors.PUBLIC_STATUSES
]
# Once the bids are opened there is an evaluation to follow (or its record, once awarded).
AFTER_OPENING = frozenset(
    {Solicitation.Status.OPENED, Solicitation.Status.UNDER_EVALUATION, Solicitation.Status.AWARDED}
)


def split_table(
    result: dict, descriptions: dict, currency: str, caption: str, fund_codes: dict | None = None
) -> dict:
    """A split's allocation as rows of formatted money: one row per line item, one column per
    department (by code, the order the money module breaks ties in), a totals row; with
    `fund_codes` (department code -> the code its head charged), those under the totals."""
    codes = sorted(result["departments"])

    def shown(minor: int) -> str:
        return format_money(minor, currency)

    rows = [
        {
            "description": descriptions.get(line["line"], f"Line item {line['line']}"),
            "amount": shown(line["amount"]),
            "in_kind": shown(line["in_kind"]),
            "shares": [
                {"code": code, "amount": shown(line["shares"].get(code, 0))} for code in codes
            ],
        }
        for line in result["lines"]
    ]
    totals = {
        "amount": shown(result["total_minor"]),
        "in_kind": shown(result["in_kind_minor"]),
        "shares": [{"code": code, "amount": shown(result["departments"][code])} for code in codes],
    }
    # Each cell names its department, for the label a phone's stacked rows show.
    charged = [{"code": code, "fund": (fund_codes or {}).get(code, "")} for code in codes]
    return {
        "caption": caption,
        "codes": codes,
        "rows": rows,
        "totals": totals,
        "has_in_kind": bool(result["in_kind_minor"]),
        "fund_codes": charged if any(cell["fund"] for cell in charged) else [],
    }


def version_table(version: CostSplitVersion, currency: str, *, shares=None) -> dict:
    """The version's table; with its `shares` (already fetched), the fund code each approved
    share is charged to."""
    descriptions = {line["id"]: line["description"] for line in version.basis}
    # The reference keeps the name unique where several solicitations' splits share a page
    # (the approval inbox): axe's landmark-unique.
    caption = (
        f"Cost split of {version.solicitation.reference}, version {version.number}, in {currency}"
    )
    fund_codes = {share.department.code: share.fund_code for share in shares or []}
    return split_table(version.result, descriptions, currency, caption, fund_codes)


def priced_lines(lines) -> list:
    for line in lines:
        line.amount_minor = line_amount_minor(line.quantity, line.estimated_unit_price_minor)
    return lines


class FilteredListMixin:
    """A filter form over a paginated list. htmx requests get the results region only, plain
    GETs the whole page; an invalid filter answers 400 with the problem in the results."""

    template_name = ""
    partial_template_name = ""

    def filter_statuses(self) -> list:
        raise NotImplementedError

    def filter_departments(self):
        raise NotImplementedError

    def filter_sorts(self) -> dict | None:
        """{value: label} of the orders offered (the first is the default), or None."""
        return None

    def solicitations(self, **filters):
        raise NotImplementedError

    def filter_form(self):
        return forms.SolicitationFilterForm(
            self.request.GET or None,
            statuses=self.filter_statuses(),
            departments=self.filter_departments(),
            sorts=self.filter_sorts(),
        )

    def get(self, request, *args, **kwargs):
        form = self.filter_form()
        context, status = {"form": form}, 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            filters = form.cleaned_data if form.is_bound else {}
            context["page"] = Paginator(self.solicitations(**filters), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
        return partial_response(self, context, status=status)


def solicitation_facts(solicitation: Solicitation) -> dict:
    """What both detail pages show: participants, priced line items, criteria, documents."""
    lines = priced_lines(list(selectors.line_items_of(solicitation)))
    return {
        "solicitation": solicitation,
        "participants": solicitation.joined_departments(),
        "lines": lines,
        "estimate_minor": sum(line.amount_minor for line in lines),
        "criteria": list(solicitation.criteria.all()),
        "documents": list(solicitation.documents.filter(addendum__isnull=True)),
    }
