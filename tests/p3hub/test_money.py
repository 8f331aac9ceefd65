"""p3hub.money: exact, float-free allocation and amounts as people type them (DESIGN.md
invariant 6 and section 6). Percentage rules live in procurements.allocation and are tested in
tests/procurements/test_allocation.py."""

import ast
import inspect
import math
import time
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from types import MappingProxyType

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from p3hub import money
from p3hub.money import (
    MoneyError,
    allocate,
    format_money,
    from_minor,
    minor_units,
    parse_amount,
    to_minor,
)

PROPERTY = settings(max_examples=200, deadline=None)

department_codes = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6)
# Plain whole numbers, and percentages in ten-thousandths (60% = 600_000) as
# procurements.allocation passes them.
int_weights = st.one_of(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=1_000_000),
    st.integers(min_value=0, max_value=3),
)
weight_maps = st.dictionaries(department_codes, int_weights, min_size=1, max_size=200).filter(
    lambda weights: any(weights.values())
)
totals = st.integers(min_value=0, max_value=10**15)
CURRENCIES = ["USD", "JPY", "KWD"]


def exact_share(total: int, weights: dict, key: str) -> Fraction:
    return Fraction(total * weights[key], sum(weights.values()))


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
    assert allocate(total, MappingProxyType(shuffled)) == first
    assert list(allocate(total, shuffled)) == sorted(weights)


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_negative_totals_mirror_positive_ones(total, weights):
    positive = allocate(total, weights)

    assert allocate(-total, weights) == {key: -part for key, part in positive.items()}


@PROPERTY
@given(total=totals, weights=weight_maps, factor=st.integers(min_value=1, max_value=10**6))
def test_scaling_every_weight_changes_nothing(total, weights, factor):
    scaled = {key: weight * factor for key, weight in weights.items()}

    assert allocate(total, scaled) == allocate(total, weights)


@PROPERTY
@given(total=totals, weights=weight_maps)
def test_allocate_leaves_its_arguments_alone(total, weights):
    before = dict(weights)

    parts = allocate(total, weights)

    assert weights == before
    assert parts is not weights


# --- allocate: examples ---------------------------------------------------------------------


