"""Writes about vendors' people: a company's users invite colleagues by e-mail, the invited
accept through a signed, expiring link by choosing their username and password, and a user
removes a colleague (never the company's last active user)."""

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from departments.models import Membership, User
from departments.services.people import clean_email, clean_new_account
from p3hub.api.tokens import tokens_revoke_all
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.errors import Checks, InvalidTransition, ValidationFailed
from p3hub.mail import email_people
from vendors.actor import VendorActor
from vendors.models import Vendor, VendorUser

STAFF_ACCOUNT = "This account holds a municipal role: it cannot act for a vendor."
INVITATION_SALT = "vendors.invite-colleague"
INVITATION_DAYS = 7
PLACEHOLDER_PREFIX = "invited-"  # an invited colleague's username until they choose theirs

ALREADY_INVITED = (
    "A colleague with this address is already invited. To send a new link, withdraw the "
    "invitation (Remove) and invite them again."
)
ALREADY_ACTIVE = "A colleague with this address already acts for the company."
ANOTHER_ACCOUNT = (
    "This address belongs to another P3 Hub account: ask your colleague for another address."
)
LINK_INVALID = "This invitation link is not valid. Copy the whole link from the e-mail."
LINK_EXPIRED = "This invitation has expired. Ask a colleague at the company to invite you again."
LINK_USED = "This invitation was already accepted: sign in with the username you chose."
USERNAME_TAKEN = "That username is taken."
LINK_WITHDRAWN = "This invitation was withdrawn by the company."
LAST_USER = (
    "A company always keeps at least one user: invite a colleague and let them accept "
    "before removing this one."
)


@transaction.atomic
def vendor_user_add(*, vendor: Vendor, user) -> VendorUser:
    """A person acts for a vendor; never one who holds a municipal role (they could approve
    the split their company bids on). The vendor portal (registration, colleagues) builds on
    this."""
    if Membership.objects.filter(user=user).exists():
        raise ValidationFailed(STAFF_ACCOUNT, field="user")
    vendor_user, _ = VendorUser.objects.get_or_create(vendor=vendor, user=user)
    return vendor_user


# --- inviting -------------------------------------------------------------------------------


def _withdrawn_placeholders():
    """Accounts made for an invitation that was withdrawn before anyone accepted it: nobody
    can sign in with them (no password was ever chosen), so their address is free again."""
    return User.objects.filter(
        is_active=False,
        password__startswith=UNUSABLE_PASSWORD_PREFIX,
        username__startswith=PLACEHOLDER_PREFIX,
        vendor_roles__status=VendorUser.Status.REMOVED,
    )


def _check_address_free(actor: VendorActor, email: str) -> None:
    """Refuse an address any account already uses (ignoring case), saying whose it is when
    it is one of the company's own."""
    taken = User.objects.filter(email__iexact=email).exclude(pk__in=_withdrawn_placeholders())
    if not taken.exists():
        return
    here = VendorUser.objects.filter(vendor=actor.vendor, user__in=taken)
    if here.filter(status=VendorUser.Status.INVITED).exists():
        raise ValidationFailed(ALREADY_INVITED, field="email", code="unique")
    if here.filter(status=VendorUser.Status.ACTIVE).exists():
        raise ValidationFailed(ALREADY_ACTIVE, field="email", code="unique")
    raise ValidationFailed(ANOTHER_ACCOUNT, field="email", code="unique")


def invitation_token(vendor_user: VendorUser) -> str:
    """The signed part of the link: the invited colleague and the address invited."""
    return signing.dumps(
        {"v": vendor_user.pk, "u": vendor_user.user_id, "e": vendor_user.user.email},
        salt=INVITATION_SALT,
    )


def invitation_link(vendor_user: VendorUser) -> str:
    return settings.SITE_URL + reverse(
        "vendor-invitation-accept", args=[invitation_token(vendor_user)]
    )


@transaction.atomic
def vendor_user_invite(*, actor: VendorActor, email, first_name, last_name) -> VendorUser:
    """A user of a company invites a colleague by e-mail address: an inactive account without
    a password is made for them, and they are e-mailed a link, valid INVITATION_DAYS days,
    where they choose their username and password (`vendor_invitation_accept`). Every input
    is checked before any is refused; an address any account uses is refused."""
    # One invitation at a time per company: two colleagues inviting the same address at once
    # would otherwise both pass the address check.
    Vendor.objects.select_for_update().filter(pk=actor.vendor.pk).first()
    checks = Checks()
    email = checks.run(clean_email, email)
    names = {
        "first_name": checks.run(
            clean_text, first_name, field="first_name", limit=150, required=True
        ),
        "last_name": checks.run(clean_text, last_name, field="last_name", limit=150, required=True),
    }
    if email:
        checks.run(_check_address_free, actor, email)
    checks.raise_any()
    user = User(
        username=f"{PLACEHOLDER_PREFIX}{secrets.token_hex(12)}",
        email=email,
        is_active=False,
        **names,
    )
    user.set_unusable_password()
    user.save()
    vendor_user = VendorUser.lifecycle.create(
        status=VendorUser.Status.INVITED, vendor=actor.vendor, user=user, invited_by=actor.user
    )
    actor.audit(Verb.VENDOR_USER_INVITE, actor.vendor, after={"email": email})
    email_people(
        key=f"vendor-invite:{vendor_user.pk}",
        people=[user],
        template="vendors/email/colleague_invited",
        context={
            "vendor": actor.vendor,
            "invited_by": actor.user,
            "link": invitation_link(vendor_user),
            "days": INVITATION_DAYS,
        },
    )
    return vendor_user


