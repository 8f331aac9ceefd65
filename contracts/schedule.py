"""The cost-sharing schedule (DESIGN.md 6, 11): who pays what, period by period.

A contract's awarded total is a one-time (capital) part, due at the start, and a recurring
part spread evenly over the years of the term (the cents left over go to the earliest years).
Any period may be in-kind: donated by the vendor or a named partner, so no department pays
for it. What the departments pay (the total less the in-kind periods) is divided among them in
proportion to the award's approved amounts, and each department's total is then spread over
the paid periods so that every column adds up to its period's amount and every row to the
department's total, exactly, in minor units (p3hub.money.allocate throughout).

When the in-kind periods are worth at least the cost split's in-kind contribution, no
department pays more than its head approved; when they are worth exactly that, each pays
exactly what was approved.

Pure Python: services, the API, the PDF and the OCDS export read the same `Schedule`.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from p3hub.money import allocate

MAX_TERM_YEARS = 30
CAPITAL = 0  # the index of the one-time period; years are 1..term


class ScheduleError(ValueError):
    """A schedule that cannot be built, with the input field at fault."""

    def __init__(self, message: str, *, field: str, code: str):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


@dataclass(frozen=True)
class Period:
    index: int
    label: str
    starts_on: dt.date
    ends_on: dt.date
    amount_minor: int
    donor: str = ""  # in-kind when set

    @property
    def in_kind(self) -> bool:
        return bool(self.donor)


@dataclass(frozen=True)
class Schedule:
    periods: tuple[Period, ...]
    # Department code -> its amount in each period, in the order of `periods`.
    rows: Mapping[str, tuple[int, ...]]

    @property
    def total_minor(self) -> int:
        return sum(period.amount_minor for period in self.periods)

    @property
    def in_kind_row(self) -> tuple[int, ...]:
        return tuple(p.amount_minor if p.in_kind else 0 for p in self.periods)

    @property
    def in_kind_minor(self) -> int:
        return sum(self.in_kind_row)

    def department_total(self, code: str) -> int:
        return sum(self.rows[code])

    def as_json(self) -> dict:
        return {
            "total_minor": self.total_minor,
            "in_kind_minor": self.in_kind_minor,
            "periods": [
                {
                    "index": p.index,
                    "label": p.label,
                    "starts_on": p.starts_on.isoformat(),
                    "ends_on": p.ends_on.isoformat(),
                    "amount_minor": p.amount_minor,
                    "in_kind": p.in_kind,
                    "donor": p.donor,
                }
                for p in self.periods
            ],
            "departments": {
                code: {"cells": list(cells), "total_minor": sum(cells)}
                for code, cells in self.rows.items()
            },
            "in_kind_row": list(self.in_kind_row),
        }


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of `years` years from `start`."""
    return add_years(start, years) - dt.timedelta(days=1)


def _periods(
    total: int, capital: int, years: int, start: dt.date, donors: Mapping[int, str]
) -> list[Period]:
    keys = {f"{year:03d}": 1 for year in range(1, years + 1)}  # ties to the earliest year
    recurring = allocate(total - capital, keys)
    periods = []
    if capital:
        periods.append(
            Period(CAPITAL, "One-time (capital)", start, start, capital, donors.get(CAPITAL, ""))
        )
    for year in range(1, years + 1):
        begins = add_years(start, year - 1)
        periods.append(
            Period(
                year,
                f"Year {year}",
                begins,
                # From the start date, not from `begins`: a term from 29 February loses no
                # day when a year begins on the 28th.
                term_end(start, year),
                recurring[f"{year:03d}"],
                donors.get(year, ""),
            )
        )
    return periods


def _check(total, capital, years, donors, weights, min_in_kind) -> None:
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= MAX_TERM_YEARS:
        raise ScheduleError(
            f"The term is a whole number of years from 1 to {MAX_TERM_YEARS}.",
            field="term_years",
            code="term_out_of_range",
        )
    if not 0 <= capital <= total:
        raise ScheduleError(
            "The one-time part must be between zero and the awarded total.",
            field="capital",
            code="capital_out_of_range",
        )
    known = set(range(1, years + 1)) | ({CAPITAL} if capital else set())
    if unknown := sorted(set(donors) - known):
        raise ScheduleError(
            f"There is no period {unknown[0]} in this schedule.",
            field="in_kind",
            code="unknown_period",
        )
    if not weights:
        raise ScheduleError("The award names no department.", field="award", code="no_departments")


def compute_schedule(
    *,
    total_minor: int,
    capital_minor: int,
    term_years: int,
    start_date: dt.date,
    weights: Mapping[str, int],
    donors: Mapping[int, str],
    min_in_kind_minor: int = 0,
) -> Schedule:
    """The schedule of a contract worth `total_minor`: `capital_minor` once at `start_date`,
    the rest spread over `term_years` years; periods in `donors` (index -> donor's name) are
    in-kind; departments pay the others in proportion to `weights` (the award's approved
    amounts, by department code). The in-kind periods must be worth at least
    `min_in_kind_minor` (the cost split's in-kind contribution, which the award kept)."""
    _check(total_minor, capital_minor, term_years, donors, weights, min_in_kind_minor)
    periods = _periods(total_minor, capital_minor, term_years, start_date, donors)
    donated = sum(p.amount_minor for p in periods if p.in_kind)
    if donated < min_in_kind_minor:
        raise ScheduleError(
            "The in-kind periods must cover at least the cost split's in-kind contribution, "
            "so that no department pays more than its head approved.",
            field="in_kind",
            code="in_kind_short",
        )
    owed = _department_totals(total_minor - donated, weights)
    return Schedule(periods=tuple(periods), rows=_spread(periods, owed))


def _department_totals(payable: int, weights: Mapping[str, int]) -> dict[str, int]:
    if payable and not any(weights.values()):
        raise ScheduleError(
            "No department pays any part of the award: mark the whole term in-kind.",
            field="in_kind",
            code="nobody_pays",
        )
    if not any(weights.values()):
        return dict.fromkeys(sorted(weights), 0)
    return allocate(payable, dict(weights))


def _spread(periods: list[Period], owed: dict[str, int]) -> dict[str, tuple[int, ...]]:
    """Each paid period divided in proportion to what each department still owes: the last
    paid period takes exactly the rest, so rows and columns both add up, and no cell is
    negative (a largest-remainder part never exceeds its weight when the total does not)."""
    remaining = dict(owed)
    cells: dict[str, list[int]] = {code: [] for code in sorted(owed)}
    for period in periods:
        if period.in_kind or not period.amount_minor:
            parts = dict.fromkeys(remaining, 0)
        else:
            parts = allocate(period.amount_minor, remaining)
        for code, part in parts.items():
            cells[code].append(part)
            remaining[code] -= part
    return {code: tuple(row) for code, row in cells.items()}
