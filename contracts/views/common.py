"""What the vendor portal's and the public's contract pages both show: the in-kind periods
with their donors, the term's last day and the signed PDF's block."""

import datetime as dt

from contracts import services
from contracts.models import Contract, ContractPdf
from contracts.schedule import term_end
from p3hub.money import format_money


def in_kind_periods(contract: Contract, *, by_vendor: bool | None = None) -> list[dict]:
    """The in-kind periods, each with its label, its value as money and its donor; only the
    company's (`by_vendor=True`) or only partners' (`False`) when asked."""
    by_company = {entry["period"]: entry.get("donor_is_vendor") for entry in contract.in_kind}
    return [
        {
            "label": period["label"],
            "amount": format_money(period["amount_minor"], contract.currency),
            "donor": period["donor"],
        }
        for period in contract.schedule["periods"]
        if period["in_kind"]
        and (by_vendor is None or bool(by_company.get(period["index"])) == by_vendor)
    ]


def last_day(contract: Contract) -> dt.date:
    return term_end(contract.start_date, contract.term_years)


def pdf_context(contract: Contract) -> dict:
    """The signed PDF's block: nothing before execution; while it renders, the steps with the
    current one (the task keeps it in the cache); once ready, the document with its size and
    SHA-256."""
    try:
        document = contract.pdf
    except ContractPdf.DoesNotExist:
        return {"pdf": None, "steps": []}
    if document.is_ready:
        return {"pdf": document, "steps": []}
    progress = services.render_progress(contract.pk)
    return {"pdf": document, "steps": progress["steps"], "step_label": progress["step_label"]}
