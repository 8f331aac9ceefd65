"""Vendors are global: one company registers once and bids to every municipality."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources
from vendors.categories import Category

OWN_COMPANY_ONLY = "Only the company's own users may do this."


def _same_company(actor, vendor_user) -> bool:
    return getattr(actor, "vendor", None) is not None and actor.vendor.pk == vendor_user.vendor_id


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
    """A person who acts for a vendor in the portal: the first registers the company, the
    others are invited by a colleague and accept through an e-mailed link."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        REMOVED = "removed", "Removed"

    # fmt: off
    # A company always keeps one active user: the service refuses removing the last.
    lifecycle = Lifecycle(
        Status,
        noun="vendor user",
        initial=[Status.ACTIVE, Status.INVITED],
        audit_on=lambda vendor_user: vendor_user.vendor,  # told in the company's history
        transitions=[
            Transition(
                "accept", sources(Status.INVITED), Status.ACTIVE,
                verb=Verb.VENDOR_USER_ACCEPT, done="accepted",
            ),
            Transition(
                "remove", sources(Status.INVITED, Status.ACTIVE), Status.REMOVED,
                verb=Verb.VENDOR_USER_REMOVE, done="removed",
                who=_same_company, denied=OWN_COMPANY_ONLY,
            ),
        ],
    )
    # fmt: on

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="users")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vendor_roles"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "user"], name="vendor_user_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.vendor}"


class Certificate(models.Model):
    """A document a company keeps current for every city: insurance, a minority/women-owned
    business certification, a tax form. The file is stored under a random name (p3hub.files)
    and served only through the permission-checked download view."""

    class Kind(models.TextChoices):
        INSURANCE = "insurance", "Insurance certificate"
        MWBE = "mwbe", "Minority/women-owned business certification"
        TAX_FORM = "tax_form", "Tax form (W-9 or equivalent)"

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200, blank=True)
    # The insurer of an insurance certificate, the certifying agency of a certification.
    issuer = models.CharField(max_length=200, blank=True)
    number = models.CharField(max_length=100, blank=True)  # policy or certificate number
    coverage_minor = models.BigIntegerField(null=True, blank=True)  # insurance: in minor units
    currency = models.CharField(max_length=3, default="USD")
    expires_on = models.DateField(null=True, blank=True)
    file = models.FileField(upload_to="vendors/%Y/%m/")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Kept, not deleted, when the company takes it down: a bid may have relied on it.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "expires_on", "id"]
        indexes = [
            models.Index(
                fields=["expires_on"],
                condition=Q(removed_at__isnull=True),
                name="certificate_expiry_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()

    def expired_on(self, day: dt.date) -> bool:
        """Whether the certificate no longer holds on `day` (one without expiry always does)."""
        return self.expires_on is not None and self.expires_on < day
