"""The people and places of the demo (DESIGN.md 8): riverton with TRN and PSD, lakeside, and
their people. Idempotent: a second run finds everything and changes nothing."""

from departments import services
from departments.models import Department, Membership, Municipality, User
from departments.tenancy import TenantActor

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password

PEOPLE = {
    "admin": ("Alex", "Admin", "admin@riverton.example"),
    "officer": ("Olivia", "Officer", "officer@riverton.example"),
    "head.trn": ("Tomas", "Reyes", "head.trn@riverton.example"),
    "head.psd": ("Priya", "Shah", "head.psd@riverton.example"),
    "evaluator": ("Evan", "Lowe", "evaluator@riverton.example"),
    "vendor.acme": ("Ada", "Acme", "bids@acme.example"),
    "vendor.beacon": ("Ben", "Beacon", "bids@beacon.example"),
    "officer.lakeside": ("Lena", "Lake", "officer@lakeside.example"),
}

# (slug, name, code, time zone, first admin, departments)
CITIES = [
    (
        "riverton",
        "City of Riverton",
        "RIV",
        "America/Chicago",
        "admin",
        [("TRN", "Transportation", ["100-TRN-CAP"]), ("PSD", "Public Safety", ["200-PSD-OPS"])],
    ),
    (
        "lakeside",
        "City of Lakeside",
        "LAK",
        "America/Denver",
        "officer.lakeside",
        [("PWD", "Public Works", ["300-PWD-GEN"])],
    ),
]

# (username, municipality slug, role, department code)
ROLES = [
    ("officer", "riverton", Membership.Role.OFFICER, None),
    ("head.trn", "riverton", Membership.Role.HEAD, "TRN"),
    ("head.psd", "riverton", Membership.Role.HEAD, "PSD"),
    ("evaluator", "riverton", Membership.Role.MEMBER, "TRN"),
    ("officer.lakeside", "lakeside", Membership.Role.OFFICER, None),
]


def seed() -> None:
    users = {name: _user(name, *details) for name, details in PEOPLE.items()}
    # The tenant admin may use Django's admin, which shows them their municipality only.
    User.objects.filter(username="admin", is_staff=False).update(is_staff=True)
    for slug, name, code, zone, admin, departments in CITIES:
        _city(slug, name, code, zone, users[admin], departments)
    for username, slug, role, department_code in ROLES:
        _role(users[username], slug, role, department_code)


def _user(username, first_name, last_name, email) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "email": email},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _city(slug, name, code, zone, admin, departments) -> None:
    municipality = Municipality.objects.filter(slug=slug).first()
    if municipality is None:
        municipality = services.municipality_create(
            actor=None, slug=slug, name=name, code=code, time_zone=zone, first_admin=admin
        )
    actor = _actor(admin, municipality)
    for dept_code, dept_name, fund_codes in departments:
        if not Department.objects.filter(municipality=municipality, code=dept_code).exists():
            services.department_create(
                actor=actor, code=dept_code, name=dept_name, fund_codes=fund_codes
            )


def _role(user, slug, role, department_code) -> None:
    municipality = Municipality.objects.get(slug=slug)
    department = (
        Department.objects.get(municipality=municipality, code=department_code)
        if department_code
        else None
    )
    held = Membership.objects.filter(
        user=user, municipality=municipality, role=role, department=department
    )
    if not held.exists():
        admin = Membership.objects.filter(municipality=municipality, role="admin").first()
        services.membership_grant(
            actor=_actor(admin.user, municipality),
            user=user,
            role=role,
            department=department,
        )


def _actor(user, municipality) -> TenantActor:
    return TenantActor.of(user, municipality)
