"""A company registers itself and its first vendor user, once for every municipality. The
user confirms their e-mail address through a signed link that expires before the account can
sign in: until then it is inactive, and Django's sign-in refuses it."""

import datetime as dt
import re

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from departments.models import User
from departments.services.people import clean_email, clean_new_account
from p3hub.audit import Verb, audit_record
from p3hub.cleaning import clean_text
from p3hub.errors import Checks, ValidationFailed
from p3hub.mail import email_people
from vendors.categories import Category
from vendors.models import Vendor, VendorUser

CONFIRMATION_SALT = "vendors.confirm-email"
CONFIRMATION_DAYS = 3
TAX_ID = re.compile(r"^[A-Z0-9]{5,20}$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{5,28}[0-9](\s*(x|ext\.?)\s*[0-9]{1,6})?$", re.I)
TAX_ID_TAKEN = (
    "A company with this tax id is already registered. Ask one of its users to invite you."
)
LINK_REFUSED = "This confirmation link is not valid. Copy the whole link from the e-mail."
LINK_EXPIRED = "This confirmation link has expired. Ask for a new one below."
ALREADY_CONFIRMED = "This address is already confirmed: sign in."


def tax_id_key(tax_id: str) -> str:
    """The id compared for duplicates: without spaces, dashes, dots or slashes, in capitals."""
    return re.sub(r"[\s./-]", "", tax_id).upper()


def _clean_tax_id(value) -> tuple[str, str]:
    tax_id = clean_text(value, field="tax_id", limit=40, required=True)
    key = tax_id_key(tax_id)
    if not TAX_ID.match(key):
        raise ValidationFailed(
            "Enter the tax id as issued: 5 to 20 letters and digits (spaces and dashes are "
            "ignored).",
            field="tax_id",
        )
    if Vendor.objects.filter(tax_id_key=key).exists():
        raise ValidationFailed(TAX_ID_TAKEN, field="tax_id", code="unique")
    return tax_id, key


def clean_phone(value) -> str:
    phone = clean_text(value, field="contact_phone", limit=40, required=True)
    if not PHONE.match(phone):
        raise ValidationFailed(
            "Enter a telephone number, such as +1 555 010 0000 or (555) 010-0000 ext. 12.",
            field="contact_phone",
        )
    return phone


def clean_categories(values) -> list[str]:
    if values is None:
        values = []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        raise ValidationFailed("Give the categories as a list of codes.", field="categories")
    unknown = [value for value in values if value not in Category.values]
    if unknown:
        shown = str(unknown[0])[:40]
        raise ValidationFailed(f"“{shown}” is not a category of work.", field="categories")
    if not values:
        raise ValidationFailed("Choose at least one category of work.", field="categories")
    return sorted(set(values))


# The company's own fields, editable by its users (vendors.services.profile); the tax id is
# not one of them: it identifies the company.
COMPANY_FIELDS = ("name", "legal_name", "contact_email", "contact_phone", "address", "categories")
COMPANY_CLEANERS = {
    "name": lambda value: clean_text(value, field="name", limit=200, required=True),
    "legal_name": lambda value: clean_text(value, field="legal_name", limit=200),
    "contact_email": lambda value: clean_email(value, field="contact_email"),
    "contact_phone": clean_phone,
    "address": lambda value: clean_text(value, field="address", limit=500, required=True),
    "categories": clean_categories,
}


def clean_company(checks: Checks, fields: dict, names=COMPANY_FIELDS) -> dict:
    """The company fields `names` cleaned (None for each refused, recorded in `checks`)."""
    return {name: checks.run(COMPANY_CLEANERS[name], fields.get(name)) for name in names}


def _clean_person(checks: Checks, fields: dict) -> dict:
    email = checks.run(clean_email, fields.get("email"))
    person = {
        "first_name": checks.run(
            clean_text, fields.get("first_name"), field="first_name", limit=150, required=True
        ),
        "last_name": checks.run(
            clean_text, fields.get("last_name"), field="last_name", limit=150, required=True
        ),
        "email": email,
    }
    password, again = fields.get("password"), fields.get("password_again")
    if again is not None and password != again:
        checks.refuse("The two passwords differ.", field="password_again")
    account = checks.run(clean_new_account, fields.get("username"), email or "", password)
    if account:
        person["username"], person["password"] = account
    return person


