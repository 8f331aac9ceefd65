"""Display helpers for solicitation pages."""

from django import template

from p3hub.money import format_money

register = template.Library()


@register.filter
def money(minor, currency: str) -> str:
    """`{{ amount|money:currency }}`: minor units as “$1,234.56”; a dash for nothing."""
    if minor is None or minor == "":
        return "—"
    return format_money(int(minor), currency)


@register.filter
def quantity(value) -> str:
    """4.000 as “4”, 2.500 as “2.5”, never in exponent notation (100, not 1E+2)."""
    return f"{value.normalize():f}" if value is not None else ""
