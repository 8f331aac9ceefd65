"""Vendors are global: one company registers once and bids to every municipality."""

from django.conf import settings
from django.db import models


class Vendor(models.Model):
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    tax_id = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
