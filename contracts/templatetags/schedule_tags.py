"""`{% load schedule_tags %}`: the contract's schedule as a table of formatted money, for the
staff's, the vendor portal's and the public pages alike (templates/contracts/_schedule.html)."""

import datetime as dt

from django import template

from p3hub import formatting
from p3hub.money import format_money

register = template.Library()


@register.simple_tag
def schedule_table(contract=None, schedule=None, currency="", municipality=None) -> dict:
    """`{% schedule_table contract as table %}`, or for a schedule not yet stored (a preview)
    `{% schedule_table schedule=... currency=... municipality=... as table %}`: rows = the
    departments (named from the contract's parties when there is one) and the in-kind row,
    columns = the periods, with each row's total and a row of the periods' totals."""
    if contract is not None:
        schedule, currency = contract.schedule, contract.currency
        municipality = contract.municipality
        names = {party.code: party.name for party in contract.parties.all() if not party.is_vendor}
        number = contract.number
    else:
        names, number = {}, ""
    return _table(schedule or {}, currency, municipality, names, number)


def _table(schedule: dict, currency: str, municipality, names: dict, number: str) -> dict:
    def shown(minor: int) -> str:
        return format_money(minor, currency)

    periods = [_column(period, municipality) for period in schedule.get("periods", [])]
    rows = [
        {
            "code": code,
            "name": names.get(code, ""),
            "cells": [
                {"amount": shown(cell), "in_kind": column["in_kind"]}
                for cell, column in zip(row["cells"], periods, strict=True)
            ],
            "total": shown(row["total_minor"]),
        }
        for code, row in sorted(schedule.get("departments", {}).items())
    ]
    return {
        "caption": f"Schedule{f' of {number}' if number else ''}: who pays what in each "
        f"period, in {currency}",
        "periods": periods,
        "rows": rows,
        "in_kind": _in_kind_row(schedule, periods, shown),
        "totals": [shown(column["amount_minor"]) for column in periods],
        "total": shown(schedule.get("total_minor", 0)),
    }


def _in_kind_row(schedule: dict, periods: list[dict], shown) -> dict | None:
    """The donated amount in each in-kind period, with the donors' names; None for none."""
    if not schedule.get("in_kind_minor"):
        return None
    return {
        "donors": list(dict.fromkeys(column["donor"] for column in periods if column["in_kind"])),
        "cells": [
            {"amount": shown(cell), "donor": column["donor"], "in_kind": column["in_kind"]}
            for cell, column in zip(schedule.get("in_kind_row", []), periods, strict=True)
        ],
        "total": shown(schedule["in_kind_minor"]),
    }


def _column(period: dict, municipality) -> dict:
    starts_on = dt.date.fromisoformat(period["starts_on"])
    ends_on = dt.date.fromisoformat(period["ends_on"])
    begins = formatting.format_date(starts_on, municipality)
    when = (
        begins
        if starts_on == ends_on
        else f"{begins} \N{EN DASH} {formatting.format_date(ends_on, municipality)}"
    )
    return {
        "label": period["label"],
        "when": when,
        "amount_minor": period["amount_minor"],
        "in_kind": period["in_kind"],
        "donor": period["donor"],
    }
