"""Tenants (municipalities), their departments, and people's roles in them."""

import zoneinfo

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower

from p3hub.audit import Verb
from p3hub.lifecycle import Lifecycle, Transition, sources

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


# ASCII only: a Cyrillic "o" (U+043E) must not make a look-alike pass for "officer". Compared
# ignoring case (the unique constraint below and UserManager.get_by_natural_key).
USERNAME = RegexValidator(
    r"^[A-Za-z0-9._-]{1,150}$",
    "Letters, digits and . - _ only (no spaces, no accents), at most 150 characters.",
)


class UserManager(BaseUserManager):
    def get_by_natural_key(self, username):
        """Sign-in finds `Officer` and `officer` alike: usernames are unique ignoring case."""
        return self.get(username__iexact=username)


class User(AbstractUser):
    """A person. Their roles live in Membership (staff) or vendors.VendorUser (vendors)."""

    username = models.CharField(
        max_length=150,
        unique=True,
        validators=[USERNAME],
        error_messages={"unique": "That username is taken."},
    )
    email = models.EmailField(blank=True)

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class DateFormat(models.TextChoices):
    """The order a municipality writes dates in (its people read every page in it)."""

    US = "us", "Month first: Dec 2, 2026"
    DAY_FIRST = "day_first", "Day first: 2 Dec 2026"
    ISO = "iso", "ISO 8601: 2026-12-02"


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
    bid_tabulation_public = models.BooleanField(
        default=True,
        help_text="Publish each bid tabulation (vendors, totals, unit prices) once opened.",
    )
    contracts_published = models.BooleanField(
        default=False,
        help_text="Let the public download each executed contract's signed PDF (the summary "
        "and schedule are public either way).",
    )
    minimum_bidding_days = models.PositiveSmallIntegerField(
        default=7, help_text="The fewest days bidding may stay open after publication."
    )
    date_format = models.CharField(
        max_length=10,
        choices=DateFormat.choices,
        default=DateFormat.US,
        help_text="How pages and e-mails write dates for this municipality.",
    )
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
    # False while the person is deactivated in this municipality (the roles are kept, so an
    # admin can reactivate them); only active roles let anyone act.
    is_active = models.BooleanField(default=True)
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


class Invitation(models.Model):
    """A tenant admin's invitation of a person, by e-mail, to a role: a signed, expiring,
    single-use link (departments.services.invitations). The answer to the admin is the same
    whether or not an account exists for the address."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Revoked"

    # fmt: off
    lifecycle = Lifecycle(
        Status,
        noun="invitation",
        transitions=[
            # Accepting is the invitee's: the service checks the link, the account and the clock.
            Transition(
                "accept", sources(Status.PENDING), Status.ACCEPTED,
                verb=Verb.INVITATION_ACCEPT, done="accepted",
                refused=lambda invitation, status: "This invitation was already used or withdrawn.",
            ),
            Transition(
                "revoke", sources(Status.PENDING), Status.REVOKED,
                verb=Verb.INVITATION_REVOKE, done="withdrawn",
                who=lambda actor, invitation: actor.is_admin,
                denied="Only a tenant admin may manage departments and people.",
            ),
        ],
    )
    # fmt: on

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    # Part of the signed link: a used or withdrawn link no longer matches (single use).
    nonce = models.CharField(max_length=64)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["municipality", "status"], name="invitation_muni_status")]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} of {self.municipality.slug}: {self.status}"
