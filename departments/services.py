"""Every write to municipalities, departments and memberships: one function per use case.

Each takes the acting TenantActor, checks the role, runs in one transaction and records an
audit event in the municipality's chain.
"""

import re

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from departments.models import Department, Membership, Municipality, User
from departments.selectors import department_named
from departments.tenancy import TenantActor
from p3hub.api.tokens import tokens_revoke_all
from p3hub.audit import Verb, audit_record
from p3hub.cleaning import clean_choice, clean_text
from p3hub.errors import PermissionDenied, ValidationFailed, get_or_not_found
from p3hub.mail import email_queue

FUND_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,29}$")
Role = Membership.Role


def _require_admin(actor: TenantActor) -> None:
    if not actor.is_admin:
        raise PermissionDenied("Only a tenant admin may manage departments and people.")


def _department_snapshot(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "fund_codes": department.fund_codes,
        "is_active": department.is_active,
    }


MAX_FUND_CODES = 50


def _clean_fund_codes(fund_codes) -> list[str]:
    # Callers other than the API (the admin's JSON field, scripts) may pass any JSON value; a
    # string would otherwise be split into one-letter "fund codes".
    if not isinstance(fund_codes, list | tuple):
        raise ValidationFailed("Fund codes are a list of codes.", field="fund_codes")
    if len(fund_codes) > MAX_FUND_CODES:
        raise ValidationFailed(f"At most {MAX_FUND_CODES} fund codes.", field="fund_codes")
    cleaned = []
    for index, code in enumerate(fund_codes):
        code = str(code).strip()
        if not FUND_CODE.match(code):
            raise ValidationFailed(
                f"“{code[:40]}” is not a fund code (letters, digits, dots and dashes, at most 30).",
                field=f"fund_codes.{index}",
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _check_department_fields(department: Department) -> None:
    """Run the model's field validators and turn the first failure into a named error."""
    try:
        department.full_clean(exclude=["municipality"], validate_unique=False)
    except DjangoValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(messages[0], field=field) from None


def _save_department(department: Department, **kwargs) -> None:
    """Save; a concurrent request that took the same code first becomes the same named error
    as `_check_code_free` (the unique constraint decides, in a savepoint)."""
    try:
        with transaction.atomic():
            department.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(
            f"A department with code {department.code} already exists.", field="code"
        ) from None


def _check_code_free(department: Department) -> None:
    taken = Department.objects.filter(
        municipality=department.municipality, code=department.code
    ).exclude(pk=department.pk)
    if taken.exists():
        raise ValidationFailed(
            f"A department with code {department.code} already exists.", field="code"
        )


@transaction.atomic
def department_create(
    *, actor: TenantActor, code: str, name: str, fund_codes: list[str] | None = None
) -> Department:
    """A tenant admin adds a department to their municipality."""
    _require_admin(actor)
    department = Department(
        municipality=actor.municipality,
        code=clean_text(code, field="code", limit=10, required=True).upper(),
        name=clean_text(name, field="name", limit=120, required=True),
        fund_codes=_clean_fund_codes(fund_codes or []),
    )
    _check_department_fields(department)
    _check_code_free(department)
    _save_department(department)
    actor.audit(
        Verb.DEPARTMENT_CREATE,
        obj=department,
        after=_department_snapshot(department),
    )
    return department


@transaction.atomic
def department_update(
    *,
    actor: TenantActor,
    department: Department,
    code: str | None = None,
    name: str | None = None,
    fund_codes: list[str] | None = None,
    is_active: bool | None = None,
) -> Department:
    """A tenant admin renames, recodes, re-funds or deactivates a department of theirs."""
    _require_admin(actor)
    # Another municipality's is NotFound, as in the selectors.
    department = get_or_not_found(
        Department.objects.select_for_update(), pk=department.pk, municipality=actor.municipality
    )
    before = _department_snapshot(department)
    if code is not None:
        department.code = clean_text(code, field="code", limit=10, required=True).upper()
    if name is not None:
        department.name = clean_text(name, field="name", limit=120, required=True)
    if fund_codes is not None:
        department.fund_codes = _clean_fund_codes(fund_codes)
    if is_active is not None:
        department.is_active = is_active
    _check_department_fields(department)
    _check_code_free(department)
    after = _department_snapshot(department)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        _save_department(department, update_fields=changed)
        actor.audit(
            Verb.DEPARTMENT_UPDATE,
            obj=department,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return department


def _membership_snapshot(membership: Membership) -> dict:
    return {
        "user": membership.user.username,
        "role": membership.role,
        "department": membership.department.code if membership.department_id else None,
    }


def _check_role(role: str, department, actor: TenantActor) -> Department | None:
    """The role and its department (named by code or given), as a membership stores them."""
    role = clean_choice(role, Role, field="role", message="“{value}” is not a role.")
    department = department_named(actor, department, field="department")
    if role in Membership.DEPARTMENT_ROLES and department is None:
        raise ValidationFailed(
            "A department head or member needs a department.", field="department"
        )
    if role not in Membership.DEPARTMENT_ROLES and department is not None:
        raise ValidationFailed(
            "Tenant admins and procurement officers act for the whole municipality.",
            field="department",
        )
    return department


@transaction.atomic
def membership_grant(
    *, actor: TenantActor, user: User, role: str, department: Department | None = None
) -> Membership:
    """A tenant admin gives a person a role (a department role names the department)."""
    _require_admin(actor)
    department = _check_role(role, department, actor)
    membership, created = Membership.objects.get_or_create(
        user=user, municipality=actor.municipality, role=role, department=department
    )
    if not created:
        raise ValidationFailed(f"{user.username} already holds this role.", field="role")
    actor.audit(
        Verb.MEMBERSHIP_GRANT,
        obj=membership,
        after=_membership_snapshot(membership),
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: TenantActor, membership: Membership) -> None:
    """A tenant admin takes a role away. The last tenant admin cannot be removed."""
    _require_admin(actor)
    membership = get_or_not_found(
        Membership.objects.select_for_update(), pk=membership.pk, municipality=actor.municipality
    )
    if membership.role == Role.ADMIN:
        # order_by("pk"): Membership's default ordering joins the nullable department, and
        # PostgreSQL cannot lock the nullable side of an outer join; pk order is the lock order.
        admins = (
            Membership.objects.select_for_update()
            .filter(municipality=actor.municipality, role=Role.ADMIN)
            .order_by("pk")
        )
        if len(admins) <= 1:
            raise ValidationFailed(
                "A municipality needs at least one tenant admin.", field="role", code="last_admin"
            )
    snapshot = _membership_snapshot(membership)
    actor.audit(
        Verb.MEMBERSHIP_REVOKE,
        obj=membership,
        before=snapshot,
    )
    membership.delete()


def _check_new_person(username: str, email: str, password: str | None) -> None:
    if not re.fullmatch(r"[\w.@+-]{1,150}", username):
        raise ValidationFailed(
            "Letters, digits and . @ + - _ only, at most 150 characters.", field="username"
        )
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("That username is taken.", field="username", code="unique")
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed("Enter a valid e-mail address.", field="email") from None
    if password:
        try:
            validate_password(password, User(username=username, email=email))
        except DjangoValidationError as error:
            raise ValidationFailed(" ".join(error.messages), field="password") from None


@transaction.atomic
def person_create(
    *,
    actor: TenantActor,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    role: str,
    department: Department | None = None,
    password: str | None = None,
) -> User:
    """A tenant admin adds a person with a first role. Without a password the account cannot
    log in until the person sets one through the password-reset e-mail."""
    _require_admin(actor)
    username, email = (username or "").strip(), (email or "").strip()
    _check_new_person(username, email, password)
    department = _check_role(role, department, actor)
    user = User(
        username=username,
        email=email,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    actor.audit(
        Verb.PERSON_CREATE,
        obj=user,
        after={"username": user.username, "email": user.email},
    )
    membership_grant(actor=actor, user=user, role=role, department=department)
    return user


@transaction.atomic
def municipality_create(
    *,
    actor: User | None,
    slug: str,
    name: str,
    code: str,
    first_admin: User,
    time_zone: str = "UTC",
    currency: str = "USD",
) -> Municipality:
    """The platform operator (a superuser, or the system from the command line) opens a new
    tenant with its first tenant admin."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("Only the platform operator may add a municipality.")
    if first_admin is None or not first_admin.is_active:
        raise ValidationFailed(
            "Name an active person as the first tenant admin.", field="first_admin"
        )
    municipality = Municipality(
        slug=slug, name=name, code=code, time_zone=time_zone, currency=currency
    )
    try:
        municipality.full_clean()
    except DjangoValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise ValidationFailed(messages[0], field=field) from None
    municipality.save()
    audit_record(
        actor=actor,
        verb=Verb.MUNICIPALITY_CREATE,
        municipality=municipality,
        obj=municipality,
        after={"slug": slug, "name": name, "code": code, "time_zone": time_zone},
    )
    membership = Membership.objects.create(
        user=first_admin, municipality=municipality, role=Role.ADMIN
    )
    audit_record(
        actor=actor,
        verb=Verb.MEMBERSHIP_GRANT,
        municipality=municipality,
        obj=membership,
        after=_membership_snapshot(membership),
    )
    return municipality


# --- accounts --------------------------------------------------------------------------------


def _reset_recipients(email: str):
    """Active accounts using `email`, those without a usable password included: a tenant
    admin adds people without one, and the reset link is how they set their first."""
    return User.objects.filter(email__iexact=email, is_active=True).exclude(email="")


# How long a reset request is remembered as handled: far beyond any redelivery.
RESET_REQUEST_MEMORY_SECONDS = 86_400


@transaction.atomic
def password_reset_send(*, email: str, request_id: str) -> int:
    """E-mail a link to choose a new password to every active account using `email`; none if
    no account does. The reset page queues this for every request alike (the task
    departments.tasks.password_reset_send), so it answers the same words in the same time
    whether or not the address is known. The link is built from SITE_URL, never from the
    request: a forged Host header must not be able to point it elsewhere.

    At most once per request: a redelivered task finds the request handled and sends nothing.
    (Losing a reset e-mail costs a second click; a second one would be a second live link.)
    """
    if not cache.add(f"password-reset:{request_id}", 1, timeout=RESET_REQUEST_MEMORY_SECONDS):
        return 0
    sent = 0
    for user in _reset_recipients(email):
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context = {
            "user": user,
            "link": settings.SITE_URL + reverse("password_reset_confirm", args=[uid, token]),
        }
        subject = loader.render_to_string("registration/password_reset_subject.txt", context)
        body = loader.render_to_string("registration/password_reset_email.html", context)
        email_queue(to=[user.email], subject=subject, body=body)
        sent += 1
    return sent


@transaction.atomic
def person_deactivate(*, operator: User, user: User) -> None:
    """The platform operator (a superuser, in the Django admin) deactivates an account: it
    can no longer sign in, its sessions end at their next request (Django refuses inactive
    users), and its API tokens are deleted now, so reactivating it later does not revive them.
    """
    if not operator.is_superuser:
        raise PermissionDenied("Only the platform operator may deactivate an account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    tokens_revoke_all(user)
