"""Accounts themselves: the platform operator's changes in Django's admin (recorded in the
chain of every municipality the person works for, the platform chain if none, never the
password), deactivating an account, and password-reset e-mails."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.db import transaction
from django.template import loader
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from departments.models import Municipality, User
from departments.services.memberships import membership_snapshot
from p3hub.api.tokens import tokens_revoke_all
from p3hub.audit import Verb, audit_record, to_json_safe
from p3hub.errors import PermissionDenied
from p3hub.mail import email_queue

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


# --- password resets and deactivation ----------------------------------------------------------


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
def account_deactivate(*, operator: User, user: User) -> None:
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
