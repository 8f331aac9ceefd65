"""What the solicitation pages share: list constants, split and line-item presentation, the
filtered list, the facts both detail pages show."""

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers

from p3hub.money import format_money
from procurements import forms, selectors
from procurements.models import CostSplitVersion, Participation, Solicitation
from procurements.splits import line_amount_minor

PAGE_SIZE = 20
HISTORY_LIMIT = 100  # the full trail is on the audit page
PUBLIC_STATUSES = [(s.value, s.label) for s in Solicitation.Status if s in Solicitation.PUBLIC]


# --- presentation -----------------------------------------------------------------------------


def split_table(result: dict, descriptions: dict, currency: str, caption: str) -> dict:
    """A split's allocation as rows of formatted money: one row per line item, one column per
    department (by code, the order the money module breaks ties in), a totals row."""
    codes = sorted(result["departments"])

    def shown(minor: int) -> str:
        return format_money(minor, currency)

    rows = [
        {
            "description": descriptions.get(line["line"], f"Line item {line['line']}"),
            "amount": shown(line["amount"]),
            "in_kind": shown(line["in_kind"]),
            "shares": [shown(line["shares"].get(code, 0)) for code in codes],
        }
        for line in result["lines"]
    ]
    totals = {
        "amount": shown(result["total_minor"]),
        "in_kind": shown(result["in_kind_minor"]),
        "shares": [shown(result["departments"][code]) for code in codes],
    }
    return {
        "caption": caption,
        "codes": codes,
        "rows": rows,
        "totals": totals,
        "has_in_kind": bool(result["in_kind_minor"]),
    }


def version_table(version: CostSplitVersion, currency: str) -> dict:
    descriptions = {line["id"]: line["description"] for line in version.basis}
    caption = f"Cost split version {version.number}, in {currency}"
    return split_table(version.result, descriptions, currency, caption)


def version_summary(version: CostSplitVersion, currency: str) -> list[dict]:
    """Each department of a version with its share and its head's decision (prefetched)."""
    decisions = {decision.department_id: decision for decision in version.decisions.all()}
    return [
        {
            "department": department,
            "share": format_money(version.result["departments"].get(department.code, 0), currency),
            "decision": decisions.get(department.pk),
        }
        for department in version.departments.all()
    ]


def joined_departments(solicitation: Solicitation) -> list:
    """From the participations the selectors prefetch: no query."""
    return [
        p.department
        for p in solicitation.participations.all()
        if p.status == Participation.Status.JOINED
    ]


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

    def solicitations(self, **filters):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = forms.SolicitationFilterForm(
            request.GET or None,
            statuses=self.filter_statuses(),
            departments=self.filter_departments(),
        )
        context, status = {"form": form}, 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            filters = form.cleaned_data if form.is_bound else {}
            context["page"] = Paginator(self.solicitations(**filters), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
        partial = request.htmx and not request.htmx.history_restore_request
        response = TemplateResponse(
            request,
            self.partial_template_name if partial else self.template_name,
            self.get_context_data(**context),
            status=status,
        )
        patch_vary_headers(response, ["HX-Request"])  # caches keep the two renderings apart
        return response


def solicitation_facts(solicitation: Solicitation) -> dict:
    """What both detail pages show: participants, priced line items, criteria, documents."""
    lines = priced_lines(list(selectors.line_items_of(solicitation)))
    return {
        "solicitation": solicitation,
        "participants": joined_departments(solicitation),
        "lines": lines,
        "estimate_minor": sum(line.amount_minor for line in lines),
        "criteria": list(solicitation.criteria.all()),
        "documents": list(solicitation.documents.all()),
    }
