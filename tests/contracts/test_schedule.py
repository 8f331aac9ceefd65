"""The cost-sharing schedule (contracts.schedule; DESIGN.md 6, 11, invariant 6), pure: no
database.

Hypothesis draws totals up to 10**12 minor units, a one-time part, terms of 1 to 30 years, one
to six departments with weights (some zero) and in-kind periods, and checks that the schedule
is whole to the cent: every column makes its period's amount, every row its department's
total, those totals are the award's weights applied to what the departments pay, in-kind
periods cost no department anything, no cell is negative, the years differ by at most one
minor unit (the earliest years take the extra ones), the periods cover the term day by day,
and no department pays more than its head approved when the in-kind periods cover the
split's contribution. Then the edge cases, and every refusal with its field and code."""

import datetime as dt
import itertools

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from contracts.schedule import (
    CAPITAL,
    MAX_TERM_YEARS,
    ScheduleError,
    add_years,
    compute_schedule,
    term_end,
)
from p3hub.money import allocate

PROPERTY = settings(max_examples=300, deadline=None)
CODES = ["FIN", "PSD", "PWD", "TRN", "UTL", "WTR"]
START = dt.date(2030, 1, 1)


def year_amounts(total: int, capital: int, years: int) -> list[int]:
    """What each year should cost, computed apart from the module: the recurring part cut
    evenly, the cents left over one each to the earliest years."""
    base, extra = divmod(total - capital, years)
    return [base + (1 if year <= extra else 0) for year in range(1, years + 1)]


def period_indexes(capital: int, years: int) -> list[int]:
    return ([CAPITAL] if capital else []) + list(range(1, years + 1))


@st.composite
def schedule_case(draw) -> dict:
    total = draw(st.one_of(st.integers(0, 10**12), st.integers(0, 1000)))
    capital = draw(st.one_of(st.just(0), st.just(total), st.integers(0, total)))
    years = draw(st.integers(1, MAX_TERM_YEARS))
    indexes = period_indexes(capital, years)
    donated_indexes = draw(st.sets(st.sampled_from(indexes), max_size=len(indexes)))
    amounts = dict(zip(period_indexes(0, years), year_amounts(total, capital, years), strict=True))
    amounts[CAPITAL] = capital
    donated = sum(amounts[index] for index in donated_indexes)
    codes = draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=6, unique=True))
    weights = {
        code: draw(st.one_of(st.just(0), st.integers(0, 10**12), st.integers(1, 100)))
        for code in codes
    }
    if total - donated and not any(weights.values()):
        # Someone must pay what is not donated: one department at least has a share.
        weights[draw(st.sampled_from(codes))] = draw(st.integers(1, 10**12))
    return {
        "total_minor": total,
        "capital_minor": capital,
        "term_years": years,
        "start_date": draw(st.dates(dt.date(2024, 1, 1), dt.date(2040, 12, 31))),
        "weights": weights,
        "donors": {index: f"Donor {index}" for index in donated_indexes},
        "min_in_kind_minor": draw(st.integers(0, donated)),
        "donated": donated,
    }


def computed(case: dict):
    arguments = {key: value for key, value in case.items() if key != "donated"}
    return compute_schedule(**arguments)


@PROPERTY
@given(case=schedule_case())
@example(
    case={
        "total_minor": 450_000,
        "capital_minor": 150_000,
        "term_years": 4,
        "start_date": dt.date(2028, 2, 29),
        "weights": {"TRN": 250_000, "PSD": 200_000},
        "donors": {1: "Acme"},
        "min_in_kind_minor": 75_000,
        "donated": 75_000,
    }
)
def test_every_row_and_column_adds_up_exactly(case):
    schedule = computed(case)
    periods = schedule.periods

    # Every column: the departments' cells and the in-kind amount make the period's amount.
    for column, period in enumerate(periods):
        paid = sum(cells[column] for cells in schedule.rows.values())
        assert paid + schedule.in_kind_row[column] == period.amount_minor
    # Every row: the department's total, which is its weight's share of what is not donated.
    payable = case["total_minor"] - case["donated"]
    if any(case["weights"].values()):
        expected = allocate(payable, case["weights"])
    else:
        expected = dict.fromkeys(case["weights"], 0)
    assert {code: sum(cells) for code, cells in schedule.rows.items()} == expected
    assert schedule.total_minor == case["total_minor"]
    assert schedule.in_kind_minor == case["donated"]
    for cells in schedule.rows.values():
        assert len(cells) == len(periods)
        assert all(type(cell) is int and cell >= 0 for cell in cells)
    # In-kind periods: nobody pays, the donor is named.
    for column, period in enumerate(periods):
        if period.index in case["donors"]:
            assert period.in_kind and period.donor == case["donors"][period.index]
            assert all(cells[column] == 0 for cells in schedule.rows.values())
        else:
            assert not period.in_kind and schedule.in_kind_row[column] == 0