def test_ties_go_to_the_lowest_department_code():
    assert allocate(100, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": 34, "TRN": 33, "WTR": 33}
    assert allocate(101, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": 34, "TRN": 34, "WTR": 33}


def test_largest_remainder_beats_key_order():
    # Exact shares 14.2857..., 28.5714..., 57.1428...: remainders .29, .57, .14, one unit over.
    assert allocate(100, {"A": 1, "B": 2, "C": 4}) == {"A": 14, "B": 29, "C": 57}


def test_percentage_weights_in_ten_thousandths():
    # 33.3333%, 33.3333%, 33.3334% of USD 10,000.00.
    weights = {"PSD": 333_333, "TRN": 333_333, "WTR": 333_334}

    assert allocate(1_000_000, weights) == {"PSD": 333_333, "TRN": 333_333, "WTR": 333_334}
    # 60% / 40% of one cent more than an even split.
    assert allocate(101, {"PSD": 600_000, "TRN": 400_000}) == {"PSD": 61, "TRN": 40}


def test_zero_weight_gets_nothing_even_with_leftover_units():
    assert allocate(10, {"A": 1, "B": 1, "C": 1, "Z": 0}) == {"A": 4, "B": 3, "C": 3, "Z": 0}
    assert allocate(10, {"A": 0, "B": 0, "C": 3}) == {"A": 0, "B": 0, "C": 10}


def test_zero_total():
    assert allocate(0, {"A": 1, "B": 0}) == {"A": 0, "B": 0}
    assert allocate(0, {"B": 0, "A": 0}) == {"A": 0, "B": 0}
    assert list(allocate(0, {"B": 0, "A": 0})) == ["A", "B"]


def test_negative_total_tie_break_is_symmetric():
    assert allocate(-100, {"WTR": 1, "TRN": 1, "PSD": 1}) == {"PSD": -34, "TRN": -33, "WTR": -33}
    assert allocate(-1, {"B": 1, "A": 1}) == {"A": -1, "B": 0}


def test_single_department_takes_everything():
    assert allocate(12_345, {"PSD": 1}) == {"PSD": 12_345}
    assert allocate(-12_345, {"PSD": 10**30}) == {"PSD": -12_345}


def test_huge_totals_and_weights_stay_exact():
    total = 10**40 + 1

    parts = allocate(total, {"A": 10**30, "B": 10**30 + 1, "C": 1})

    assert sum(parts.values()) == total
    assert parts["C"] in {(total // (2 * 10**30 + 2)), (total // (2 * 10**30 + 2)) + 1}


@pytest.mark.parametrize(
    ("total", "weights", "error"),
    [
        (1.0, {"A": 1}, TypeError),
        (True, {"A": 1}, TypeError),
        (Decimal(100), {"A": 1}, TypeError),
        ("100", {"A": 1}, TypeError),
        (None, {"A": 1}, TypeError),
        (100, {"A": 0.5}, TypeError),
        (100, {"A": 1.0}, TypeError),
        (100, {"A": True}, TypeError),
        (100, {"A": "1"}, TypeError),
        (100, {"A": None}, TypeError),
        (100, {"A": Decimal(1)}, TypeError),  # weights are whole numbers now
        (100, {"A": Decimal("33.3333")}, TypeError),
        (100, {"A": Decimal("NaN")}, TypeError),
        (100, {"A": Fraction(1, 3)}, TypeError),
        (100, {1: 1}, TypeError),
        (100, {("A",): 1}, TypeError),
        (100, [("A", 1)], TypeError),
        (100, None, TypeError),
        (100, {}, MoneyError),
        (100, {"A": 1, "B": -1}, MoneyError),
        (100, {"A": 0, "B": 0}, MoneyError),
        (-1, {"A": 0}, MoneyError),
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
    with pytest.raises(MoneyError, match="currency"):
        parse_amount("1", currency)


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


def test_conversions_ignore_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        assert to_minor("123456789012.345", "USD") == 12_345_678_901_235
        assert from_minor(10**20 + 1, "USD") == Decimal("1000000000000000000.01")
        assert parse_amount("123,456,789,012.35", "USD") == 12_345_678_901_235
        assert parse_amount(Decimal("123456789012.35"), "USD") == 12_345_678_901_235
        with pytest.raises(MoneyError, match="at most 2 decimal places"):
            parse_amount("123,456,789,012.351", "USD")


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
        (123_456, "USD", "$1,234.56"),
        (5, "USD", "$0.05"),
        (0, "EUR", "EUR 0.00"),
        (-123_456, "USD", "-$1,234.56"),
        (1_234_567, "JPY", "JPY 1,234,567"),
        (1_234_567, "KWD", "KWD 1,234.567"),
        (10**17, "USD", "$1,000,000,000,000,000.00"),
        (123_456, "EUR", "EUR 1,234.56"),
        (-5, "EUR", "EUR -0.05"),
    ],
)
def test_format_money(minor, currency, text):
    assert format_money(minor, currency) == text


# --- parse_amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        # USD: two decimals.
        (2500, "USD", 250_000),
        ("2500", "USD", 250_000),
        ("2,500.00", "USD", 250_000),
        ("$2,500.00", "USD", 250_000),
        ("$ 2,500", "USD", 250_000),
        ("USD 2,500", "USD", 250_000),
        ("usd 2,500", "USD", 250_000),
        ("USD2500", "USD", 250_000),
        ("  2,500.5  ", "USD", 250_050),
        (Decimal("2500.5"), "USD", 250_050),
        (Decimal("2500.50"), "USD", 250_050),
        (Decimal("2.5E+3"), "USD", 250_000),
        ("2500.000", "USD", 250_000),  # trailing zeros change nothing
        (".5", "USD", 50),
        ("2500.", "USD", 250_000),
        ("0.01", "USD", 1),
        ("0", "USD", 0),
        ("-0", "USD", 0),
        (0, "USD", 0),
        ("1,234,567.89", "USD", 123_456_789),
        ("999", "USD", 99_900),
        ("999,999", "USD", 99_999_900),
        ("+2500", "USD", 250_000),
        ("-2,500.00", "USD", -250_000),  # the sign is kept; callers decide
        ("- 2500", "USD", -250_000),
        ("-$2,500.00", "USD", -250_000),
        ("-USD 2,500", "USD", -250_000),
        (-7, "USD", -700),
        (Decimal("-0.01"), "USD", -1),
        ("999,999,999,999,999,999,999,999,999,999.99", "USD", 10**32 - 1),
        # JPY: no decimals.
        (2500, "JPY", 2_500),
        ("2,500", "JPY", 2_500),
        ("¥2,500", "JPY", 2_500),
        ("JPY 1,234,567", "JPY", 1_234_567),
        ("2500.", "JPY", 2_500),
        ("2500.00", "JPY", 2_500),
        (Decimal("2500.0"), "JPY", 2_500),
        ("-1", "JPY", -1),
        # KWD: three decimals.
        ("2,500", "KWD", 2_500_000),
        ("2,500.125", "KWD", 2_500_125),
        ("KWD 1.5", "KWD", 1_500),
        ("kwd .005", "KWD", 5),
        (Decimal("0.001"), "KWD", 1),
        (3, "KWD", 3_000),
    ],
)
def test_parse_amount_reads_what_people_type(value, currency, minor):
    result = parse_amount(value, currency)

    assert result == minor
    assert type(result) is int


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        # Not an amount; the example follows the currency's decimals.
        ("abc", "USD", "Enter an amount such as 2,500.00."),
        ("", "USD", "Enter an amount such as 2,500.00."),
        ("   ", "USD", "Enter an amount such as 2,500.00."),
        (".", "USD", "Enter an amount such as 2,500.00."),
        ("-", "USD", "Enter an amount such as 2,500.00."),
        ("$", "USD", "Enter an amount such as 2,500.00."),
        ("USD", "USD", "Enter an amount such as 2,500.00."),
        ("2,5", "USD", "Enter an amount such as 2,500.00."),
        ("1,0000", "USD", "Enter an amount such as 2,500.00."),
        ("1,000,00", "USD", "Enter an amount such as 2,500.00."),
        (",500", "USD", "Enter an amount such as 2,500.00."),
        ("2 500", "USD", "Enter an amount such as 2,500.00."),
        ("2.500,00", "USD", "Enter an amount such as 2,500.00."),
        ("1.2.3", "USD", "Enter an amount such as 2,500.00."),
        ("--5", "USD", "Enter an amount such as 2,500.00."),
        ("$$5", "USD", "Enter an amount such as 2,500.00."),
        ("USD $5", "USD", "Enter an amount such as 2,500.00."),
        ("1e3", "USD", "Enter an amount such as 2,500.00."),
        ("NaN", "USD", "Enter an amount such as 2,500.00."),
        ("Infinity", "USD", "Enter an amount such as 2,500.00."),
        ("0x10", "USD", "Enter an amount such as 2,500.00."),
        ("1_000", "USD", "Enter an amount such as 2,500.00."),
        ("2500\x00", "USD", "Enter an amount such as 2,500.00."),
        ("(2,500)", "USD", "Enter an amount such as 2,500.00."),
        (Decimal("NaN"), "USD", "Enter an amount such as 2,500.00."),
        (Decimal("sNaN"), "USD", "Enter an amount such as 2,500.00."),
        (Decimal("-Infinity"), "USD", "Enter an amount such as 2,500.00."),
        (None, "USD", "Enter an amount such as 2,500.00."),
        (b"2500", "USD", "Enter an amount such as 2,500.00."),
        (Fraction(5, 2), "USD", "Enter an amount such as 2,500.00."),
        (["2500"], "USD", "Enter an amount such as 2,500.00."),
        (2500.0, "USD", "Enter an amount such as 2,500.00."),
        (float("nan"), "USD", "Enter an amount such as 2,500.00."),
        (True, "USD", "Enter an amount such as 2,500.00."),
        (False, "USD", "Enter an amount such as 2,500.00."),
        ("abc", "JPY", "Enter an amount such as 2,500."),
        ("2,5", "JPY", "Enter an amount such as 2,500."),
        (0.5, "JPY", "Enter an amount such as 2,500."),
        ("abc", "KWD", "Enter an amount such as 2,500.000."),
        (True, "KWD", "Enter an amount such as 2,500.000."),
        # Another currency's code.
        ("EUR 2,500", "USD", "Give the amount in USD."),
        ("eur 2,500", "USD", "Give the amount in USD."),
        ("-EUR 5", "USD", "Give the amount in USD."),
        ("USD 2,500", "JPY", "Give the amount in JPY."),
        ("ABC 1", "KWD", "Give the amount in KWD."),
        # More decimals than the currency has: rounding would change what was typed.
        ("2500.001", "USD", "USD amounts have at most 2 decimal places."),
        ("$0.005", "USD", "USD amounts have at most 2 decimal places."),
        (".001", "USD", "USD amounts have at most 2 decimal places."),
        ("-0.125", "USD", "USD amounts have at most 2 decimal places."),
        (Decimal("2500.505"), "USD", "USD amounts have at most 2 decimal places."),
        (Decimal("1E-99999999"), "USD", "USD amounts have at most 2 decimal places."),
        ("2500.5", "JPY", "JPY amounts have no decimal places."),
        (".5", "JPY", "JPY amounts have no decimal places."),
        (Decimal("0.1"), "JPY", "JPY amounts have no decimal places."),
        ("1.2345", "KWD", "KWD amounts have at most 3 decimal places."),
        ("1.23456", "CLF", "CLF amounts have at most 4 decimal places."),
        # Beyond any budget.
        ("1,000,000,000,000,000,000,000,000,000,000", "USD", "That amount is too large."),
        ("1" + "0" * 30, "JPY", "That amount is too large."),
        ("-1" + "0" * 30, "USD", "That amount is too large."),
        (10**30, "USD", "That amount is too large."),
        (-(10**30), "USD", "That amount is too large."),
        (Decimal("1E+30"), "KWD", "That amount is too large."),
        (Decimal("1E+999999999"), "USD", "That amount is too large."),
        ("9" * 61, "USD", "That amount is too large."),
        ("9" * 1_000_000, "USD", "That amount is too large."),
    ],
)
def test_parse_amount_refuses_with_a_message_for_people(value, currency, message):
    started = time.perf_counter()
    with pytest.raises(MoneyError) as excinfo:
        parse_amount(value, currency)

    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)
    assert time.perf_counter() - started < 1, "refusing must not do work proportional to 10**n"