@transaction.atomic
def vendor_register(**fields) -> VendorUser:
    """A company (name, legal_name, tax_id, contact_email, contact_phone, address, categories)
    and its first user (username, first_name, last_name, email, password, and password_again
    from a page) register; every input is checked before any is refused. The user's account
    stays inactive until the e-mailed link confirms the address (`vendor_user_confirm`)."""
    checks = Checks()
    company = clean_company(checks, {"categories": [], **fields})
    tax = checks.run(_clean_tax_id, fields.get("tax_id"))
    person = _clean_person(checks, fields)
    checks.raise_any()
    vendor = Vendor(**company, tax_id=tax[0], tax_id_key=tax[1])
    try:
        with transaction.atomic():
            vendor.save()
    except IntegrityError:  # another registration took the tax id a moment ago
        raise ValidationFailed(TAX_ID_TAKEN, field="tax_id", code="unique") from None
    password = person.pop("password")
    user = User(**person, is_active=False)
    user.set_password(password)
    user.save()
    vendor_user = VendorUser.objects.create(vendor=vendor, user=user)
    audit_record(
        actor=user,
        verb=Verb.VENDOR_REGISTER,
        obj=vendor,
        after={"name": vendor.name, "tax_id": vendor.tax_id, "user": user.username},
    )
    _email_confirmation(vendor_user)
    return vendor_user


def confirmation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=CONFIRMATION_SALT)


def confirmation_link(user: User) -> str:
    return settings.SITE_URL + reverse("vendor-confirm", args=[confirmation_token(user)])


def _email_confirmation(vendor_user: VendorUser, *, asked: str = "registered") -> None:
    """The link, once per user and request (`asked` names the request for it)."""
    user = vendor_user.user
    email_people(
        key=f"vendor-confirm:{user.pk}:{asked}",
        people=[user],
        template="vendors/email/confirm_email",
        context={
            "vendor": vendor_user.vendor,
            "link": confirmation_link(user),
            "days": CONFIRMATION_DAYS,
        },
    )


def _user_of(token) -> User:
    try:
        data = signing.loads(
            str(token), salt=CONFIRMATION_SALT, max_age=dt.timedelta(days=CONFIRMATION_DAYS)
        )
    except signing.SignatureExpired:
        raise ValidationFailed(LINK_EXPIRED, field="token", code="expired") from None
    except signing.BadSignature:
        raise ValidationFailed(LINK_REFUSED, field="token", code="invalid") from None
    user = (
        User.objects.select_for_update()
        # The registrant only: an invited colleague is let in by accepting the invitation
        # (vendors.services.people), and a removed one by nothing.
        .filter(
            pk=data.get("u"),
            email=data.get("e"),
            vendor_roles__status=VendorUser.Status.ACTIVE,
        )
        .first()
    )
    # An account that has signed in before was deactivated by the operator: no link revives it.
    if user is None or (not user.is_active and user.last_login is not None):
        raise ValidationFailed(LINK_REFUSED, field="token", code="invalid")
    return user


@transaction.atomic
def vendor_user_confirm(*, token) -> User:
    """The e-mailed link confirms the address and activates the account; it works once."""
    user = _user_of(token)
    if user.is_active:
        raise ValidationFailed(ALREADY_CONFIRMED, field="token", code="used")
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=user, verb=Verb.VENDOR_USER_CONFIRM, obj=user, after={"email": user.email})
    return user


def _awaiting_confirmation(email: str):
    """Vendor users of `email` who registered and never confirmed (an account deactivated
    after signing in is not one, nor is an invited or a removed colleague)."""
    return VendorUser.objects.select_related("vendor", "user").filter(
        status=VendorUser.Status.ACTIVE,
        user__email__iexact=email,
        user__is_active=False,
        user__last_login__isnull=True,
    )


def vendor_confirmation_resend(*, email, request_id: str) -> int:
    """A new link to every registered, unconfirmed vendor user of `email`; none otherwise.
    The page answers alike either way (nobody learns whether an address registered); at most
    one e-mail per user and `request_id`. Returns how many were queued."""
    email = clean_email(email)
    sent = 0
    for vendor_user in _awaiting_confirmation(email):
        _email_confirmation(vendor_user, asked=request_id)
        sent += 1
    return sent
