"""p3hub.money: exact, float-free allocation (DESIGN.md invariant 6 and section 6)."""

import ast
import inspect
import math
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from p3hub import money
from p3hub.money import (
    MoneyError,
    allocate,
    allocate_amount,
    check_percentages,
    format_money,
    from_minor,
    minor_units,
    to_minor,
)

PROPERTY = settings(max_examples=200, deadline=None)

department_codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6)
decimal_weights = st.decimals(
    min_value=0, max_value=10**6, places=4, allow_nan=False, allow_infinity=False
)
int_weights = st.integers(min_value=0, max_value=10**9)
weight_maps = st.dictionaries(
    department_codes, st.one_of(decimal_weights, int_weights), min_size=1, max_size=200
).filter(lambda weights: any(weights.values()))
totals = st.integers(min_value=0, max_value=10**15)


def exact_share(total: int, weights: dict, key: str) -> Fraction:
    weight_sum = sum((Fraction(w) for w in weights.values()), Fraction(0))
    return Fraction(total) * Fraction(weights[key]) / weight_sum


# --- allocate: properties -------------------------------------------------------------------


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_parts_sum_exactly_to_the_total(total, weights):
    parts = allocate(total, weights)

    assert sum(parts.values()) == total
    assert set(parts) == set(weights)
    assert all(type(part) is int for part in parts.values())


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_each_part_is_floor_or_ceiling_of_its_exact_share(total, weights):
    parts = allocate(total, weights)

    for key, part in parts.items():
        share = exact_share(total, weights, key)
        assert part in {math.floor(share), math.ceil(share)}
        assert abs(part - share) < 1
        if weights[key] == 0:
            assert part == 0


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_extra_units_go_to_the_largest_remainders_then_lowest_key(total, weights):
    parts = allocate(total, weights)

    def rank(key):
        share = exact_share(total, weights, key)
        return (-(share - math.floor(share)), key)

    rounded_up = [key for key in parts if parts[key] > exact_share(total, weights, key)]
    rounded_down = [key for key in parts if parts[key] < exact_share(total, weights, key)]
    if rounded_up and rounded_down:
        assert max(rank(key) for key in rounded_up) < min(rank(key) for key in rounded_down)


@PROPERTY
@given(total=totals, weights=weight_maps, data=st.data())
def test_deterministic_and_independent_of_insertion_order(total, weights, data):
    shuffled = dict(data.draw(st.permutations(list(weights.items()))))

    first = allocate(total, weights)

    assert allocate(total, weights) == first
    assert allocate(total, shuffled) == first
    assert list(allocate(total, shuffled)) == sorted(weights)


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_negative_totals_mirror_positive_ones(total, weights):
    positive = allocate(total, weights)

    assert allocate(-total, weights) == {key: -part for key, part in positive.items()}


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_result_ignores_the_callers_decimal_context(total, weights):
    expected = allocate(total, weights)

    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        assert allocate(total, weights) == expected


# --- allocate: examples ---------------------------------------------------------------------


