"""Addenda: numbered, published changes to a published solicitation, and each company's
acknowledgement of them (DESIGN.md 3; a bid counts only when every addendum is
acknowledged, which the bids enforce)."""

from django.conf import settings
from django.db import models
from django.utils.dateparse import parse_datetime

from p3hub.formatting import format_datetime
from procurements.models.solicitations import Solicitation


class Addendum(models.Model):
    """Published the moment it is made; it never changes afterwards. `changes` records what it
    changed, as shown to everyone: key dates (`{"dates": {field: [before, after]}}`) and line
    items (`{"line_items": [{"number", "before": {...}, "after": {...}}]}`)."""

    solicitation = models.ForeignKey(Solicitation, on_delete=models.CASCADE, related_name="addenda")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    changes = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField()  # by the database clock
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "addenda"
        constraints = [
            models.UniqueConstraint(
                fields=["solicitation", "number"], name="addendum_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Addendum {self.number} to {self.solicitation.reference}"

    DATE_LABELS = {
        "questions_due_at": "Questions due",
        "bids_due_at": "Bids due",
        "opening_at": "Bid opening",
    }
    LINE_LABELS = {"description": "description", "quantity": "quantity"}

    def changes_described(self) -> list[str]:
        """What the addendum changed, one sentence each, as everyone reads it (dates in the
        municipality's local time)."""
        municipality = self.solicitation.municipality
        sentences = []
        dates = self.changes.get("dates", {})
        # In the key dates' order: a JSON column keeps no order of its own.
        for name in (name for name in self.DATE_LABELS if name in dates):
            before, after = dates[name]
            was = format_datetime(parse_datetime(before), municipality) if before else "not set"
            now = format_datetime(parse_datetime(after), municipality)
            sentences.append(f"{self.DATE_LABELS[name]}: now {now} (was {was}).")
        for line in self.changes.get("line_items", []):
            after, before = line["after"], line["before"]
            parts = [
                f"{label} now “{after[name]}” (was “{before[name]}”)"
                for name, label in self.LINE_LABELS.items()
                if name in after
            ]
            sentences.append(f"Line item {line['position']}: " + "; ".join(parts) + ".")
        return sentences


class Acknowledgement(models.Model):
    """A company's acknowledgement of one addendum: who, and when by the database clock."""

    addendum = models.ForeignKey(
        Addendum, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="acknowledgements"
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField()

    class Meta:
        ordering = ["addendum__number"]
        constraints = [
            models.UniqueConstraint(fields=["addendum", "vendor"], name="acknowledgement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} acknowledged {self.addendum}"
