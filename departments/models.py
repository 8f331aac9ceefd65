"""Tenants (municipalities), their departments, and people's roles in them."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

# URL prefixes that are never a municipality slug (DESIGN.md section 10).
RESERVED_SLUGS = frozenset(
    {"public", "vendor", "api", "ocds", "admin", "accounts", "static", "media", "healthz"}
)


def validate_not_reserved(slug: str) -> None:
    if slug.lower() in RESERVED_SLUGS:
        raise ValidationError(f"“{slug}” is reserved and cannot be a municipality slug.")


def validate_time_zone(name: str) -> None:
    if name not in zoneinfo.available_timezones():
        raise ValidationError(f"“{name}” is not a known IANA time zone.")


class User(AbstractUser):
    """A person. Their roles live in Membership (staff) or vendors.VendorUser (vendors)."""

    email = models.EmailField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Municipality(models.Model):
    """A tenant: a city, county or authority. Every tenant-owned row points here."""

    slug = models.SlugField(max_length=40, unique=True, validators=[validate_not_reserved])
    name = models.CharField(max_length=120)
    code = models.CharField(
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,6}$", "Two to six capital letters.")],
        help_text="Prefix of reference numbers, e.g. RIV in RIV-2026-0007.",
    )
    time_zone = models.CharField(max_length=60, default="UTC", validators=[validate_time_zone])
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "An ISO 4217 code such as USD.")],
    )
    protest_period_days = models.PositiveSmallIntegerField(default=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "municipalities"

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Department(models.Model):
    """A unit of a municipality with its own budget (fund codes) and one or more heads."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(
        max_length=10,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,9}$", "2-10 capital letters or digits.")],
        help_text="Short code such as TRN; also the tie-break when money is divided.",
    )
    name = models.CharField(max_length=120)
    fund_codes = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "code"], name="department_code_unique_per_municipality"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Membership(models.Model):
    """A user's role in a municipality, optionally in one department. A user may hold several."""

    class Role(models.TextChoices):
        ADMIN = "admin", "Tenant admin"
        OFFICER = "officer", "Procurement officer"
        HEAD = "head", "Department head"
        MEMBER = "member", "Department member"

    # Roles that act for one department and so must name it.
    DEPARTMENT_ROLES = frozenset({Role.HEAD, Role.MEMBER})

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="memberships"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["municipality", "role", "department__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role", "department"],
                name="membership_unique_role",
            ),
            models.UniqueConstraint(
                fields=["user", "municipality", "role"],
                condition=models.Q(department__isnull=True),
                name="membership_unique_role_without_department",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["head", "member"])
                | models.Q(department__isnull=False),
                name="membership_department_role_needs_department",
            ),
        ]

    def __str__(self) -> str:
        where = f" of {self.department.code}" if self.department_id else ""
        return f"{self.user} — {self.get_role_display()}{where} ({self.municipality.slug})"
