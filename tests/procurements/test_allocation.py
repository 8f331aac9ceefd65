"""The cost-split engine (DESIGN.md 6, invariants 4 and 6), pure: no database.

Hypothesis draws lines, departments and valid inputs for every method and checks that the
matrix is whole to the cent: rows make each line's amount (in-kind part plus shares), columns
make each department's total, the parts make the total, nothing is negative, nothing is a
float, and the same inputs in another order give the same result.
"""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3hub.money import allocate
from procurements import allocation
from procurements.allocation import BasisLine, SplitError, compute_split, result_adds_up

# --- strategies ------------------------------------------------------------------------------

CODES = st.lists(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=4),
    min_size=1,
    max_size=12,
    unique=True,
)


@st.composite
def basis_lines(draw) -> list[BasisLine]:
    """1..40 lines: quantities up to 1,000,000 with up to three decimals, unit prices up to
    10**9 cents."""
    count = draw(st.integers(1, 40))
    return [
        BasisLine(
            id=1000 + index,
            description=f"line {index}",
            quantity=Decimal(draw(st.integers(1, 10**9))).scaleb(-3),
            unit_price_minor=draw(st.integers(0, 10**9)),
        )
        for index in range(count)
    ]


def partition(draw, whole: int, parts: int) -> list[int]:
    """`whole` cut into `parts` non-negative integers that add up to it exactly."""
    cuts = sorted(draw(st.lists(st.integers(0, whole), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, whole]
    return [b - a for a, b in itertools.pairwise(edges)]


def percent_strings(draw, codes: list[str], *, omit_zero: bool = False) -> dict[str, str]:
    """Percentages with up to four decimals that total exactly 100 (integer ten-thousandths,
    distributed, then written as decimal strings the way a form or the API sends them)."""
    units = partition(draw, allocation.PERCENT_UNITS, len(codes))
    shares = {code: str(Decimal(unit).scaleb(-4)) for code, unit in zip(codes, units, strict=True)}
    if omit_zero:  # a department left out of a line takes nothing of it
        shares = {code: value for code, value in shares.items() if Decimal(value)}
    return shares


def total_of(lines) -> int:
    return sum(line.amount_minor for line in lines)


@st.composite
def split_case(draw, method: str):
    lines = draw(basis_lines())
    codes = draw(CODES)
    total = total_of(lines)
    in_kind = draw(st.one_of(st.just(0), st.integers(0, total)))
    if method == allocation.PERCENTAGE:
        inputs = {"percentages": percent_strings(draw, codes)}
    elif method == allocation.FIXED:
        amounts = partition(draw, total - in_kind, len(codes))
        inputs = {"amounts": dict(zip(codes, amounts, strict=True))}
    elif method == allocation.LINE_ITEM:
        inputs = {
            "lines": {str(line.id): percent_strings(draw, codes, omit_zero=True) for line in lines}
        }
    else:
        inputs = {"quantities": {str(line.id): quantities(draw, line, codes) for line in lines}}
    return lines, codes, inputs, in_kind


def quantities(draw, line: BasisLine, codes: list[str]) -> dict[str, str]:
    thousandths = int(line.quantity.scaleb(3))
    units = partition(draw, thousandths, len(codes))
    return {code: str(Decimal(unit).scaleb(-3)) for code, unit in zip(codes, units, strict=True)}


# --- what every split must satisfy -----------------------------------------------------------


def assert_no_float(value) -> None:
    assert not isinstance(value, float)
    if isinstance(value, dict):
        for key, item in value.items():
            assert_no_float(key)
            assert_no_float(item)
    elif isinstance(value, list | tuple):
        for item in value:
            assert_no_float(item)


def assert_whole(result, lines, codes, in_kind) -> None:
    assert result.total_minor == total_of(lines)
    assert result.in_kind_minor == in_kind
    assert set(result.departments) == set(codes)
    columns = dict.fromkeys(codes, 0)
    for row, line in zip(result.lines, lines, strict=True):
        assert row["line"] == line.id
        assert row["amount"] == line.amount_minor
        assert set(row["shares"]) == set(codes)
        parts = [row["in_kind"], *row["shares"].values()]
        assert all(type(part) is int and part >= 0 for part in parts), row
        assert sum(parts) == row["amount"], row
        for code, part in row["shares"].items():
            columns[code] += part
    assert columns == result.departments
    assert sum(row["in_kind"] for row in result.lines) == in_kind
    assert sum(result.departments.values()) == result.total_minor - in_kind
    assert all(type(value) is int for value in result.departments.values())
    assert result_adds_up(result.as_json())
    assert_no_float(result.as_json())


def reordered(inputs: dict) -> dict:
    """The same inputs, every mapping in reverse insertion order."""
    if isinstance(inputs, dict):
        return {key: reordered(inputs[key]) for key in reversed(list(inputs))}
    return inputs


def run(method, lines, codes, inputs, in_kind):
    return compute_split(
        method=method, lines=lines, departments=codes, inputs=inputs, in_kind_minor=in_kind
    )


SETTINGS = settings(max_examples=150, deadline=None)


def units(value, places: int) -> int:
    """A number with at most `places` decimals as whole units of 10**-places (the engine's
    weights: ten-thousandths of a percent, thousandths of a unit)."""
    scaled = Decimal(value).scaleb(places)
    assert scaled == scaled.to_integral_value()
    return int(scaled)


@SETTINGS
@given(case=split_case(allocation.PERCENTAGE))
def test_percentage_split_is_whole_and_follows_the_percentages(case):
    lines, codes, inputs, in_kind = case
    result = run(allocation.PERCENTAGE, lines, codes, inputs, in_kind)
    assert_whole(result, lines, codes, in_kind)
    weights = {code: units(value, 4) for code, value in inputs["percentages"].items()}
    assert result.departments == allocate(result.payable_minor, weights)
    again = run(allocation.PERCENTAGE, lines, list(reversed(codes)), reordered(inputs), in_kind)
    assert again.as_json() == result.as_json()


@SETTINGS
@given(case=split_case(allocation.FIXED))
def test_fixed_split_is_whole_and_charges_exactly_the_amounts(case):
    lines, codes, inputs, in_kind = case
    result = run(allocation.FIXED, lines, codes, inputs, in_kind)
    assert_whole(result, lines, codes, in_kind)
    assert result.departments == inputs["amounts"]
    again = run(allocation.FIXED, lines, list(reversed(codes)), reordered(inputs), in_kind)
    assert again.as_json() == result.as_json()


@SETTINGS
@given(case=split_case(allocation.LINE_ITEM))
def test_line_item_split_is_whole_and_follows_each_lines_shares(case):
    lines, codes, inputs, in_kind = case
    result = run(allocation.LINE_ITEM, lines, codes, inputs, in_kind)
    assert_whole(result, lines, codes, in_kind)
    for row in result.lines:
        shares = inputs["lines"][str(row["line"])]
        weights = {code: units(shares.get(code, "0"), 4) for code in codes}
        assert row["shares"] == allocate(row["amount"] - row["in_kind"], weights)
    again = run(allocation.LINE_ITEM, lines, list(reversed(codes)), reordered(inputs), in_kind)
    assert again.as_json() == result.as_json()


@SETTINGS
@given(case=split_case(allocation.QUANTITY))
def test_quantity_split_is_whole_and_follows_the_quantities(case):
    lines, codes, inputs, in_kind = case
    result = run(allocation.QUANTITY, lines, codes, inputs, in_kind)
    assert_whole(result, lines, codes, in_kind)
    for row in result.lines:
        needs = {k: units(v, 3) for k, v in inputs["quantities"][str(row["line"])].items()}
        assert row["shares"] == allocate(row["amount"] - row["in_kind"], needs)
    again = run(allocation.QUANTITY, lines, list(reversed(codes)), reordered(inputs), in_kind)
    assert again.as_json() == result.as_json()


@st.composite
def fill_case(draw):
    """Line amounts and department totals that add up to the same whole."""
    net = draw(st.lists(st.integers(0, 10**12), min_size=1, max_size=40))
    codes = draw(CODES)
    return net, dict(zip(codes, partition(draw, sum(net), len(codes)), strict=True))


@settings(max_examples=300, deadline=None)
@given(case=fill_case())
def test_fill_never_overdraws_a_department(case):
    # The claim in _fill's docstring: no line takes more than a department still owes, so
    # no part is negative and the last line takes exactly the rest.
    net, columns = case
    rows = allocation._fill(net, columns)
    owed = dict(columns)
    for amount, row in zip(net, rows, strict=True):
        assert sum(row.values()) == amount
        for code, part in row.items():
            assert 0 <= part <= owed[code]
            owed[code] -= part
    assert set(owed.values()) == {0}


@settings(max_examples=200, deadline=None)
@given(
    quantity=st.integers(1, 10**14).map(lambda n: Decimal(n).scaleb(-3)),
    price=st.integers(0, 10**15),
)
def test_line_amount_is_exact_half_up_for_any_size(quantity, price):
    exact = quantity.scaleb(3) * price  # an integer: thousandths of a cent
    whole, rest = divmod(int(exact), 1000)
    assert allocation.line_amount_minor(quantity, price) == whole + (rest >= 500)


# --- the example and inputs that must be refused ----------------------------------

CAMERA = BasisLine(
    id=1, description="Traffic camera", quantity=Decimal(4), unit_price_minor=250_000
)
SENSOR = BasisLine(id=2, description="Speed sensor", quantity=Decimal(2), unit_price_minor=120_000)
LINES = [CAMERA, SENSOR]
DEPARTMENTS = ["TRN", "PSD"]


def intersection(inputs, method=allocation.LINE_ITEM, in_kind=0):
    return run(method, LINES, DEPARTMENTS, inputs, in_kind)


def test_camera_shared_half_and_half_and_sensor_all_transportation():
    result = intersection({"lines": {"1": {"TRN": "50", "PSD": "50"}, "2": {"TRN": "100"}}})
    assert result.departments == {"PSD": 500_000, "TRN": 740_000}
    assert result.lines[0]["shares"] == {"PSD": 500_000, "TRN": 500_000}
    assert result.lines[1]["shares"] == {"PSD": 0, "TRN": 240_000}
    assert list(result.departments) == ["PSD", "TRN"]  # code order, whatever the input order


def test_in_kind_is_taken_off_before_the_departments_pay():
    result = intersection(
        {"percentages": {"TRN": "60", "PSD": "40"}}, allocation.PERCENTAGE, 40_000
    )
    assert result.payable_minor == 1_200_000
    assert result.departments == {"PSD": 480_000, "TRN": 720_000}


def test_a_third_each_puts_the_odd_cent_by_department_code():
    lines = [BasisLine(id=1, description="x", quantity=Decimal(1), unit_price_minor=100)]
    inputs = {"percentages": {"C": "33.3333", "A": "33.3333", "B": "33.3334"}}
    result = run(allocation.PERCENTAGE, lines, ["C", "A", "B"], inputs, 0)
    assert result.departments == {"A": 33, "B": 34, "C": 33}


@pytest.mark.parametrize(
    ("method", "inputs", "field"),
    [
        # one cent short of the total, or over it
        (allocation.FIXED, {"amounts": {"TRN": 740_000, "PSD": 499_999}}, "amounts"),
        (allocation.FIXED, {"amounts": {"TRN": 740_001, "PSD": 500_000}}, "amounts"),
        (allocation.FIXED, {"amounts": {"TRN": "740000.5", "PSD": 499_999}}, "amounts.TRN"),
        # 0.0001 percentage points short, or over
        (allocation.PERCENTAGE, {"percentages": {"TRN": "59.9999", "PSD": "40"}}, "percentages"),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "60.0001", "PSD": "40"}}, "percentages"),
        # a fifth decimal
        (
            allocation.PERCENTAGE,
            {"percentages": {"TRN": "59.99995", "PSD": "40.00005"}},
            "percentages.PSD",
        ),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "100"}}, "percentages.PSD"),
        (
            allocation.PERCENTAGE,
            {"percentages": {"TRN": "60", "PSD": "40", "FIN": "0"}},
            "percentages",
        ),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "160", "PSD": "-60"}}, "percentages.PSD"),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "1E+20", "PSD": "0"}}, "percentages.TRN"),
        (
            allocation.PERCENTAGE,
            {"percentages": {"TRN": "1E-99999", "PSD": "100"}},
            "percentages.TRN",
        ),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "NaN", "PSD": "40"}}, "percentages.TRN"),
        (allocation.PERCENTAGE, {"percentages": {"TRN": "sixty", "PSD": "40"}}, "percentages.TRN"),
        (allocation.PERCENTAGE, {"percentages": ["TRN", "PSD"]}, "percentages"),
        (allocation.PERCENTAGE, ["not", "a", "mapping"], "inputs"),
        # floats are refused wherever they appear (invariant 6)
        (allocation.PERCENTAGE, {"percentages": {"TRN": 60.0, "PSD": 40}}, "percentages.TRN"),
        (allocation.FIXED, {"amounts": {"TRN": 740_000.0, "PSD": 500_000}}, "amounts.TRN"),
        (
            allocation.LINE_ITEM,
            {"lines": {"1": {"TRN": 50.0, "PSD": "50"}, "2": {"TRN": "100"}}},
            "lines.1.TRN",
        ),
        # unknown department, missing or unknown line
        (
            allocation.LINE_ITEM,
            {"lines": {"1": {"TRN": "50", "FIN": "50"}, "2": {"TRN": "100"}}},
            "lines.1",
        ),
        (allocation.LINE_ITEM, {"lines": {"1": {"TRN": "50", "PSD": "50"}}}, "lines.2"),
        (
            allocation.LINE_ITEM,
            {"lines": {"1": {"TRN": "100"}, "2": {"TRN": "100"}, "9": {}}},
            "lines",
        ),
        (
            allocation.LINE_ITEM,
            {"lines": {"1": {"TRN": "50", "PSD": "49.9999"}, "2": {"TRN": "100"}}},
            "lines.1",
        ),
        # quantities that do not add up to the line's
        (
            allocation.QUANTITY,
            {"quantities": {"1": {"TRN": "2", "PSD": "1"}, "2": {"TRN": "2"}}},
            "quantities.1",
        ),
        (
            allocation.QUANTITY,
            {"quantities": {"1": {"TRN": "2", "PSD": "1.9995", "X": "0"}, "2": {"TRN": "2"}}},
            "quantities.1",
        ),
        (
            allocation.QUANTITY,
            {"quantities": {"1": {"TRN": "2.0001", "PSD": "1.9999"}, "2": {"TRN": "2"}}},
            "quantities.1.PSD",
        ),
        ("by_mood", {}, "method"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(method, inputs, field):
    with pytest.raises(SplitError) as refused:
        intersection(inputs, method)
    assert refused.value.field == field


@pytest.mark.parametrize("in_kind", [-1, 1_240_001, 10.0, "100", True])
def test_in_kind_outside_zero_to_total_is_refused(in_kind):
    with pytest.raises(SplitError) as refused:
        intersection({"percentages": {"TRN": "60", "PSD": "40"}}, allocation.PERCENTAGE, in_kind)
    assert refused.value.field == "in_kind_amount"


def test_no_departments_or_no_lines_is_refused():
    with pytest.raises(SplitError) as refused:
        run(allocation.PERCENTAGE, LINES, [], {"percentages": {}}, 0)
    assert refused.value.field == "shares"
    with pytest.raises(SplitError) as refused:
        run(allocation.PERCENTAGE, [], DEPARTMENTS, {"percentages": {"TRN": "100"}}, 0)
    assert refused.value.field == "lines"


def test_a_total_too_large_to_store_is_refused():
    huge = [
        BasisLine(id=i, description="x", quantity=Decimal(10**6), unit_price_minor=10**12)
        for i in range(1, 3)
    ]
    with pytest.raises(SplitError) as refused:
        run(allocation.PERCENTAGE, huge, ["TRN"], {"percentages": {"TRN": "100"}}, 0)
    assert refused.value.field == "lines"


def test_result_adds_up_catches_a_cent_moved_or_a_float():
    result = intersection({"lines": {"1": {"TRN": "50", "PSD": "50"}, "2": {"TRN": "100"}}})
    stored = result.as_json()
    assert result_adds_up(stored)
    stored["lines"][0]["shares"]["PSD"] -= 1
    assert not result_adds_up(stored)
    stored["lines"][0]["shares"]["TRN"] += 1  # rows add up again; the columns do not
    assert not result_adds_up(stored)
    floated = result.as_json()
    floated["lines"][1]["shares"]["TRN"] = 240_000.0
    assert not result_adds_up(floated)