amount_currencies = st.sampled_from(CURRENCIES)


@st.composite
def typed_minor(draw, *, signed: bool):
    """Minor units of any amount parse_amount accepts: below 10**30 in major units."""
    currency = draw(amount_currencies)
    limit = 10 ** (30 + minor_units(currency)) - 1
    minor = draw(
        st.one_of(
            st.integers(min_value=-limit if signed else 0, max_value=limit),
            st.integers(min_value=-1000 if signed else 0, max_value=1000),
            st.sampled_from([0, 1, limit, -limit if signed else limit]),
        )
    )
    return minor, currency


@PROPERTY
@given(case=typed_minor(signed=True))
@example(case=(0, "USD"))
@example(case=(1, "KWD"))
@example(case=(10**32 - 1, "USD"))
def test_parse_amount_reads_back_what_format_money_prints(case):
    minor, currency = case

    assert parse_amount(format_money(minor, currency), currency) == minor


@pytest.mark.parametrize(("minor", "currency"), [(-123_456, "USD"), (-1, "JPY"), (-5, "KWD")])
def test_parse_amount_reads_back_negative_amounts_format_money_prints(minor, currency):
    assert parse_amount(format_money(minor, currency), currency) == minor


@PROPERTY
@given(case=typed_minor(signed=True))
@example(case=(-1, "KWD"))
@example(case=(-(10**32) + 1, "USD"))
def test_parse_amount_reads_back_what_from_minor_gives(case):
    minor, currency = case
    amount = from_minor(minor, currency)

    assert parse_amount(str(amount), currency) == minor
    assert parse_amount(amount, currency) == minor
    assert parse_amount(f"{amount:,f}", currency) == minor


@PROPERTY
@given(
    value=st.one_of(
        st.text(max_size=70),
        st.text(alphabet="0123456789,.-+$€ UuSsDdEeRJPYKW", max_size=40),
        st.floats(),
        st.decimals(),
        st.integers(),
        st.booleans(),
        st.none(),
    ),
    currency=amount_currencies,
)
def test_parse_amount_never_speaks_of_cents(value, currency):
    try:
        parse_amount(value, currency)
    except MoneyError as error:
        message = str(error)
        assert "cent" not in message.lower()
        assert "minor" not in message.lower()
        assert message.endswith(".")
        assert message[0].isupper()


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
        from_minor(value, "USD")
    with pytest.raises(TypeError):
        format_money(value, "USD")
    with pytest.raises(TypeError):
        allocate(value, {"A": 1})
    with pytest.raises(TypeError):
        allocate(100, {"A": value})
    # parse_amount answers people (a float comes from a caller's JSON): a MoneyError.
    with pytest.raises(MoneyError, match=r"^Enter an amount such as 2,500\.00\.$"):
        parse_amount(value, "USD")
