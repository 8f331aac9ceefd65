"""Vendors are global: one company registers once and bids to every municipality."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from vendors.categories import Category


class Vendor(models.Model):
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    # As typed; `tax_id_key` is the same id without spaces, dashes or dots and in capitals, so
    # "12-3456789" and "123456789" are one company.
    tax_id = models.CharField(max_length=40, blank=True)
    tax_id_key = models.CharField(max_length=40, blank=True, editable=False)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    categories = models.JSONField(default=list, blank=True)  # vendors.categories.Category codes
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_id_key"], condition=~Q(tax_id_key=""), name="vendor_tax_id_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def category_labels(self) -> list[str]:
        return [Category(code).label for code in self.categories if code in Category.values]


class VendorUser(models.Model):
    """A person who acts for a vendor in the portal."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_roles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "user"], name="vendor_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.vendor}"
