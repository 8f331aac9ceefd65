"""Money for cost sharing: exact, float-free, deterministic.

Design invariant 6 says money is never computed in floats: every amount is a ``Decimal`` in major
units at the edges (forms, API, PDFs) and an ``int`` of minor units (cents, fils, yen) inside,
with rounding chosen explicitly by the caller. Invariant 4 says a published cost split adds up
to the total to the cent, so amounts are divided with the largest-remainder method and ties are
broken by department code: the same inputs give the same split on every machine, in every
process and regardless of the order the departments were entered in.

The edges, one function each: ``parse_amount`` reads an amount as people type it (``2500``,
``2,500.00``, ``$2,500.00``) in major units, for every form, API body and service, with the
message people read when it is not one; ``format_money`` prints one; ``to_minor`` and
``from_minor`` convert. ``allocate`` is the one division engine (procurements.allocation uses it).
Decimal rounding runs in a private context built for each call, so results never depend on the
caller's ``decimal`` context.

Pure Python, so that services, selectors, the PDF renderer and the OCDS export can all share
it. It raises ``TypeError`` for wrong types (a float is always a wrong type) and ``MoneyError``
(a ``ValueError``) for wrong values; services turn the latter into ``ValidationFailed`` naming
the field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    ROUND_05UP,
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
)

__all__ = [
    "MoneyError",
    "allocate",
    "format_amount",
    "format_money",
    "from_minor",
    "minor_units",
    "parse_amount",
    "to_minor",
]

# ISO 4217 minor-unit exponents that differ from the usual 2. Codes not listed here (including
# codes ISO has not assigned yet) are treated as having cents, which is right for most currencies.
# fmt: off
_EXPONENTS: dict[str, int] = {
    # No minor unit in use.
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF",
                     "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    # Thousandths (fils, baisa, millime, dirham).
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    # Units of account with four decimals.
    **dict.fromkeys(("CLF", "UYW"), 4),
}
# fmt: on
_DEFAULT_EXPONENT = 2
_CURRENCY_RE = re.compile(r"[A-Z]{3}")

_ROUNDING_MODES = frozenset(
    {
        ROUND_05UP,
        ROUND_CEILING,
        ROUND_DOWN,
        ROUND_FLOOR,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
        ROUND_HALF_UP,
        ROUND_UP,
    }
)

# Bounds on the size of a Decimal we agree to work on. Exact arithmetic on "1E+999999999" or
# "1E-999999999" would build integers with a billion digits: a denial of service from one form
# field. No budget, quantity or percentage comes near 10**30 or needs 30 decimal places.
_MAX_ADJUSTED = 30


class MoneyError(ValueError):
    """A money value that is well-typed but unusable. ``key`` names the department, if any."""

    def __init__(self, message: str, *, key: str | None = None):
        super().__init__(message)
        self.key = key


def minor_units(currency: str) -> int:
    """Return the ISO 4217 exponent of ``currency``: 2 for USD, 0 for JPY, 3 for KWD.

    The code must be three upper-case ASCII letters; anything else is a caller bug or bad input
    and is refused rather than guessed at.
    """
    if not isinstance(currency, str):
        raise TypeError(f"currency must be a str, not {type(currency).__name__}")
    if not _CURRENCY_RE.fullmatch(currency):
        raise MoneyError(f"malformed currency code {currency!r}: expected 3 letters like 'USD'")
    return _EXPONENTS.get(currency, _DEFAULT_EXPONENT)


def _exact_context(precision: int, rounding: str = ROUND_HALF_UP) -> Context:
    """A decimal context with enough precision that nothing is rounded unless we ask for it.

    Built per call so that a caller's ``decimal.localcontext()`` cannot change our results.
    """
    return Context(
        prec=max(precision, 1),
        rounding=rounding,
        Emin=MIN_EMIN,
        Emax=MAX_EMAX,
        traps=[InvalidOperation, DivisionByZero, Overflow],
    )


def _as_decimal(value: object, what: str) -> Decimal:
    """Coerce an int, str or Decimal to a finite Decimal; refuse floats and bools outright.

    A float has already lost the exact value the user typed, so accepting one would hide the bug
    invariant 6 forbids. ``bool`` is an ``int`` subclass but never a meaningful amount.
    """
    if isinstance(value, float | bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{what} must be a Decimal, int or str, not {type(value).__name__}")
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise MoneyError(f"{what} {value!r} is not a number") from None
    result = Decimal(value)
    if not result.is_finite():
        raise MoneyError(f"{what} must be a finite number, not {result}")
    if result and result.adjusted() >= _MAX_ADJUSTED:
        raise MoneyError(f"{what} {result} is too large")
    return result


def to_minor(amount: Decimal | int | str, currency: str, *, rounding: str = ROUND_HALF_UP) -> int:
    """Convert a major-unit amount (``Decimal("12.345")`` USD) to minor units (``1235``).

    Rounding is explicit because it is a business decision (half-up for invoices, down for caps);
    the default half-up rounds ``0.005`` to one cent and ``-0.005`` to minus one cent.
    """
    if rounding not in _ROUNDING_MODES:
        raise MoneyError(f"unknown rounding mode {rounding!r}")
    exponent = minor_units(currency)
    value = _as_decimal(amount, "amount")
    # Integer digits of the result, plus slack: the context never has to round anything except
    # the discarded sub-minor digits, which quantize rounds with the mode we were given.
    context = _exact_context(value.adjusted() + exponent + 2, rounding)
    quantum = Decimal((0, (1,), -exponent))
    quantized = value.quantize(quantum, context=context)
    sign, digits, _ = quantized.as_tuple()
    minor = int("".join(map(str, digits)))
    return -minor if sign else minor


def _check_minor(minor: object) -> int:
    """Minor units are counted, never measured: only a true int (not bool, not Decimal) will do."""
    if isinstance(minor, bool) or not isinstance(minor, int):
        raise TypeError(f"minor units must be an int, not {type(minor).__name__}")
    return minor


def from_minor(minor: int, currency: str) -> Decimal:
    """Convert minor units back to a Decimal with exactly the currency's decimals.

    ``from_minor(1234, "USD") == Decimal("12.34")`` and keeps the trailing zeros
    (``Decimal("1.50")``), so the value prints as money without further quantizing. Built from
    the digit tuple, so it is exact for any size and ignores the decimal context.
    """
    minor = _check_minor(minor)
    exponent = minor_units(currency)
    digits = tuple(int(digit) for digit in str(abs(minor)))
    return Decimal((1 if minor < 0 else 0, digits, -exponent))


def format_amount(minor: int, currency: str) -> str:
    """Minor units as people write the amount, without the code: ``"1,234.56"`` (what a form
    shows to edit; ``parse_amount`` reads it back)."""
    return f"{from_minor(minor, currency):,f}"


def format_money(minor: int, currency: str) -> str:
    """Render minor units for pages, e-mails and contract PDFs: US dollars as people in the
    US write them (``"$1,234.56"``, ``"-$1,234.56"``), every other currency with its code first
    (``"EUR 1,234.56"``), since a bare symbol is ambiguous across the currencies sharing it.

    The grouping is fixed (comma thousands, point decimals) so that a contract reads the same
    whatever the server locale. ``parse_amount`` reads every one of these back.
    """
    amount = format_amount(minor, currency)
    if currency == "USD":
        return f"-${amount[1:]}" if amount.startswith("-") else f"${amount}"
    return f"{currency} {amount}"


def allocate(total_minor: int, weights: Mapping[str, int]) -> dict[str, int]:
    """Split ``total_minor`` in proportion to whole-number ``weights`` (cents still owed,
    ten-thousandths of a percent, thousandths of a unit) so the parts sum exactly to it.

    Largest-remainder method: every key first gets the floor of its exact share; the minor units
    left over go one each to the keys with the largest remainders, and equal remainders are
    resolved by ascending key (department code). Hence each part is the floor or the ceiling of
    its exact share, zero weights get 0, and the result does not depend on the mapping's order.
    Negative totals (credits, refunds) are allocated symmetrically, so a reversal cancels the
    original charge department by department.

    Returns a new dict ordered by key. Raises ``TypeError`` for floats and other wrong types and
    ``MoneyError`` for an empty map, a negative weight, or all-zero weights with a nonzero total.
    The checks are type and sign only, with nothing built per weight: it runs in hot loops.
    """
    total = _check_minor(total_minor)
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a mapping, not {type(weights).__name__}")
    if not weights:
        raise MoneyError("weights must name at least one department")
    for key, weight in weights.items():
        if not isinstance(key, str):
            raise TypeError(f"allocation keys must be department codes (str), not {key!r}")
        if isinstance(weight, bool) or not isinstance(weight, int):
            raise TypeError(f"weight of {key!r} must be an int, not {type(weight).__name__}")
        if weight < 0:
            raise MoneyError(f"weight of {key!r} is negative ({weight})", key=key)
    return _largest_remainder(total, weights)


def _largest_remainder(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """The largest-remainder division of ``total`` by non-negative integer ``weights``.

    Each exact share is magnitude * w / W; its floor and remainder (over the common W) come
    from one divmod, and comparing remainders over a common denominator is comparing the
    fractions, so this is the Fraction computation without building any Fraction.
    """
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        if total != 0:
            raise MoneyError("cannot allocate a nonzero total when every weight is zero")
        return dict.fromkeys(sorted(weights), 0)

    magnitude = abs(total)
    parts: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for key, weight in weights.items():
        parts[key], remainders[key] = divmod(magnitude * weight, weight_sum)

    leftover = magnitude - sum(parts.values())
    # Sum of remainders == leftover * W and each remainder < W, so more than `leftover` keys
    # have a positive remainder: an exact share (remainder 0), including every zero weight,
    # never gains.
    if leftover:
        by_remainder = sorted(remainders, key=lambda key: (-remainders[key], key))
        for key in by_remainder[:leftover]:
            parts[key] += 1

    sign = -1 if total < 0 else 1
    return {key: sign * parts[key] for key in sorted(parts)}


# What people type: a sign (before or after the currency), an optional currency code or
# symbol, ASCII digits grouped by commas in threes (or not grouped), an optional fraction.
# "2,5" and "0,500" are refused rather than guessed at: either may mean a decimal comma.
_TYPED_AMOUNT = re.compile(
    r"(?P<sign>[-+]?)\s*(?:(?P<code>[A-Za-z]{3})\s*|(?P<symbol>[$€£¥])\s*)?(?P<sign2>[-+]?)"
    r"(?:(?P<whole>[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?P<fraction>\.[0-9]*)?"
    r"|(?P<bare>\.[0-9]+))"
)
# Which currencies a typed symbol may stand for.
_SYMBOLS = {
    "$": {"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"},
    "€": {"EUR"},
    "£": {"GBP"},
    "¥": {"JPY", "CNY"},
}
_MAX_TYPED = 60  # characters: beyond any real amount, before the regex reads a megabyte


def parse_amount(value: object, currency: str) -> int:
    """An amount in major units as people and programs give it, in minor units of `currency`:
    ``2500``, ``"2500"``, ``"2,500.00"``, ``"$2,500.00"``, ``"USD 2,500"``, ``Decimal("2500.5")``.

    Refused with a ``MoneyError`` whose message is for people (it never speaks of minor units):
    text that is not an amount, another currency's code, more decimals than the currency has
    (rounding would change what was typed), and amounts beyond any budget. Floats are refused
    as a ``MoneyError`` too: they come from a caller's JSON, and a float has already lost the
    typed value (invariant 6). The sign is kept; whether an amount may be negative is the
    caller's rule.
    """
    example = format_amount(2_500 * 10 ** minor_units(currency), currency)
    invalid = MoneyError(f"Enter an amount such as {example}.")
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise invalid
    if isinstance(value, str):
        value = _typed_decimal(value.strip(), currency, invalid)
    amount = Decimal(value)
    if not amount.is_finite():
        raise invalid
    if amount and amount.adjusted() >= _MAX_ADJUSTED:
        raise MoneyError("That amount is too large.")
    minor = to_minor(amount, currency)
    if from_minor(minor, currency) != amount:
        places = minor_units(currency)
        raise MoneyError(
            f"{currency} amounts have no decimal places."
            if places == 0
            else f"{currency} amounts have at most {places} decimal places."
        )
    return minor


def _typed_decimal(text: str, currency: str, invalid: MoneyError) -> Decimal:
    if len(text) > _MAX_TYPED:
        raise MoneyError("That amount is too large.")
    match = _TYPED_AMOUNT.fullmatch(text)
    if match is None or (match["sign"] and match["sign2"]):
        raise invalid
    if (match["code"] and match["code"].upper() != currency) or (
        match["symbol"] and currency not in _SYMBOLS[match["symbol"]]
    ):
        raise MoneyError(f"Give the amount in {currency}.")
    if match["bare"]:
        digits = "0" + match["bare"]
    else:
        digits = match["whole"].replace(",", "") + (match["fraction"] or "").rstrip(".")
    return Decimal((match["sign"] or match["sign2"]) + digits)
