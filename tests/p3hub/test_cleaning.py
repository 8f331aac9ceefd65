"""p3hub.cleaning: what services make of raw input, with the words pages and the API share."""

import time
from decimal import ROUND_DOWN, Decimal, InvalidOperation, localcontext
from fractions import Fraction

import pytest
from django.db import models
from hypothesis import given, settings
from hypothesis import strategies as st

from p3hub.cleaning import (
    REQUIRED,
    clean_amount,
    clean_choice,
    clean_decimal,
    clean_text,
    clean_whole_number,
)
from p3hub.errors import ValidationFailed

PROPERTY = settings(max_examples=200, deadline=None)


class Colour(models.TextChoices):
    RED = "red", "Red"
    BLUE = "blue", "Blue"


def refusal(function, *args, **kwargs) -> ValidationFailed:
    """The ValidationFailed `function` raises, after checking it came quickly."""
    started = time.perf_counter()
    with pytest.raises(ValidationFailed) as excinfo:
        function(*args, **kwargs)
    assert time.perf_counter() - started < 1, "refusing must not do work proportional to 10**n"
    return excinfo.value


def test_required_message():
    assert REQUIRED == "This field is required."


# --- clean_text -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [
        ("Main street", 20, "Main street"),
        ("  Main street \n", 11, "Main street"),  # stripped before counting
        ("abc", 3, "abc"),
        ("éàü", 3, "éàü"),  # characters, not bytes
        ("", 5, ""),
        ("   ", 5, ""),
        (None, 5, ""),
        ("line one\nline two", 50, "line one\nline two"),
    ],
)
def test_clean_text_accepts(value, limit, expected):
    result = clean_text(value, field="site", limit=limit)

    assert result == expected
    assert type(result) is str


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n"])
def test_clean_text_blank_is_required_when_required(value):
    error = refusal(clean_text, value, field="reason", limit=10, required=True)

    assert (error.message, error.field, error.code) == (REQUIRED, "reason", "required")


def test_clean_text_required_keeps_real_text():
    assert clean_text(" x ", field="reason", limit=10, required=True) == "x"


@pytest.mark.parametrize(
    ("value", "length"),
    [("abcd", 4), ("a" * 10_000, 10_000), ("  abcd  x ", 7), ("éàüö", 4)],  # counted stripped
)
def test_clean_text_too_long_is_refused_never_cut(value, length):
    error = refusal(clean_text, value, field="reason", limit=3)

    assert (error.message, error.field, error.code) == (
        f"At most 3 characters (this has {length}).",
        "reason",
        "max_length",
    )


@pytest.mark.parametrize("value", ["a\x00b", "\x00", " \x00 ", "abc\x00"])
@pytest.mark.parametrize("required", [False, True])
def test_clean_text_refuses_nul(value, required):
    error = refusal(clean_text, value, field="site", limit=10, required=required)

    assert (error.message, error.field, error.code) == (
        "Remove the NUL character.",
        "site",
        "invalid",
    )


@pytest.mark.parametrize("value", [5, 0, False, True, 1.5, b"abc", ["abc"], {"a": 1}, Decimal(1)])
def test_clean_text_refuses_what_is_not_text(value):
    error = refusal(clean_text, value, field="site", limit=10)

    assert (error.message, error.field, error.code) == ("Enter text.", "site", "invalid")


@PROPERTY
@given(value=st.text(max_size=30), limit=st.integers(min_value=0, max_value=30))
def test_clean_text_returns_the_stripped_text_or_refuses(value, limit):
    stripped = value.strip()
    try:
        result = clean_text(value, field="f", limit=limit)
    except ValidationFailed as error:
        assert error.field == "f"
        assert len(stripped) > limit or "\x00" in stripped
    else:
        assert result == stripped
        assert len(result) <= limit
        assert "\x00" not in result


