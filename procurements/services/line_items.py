"""Line items: what a solicitation buys. Once a cost split exists, every change to them makes a
new split version (DESIGN.md 4): approvals never carry over."""

from decimal import Decimal

from django.db import transaction

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_amount, clean_decimal, clean_text
from p3hub.errors import Checks, ValidationFailed, get_or_not_found
from p3hub.money import format_amount, format_money
from procurements.allocation import MAX_TOTAL_MINOR, line_amount_minor
from procurements.models import LineItem, Solicitation
from procurements.services.common import lock_solicitation, require_editable, require_officer
from procurements.services.cost_splits import split_inputs_changed

MAX_QUANTITY = Decimal("99999999999")  # 14 digits, 3 decimals
MAX_UNIT_PRICE_MINOR = 10**15  # ten trillion dollars: anything above is a typo
MAX_LINE_AMOUNT_MINOR = 10**15  # quantity x unit price, likewise
EDITABLE_FIELDS = ("description", "quantity", "unit", "site", "estimated_unit_price")


def clean_quantity(quantity) -> Decimal:
    quantity = clean_decimal(quantity, field="quantity", places=3)
    if not 0 < quantity <= MAX_QUANTITY:
        raise ValidationFailed(
            f"Enter a quantity above zero and at most {MAX_QUANTITY:,}.", field="quantity"
        )
    return quantity


def _clean_price(price, currency: str) -> int:
    minor = clean_amount(price, field="estimated_unit_price", currency=currency)
    if not 0 <= minor <= MAX_UNIT_PRICE_MINOR:
        raise ValidationFailed(
            f"Enter a price from zero up to {format_money(MAX_UNIT_PRICE_MINOR, currency)}.",
            field="estimated_unit_price",
        )
    return minor


def _clean_line(solicitation: Solicitation, values: dict) -> dict:
    """The line's fields as stored, each cleaned by its rule; every field at fault is named at
    once."""
    currency = solicitation.municipality.currency
    checks = Checks()
    description = checks.run(
        clean_text, values["description"], field="description", limit=300, required=True
    )
    quantity = checks.run(clean_quantity, values["quantity"])
    price_minor = checks.run(_clean_price, values["estimated_unit_price"], currency)
    unit = checks.run(clean_text, values["unit"], field="unit", limit=30)
    site = checks.run(clean_text, values["site"], field="site", limit=200)
    checks.raise_any()
    if line_amount_minor(quantity, price_minor) > MAX_LINE_AMOUNT_MINOR:
        raise ValidationFailed(
            "Quantity times unit price is implausibly large.", field="estimated_unit_price"
        )
    return {
        "description": description,
        "quantity": quantity,
        "unit": unit or "each",
        "site": site,
        "estimated_unit_price_minor": price_minor,
    }


def _check_total(solicitation: Solicitation, fields: dict, *, replacing: int | None) -> None:
    """The solicitation's estimate stays within what a split version can store."""
    others = solicitation.line_items.exclude(pk=replacing).values_list(
        "quantity", "estimated_unit_price_minor"
    )
    total = sum(line_amount_minor(q, p) for q, p in others)
    total += line_amount_minor(fields["quantity"], fields["estimated_unit_price_minor"])
    if total > MAX_TOTAL_MINOR:
        raise ValidationFailed(
            "The line items together exceed the largest estimate we accept.",
            field="estimated_unit_price",
        )


def _snapshot(item: LineItem) -> dict:
    return {
        "line_item": item.pk,
        "description": item.description,
        "quantity": str(item.quantity),
        "unit": item.unit,
        "site": item.site,
        "estimated_unit_price_minor": item.estimated_unit_price_minor,
    }


@transaction.atomic
def line_item_add(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    description: str = "",
    quantity: Decimal | str | int = "",
    estimated_unit_price: Decimal | str | int = "",
    unit: str = "",
    site: str = "",
) -> LineItem:
    """An officer adds a line item; `estimated_unit_price` is in major units as typed
    ("2,500.00"). Once a split exists, this makes a new split version."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    fields = _clean_line(
        solicitation,
        {
            "description": description,
            "quantity": quantity,
            "estimated_unit_price": estimated_unit_price,
            "unit": unit,
            "site": site,
        },
    )
    _check_total(solicitation, fields, replacing=None)
    last = solicitation.line_items.order_by("-position").values_list("position", flat=True)
    item = LineItem.objects.create(
        solicitation=solicitation, position=(last.first() or 0) + 1, **fields
    )
    actor.audit(Verb.LINE_ITEM_ADD, solicitation, after=_snapshot(item))
    split_inputs_changed(actor, solicitation, rebuild=True)
    return item


def _lock_line(actor, item: LineItem) -> tuple[Solicitation, LineItem]:
    solicitation = lock_solicitation(actor, item.solicitation)
    require_editable(solicitation)
    return solicitation, get_or_not_found(
        LineItem.objects.all(), pk=item.pk, solicitation=solicitation
    )


@transaction.atomic
def line_item_update(*, actor: TenantActor, item: LineItem, **changes) -> LineItem:
    """An officer edits a line item (any of EDITABLE_FIELDS, prices in major units); once a
    split exists, this makes a new split version."""
    require_officer(actor)
    if set(changes) - set(EDITABLE_FIELDS):
        raise TypeError(f"unexpected arguments {sorted(set(changes) - set(EDITABLE_FIELDS))}")
    solicitation, item = _lock_line(actor, item)
    before = _snapshot(item)
    currency = solicitation.municipality.currency
    current = {name: getattr(item, name) for name in EDITABLE_FIELDS[:-1]}
    current["estimated_unit_price"] = format_amount(item.estimated_unit_price_minor, currency)
    fields = _clean_line(solicitation, current | changes)
    _check_total(solicitation, fields, replacing=item.pk)
    for name, value in fields.items():
        setattr(item, name, value)
    after = _snapshot(item)
    if after == before:
        return item
    item.save(update_fields=list(fields))
    actor.audit(Verb.LINE_ITEM_UPDATE, solicitation, before=before, after=after)
    split_inputs_changed(actor, solicitation, rebuild=True)
    return item


@transaction.atomic
def line_item_remove(*, actor: TenantActor, item: LineItem) -> None:
    """An officer removes a line item; once a split exists, this makes a new split version."""
    require_officer(actor)
    solicitation, item = _lock_line(actor, item)
    actor.audit(Verb.LINE_ITEM_REMOVE, solicitation, before=_snapshot(item))
    item.delete()
    split_inputs_changed(actor, solicitation, rebuild=True)
