"""The daily reminders before a certificate expires: the 30-day and the 7-day notice, each
once per certificate and person however often the task runs, a missed day made up by the
next run, by the database's date."""

import datetime as dt

import pytest

from tests.factories import UserFactory
from vendors import tasks
from vendors.models import Certificate, Vendor, VendorUser
from vendors.services import certificates as certificate_services
from vendors.services.certificates import certificate_day

pytestmark = pytest.mark.django_db


def days(n: int, today: dt.date | None = None) -> dt.date:
    return (today or certificate_day()) + dt.timedelta(days=n)


def certificate(vendor: Vendor, user, expires_in: int | None, **fields) -> Certificate:
    return Certificate.objects.create(
        vendor=vendor,
        kind=fields.pop("kind", "insurance"),
        issuer=fields.pop("issuer", "Harbor Mutual Insurance"),
        number=fields.pop("number", "HMI-1"),
        coverage_minor=100_000_000,
        expires_on=days(expires_in) if expires_in is not None else None,
        file="vendors/x.pdf",
        file_name="x.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
        **fields,
    )


@pytest.fixture
def acme(personas) -> Vendor:
    return Vendor.objects.get(name="Acme Traffic Systems")


def run(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        tasks.certificate_expiry_reminders()


def test_30_and_7_days_out_each_get_one_e_mail_however_often_it_runs(
    personas, acme, mailoutbox, django_capture_on_commit_callbacks
):
    user = personas["vendor.acme"]
    thirty = certificate(acme, user, 30, issuer="Thirty Mutual")
    seven = certificate(acme, user, 7, issuer="Seven Casualty")
    certificate(acme, user, 40, issuer="Forty Indemnity")
    certificate(acme, user, None, kind="tax_form", title="W-9 2026", issuer="")

    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2
    by_issuer = {
        issuer: mail
        for mail in mailoutbox
        for issuer in ("Thirty Mutual", "Seven Casualty", "Forty Indemnity")
        if issuer in mail.body
    }
    assert set(by_issuer) == {"Thirty Mutual", "Seven Casualty"}
    assert all(mail.to == [user.email] for mail in mailoutbox)
    thirty_mail = by_issuer["Thirty Mutual"]
    assert thirty_mail.subject == "Your insurance certificate expires in 30 days"
    assert thirty.expires_on.strftime("%B") in thirty_mail.body
    assert "/vendor/certificates/" in thirty_mail.body
    assert "/vendor/certificates/" in thirty_mail.alternatives[0][0]
    assert by_issuer["Seven Casualty"].subject == "Your insurance certificate expires in 7 days"
    assert seven.pk != thirty.pk


def test_the_30_day_notice_is_not_repeated_at_29_days_but_the_7_day_one_follows(
    personas, acme, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    user = personas["vendor.acme"]
    certificate(acme, user, 30)
    today = certificate_day()
    run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1

    # The next day: 29 days left, the 30-day notice already sent.
    monkeypatch.setattr(certificate_services, "certificate_day", lambda: days(1, today))
    run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1

    # 23 days later, 7 days left: the 7-day notice, once.
    monkeypatch.setattr(certificate_services, "certificate_day", lambda: days(23, today))
    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert mailoutbox[1].subject == "Your insurance certificate expires in 7 days"


def test_a_missed_day_of_beat_still_sends_the_notice_on_the_next_run(
    personas, acme, mailoutbox, django_capture_on_commit_callbacks
):
    # Given no run happened while it was 30 days out: now 26 days are left.
    certificate(acme, personas["vendor.acme"], 26)

    run(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == "Your insurance certificate expires in 26 days"
    assert "30 days before" in mailoutbox[0].body


def test_only_the_companys_active_users_and_only_live_certificates(
    personas, acme, mailoutbox, django_capture_on_commit_callbacks
):
    user = personas["vendor.acme"]
    colleague = UserFactory(username="dana.acme")
    VendorUser.objects.create(vendor=acme, user=colleague, status=VendorUser.Status.ACTIVE)
    gone = UserFactory(username="gone.acme")
    VendorUser.objects.create(vendor=acme, user=gone, status=VendorUser.Status.REMOVED)
    certificate(acme, user, 5)
    removed = certificate(acme, user, 6, issuer="Taken Down Ltd")
    Certificate.objects.filter(pk=removed.pk).update(removed_at=removed.uploaded_at)
    certificate(acme, user, -2, issuer="Already Expired Co")

    run(django_capture_on_commit_callbacks)

    assert sorted(mail.to[0] for mail in mailoutbox) == sorted([user.email, colleague.email])
    assert not any(
        "Taken Down" in mail.body or "Already Expired" in mail.body for mail in mailoutbox
    )