LEAP_DAY_START = {
    "total_minor": 450_001,
    "capital_minor": 0,
    "term_years": 4,
    "start_date": dt.date(2028, 2, 29),
    "weights": {"TRN": 1},
    "donors": {},
    "min_in_kind_minor": 0,
    "donated": 0,
}


@PROPERTY
@given(case=schedule_case())
@example(case=LEAP_DAY_START)
def test_the_periods_are_the_one_time_part_then_even_years_covering_the_term(case):
    schedule = computed(case)
    periods = list(schedule.periods)
    start, years = case["start_date"], case["term_years"]

    if case["capital_minor"]:
        capital = periods.pop(0)
        assert (capital.index, capital.label) == (CAPITAL, "One-time (capital)")
        assert capital.amount_minor == case["capital_minor"]
        assert capital.starts_on == capital.ends_on == start
    assert [p.index for p in periods] == list(range(1, years + 1))
    assert [p.label for p in periods] == [f"Year {n}" for n in range(1, years + 1)]
    amounts = [p.amount_minor for p in periods]
    assert amounts == year_amounts(case["total_minor"], case["capital_minor"], years)
    assert max(amounts) - min(amounts) <= 1
    assert amounts == sorted(amounts, reverse=True)  # the extra cents go to the earliest years
    # Day by day: each year begins the day after the one before ends, from the start date
    # to the last day of the term.
    assert periods[0].starts_on == start
    for before, after in itertools.pairwise(periods):
        assert after.starts_on == before.ends_on + dt.timedelta(days=1)
    assert periods[-1].ends_on == term_end(start, years)


@st.composite
def award_case(draw) -> dict:
    """A schedule whose weights are an award's approved amounts: the total less the cost
    split's in-kind contribution, cut among the departments; the in-kind periods worth at
    least that contribution."""
    case = draw(schedule_case())
    contribution = draw(st.integers(0, case["donated"]))
    codes = list(case["weights"])
    weights = allocate(
        case["total_minor"] - contribution,
        {code: draw(st.integers(1, 1000)) for code in codes},
    )
    return {**case, "weights": weights, "min_in_kind_minor": contribution}


@PROPERTY
@given(case=award_case())
def test_no_department_pays_more_than_approved_when_the_in_kind_covers_the_contribution(case):
    schedule = computed(case)

    for code, approved in case["weights"].items():
        assert schedule.department_total(code) <= approved
        if case["donated"] == case["min_in_kind_minor"]:
            assert schedule.department_total(code) == approved


@PROPERTY
@given(case=schedule_case())
def test_the_json_says_what_the_schedule_says(case):
    schedule = computed(case)
    stored = schedule.as_json()

    assert stored["total_minor"] == case["total_minor"]
    assert stored["in_kind_minor"] == case["donated"]
    assert stored["in_kind_row"] == list(schedule.in_kind_row)
    assert [p["amount_minor"] for p in stored["periods"]] == [
        p.amount_minor for p in schedule.periods
    ]
    assert [p["starts_on"] for p in stored["periods"]] == [
        p.starts_on.isoformat() for p in schedule.periods
    ]
    for code, row in stored["departments"].items():
        assert row["cells"] == list(schedule.rows[code])
        assert row["total_minor"] == sum(row["cells"])


# --- concrete cases ---------------------------------------------------------------------------


def schedule(**changes):
    arguments = {
        "total_minor": 450_000,
        "capital_minor": 150_000,
        "term_years": 3,
        "start_date": START,
        "weights": {"TRN": 250_000, "PSD": 200_000},
        "donors": {},
    }
    return compute_schedule(**{**arguments, **changes})


def test_the_demo_contract_year_one_donated_by_the_vendor():
    """4,500.00: 1,500.00 one-time and three years of 1,000.00, year 1 donated by Acme."""
    result = schedule(donors={1: "Acme Traffic Systems"})

    assert [(p.label, p.amount_minor, p.donor) for p in result.periods] == [
        ("One-time (capital)", 150_000, ""),
        ("Year 1", 100_000, "Acme Traffic Systems"),
        ("Year 2", 100_000, ""),
        ("Year 3", 100_000, ""),
    ]
    # 3,500.00 paid, in the award's proportion 25:20.
    assert result.department_total("TRN") == 194_444
    assert result.department_total("PSD") == 155_556
    assert result.rows["TRN"][1] == result.rows["PSD"][1] == 0
    assert result.in_kind_row == (0, 100_000, 0, 0)