def test_ties_go_to_the_lowest_department_code():
    assert allocate(100, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": 34, "TRN": 33, "WTR": 33}
    assert allocate(101, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": 34, "TRN": 34, "WTR": 33}


def test_largest_remainder_beats_key_order():
    # Exact shares 14.2857..., 28.5714..., 57.1428...: remainders .29, .57, .14, one unit over.
    assert allocate(100, {"A": 1, "B": 2, "C": 4}) == {"A": 14, "B": 29, "C": 57}


def test_percentage_weights_with_four_decimals():
    weights = {"PSD": Decimal("33.3333"), "TRN": Decimal("33.3333"), "WTR": Decimal("33.3334")}

    assert allocate(1_000_000, weights) == {"PSD": 333_333, "TRN": 333_333, "WTR": 333_334}


def test_zero_weight_gets_nothing_even_with_leftover_units():
    assert allocate(10, {"A": 1, "B": 1, "C": 1, "Z": 0}) == {"A": 4, "B": 3, "C": 3, "Z": 0}


def test_zero_total():
    assert allocate(0, {"A": 1, "B": 0}) == {"A": 0, "B": 0}
    assert allocate(0, {"A": 0, "B": 0}) == {"A": 0, "B": 0}


def test_negative_total_tie_break_is_symmetric():
    assert allocate(-100, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": -34, "TRN": -33, "WTR": -33}


def test_single_department_takes_everything():
    assert allocate(12_345, {"PSD": Decimal("0.0001")}) == {"PSD": 12_345}


@pytest.mark.parametrize(
    ("total", "weights", "error"),
    [
        (1.0, {"A": 1}, TypeError),
        (True, {"A": 1}, TypeError),
        (Decimal(100), {"A": 1}, TypeError),
        ("100", {"A": 1}, TypeError),
        (100, {"A": 0.5}, TypeError),
        (100, {"A": True}, TypeError),
        (100, {"A": "1"}, TypeError),
        (100, {1: 1}, TypeError),
        (100, [("A", 1)], TypeError),
        (100, {}, MoneyError),
        (100, {"A": 1, "B": -1}, MoneyError),
        (100, {"A": Decimal("-0.0001")}, MoneyError),
        (100, {"A": 0, "B": Decimal(0)}, MoneyError),
        (100, {"A": Decimal("NaN")}, MoneyError),
        (100, {"A": Decimal("Infinity")}, MoneyError),
        (100, {"A": Decimal("1E+40")}, MoneyError),
        (100, {"A": Decimal("1E-999999")}, MoneyError),
    ],
)
def test_allocate_rejects_bad_input(total, weights, error):
    with pytest.raises(error):
        allocate(total, weights)


def test_negative_weight_error_names_the_department():
    with pytest.raises(MoneyError, match="TRN") as excinfo:
        allocate(100, {"PSD": 1, "TRN": -1})

    assert excinfo.value.key == "TRN"
    assert isinstance(excinfo.value, ValueError)


# --- allocate_amount ------------------------------------------------------------------------


def test_allocate_amount_returns_decimals_in_major_units():
    parts = allocate_amount(Decimal("100.00"), "USD", {"WTR": 1, "TRN": 1, "PSD": 1})

    assert parts == {"PSD": Decimal("33.34"), "TRN": Decimal("33.33"), "WTR": Decimal("33.33")}
    assert all(type(part) is Decimal for part in parts.values())
    assert str(parts["PSD"]) == "33.34"


def test_allocate_amount_in_zero_and_three_decimal_currencies():
    assert allocate_amount(1000, "JPY", {"A": 1, "B": 2}) == {"A": Decimal(333), "B": Decimal(667)}
    assert allocate_amount(Decimal("1.000"), "KWD", {"A": 1, "B": 2}) == {
        "A": Decimal("0.333"),
        "B": Decimal("0.667"),
    }


def test_allocate_amount_refuses_sub_minor_totals_and_floats():
    with pytest.raises(MoneyError, match="decimals"):
        allocate_amount(Decimal("100.005"), "USD", {"A": 1})
    with pytest.raises(MoneyError, match="decimals"):
        allocate_amount(Decimal("0.5"), "JPY", {"A": 1})
    with pytest.raises(TypeError):
        allocate_amount(100.0, "USD", {"A": 1})
    with pytest.raises(TypeError):
        allocate_amount("100.00", "USD", {"A": 1})


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_allocate_amount_sums_to_the_total(total, weights):
    amount = from_minor(total, "USD")

    parts = allocate_amount(amount, "USD", weights)

    assert sum(parts.values(), Decimal(0)) == amount


# --- currencies and conversion --------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("USD", 2),
        ("EUR", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("CLF", 4),
        ("ZZZ", 2),  # unassigned codes get cents
    ],
)
def test_minor_units(currency, exponent):
    assert minor_units(currency) == exponent


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "", "U$D", "USD "])
def test_malformed_currency_codes_are_refused(currency):
    with pytest.raises(MoneyError, match="currency"):
        minor_units(currency)


def test_currency_must_be_a_string():
    with pytest.raises(TypeError):
        minor_units(840)


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        (Decimal("12.34"), "USD", 1234),
        ("12.345", "USD", 1235),
        ("12.344", "USD", 1234),
        ("-12.345", "USD", -1235),
        (Decimal("0.005"), "USD", 1),
        (Decimal("-0.005"), "USD", -1),
        (7, "USD", 700),
        ("1234.5", "JPY", 1235),
        (Decimal("1234.4"), "JPY", 1234),
        ("1.2345", "KWD", 1235),
        ("1.2344", "BHD", 1234),
        ("0.00001", "USD", 0),
        (" 3.10 ", "USD", 310),
    ],
)
def test_to_minor_rounds_half_up_by_default(amount, currency, minor):
    assert to_minor(amount, currency) == minor


def test_to_minor_uses_the_rounding_it_is_given():
    assert to_minor("0.125", "USD", rounding=ROUND_HALF_EVEN) == 12
    assert to_minor("0.125", "USD", rounding=ROUND_HALF_UP) == 13
    assert to_minor("0.129", "USD", rounding=ROUND_DOWN) == 12
    with pytest.raises(MoneyError, match="rounding"):
        to_minor("0.125", "USD", rounding="ROUND_SIDEWAYS")


def test_to_minor_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        assert to_minor("123456789012.345", "USD") == 12_345_678_901_235
        assert from_minor(10**20 + 1, "USD") == Decimal("1000000000000000000.01")


@PROPERTY
@given(
    minor=st.integers(min_value=-(10**18), max_value=10**18),
    currency=st.sampled_from(["USD", "JPY", "KWD", "CLF"]),
)
def test_minor_major_round_trip(minor, currency):
    amount = from_minor(minor, currency)

    assert type(amount) is Decimal
    assert amount.as_tuple().exponent == -minor_units(currency)
    assert to_minor(amount, currency) == minor
    assert to_minor(str(amount), currency) == minor


