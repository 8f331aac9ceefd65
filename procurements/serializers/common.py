"""Fields the procurement serializers share."""

from django.utils.formats import date_format
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procurements.models import Solicitation
from vendors.categories import Category

# What every list of solicitations shows, staff and public alike.
LIST_FIELDS = [
    "reference",
    "kind",
    "category",
    "title",
    "status",
    "lead_department",
    "departments",
    *Solicitation.DATE_FIELDS,
    "published_at",
    "status_display",
    "cancelled_at",
]


def status_text(choices) -> serializers.CharField:
    """A read-only status shown as text. Several models have a `status` and the schema's enum
    naming (one StatusEnum) cannot tell them apart, so only the solicitation's is an enum."""
    values = ", ".join(value for value, _ in choices)
    return serializers.CharField(read_only=True, help_text=f"One of: {values}.")


def category_field() -> serializers.CharField:
    """The category of work as its code ("" when none is set)."""
    return serializers.CharField(
        read_only=True,
        help_text="A category of work (the vendors' categories: "
        + ", ".join(Category.values)
        + "), or empty.",
    )


def current_status() -> serializers.ChoiceField:
    """A solicitation's status by the database clock (closed once the bid deadline passed)."""
    return serializers.ChoiceField(
        choices=Solicitation.Status.choices, source="current_status", read_only=True
    )


@extend_schema_field({"type": "string"})
class StatusDisplayField(serializers.Field):
    """The status as the pages word it: “Scheduled for Tue 8 Dec 2026 09:00 CST” (the
    municipality's zone) for a scheduled one, otherwise the status's label."""

    def __init__(self, **kwargs):
        kwargs.update(source="*", read_only=True)
        kwargs.setdefault("help_text", "The status in words, as the pages show it.")
        super().__init__(**kwargs)

    def to_representation(self, solicitation) -> str:
        if solicitation.current_status == Solicitation.Status.SCHEDULED:
            zone = solicitation.municipality.zone
            when = date_format(solicitation.publish_at.astimezone(zone), "D j M Y H:i T")
            return f"Scheduled for {when}"
        return solicitation.get_current_status_display()


def joined_codes(solicitation) -> list[str]:
    return [department.code for department in solicitation.joined_departments()]


def open_moves(row, context) -> list[str]:
    """The moves of the row's lifecycle the caller may make now (the buttons a page shows)."""
    actor = context["view"].actor
    return sorted(type(row).lifecycle.open_names(row, actor))


MOVES_HELP = "The moves you may make now (POST .../<move>/), by the lifecycle table."
