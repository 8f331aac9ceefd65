"""Display helpers for solicitation pages."""

from django import template

from p3hub.money import format_money

register = template.Library()


@register.filter
def money(minor, currency: str) -> str:
    """`{{ amount|money:currency }}`: minor units as “USD 1,234.56”; a dash for nothing."""
    if minor is None or minor == "":
        return "—"
    return format_money(int(minor), currency)


@register.filter
def quantity(value) -> str:
    """4.000 as “4”, 2.500 as “2.5”, never in exponent notation (100, not 1E+2)."""
    return f"{value.normalize():f}" if value is not None else ""


@register.filter
def closes_in(solicitation) -> str:
    """“closes in 5 days” / “closes tomorrow” / “closes today” for an open solicitation, by
    the database clock of the read (selectors.with_status_now annotates `db_now`) and calendar
    days in the municipality's zone; "" for anything not open for bids."""
    now = getattr(solicitation, "db_now", None)
    due = solicitation.bids_due_at
    if now is None or due is None or solicitation.current_status != "published" or due <= now:
        return ""
    zone = solicitation.municipality.zone
    days = (due.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days <= 0:
        return "closes today"
    if days == 1:
        return "closes tomorrow"
    return f"closes in {days} days"
