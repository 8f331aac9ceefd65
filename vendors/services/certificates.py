"""A company's certificates and documents (insurance, minority/women-owned certification, tax
forms), kept current for every city, and the reminders before they expire."""

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from p3hub.audit import Verb
from p3hub.cleaning import clean_amount, clean_choice, clean_text
from p3hub.clock import db_now
from p3hub.errors import Checks, NotFound
from p3hub.files import JPEG, PDF, PNG, check_upload, store_upload
from p3hub.mail import email_people, site_link
from vendors.actor import VendorActor
from vendors.models import Certificate, VendorUser

Kind = Certificate.Kind
CERTIFICATE_KINDS = (PDF, PNG, JPEG)
CURRENCY = "USD"
KIND_MESSAGE = "Choose insurance, mwbe or tax_form (not “{value}”)."
ALREADY_EXPIRED = "This certificate has already expired."
NO_EXPIRY = "A tax form has no expiry date: leave it blank."
COVERAGE_POSITIVE = "The coverage must be more than zero."
# Days before the expiry date when the company is told, latest first: a certificate within 7
# days gets the 7-day notice, within 30 (and more than 7) the 30-day one.
REMINDER_DAYS = (7, 30)


def certificate_day() -> dt.date:
    """The day certificates are judged by: the database clock's date."""
    return db_now().date()


def _required(value, *, field: str, what: str, checks: Checks) -> None:
    if not value and not checks.refused(field):
        checks.refuse(f"Enter {what}.", field=field, code="required")


def _check_kind_details(kind, checks: Checks, *, title, issuer, number, coverage, expires_on):
    """What each kind needs: an insurance certificate its insurer, policy number, coverage
    and expiry; a certification its agency and expiry; a tax form its title and no expiry."""
    if kind == Kind.INSURANCE:
        _required(issuer, field="issuer", what="the insurer", checks=checks)
        _required(number, field="number", what="the policy number", checks=checks)
        _required(coverage, field="coverage", what="the coverage amount", checks=checks)
        _required(expires_on, field="expires_on", what="the expiry date", checks=checks)
        if coverage is not None and coverage <= 0:
            checks.refuse(COVERAGE_POSITIVE, field="coverage", code="invalid")
    elif kind == Kind.MWBE:
        _required(issuer, field="issuer", what="the certifying agency", checks=checks)
        _required(expires_on, field="expires_on", what="the expiry date", checks=checks)
    elif kind == Kind.TAX_FORM:
        _required(title, field="title", what="a title, such as “W-9 2026”", checks=checks)
        if expires_on is not None:
            checks.refuse(NO_EXPIRY, field="expires_on", code="invalid")


@transaction.atomic
def certificate_add(
    *,
    actor: VendorActor,
    kind,
    file: UploadedFile | None,
    title="",
    issuer="",
    number="",
    coverage="",
    expires_on: dt.date | None = None,
) -> Certificate:
    """Any active user of a company uploads one of its certificates. Every field at fault is
    refused at once; an expiry date already past is refused for a new upload. Only a PDF,
    PNG or JPEG file by its content, up to settings.UPLOAD_MAX_BYTES, stored under a random
    name and served only through the permission-checked downloads."""
    checks = Checks()
    kind = checks.run(clean_choice, kind, Kind, field="kind", message=KIND_MESSAGE)
    title = checks.run(clean_text, title, field="title", limit=200)
    issuer = checks.run(clean_text, issuer, field="issuer", limit=200)
    number = checks.run(clean_text, number, field="number", limit=100)
    minor = None
    if kind == Kind.INSURANCE:  # another kind has no coverage: whatever was sent is not kept
        minor = checks.run(
            clean_amount, coverage, field="coverage", currency=CURRENCY, required=False
        )
    if expires_on is not None and not isinstance(expires_on, dt.date):
        checks.refuse("Enter a date such as 2026-12-31.", field="expires_on", code="invalid")
        expires_on = None
    _check_kind_details(
        kind,
        checks,
        title=title,
        issuer=issuer,
        number=number,
        coverage=minor,
        expires_on=expires_on,
    )
    if expires_on is not None and kind != Kind.TAX_FORM and expires_on < certificate_day():
        checks.refuse(ALREADY_EXPIRED, field="expires_on", code="expired")
    upload = checks.run(
        check_upload,
        file,
        field="file",
        allowed=CERTIFICATE_KINDS,
        max_bytes=settings.UPLOAD_MAX_BYTES,
    )
    checks.raise_any()
    certificate = store_upload(
        Certificate(),
        upload,
        vendor=actor.vendor,
        kind=kind,
        title=title,
        issuer=issuer,
        number=number,
        coverage_minor=minor,
        currency=CURRENCY,
        expires_on=expires_on,
        uploaded_by=actor.user,
    )
    actor.audit(
        Verb.CERTIFICATE_ADD,
        actor.vendor,
        after={
            "kind": kind,
            "file_name": certificate.file_name,
            "sha256": certificate.sha256,
            "expires_on": expires_on,
        },
    )
    return certificate


