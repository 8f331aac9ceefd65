"""Reading what people and programs typed, for the services (STYLE.md 4).

Forms and serializers hand raw values to the services; the services clean them with these and
so own every message: a page and the API answer the same bad input with the same words. Each
raises ValidationFailed naming the field.
"""

import re
from decimal import Decimal, InvalidOperation

from p3hub.errors import ValidationFailed
from p3hub.money import MoneyError, parse_amount

REQUIRED = "This field is required."
# A number as typed: ASCII digits, commas only as thousands separators ("2,5" may mean 2.5).
_TYPED_NUMBER = re.compile(
    r"[-+]?(?:(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"
    r"(?:[eE][-+]?[0-9]+)?"
)


def clean_text(value, *, field: str, limit: int, required: bool = False) -> str:
    """Stripped text of at most `limit` characters. Too long is refused, never cut: a cut
    reason or site would silently say something other than what was typed."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationFailed("Enter text.", field=field)
    value = value.strip()
    if required and not value:
        raise ValidationFailed(REQUIRED, field=field, code="required")
    if len(value) > limit:
        raise ValidationFailed(
            f"At most {limit} characters (this has {len(value)}).", field=field, code="max_length"
        )
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here, not with a 500
        raise ValidationFailed("Remove the NUL character.", field=field)
    return value


def clean_choice(value, choices, *, field: str, message: str) -> str:
    """One of `choices` (a TextChoices class or a collection of values)."""
    allowed = choices.values if isinstance(choices, type) else choices
    if isinstance(value, str) and value in allowed:
        return value
    if value in (None, ""):
        raise ValidationFailed(REQUIRED, field=field, code="required")
    raise ValidationFailed(message.format(value=str(value)[:50]), field=field)


def clean_amount(value, *, field: str, currency: str, required: bool = True) -> int | None:
    """An amount in major units as typed (`2500`, `2,500.00`, `$2,500.00`), in minor units.
    Nothing given is None when not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationFailed(REQUIRED, field=field, code="required")
        return None
    try:
        return parse_amount(value, currency)
    except MoneyError as error:
        raise ValidationFailed(str(error), field=field) from None


def clean_decimal(value, *, field: str, places: int, message: str = "Enter a number.") -> Decimal:
    """A finite decimal number with at most `places` decimals, from text, an int or a
    Decimal. Floats are refused: a float has already lost the typed value (invariant 6)."""
    if isinstance(value, bool | float) or not isinstance(value, int | str | Decimal):
        raise ValidationFailed(message, field=field)
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValidationFailed(REQUIRED, field=field, code="required")
        if len(value) > 40 or not _TYPED_NUMBER.fullmatch(value):
            raise ValidationFailed(message, field=field)
        value = value.replace(",", "")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValidationFailed(message, field=field) from None
    if not number.is_finite():
        raise ValidationFailed(message, field=field)
    if number and number.adjusted() >= 30:
        raise ValidationFailed("That number is too large.", field=field)
    if not _has_places(number, places):
        what = "no decimal places" if places == 0 else f"at most {places} decimal places"
        raise ValidationFailed(f"Use {what}.", field=field)
    return number


def _has_places(number: Decimal, places: int) -> bool:
    """Exact, whatever the decimal context: 1.500 has two places, trailing zeros aside."""
    if number.as_tuple().exponent < -60:  # before as_integer_ratio builds 10**huge
        return False
    numerator, denominator = number.as_integer_ratio()
    return numerator * 10**places % denominator == 0


def clean_whole_number(value, *, field: str, low: int, high: int) -> int:
    """A whole number from `low` to `high`, from text, an int or a whole Decimal."""
    message = f"Enter a whole number from {low} to {high}."
    try:
        number = clean_decimal(value, field=field, places=0, message=message)
    except ValidationFailed as error:
        if error.code == "required":
            raise
        raise ValidationFailed(message, field=field) from None
    if not low <= number <= high:
        raise ValidationFailed(message, field=field)
    return int(number)
