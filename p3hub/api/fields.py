"""Serializer fields shared by every API: input fields parse JSON types only (the services
hold every rule and message, STYLE.md 4), output fields give money and times one shape."""

import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from p3hub.money import from_minor

AMOUNT_SCHEMA = {
    "type": "string",
    "format": "decimal",
    "pattern": r"^-?\d+(\.\d+)?$",
    "example": "2500.00",
}


class ServiceCode:
    """An error code the service may answer for a field, for the OpenAPI description
    (drf-standardized-errors lists a field's codes from its validators). It checks nothing:
    the service does, in its own words."""

    def __init__(self, code: str):
        self.code = code

    def __call__(self, value) -> None:
        return None

    def __eq__(self, other) -> bool:  # serializer fields compare validators when copied
        return isinstance(other, ServiceCode) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)


def service_codes(*codes: str) -> list[ServiceCode]:
    return [ServiceCode(code) for code in codes]


@extend_schema_field({"type": "integer", "description": "An id, as given; the service finds it."})
class IdInput(serializers.Field):
    """The id of a row the service looks up (and refuses in its own words)."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class RawInput(serializers.Field):
    """A JSON value handed to the service as it came; the service reads it and owns the
    message. Missing reads as null (in a partial update, missing stays missing)."""

    codes = ("required", "invalid")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        if not kwargs["required"]:
            kwargs.setdefault("default", None)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("validators", service_codes(*self.codes))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "oneOf": [{"type": "string", "example": "2,500.00"}, {"type": "number"}],
        "description": (
            "An amount in major units: a decimal string as people write it (`2500`, "
            "`2,500.00`, `$2,500.00`) or a JSON number (read exactly, never as a float)."
        ),
    }
)
class AmountInput(RawInput):
    """An amount as given; the service reads it (p3hub.money.parse_amount)."""


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "number"}]})
class NumberInput(AmountInput):
    """A number (a quantity, a weight) as given; the service reads it."""


def text_input(**kwargs) -> serializers.CharField:
    """Text as given: blank, missing and too long are the service's to refuse, in its words
    (a missing field reads as blank). `max_length` stays off so the service says it."""
    kwargs.setdefault("required", False)
    if not kwargs["required"]:
        kwargs.setdefault("default", "")
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("trim_whitespace", False)
    kwargs.setdefault("validators", service_codes("required", "max_length", "invalid"))
    return serializers.CharField(**kwargs)


@extend_schema_field(AMOUNT_SCHEMA)
class AmountField(serializers.Field):
    """Minor units out as a decimal string in major units, in the currency the view puts in
    the serializer context ("2500.00" USD, "2500" JPY): the API's one shape of money."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, minor: int) -> str:
        return str(from_minor(minor, self.context["currency"]))


def amount(minor: int, context) -> str:
    """The same as AmountField, for serializer methods that compute an amount."""
    return str(from_minor(minor, context["currency"]))


class LocalDateTimeField(serializers.DateTimeField):
    """ISO 8601 in and out. Every date-time the API returns is in the municipality's local
    time with its UTC offset (`2026-03-30T14:00:00-05:00`); one given without an offset is
    read in that local time (the API activates the municipality's zone for the request)."""

    default_error_messages = {"out_of_range": "Give a date between the years 1900 and 9000."}

    def to_internal_value(self, value):
        parsed = super().to_internal_value(value)
        # Years near 9999 overflow when converted to UTC for storage (a 500, not a 400).
        if not 1900 <= parsed.astimezone(dt.UTC).year <= 9000:
            self.fail("out_of_range")
        return parsed


@extend_schema_field({"type": "string", "format": "binary"})
class FileInput(serializers.FileField):
    """A file part of a multipart body, handed to the service as it came: the service refuses
    a missing, empty, oversize or wrong-type file in its own words (p3hub.files.check_upload)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("default", None)
        kwargs.setdefault("allow_empty_file", True)
        kwargs.setdefault("validators", service_codes("required", "too_large", "file_type"))
        super().__init__(**kwargs)
