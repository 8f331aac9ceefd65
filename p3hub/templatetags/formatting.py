"""`{% load formatting %}`: dates, times and zones as the municipality writes them
(p3hub.formatting), and money (p3hub.money.format_money)."""

from django import template

from p3hub import formatting
from p3hub.money import format_money

register = template.Library()


@register.filter
def when(value, municipality) -> str:
    """`{{ moment|when:municipality }}`: "Dec 2, 2026, 9:00 AM" in its zone and date format."""
    return formatting.format_datetime(value, municipality)


@register.filter
def when_zoned(value, municipality) -> str:
    """`{{ moment|when_zoned:municipality }}`: as `when`, with the zone's abbreviation."""
    return formatting.format_datetime(value, municipality, zone=True)


@register.filter
def when_precise(value, municipality) -> str:
    """`{{ moment|when_precise:municipality }}`: as `when_zoned`, to the second (audit)."""
    return formatting.format_datetime(value, municipality, seconds=True, zone=True)


@register.filter
def day(value, municipality) -> str:
    """`{{ date|day:municipality }}`: "Dec 2, 2026" in its date format."""
    return formatting.format_date(value, municipality)


@register.filter
def zone_name(municipality) -> str:
    """`{{ municipality|zone_name }}`: "Central Time", not "America/Chicago"."""
    return formatting.zone_name(municipality.time_zone)


@register.filter
def money(minor, currency: str) -> str:
    """`{{ amount|money:currency }}`: minor units as "$1,234.56"; a dash for nothing."""
    if minor is None or minor == "":
        return "—"
    return format_money(int(minor), currency)
