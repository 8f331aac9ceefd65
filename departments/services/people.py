"""People of a municipality: their details, deactivation and reactivation (tenant admins), and
the account a newly invited person makes for themselves."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction

from departments.models import USERNAME, Membership, User
from departments.services.common import require_admin
from departments.services.memberships import (
    check_not_last_admin,
    membership_snapshot,
    role_refusal,
)
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.errors import Checks, NotFound, PermissionDenied, ValidationFailed

SHARED_ACCOUNT = (
    "{name} also works for another municipality or a vendor: only they can change their "
    "account's name and e-mail address."
)


def clean_email(value, *, field: str = "email") -> str:
    email = clean_text(value, field=field, limit=254, required=True)
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationFailed("Enter a valid e-mail address.", field=field) from None
    return email


def _clean_username(username) -> str:
    username = clean_text(username, field="username", limit=150, required=True)
    try:
        USERNAME(username)
    except DjangoValidationError as error:
        raise ValidationFailed(error.messages[0], field="username") from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed("That username is taken.", field="username", code="unique")
    return username


def _clean_password(password, username: str, email: str) -> str:
    password = password if isinstance(password, str) else ""
    if not password:
        raise ValidationFailed("This field is required.", field="password", code="required")
    try:
        validate_password(password, User(username=username, email=email))
    except DjangoValidationError as error:
        raise ValidationFailed(" ".join(error.messages), field="password") from None
    return password


def clean_new_account(username, email: str, password) -> tuple[str, str]:
    """A username nobody has (ignoring case, ASCII only) and a password Django accepts, both
    checked before either is refused."""
    checks = Checks()
    username = checks.run(_clean_username, username)
    password = checks.run(_clean_password, password, username or "", email)
    checks.raise_any()
    return username, password


def account_create(*, username, password, email: str, first_name="", last_name="") -> User:
    """The account a person makes for themselves from an invitation (the caller audits)."""
    username, password = clean_new_account(username, email, password)
    user = User(
        username=username,
        email=email,
        first_name=clean_text(first_name, field="first_name", limit=150),
        last_name=clean_text(last_name, field="last_name", limit=150),
    )
    user.set_password(password)
    user.save()
    return user


def _roles_here(actor: TenantActor, person: User):
    # pk order: the default ordering joins the nullable department, which PostgreSQL cannot
    # lock; pk order is also the lock order.
    roles = Membership.objects.filter(user=person, municipality=actor.municipality).order_by("pk")
    if not roles.exists():
        raise NotFound("Not found.")
    return roles


def _check_not_yourself(actor: TenantActor, person: User, what: str) -> None:
    if person.pk == actor.user.pk:
        raise PermissionDenied(f"You cannot {what} yourself: another tenant admin must.")


@transaction.atomic
def person_update(
    *, actor: TenantActor, person: User, first_name=None, last_name=None, email=None
) -> User:
    """A tenant admin corrects a person's name or e-mail address; only for an account that
    is this municipality's alone (changing another city's officer's address here would hand
    this city their password reset)."""
    require_admin(actor)
    _roles_here(actor, person)
    others = Membership.objects.filter(user=person).exclude(municipality=actor.municipality)
    if others.exists() or role_refusal(person):
        raise PermissionDenied(SHARED_ACCOUNT.format(name=person.display_name))
    person = User.objects.select_for_update().get(pk=person.pk)
    before = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    # Every input is checked before any is refused: the form marks all at fault at once.
    checks = Checks()
    if first_name is not None:
        person.first_name = checks.run(clean_text, first_name, field="first_name", limit=150)
    if last_name is not None:
        person.last_name = checks.run(clean_text, last_name, field="last_name", limit=150)
    if email is not None:
        person.email = checks.run(clean_email, email)
    checks.raise_any()
    after = {"first_name": person.first_name, "last_name": person.last_name, "email": person.email}
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        person.save(update_fields=changed)
        actor.audit(
            Verb.PERSON_UPDATE,
            obj=person,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return person


@transaction.atomic
def person_deactivate(*, actor: TenantActor, person: User) -> User:
    """A tenant admin suspends every role of a person here; the roles are kept, so the person
    can be reactivated. Not oneself, and never the last tenant admin."""
    require_admin(actor)
    roles = list(_roles_here(actor, person).select_for_update().filter(is_active=True))
    _check_not_yourself(actor, person, "deactivate")
    if not roles:
        raise ValidationFailed(f"{person.username} is already deactivated.", field="person")
    check_not_last_admin(actor, roles)
    Membership.objects.filter(pk__in=[m.pk for m in roles]).update(is_active=False)
    actor.audit(
        Verb.PERSON_DEACTIVATE,
        obj=person,
        before={"active": True, "roles": [membership_snapshot(m) for m in roles]},
        after={"active": False},
    )
    return person


@transaction.atomic
def person_reactivate(*, actor: TenantActor, person: User) -> User:
    """A tenant admin restores every role a deactivated person held here."""
    require_admin(actor)
    roles = list(_roles_here(actor, person).select_for_update())
    _check_not_yourself(actor, person, "reactivate")
    if any(m.is_active for m in roles):
        raise ValidationFailed(f"{person.username} is active.", field="person")
    Membership.objects.filter(pk__in=[m.pk for m in roles]).update(is_active=True)
    actor.audit(
        Verb.PERSON_REACTIVATE,
        obj=person,
        before={"active": False},
        after={"active": True, "roles": [membership_snapshot(m) for m in roles]},
    )
    return person