def test_a_term_from_29_february_keeps_every_day_and_ends_the_day_before_its_anniversary():
    result = schedule(start_date=dt.date(2028, 2, 29), term_years=4, capital_minor=0)

    assert [(p.starts_on, p.ends_on) for p in result.periods] == [
        (dt.date(2028, 2, 29), dt.date(2029, 2, 27)),
        (dt.date(2029, 2, 28), dt.date(2030, 2, 27)),
        (dt.date(2030, 2, 28), dt.date(2031, 2, 27)),
        (dt.date(2031, 2, 28), dt.date(2032, 2, 28)),
    ]
    assert add_years(dt.date(2028, 2, 29), 1) == dt.date(2029, 2, 28)
    assert term_end(dt.date(2028, 2, 29), 4) == dt.date(2032, 2, 28)


def test_every_period_in_kind_leaves_nothing_to_pay():
    result = schedule(donors={0: "Harbor Foundation", 1: "Acme", 2: "Acme", 3: "Acme"})

    assert result.in_kind_minor == 450_000
    assert result.rows == {"PSD": (0, 0, 0, 0), "TRN": (0, 0, 0, 0)}


def test_everything_in_kind_needs_no_department_with_a_share():
    result = schedule(capital_minor=0, term_years=1, donors={1: "Acme"}, weights={"TRN": 0})

    assert result.rows == {"TRN": (0,)}


def test_capital_equal_to_the_total_leaves_the_years_at_zero():
    result = schedule(capital_minor=450_000)

    assert [p.amount_minor for p in result.periods] == [450_000, 0, 0, 0]
    assert result.rows["TRN"] == (250_000, 0, 0, 0)
    assert result.rows["PSD"] == (200_000, 0, 0, 0)


def test_no_capital_means_no_one_time_period():
    result = schedule(capital_minor=0)

    assert [p.index for p in result.periods] == [1, 2, 3]
    assert [p.amount_minor for p in result.periods] == [150_000, 150_000, 150_000]


def test_the_cents_left_over_go_to_the_earliest_years():
    result = schedule(total_minor=100_002, capital_minor=0, term_years=4)

    assert [p.amount_minor for p in result.periods] == [25_001, 25_001, 25_000, 25_000]


def test_a_department_with_a_zero_weight_pays_nothing():
    result = schedule(weights={"TRN": 1, "PSD": 0})

    assert result.rows["PSD"] == (0, 0, 0, 0)
    assert result.department_total("TRN") == 450_000


def test_the_in_kind_exactly_the_contribution_charges_exactly_the_approved_amounts():
    """The award kept a contribution of 1,000.00: the departments approved 2,000.00 and
    1,500.00; year 1 (1,000.00) in kind makes each pay exactly that."""
    result = schedule(
        weights={"TRN": 200_000, "PSD": 150_000}, donors={1: "Acme"}, min_in_kind_minor=100_000
    )

    assert result.department_total("TRN") == 200_000
    assert result.department_total("PSD") == 150_000


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"term_years": 0}, "term_years", "term_out_of_range"),
        ({"term_years": MAX_TERM_YEARS + 1}, "term_years", "term_out_of_range"),
        ({"term_years": True}, "term_years", "term_out_of_range"),
        ({"term_years": "3"}, "term_years", "term_out_of_range"),
        ({"capital_minor": -1}, "capital", "capital_out_of_range"),
        ({"capital_minor": 450_001}, "capital", "capital_out_of_range"),
        ({"donors": {4: "Acme"}}, "in_kind", "unknown_period"),
        ({"capital_minor": 0, "donors": {0: "Acme"}}, "in_kind", "unknown_period"),
        ({"donors": {-1: "Acme"}}, "in_kind", "unknown_period"),
        ({"weights": {}}, "award", "no_departments"),
        ({"min_in_kind_minor": 1}, "in_kind", "in_kind_short"),
        ({"donors": {1: "Acme"}, "min_in_kind_minor": 100_001}, "in_kind", "in_kind_short"),
        ({"weights": {"TRN": 0, "PSD": 0}}, "in_kind", "nobody_pays"),
        ({"weights": {"TRN": 0}, "donors": {1: "Acme"}}, "in_kind", "nobody_pays"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_a_schedule_that_cannot_be_built_names_its_field(changes, field, code):
    with pytest.raises(ScheduleError) as refused:
        schedule(**changes)

    assert (refused.value.field, refused.value.code) == (field, code)
    assert refused.value.message == str(refused.value)
