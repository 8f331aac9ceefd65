"""The people and places of the demo (DESIGN.md 8): riverton with TRN and PSD, lakeside, and
their people. Idempotent: a second run finds everything and changes nothing."""

from departments import services
from departments.models import Department, Membership, Municipality, User
from departments.services.invitations import invitation_token
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
    # Lakeside's own tenant admin: nobody grants a role to themselves (four eyes).
    "admin.lakeside": ("Leo", "Lind", "admin@lakeside.example"),
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
        "admin.lakeside",
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
    """The role, as a real city gives it: a new person is invited by the tenant admin and
    accepts; one who already works here is granted another role."""
    municipality = Municipality.objects.get(slug=slug)
    department = (
        Department.objects.get(municipality=municipality, code=department_code)
        if department_code
        else None
    )
    here = Membership.objects.filter(user=user, municipality=municipality)
    if here.filter(role=role, department=department).exists():
        return
    first_admin = Membership.objects.filter(municipality=municipality, role="admin").first()
    admin = _actor(first_admin.user, municipality)
    if here.exists():
        services.membership_grant(actor=admin, user=user, role=role, department=department)
        return
    invitation = services.invitation_send(
        actor=admin, email=user.email, role=role, department=department
    )
    services.invitation_accept(user=user, token=invitation_token(invitation))


def _actor(user, municipality) -> TenantActor:
    return TenantActor.of(user, municipality)
