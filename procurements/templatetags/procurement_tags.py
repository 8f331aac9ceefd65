"""Display helpers for solicitation pages."""

from django import template
from django.utils.html import format_html

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


# Units people write the same for one and for many ("2 each", "1 lump sum"), and
# abbreviations ("12 m", "3 kg", "40 sq ft") that take no plural.
UNITS_WITHOUT_PLURAL = frozenset(
    {"each", "lump sum", "per cent", "percent", "lot of", "set of"}
    | {"ea", "ls", "hr", "ft", "sq ft", "sf", "lf", "kg", "lb", "km", "mi", "yd", "cy", "gal"}
)


def unit_for(quantity_value, unit: str) -> str:
    """The unit as written after the quantity: “1 study”, “2 studies”, “2.5 hours”."""
    unit = (unit or "").strip()
    plain = unit.lower()
    if quantity_value == 1 or plain in UNITS_WITHOUT_PLURAL or len(unit) <= 2 or "." in unit:
        return unit
    if plain.endswith("s"):
        return unit
    if plain.endswith("y") and plain[-2:-1] not in "aeiou":
        return unit[:-1] + "ies"
    if plain.endswith(("x", "z", "ch", "sh")):
        return unit + "es"
    return unit + "s"


@register.filter
def quantity_with_unit(line) -> str:
    """`{{ line|quantity_with_unit }}`: “1 each”, “2.5 hours”, “3 studies”."""
    return f"{quantity(line.quantity)} {unit_for(line.quantity, line.unit)}".strip()


@register.filter
def criterion_name(criterion) -> str:
    """The criterion's name, marked as the price criterion unless its name already says so
    (“Price”, not “Price price”)."""
    if criterion.is_price and "price" not in criterion.name.lower():
        return format_html('{} <span class="tag">price</span>', criterion.name)
    return criterion.name


@register.filter
def error_items(form) -> list[tuple[str, str]]:
    """`{% for anchor, message in form|error_items %}`: every error of a form or a formset,
    in page order, each with the id of its input ("" for the whole form), so one summary can
    list them all."""
    if form is None or form == "":
        return []
    if hasattr(form, "forms"):  # a formset: its own errors, then each row's
        items = [("", str(error)) for error in form.non_form_errors()]
        for row in form.forms:
            items += error_items(row)
        return items
    items = [("", str(error)) for error in form.non_field_errors()]
    for field in form:
        items += [(field.id_for_label, f"{field.label}: {error}") for error in field.errors]
    return items
