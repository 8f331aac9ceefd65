"""Request body parsers."""

import re

from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

# A UTF-16 surrogate alone (JSON allows "\ud800"): no UTF-8 text, so no database column, page
# or JSON answer, can hold it.
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SURROGATE_MESSAGE = "Text cannot contain a lone UTF-16 surrogate (\\ud800-\\udfff)."


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, but a body nested too deeply for the decoder (`[[[[...`) is a 400
    parse error like any other malformed JSON, not a RecursionError and a 500; and a lone
    surrogate anywhere is a 400 naming the field it is in, before any code can echo it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
            path = surrogate_path(data)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
        if path is not None:
            raise ValidationError({path or "non_field_errors": [SURROGATE_MESSAGE]})
        return data


def _printable(key: str) -> str:
    return LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", key)


def surrogate_path(data, path: str = "") -> str | None:
    """The dotted path of the first string (value or key) holding a lone surrogate, else None
    ("" for the body itself)."""
    if isinstance(data, str):
        return path if LONE_SURROGATE.search(data) else None
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        inner = f"{path}.{_printable(str(key))}" if path else _printable(str(key))
        if isinstance(key, str) and LONE_SURROGATE.search(key):
            return inner
        if (found := surrogate_path(value, inner)) is not None:
            return found
    return None