# --- clean_choice ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "choices"),
    [
        ("red", Colour),
        ("blue", Colour),
        (Colour.RED, Colour),
        ("red", ["red", "blue"]),
        ("blue", ("red", "blue")),
        ("red", {"red", "blue"}),
        ("red", frozenset({"red"})),
    ],
)
def test_clean_choice_accepts(value, choices):
    result = clean_choice(value, choices, field="colour", message="“{value}” is not a colour.")

    assert result == value
    assert isinstance(result, str)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("green", "green"),
        ("Red", "Red"),  # case matters
        (" red", " red"),  # nothing is stripped
        ("x" * 80, "x" * 50),  # the message quotes at most 50 characters
        (1, "1"),
        (0, "0"),
        (False, "False"),
        (["red"], "['red']"),
        ("{0} {value}", "{0} {value}"),  # the user's braces are not a format string
    ],
)
def test_clean_choice_refuses_with_the_callers_message(value, shown):
    error = refusal(
        clean_choice, value, Colour, field="colour", message="“{value}” is not a colour."
    )

    assert (error.message, error.field, error.code) == (
        f"“{shown}” is not a colour.",
        "colour",
        "invalid",
    )


def test_clean_choice_needs_the_exact_type():
    # "1" is a valid choice but 1 is not a str: no guessing.
    error = refusal(clean_choice, 1, ["1"], field="n", message="No {value}.")

    assert error.message == "No 1."


@pytest.mark.parametrize("value", [None, ""])
def test_clean_choice_blank_is_required(value):
    error = refusal(
        clean_choice, value, Colour, field="colour", message="“{value}” is not a colour."
    )

    assert (error.message, error.field, error.code) == (REQUIRED, "colour", "required")


def test_clean_choice_takes_blank_only_when_blank_is_a_choice():
    # "" is accepted only when it is itself one of the choices.
    assert clean_choice("", ["", "a"], field="f", message="No {value}.") == ""
    assert (
        refusal(clean_choice, None, ["", "a"], field="f", message="No {value}.").code == "required"
    )


# --- clean_amount ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "currency", "minor"),
    [
        ("2,500.00", "USD", 250_000),
        ("$2,500.00", "USD", 250_000),
        (" USD 2,500 ", "USD", 250_000),
        (2500, "USD", 250_000),
        (Decimal("2500.5"), "USD", 250_050),
        ("0", "USD", 0),
        ("-12.50", "USD", -1_250),  # the sign is kept; the service decides
        ("2,500", "JPY", 2_500),
        ("2,500.125", "KWD", 2_500_125),
    ],
)
@pytest.mark.parametrize("required", [True, False])
def test_clean_amount_accepts(value, currency, minor, required):
    result = clean_amount(value, field="budget", currency=currency, required=required)

    assert result == minor
    assert type(result) is int


@pytest.mark.parametrize("value", [None, "", "   ", "\n"])
def test_clean_amount_blank(value):
    error = refusal(clean_amount, value, field="budget", currency="USD")

    assert (error.message, error.field, error.code) == (REQUIRED, "budget", "required")
    assert clean_amount(value, field="budget", currency="USD", required=False) is None


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("abc", "USD", "Enter an amount such as 2,500.00."),
        ("2,5", "USD", "Enter an amount such as 2,500.00."),
        ("1,0000", "USD", "Enter an amount such as 2,500.00."),
        ("abc", "JPY", "Enter an amount such as 2,500."),
        ("abc", "KWD", "Enter an amount such as 2,500.000."),
        (2500.0, "USD", "Enter an amount such as 2,500.00."),
        (True, "USD", "Enter an amount such as 2,500.00."),
        ([], "USD", "Enter an amount such as 2,500.00."),
        ("EUR 2,500", "USD", "Give the amount in USD."),
        ("2500.001", "USD", "USD amounts have at most 2 decimal places."),
        ("2500.5", "JPY", "JPY amounts have no decimal places."),
        ("1.2345", "KWD", "KWD amounts have at most 3 decimal places."),
        ("1" + "0" * 30, "USD", "That amount is too large."),
        ("9" * 100_000, "USD", "That amount is too large."),
        (Decimal("1E+99999999"), "USD", "That amount is too large."),
        (Decimal("1E-99999999"), "USD", "USD amounts have at most 2 decimal places."),
    ],
)
@pytest.mark.parametrize("required", [True, False])
def test_clean_amount_refuses_with_parse_amounts_words(value, currency, message, required):
    error = refusal(clean_amount, value, field="budget", currency=currency, required=required)

    assert (error.message, error.field, error.code) == (message, "budget", "invalid")
    assert str(error) == message
    assert error.__cause__ is None
    assert error.__suppress_context__