@PROPERTY
@given(
    amount=st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**12), max_value=10**12)
)
def test_to_minor_is_within_half_a_minor_unit(amount):
    minor = to_minor(amount, "USD")

    assert abs(Fraction(minor, 100) - Fraction(amount)) <= Fraction(1, 200)


def test_from_minor_keeps_the_currency_decimals():
    assert str(from_minor(150, "USD")) == "1.50"
    assert str(from_minor(0, "USD")) == "0.00"
    assert str(from_minor(-5, "KWD")) == "-0.005"
    assert str(from_minor(12, "JPY")) == "12"


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        (1.5, TypeError),
        (True, TypeError),
        (None, TypeError),
        (Fraction(1, 2), TypeError),
        ("abc", MoneyError),
        ("", MoneyError),
        ("NaN", MoneyError),
        (Decimal("-Infinity"), MoneyError),
        ("1E+999999999", MoneyError),
    ],
)
def test_to_minor_rejects_bad_amounts(amount, error):
    with pytest.raises(error):
        to_minor(amount, "USD")


@pytest.mark.parametrize("minor", [1.0, Decimal(1), "1", True])
def test_from_minor_and_format_money_take_only_ints(minor):
    with pytest.raises(TypeError):
        from_minor(minor, "USD")
    with pytest.raises(TypeError):
        format_money(minor, "USD")


@pytest.mark.parametrize(
    ("minor", "currency", "text"),
    [
        (123_456, "USD", "USD 1,234.56"),
        (5, "USD", "USD 0.05"),
        (0, "EUR", "EUR 0.00"),
        (-123_456, "USD", "USD -1,234.56"),
        (1_234_567, "JPY", "JPY 1,234,567"),
        (1_234_567, "KWD", "KWD 1,234.567"),
        (10**17, "USD", "USD 1,000,000,000,000,000.00"),
    ],
)
def test_format_money(minor, currency, text):
    assert format_money(minor, currency) == text


# --- percentages ----------------------------------------------------------------------------


def test_valid_percentages_pass():
    check_percentages(
        {"PSD": Decimal("33.3333"), "TRN": Decimal("33.3333"), "WTR": Decimal("33.3334")}
    )
    check_percentages({"PSD": Decimal("33.3334"), "TRN": Decimal("66.66660")})
    check_percentages({"TRN": 100})
    check_percentages({"PSD": 50, "TRN": 25, "WTR": Decimal("25.0")})
    check_percentages({"PSD": Decimal("100.0000"), "TRN": 0})


def test_percentage_with_five_decimals_names_the_department():
    with pytest.raises(MoneyError, match=r"PSD.*4 decimal places") as excinfo:
        check_percentages({"TRN": Decimal("50.00001"), "PSD": Decimal("49.99999")})

    # Both are wrong; the first in key order is reported, so the message is stable.
    assert excinfo.value.key == "PSD"


@pytest.mark.parametrize(
    "percentages",
    [
        {"PSD": Decimal("33.3333"), "TRN": Decimal("33.3333"), "WTR": Decimal("33.3333")},
        {"PSD": 50, "TRN": 51},
        {"PSD": Decimal("100.0001")},
    ],
)
def test_percentages_must_total_exactly_100(percentages):
    with pytest.raises(MoneyError, match="not exactly 100"):
        check_percentages(percentages)


@pytest.mark.parametrize(
    ("percentages", "error"),
    [
        ({}, MoneyError),
        ({"PSD": 150, "TRN": -50}, MoneyError),
        ({"PSD": 50.0, "TRN": 50}, TypeError),
        ({"PSD": "50", "TRN": 50}, TypeError),
        ({"PSD": Decimal("NaN")}, MoneyError),
        ({1: 100}, TypeError),
        ([("PSD", 100)], TypeError),
    ],
)
def test_check_percentages_rejects_bad_input(percentages, error):
    with pytest.raises(error):
        check_percentages(percentages)


# --- no floats anywhere ---------------------------------------------------------------------


def test_money_module_source_has_no_floats():
    tree = ast.parse(inspect.getsource(money))

    float_literals = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, float | complex)
    ]
    float_calls = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"float", "round"}
    ]
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    float_imports = sorted(imported & {"math", "statistics"})

    assert float_literals == [], f"float literals on lines {float_literals}"
    assert float_calls == [], f"float()/round() calls on lines {float_calls}"
    assert float_imports == [], f"float-returning modules imported: {float_imports}"


@settings(max_examples=25, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_every_entry_point_refuses_floats(value):
    # NaN, infinities and integral floats such as 100.0 are floats too, and all are refused.
    with pytest.raises(TypeError):
        to_minor(value, "USD")
    with pytest.raises(TypeError):
        allocate(100, {"A": value})
    with pytest.raises(TypeError):
        allocate_amount(value, "USD", {"A": 1})
    with pytest.raises(TypeError):
        check_percentages({"A": value})