@transaction.atomic
def certificate_remove(*, actor: VendorActor, certificate: Certificate) -> Certificate:
    """Any active user of the company takes a certificate down: it is no longer listed nor
    downloadable, but kept (a bid may have relied on it). Another company's, or one already
    taken down, is NotFound."""
    locked = (
        Certificate.objects.select_for_update()
        .filter(pk=certificate.pk, vendor=actor.vendor, removed_at__isnull=True)
        .first()
    )
    if locked is None:
        raise NotFound("Not found.")
    locked.removed_at = db_now()
    locked.save(update_fields=["removed_at"])
    actor.audit(
        Verb.CERTIFICATE_REMOVE,
        actor.vendor,
        before={"removed_at": None},
        after={"removed_at": locked.removed_at, "file_name": locked.file_name},
    )
    return locked


def reminder_notice(days_left: int) -> int | None:
    """Which notice (7 or 30 days) a certificate `days_left` from its expiry is due, if any."""
    if days_left < 0:
        return None
    return next((days for days in REMINDER_DAYS if days_left <= days), None)


@transaction.atomic
def certificates_remind_expiring() -> int:
    """The beat's daily sweep: e-mail the active users of each company whose live certificate
    expires within 30 days (the 30-day notice) or 7 days (the 7-day notice). Each notice is
    sent once per certificate, expiry date and person (the e-mail's key), so a run missed one
    day is made up by the next and a run repeated sends nothing more. Returns e-mails queued."""
    today = certificate_day()
    due = (
        Certificate.objects.filter(
            removed_at__isnull=True,
            expires_on__gte=today,
            expires_on__lte=today + dt.timedelta(days=max(REMINDER_DAYS)),
        )
        .select_related("vendor")
        .order_by("pk")
    )
    certificates = list(due)
    people: dict[int, list] = {}
    active = VendorUser.objects.filter(
        vendor_id__in={certificate.vendor_id for certificate in certificates},
        status=VendorUser.Status.ACTIVE,
        user__is_active=True,
    ).select_related("user")
    for vendor_user in active:
        people.setdefault(vendor_user.vendor_id, []).append(vendor_user.user)
    link = site_link(reverse("vendor-certificates"))
    queued = 0
    for certificate in certificates:
        days_left = (certificate.expires_on - today).days
        notice = reminder_notice(days_left)
        if notice is None or not people.get(certificate.vendor_id):
            continue
        queued += email_people(
            key=f"certificate-expiry:{certificate.pk}:{certificate.expires_on}:{notice}",
            people=people[certificate.vendor_id],
            template="vendors/email/certificate_expiring",
            context={
                "certificate": certificate,
                "vendor": certificate.vendor,
                "days_left": days_left,
                "notice": notice,
                "link": link,
            },
        )
    return queued
