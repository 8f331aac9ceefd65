"""`{% load contract_tags %}`: what the contract's templates need beyond p3hub's formatting."""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Inside <style> the HTML parser decodes nothing, so HTML escaping would print "&quot;" and
# leave CSS syntax alone: text going into a CSS string is escaped for CSS instead.
_CSS_STRING_ESCAPES = {"\\": "\\\\", '"': "\\22 ", "'": "\\27 ", "<": "\\3c ", ">": "\\3e "}


@register.filter
def escapecss(value) -> str:
    """`{{ text|escapecss }}` inside a double-quoted CSS string: quotes, backslashes, angle
    brackets and line breaks escaped, so the text can neither end the string nor the
    stylesheet."""
    text = "".join(_CSS_STRING_ESCAPES.get(c, c) for c in str(value))
    text = "".join(f"\\{ord(c):x} " if ord(c) < 0x20 or ord(c) == 0x7F else c for c in text)
    return mark_safe(text)  # noqa: S308 - escaped for the CSS string context above