# --- accepting ------------------------------------------------------------------------------


def invitation_for_token(token, *, lock: bool = False) -> VendorUser:
    """The invited colleague a link names; ValidationFailed (field "token") for a link that
    was not signed here or was altered, has expired, was already accepted or was withdrawn."""
    try:
        claims = signing.loads(
            str(token), salt=INVITATION_SALT, max_age=dt.timedelta(days=INVITATION_DAYS)
        )
        pk, user_pk, email = int(claims["v"]), int(claims["u"]), str(claims["e"])
    except signing.SignatureExpired:
        raise ValidationFailed(LINK_EXPIRED, field="token", code="expired") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationFailed(LINK_INVALID, field="token", code="invalid") from None
    invited = VendorUser.objects.select_related("vendor", "user", "invited_by")
    if lock:
        invited = invited.select_for_update(of=("self", "user"))
    vendor_user = invited.filter(pk=pk, user_id=user_pk, user__email=email).first()
    if vendor_user is None:
        raise ValidationFailed(LINK_INVALID, field="token", code="invalid")
    if vendor_user.status == VendorUser.Status.ACTIVE:
        raise ValidationFailed(LINK_USED, field="token", code="used")
    if vendor_user.status == VendorUser.Status.REMOVED:
        raise ValidationFailed(LINK_WITHDRAWN, field="token", code="withdrawn")
    return vendor_user


@transaction.atomic
def vendor_invitation_accept(*, token, username, password, password_again=None) -> User:
    """Anyone holding the e-mailed link: the invited colleague chooses a username and a
    password (and, from a page, types it again), every input checked before any is refused;
    the account is activated and the colleague acts for the company. The link works once."""
    vendor_user = invitation_for_token(token, lock=True)
    user = vendor_user.user
    checks = Checks()
    if password_again is not None and password != password_again:
        checks.refuse("The two passwords differ.", field="password_again")
    account = checks.run(clean_new_account, username, user.email, password)
    checks.raise_any()
    user.username, password = account
    user.set_password(password)
    user.is_active = True
    try:
        with transaction.atomic():
            user.save(update_fields=["username", "password", "is_active"])
    except IntegrityError:  # another person took the username a moment ago
        raise ValidationFailed(USERNAME_TAKEN, field="username", code="unique") from None
    VendorUser.lifecycle.apply(
        vendor_user, "accept", actor=VendorActor.of(vendor_user), details={"user": user.username}
    )
    return user


# --- removing -------------------------------------------------------------------------------


@transaction.atomic
def vendor_user_remove(*, actor: VendorActor, vendor_user: VendorUser) -> VendorUser:
    """A user of the company removes a colleague (or themselves), never the company's last
    active user. A removed user's account is deactivated: it can no longer sign in, its
    sessions end at their next request (Django refuses inactive users) and its API tokens
    are deleted now. Removing an invited colleague withdraws the invitation: its link is
    refused from now on."""
    # Every row of the company, locked in pk order: two colleagues removing each other at
    # the same moment cannot both see another active user left.
    rows = list(
        VendorUser.objects.select_for_update()
        .filter(vendor_id=actor.vendor.pk)
        .order_by("pk")
        .values_list("pk", "status")
    )
    VendorUser.lifecycle.check_actor(vendor_user, "remove", actor)
    current = dict(rows).get(vendor_user.pk, vendor_user.status)
    others_active = [
        pk for pk, status in rows if status == VendorUser.Status.ACTIVE and pk != vendor_user.pk
    ]
    if current == VendorUser.Status.ACTIVE and not others_active:
        raise InvalidTransition(LAST_USER, code="last_user")
    user = User.objects.select_for_update().get(pk=vendor_user.user_id)
    VendorUser.lifecycle.apply(vendor_user, "remove", actor=actor, details={"user": user.username})
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    tokens_revoke_all(user)
    vendor_user.user = user
    return vendor_user
