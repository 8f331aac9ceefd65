"""The platform operator's changes to accounts in Django's admin: recorded in the chain of
every municipality the person works for (the platform chain if none), never the password."""

from dataclasses import dataclass, field

from django.db import transaction

from departments.models import Municipality, User
from departments.services.memberships import membership_snapshot
from p3hub.audit import Verb, audit_record, to_json_safe
from p3hub.errors import PermissionDenied

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
        roles = [membership_snapshot(m) for m in memberships if m.municipality == municipality]
        audit_record(
            actor=actor,
            verb=Verb.PERSON_DELETE,
            municipality=municipality,
            obj=user,
            before={**account, "roles": roles} if municipality else account,
        )
    user.delete()
