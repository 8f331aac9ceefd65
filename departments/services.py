"""Every write to municipalities, departments and memberships: one function per use case.

Each takes the acting TenantActor, checks the role, runs in one transaction and records an
audit event in the municipality's chain. The platform operator's changes to accounts in Django's
admin are recorded here too, in the chain of every municipality the person works for.
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from departments.models import Department, Membership, Municipality, User
from departments.selectors import department_named
from departments.tenancy import TenantActor
from p3hub.audit import Verb, audit_record, to_json_safe
from p3hub.cleaning import clean_choice, clean_text
from p3hub.errors import PermissionDenied, ValidationFailed, get_or_not_found

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


# --- the platform operator's changes to accounts (Django's admin) ----------------------------

ACCOUNT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "last_login",
    "date_joined",
)


@dataclass(frozen=True)
class AccountSnapshot:
    """An account as the audit records it. The password's hash is kept only to tell whether
    it changed: it is never recorded, nor shown."""

    fields: dict
    password: str = field(repr=False)


def account_snapshot(user: User) -> AccountSnapshot:
    """The account of `user` as stored now (its groups and permissions read afresh)."""
    permissions = user.user_permissions.values_list("content_type__app_label", "codename")
    fields = {name: getattr(user, name) for name in ACCOUNT_FIELDS}
    for name in ("last_login", "date_joined"):
        # To the second, as the admin shows and saves them: saving the form unchanged drops
        # the microseconds, which is no change anyone made.
        if fields[name] is not None:
            fields[name] = fields[name].replace(microsecond=0)
    fields["usable_password"] = user.has_usable_password()
    fields["groups"] = sorted(user.groups.values_list("name", flat=True))
    fields["user_permissions"] = sorted(f"{app}.{codename}" for app, codename in permissions)
    return AccountSnapshot(fields=to_json_safe(fields), password=user.password)


def _require_operator(actor: User) -> None:
    if not (actor is not None and actor.is_active and actor.is_superuser):
        raise PermissionDenied("Only the platform operator may change accounts.")


def _account_chains(user: User) -> list[Municipality | None]:
    """The chains a change to `user`'s account goes to: every municipality the person has a
    role in, in one order (appends to several chains lock them in that order), else the
    platform chain."""
    municipalities = Municipality.objects.filter(memberships__user=user).distinct()
    return list(municipalities.order_by("pk")) or [None]


@transaction.atomic
def person_account_audit(*, actor: User, user: User, before: AccountSnapshot | None) -> None:
    """Record what the platform operator (a superuser) changed in an account through Django's
    admin, in the transaction of the change: `person.create` for a new account (`before`
    None), else `person.update` with the before and after of each field that changed, and
    nothing if none did. A new password is recorded as "changed", never its hash."""
    _require_operator(actor)
    after = account_snapshot(user)
    if before is None:
        verb, old, new = Verb.PERSON_CREATE, None, after.fields
    else:
        changed = [name for name, value in after.fields.items() if before.fields[name] != value]
        verb = Verb.PERSON_UPDATE
        old = {name: before.fields[name] for name in changed}
        new = {name: after.fields[name] for name in changed}
        if before.password != after.password and user.has_usable_password():
            new["password"] = "changed"  # noqa: S105 - a marker: the password is never recorded
        if not new:
            return
    for municipality in _account_chains(user):
        audit_record(
            actor=actor, verb=verb, municipality=municipality, obj=user, before=old, after=new
        )


@transaction.atomic
def person_delete(*, actor: User, user: User) -> None:
    """The platform operator deletes an account, with its roles. Recorded in the chain of
    every municipality it had a role in, with the account and its roles there (another
    city's stay out); refused by the database (ProtectedError) for anyone the audit log names
    as an actor."""
    _require_operator(actor)
    account = account_snapshot(user).fields
    memberships = user.memberships.select_related("municipality", "department")
    for municipality in _account_chains(user):
        roles = [_membership_snapshot(m) for m in memberships if m.municipality == municipality]
        audit_record(
            actor=actor,
            verb=Verb.PERSON_DELETE,
            municipality=municipality,
            obj=user,
            before={**account, "roles": roles} if municipality else account,
        )
    user.delete()