# --- clean_decimal --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("1.5", 2, Decimal("1.5")),
        ("1.25", 2, Decimal("1.25")),
        (" 2.25 ", 2, Decimal("2.25")),
        ("1.500", 2, Decimal("1.500")),  # trailing zeros are fine
        ("1.5000000000", 2, Decimal("1.5")),
        ("1,000.5", 2, Decimal("1000.5")),
        ("-1.25", 2, Decimal("-1.25")),
        ("0", 2, Decimal(0)),
        ("-0", 0, Decimal(0)),
        ("7", 0, Decimal(7)),
        ("7.000", 0, Decimal(7)),
        ("1e2", 0, Decimal(100)),
        ("1.5E-3", 4, Decimal("0.0015")),
        (".5", 1, Decimal("0.5")),
        (7, 0, Decimal(7)),
        (-7, 0, Decimal(-7)),
        (Decimal("33.3333"), 4, Decimal("33.3333")),
        (Decimal("2.50"), 1, Decimal("2.5")),
        (Decimal("1E+29"), 0, Decimal("1E+29")),
        ("999999999999999999999999999999", 0, Decimal(10**30 - 1)),
        ("0.000", 0, Decimal(0)),
    ],
)
def test_clean_decimal_accepts(value, places, expected):
    result = clean_decimal(value, field="quantity", places=places)

    assert result == expected
    assert type(result) is Decimal


@pytest.mark.parametrize(
    ("value", "places", "message"),
    [
        ("1.505", 2, "Use at most 2 decimal places."),
        ("0.001", 2, "Use at most 2 decimal places."),
        ("1.5", 0, "Use no decimal places."),
        ("0.1", 0, "Use no decimal places."),
        (Decimal("33.33333"), 4, "Use at most 4 decimal places."),
        ("1E-99999999", 2, "Use at most 2 decimal places."),
        (Decimal("1E-99999999"), 2, "Use at most 2 decimal places."),
        (Decimal("-1E-999999999"), 0, "Use no decimal places."),
        ("1e30", 2, "That number is too large."),
        ("1e40", 2, "That number is too large."),
        ("1E+99999999", 2, "That number is too large."),
        (Decimal("1E+999999999"), 0, "That number is too large."),
        (10**30, 0, "That number is too large."),
        (-(10**40), 0, "That number is too large."),
        ("1" * 31, 0, "That number is too large."),
        ("abc", 2, "Enter a number."),
        ("1.2.3", 2, "Enter a number."),
        ("2500\x00", 2, "Enter a number."),
        ("$5", 2, "Enter a number."),
        ("NaN", 2, "Enter a number."),
        ("sNaN", 2, "Enter a number."),
        ("-Infinity", 2, "Enter a number."),
        ("inf", 2, "Enter a number."),
        (Decimal("NaN"), 2, "Enter a number."),
        (Decimal("Infinity"), 2, "Enter a number."),
        ("1" * 41, 0, "Enter a number."),  # before Decimal() reads the digits
        ("9" * 1_000_000, 0, "Enter a number."),
        (None, 2, "Enter a number."),
        (1.5, 2, "Enter a number."),
        (2.0, 2, "Enter a number."),
        (float("nan"), 2, "Enter a number."),
        (True, 0, "Enter a number."),
        (False, 0, "Enter a number."),
        (Fraction(1, 2), 2, "Enter a number."),
        (b"1", 2, "Enter a number."),
        (["1"], 2, "Enter a number."),
    ],
)
def test_clean_decimal_refuses(value, places, message):
    error = refusal(clean_decimal, value, field="quantity", places=places)

    assert (error.message, error.field, error.code) == (message, "quantity", "invalid")


@pytest.mark.parametrize("value", ["", "   ", " \t\n"])
def test_clean_decimal_blank_is_required(value):
    error = refusal(clean_decimal, value, field="quantity", places=3)

    assert (error.message, error.field, error.code) == (REQUIRED, "quantity", "required")


@pytest.mark.parametrize("value", ["abc", 1.5, None, "NaN", "1" * 41])
def test_clean_decimal_uses_the_callers_message(value):
    error = refusal(clean_decimal, value, field="pct", places=4, message="Enter a percentage.")

    assert (error.message, error.field) == ("Enter a percentage.", "pct")


