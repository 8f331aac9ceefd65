"""Invitations: how people join a municipality (DESIGN.md 3). A tenant admin invites an e-mail
address to a role; the invitee follows a signed, expiring, single-use link and either accepts
with the account they are signed in with or makes a new one. The admin's answer is the same
whether or not an account exists for the address, so inviting reveals nobody."""

import datetime as dt
import secrets

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from departments.models import Invitation, Membership, User
from departments.services.common import require_admin
from departments.services.memberships import check_may_hold_a_role, check_role, grant
from departments.services.people import account_create, clean_email, clean_new_account
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import (
    Checks,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from p3hub.formatting import format_datetime
from p3hub.mail import email_queue

SALT = "p3hub.invitation"
lifecycle = Invitation.lifecycle
EXPIRED = "This invitation has expired: ask the municipality for a new one."
NOT_YOURS = (
    "This invitation was sent to another e-mail address: sign in with the account for that "
    "address, or ask for an invitation to yours."
)


def invitation_token(invitation: Invitation) -> str:
    """The signed part of the link: the invitation and its current nonce."""
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=SALT)


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation-accept", args=[invitation_token(invitation)])


def _lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.INVITATION_DAYS)


@transaction.atomic
def invitation_send(
    *,
    actor: TenantActor,
    email: str,
    role: str,
    department=None,
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """A tenant admin invites an e-mail address to a role; the invitee is e-mailed the link
    once the invitation is saved. Not one's own address (four eyes)."""
    require_admin(actor)
    # Every input is checked before any is refused: the form marks all at fault at once.
    checks = Checks()
    email = checks.run(clean_email, email)
    department = checks.run(check_role, role, department, actor)
    first_name = checks.run(clean_text, first_name, field="first_name", limit=150)
    last_name = checks.run(clean_text, last_name, field="last_name", limit=150)
    if email and email.lower() == (actor.user.email or "").lower():
        checks.refuse(
            "You cannot invite yourself: another tenant admin must.", field="email", code="yourself"
        )
    checks.raise_any()
    invitation = lifecycle.create(
        municipality=actor.municipality,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        department=department,
        nonce=secrets.token_urlsafe(24),
        invited_by=actor.user,
        expires_at=db_now() + _lifetime(),
    )
    actor.audit(
        Verb.INVITATION_SEND,
        invitation,
        after={"email": email, "role": role, "department": department and department.code},
    )
    _email(invitation)
    return invitation


def _email(invitation: Invitation) -> None:
    municipality = invitation.municipality
    where = f" of {invitation.department.name}" if invitation.department_id else ""
    role = Membership.Role(invitation.role).label.lower()
    email_queue(
        municipality=municipality,
        to=[invitation.email],
        subject=f"Invitation to {municipality.name} on P3 Hub",
        body=(
            f"{invitation.invited_by.display_name} invites you to join {municipality.name} on "
            f"P3 Hub as {role}{where}.\n\n"
            f"Accept the invitation: {invitation_link(invitation)}\n\n"
            f"If you already have a P3 Hub account for this address, sign in and accept; "
            f"otherwise the link lets you make one. The link works once, until "
            f"{format_datetime(invitation.expires_at, municipality, zone=True)}.\n"
        ),
    )


def invitation_for_token(token: str, *, lock: bool = False) -> Invitation:
    """The invitation a link names: NotFound for a link that was not signed here (or was
    altered), InvalidTransition for one used, withdrawn or expired."""
    try:
        claims = signing.loads(
            token, salt=SALT, max_age=_lifetime() + dt.timedelta(days=1)
        )  # the row's own expiry decides; this only bounds very old links
        pk, nonce = int(claims["i"]), str(claims["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("This invitation link is not valid.") from None
    invitations = Invitation.objects.select_related("municipality", "department", "invited_by")
    invitation = (
        (invitations.select_for_update(of=("self",)) if lock else invitations).filter(pk=pk).first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    if invitation.status != Invitation.Status.PENDING or not secrets.compare_digest(
        nonce, invitation.nonce
    ):
        raise InvalidTransition("This invitation was already used or withdrawn.", code="used")
    if invitation.expires_at <= db_now():
        raise InvalidTransition(EXPIRED, code="expired")
    return invitation


def account_exists_for(invitation: Invitation) -> bool:
    """For the page the invitee opens (not the admin's answer): sign in, or make an account."""
    return User.objects.filter(email__iexact=invitation.email, is_active=True).exists()


def _join(invitation: Invitation, user: User) -> Membership:
    """The invited role for `user`, the invitation used up, both recorded as the invitee."""
    if user.pk == invitation.invited_by_id:
        raise PermissionDenied(
            "You cannot accept an invitation you sent: another tenant admin must invite you."
        )
    check_may_hold_a_role(user)
    actor = TenantActor.of(user, invitation.municipality)
    lifecycle.apply(
        invitation,
        "accept",
        actor=actor,
        changes={"accepted_by": user, "nonce": ""},
        details={"email": invitation.email, "invited_by": invitation.invited_by.username},
    )
    held = Membership.objects.filter(
        user=user,
        municipality=invitation.municipality,
        role=invitation.role,
        department=invitation.department,
        is_active=True,
    )
    if held.exists():  # accepted twice over: the role is there already
        return held.get()
    return grant(actor, user, invitation.role, invitation.department)


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """The signed-in invitee accepts with their account, whose address the invitation was
    sent to."""
    invitation = invitation_for_token(token, lock=True)
    if (user.email or "").lower() != invitation.email.lower():
        raise PermissionDenied(NOT_YOURS)
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_with_new_account(
    *, token: str, username, password, password_again=None, first_name="", last_name=""
) -> User:
    """An invitee without an account makes one (for the invited address) and joins. Pages
    send the password twice (`password_again`); a program may send it once."""
    invitation = invitation_for_token(token, lock=True)
    if password_again is not None and password != password_again:
        checks = Checks()
        checks.refuse("The two passwords differ.", field="password_again")
        checks.run(clean_new_account, username, invitation.email, password)  # the rest, too
        checks.raise_any()
    if account_exists_for(invitation):
        raise ValidationFailed(
            "An account already uses this e-mail address: sign in to accept.", field="username"
        )
    user = account_create(
        username=username,
        password=password,
        email=invitation.email,
        first_name=first_name or invitation.first_name,
        last_name=last_name or invitation.last_name,
    )
    actor = TenantActor.of(user, invitation.municipality)
    actor.audit(Verb.PERSON_CREATE, obj=user, after={"username": user.username})
    _join(invitation, user)
    return user


@transaction.atomic
def invitation_revoke(*, actor: TenantActor, invitation: Invitation) -> Invitation:
    """A tenant admin withdraws a pending invitation: its link stops working."""
    require_admin(actor)
    if invitation.municipality_id != actor.municipality.pk:
        raise NotFound("Not found.")
    return lifecycle.apply(
        invitation,
        "revoke",
        actor=actor,
        changes={"nonce": ""},
        details={"email": invitation.email},
    )