@settings(max_examples=25, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_clean_decimal_refuses_every_float(value):
    error = refusal(clean_decimal, value, field="quantity", places=3)

    assert (error.message, error.field) == ("Enter a number.", "quantity")


@PROPERTY
@given(
    number=st.decimals(
        min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False
    ),
    places=st.integers(min_value=0, max_value=6),
)
def test_clean_decimal_places_rule_is_exact(number, places):
    fits = (Fraction(number) * 10**places).denominator == 1
    for value in (number, str(number), f"{number:,f}"):
        try:
            result = clean_decimal(value, field="f", places=places)
        except ValidationFailed as error:
            assert not fits
            assert error.field == "f"
            assert error.message == (
                "Use no decimal places." if places == 0 else f"Use at most {places} decimal places."
            )
        else:
            assert fits
            assert result == number


def test_clean_decimal_ignores_the_callers_decimal_context():
    with localcontext() as context:
        context.prec = 3
        context.rounding = ROUND_DOWN
        assert clean_decimal("123456.789", field="f", places=3) == Decimal("123456.789")
        assert refusal(clean_decimal, "123456.7891", field="f", places=3).message == (
            "Use at most 3 decimal places."
        )
    with localcontext() as context:
        context.traps[InvalidOperation] = False
        assert refusal(clean_decimal, "abc", field="f", places=3).message == "Enter a number."


# --- clean_whole_number ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", 1),
        ("0", 0),
        ("10", 10),
        (" 5 ", 5),
        ("5.0", 5),
        ("5.000", 5),
        ("1e1", 10),
        ("-0", 0),
        (7, 7),
        (0, 0),
        (Decimal(5), 5),
        (Decimal("5.00"), 5),
        (Decimal("1E+1"), 10),
    ],
)
def test_clean_whole_number_accepts(value, expected):
    result = clean_whole_number(value, field="weight", low=0, high=10)

    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "value",
    [
        "11",
        "-1",
        11,
        -1,
        Decimal("10.5"),
        "1.5",
        "0.1",
        "abc",
        "NaN",
        "Infinity",
        "1e40",
        "1E+99999999",
        "1E-99999999",
        "1" * 41,
        "9" * 1_000_000,
        10**40,
        None,
        1.0,
        5.0,
        float("nan"),
        True,
        False,
        [],
        Fraction(1),
    ],
)
def test_clean_whole_number_has_one_message(value):
    error = refusal(clean_whole_number, value, field="weight", low=0, high=10)

    assert (error.message, error.field, error.code) == (
        "Enter a whole number from 0 to 10.",
        "weight",
        "invalid",
    )


@pytest.mark.parametrize("value", ["", "  "])
def test_clean_whole_number_blank_is_required(value):
    error = refusal(clean_whole_number, value, field="weight", low=1, high=100)

    assert (error.message, error.field, error.code) == (REQUIRED, "weight", "required")


@PROPERTY
@given(
    number=st.integers(min_value=-(10**6), max_value=10**6),
    low=st.integers(min_value=-1000, max_value=1000),
    span=st.integers(min_value=0, max_value=1000),
    as_text=st.booleans(),
)
def test_clean_whole_number_accepts_exactly_its_range(number, low, span, as_text):
    high = low + span
    value = str(number) if as_text else number
    try:
        result = clean_whole_number(value, field="n", low=low, high=high)
    except ValidationFailed as error:
        assert not low <= number <= high
        assert error.message == f"Enter a whole number from {low} to {high}."
        assert error.field == "n"
    else:
        assert low <= number <= high
        assert result == number
        assert type(result) is int


def test_clean_whole_number_range_ends_are_inclusive():
    assert clean_whole_number("1", field="weight", low=1, high=100) == 1
    assert clean_whole_number("100", field="weight", low=1, high=100) == 100
    assert refusal(clean_whole_number, "0", field="weight", low=1, high=100).message == (
        "Enter a whole number from 1 to 100."
    )
    assert refusal(clean_whole_number, "101", field="weight", low=1, high=100).message == (
        "Enter a whole number from 1 to 100."
    )
