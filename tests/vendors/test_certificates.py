"""A company's certificates through the portal's pages: what each kind needs, every refusal at
once and naming the field with nothing stored, only the company's own users download (staff
only where settings.VENDOR_DOCUMENT_ACCESS grants it), removal keeps the row, an expired one
says so, and the list costs the same queries for 10 certificates as for 200."""

from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from p3hub.audit import Verb
from p3hub.errors import NotFound, ValidationErrors
from p3hub.models import AuditEvent
from tests.factories import PDF_BYTES, PNG_BYTES, in_days, insurance, upload
from tests.helpers import database_state, error_at, page_text, typed_value
from vendors import selectors, services
from vendors.actor import VendorActor
from vendors.models import Certificate, Vendor, VendorUser
from vendors.services.certificates import ALREADY_EXPIRED

pytestmark = pytest.mark.django_db
CONFIRMED = {"confirmed": "1"}  # the confirm step's button

MB = 1024 * 1024
LIST = "/vendor/certificates/"
NEW = "/vendor/certificates/new/"
KINDS = "Choose a PDF, PNG or JPEG file"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def grant_every_municipality(tenant_actor, vendor) -> bool:
    """A stand-in for the bids app's "the vendor has a bid in this municipality"."""
    return True


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def signed_in(personas, username: str) -> Client:
    client = Client()
    client.force_login(personas[username])
    return client


def acme_actor() -> VendorActor:
    return VendorActor.of(VendorUser.objects.get(user__username="vendor.acme"))


@pytest.fixture
def acme_certificate(personas, media) -> Certificate:
    return services.certificate_add(
        actor=acme_actor(),
        kind="insurance",
        issuer="Harbor Mutual Insurance",
        number="HMI-GL-1",
        coverage="2,000,000.00",
        expires_on=in_days(200),
        file=upload("liability.pdf"),
    )


def test_a_company_uploads_an_insurance_certificate_through_the_page(personas, media):
    client = signed_in(personas, "vendor.acme")

    response = client.post(NEW, insurance())

    assert response.status_code == 302 and response["Location"] == LIST
    certificate = Certificate.objects.get()
    assert certificate.vendor.name == "Acme Traffic Systems"
    assert (certificate.issuer, certificate.number) == ("Harbor Mutual Insurance", "HMI-GL-1")
    assert certificate.coverage_minor == 100_000_000 and certificate.currency == "USD"
    assert certificate.expires_on == in_days(200)
    assert certificate.file_name == "liability.pdf"
    assert certificate.content_type == "application/pdf" and certificate.size == len(PDF_BYTES)
    # Stored under a random name, never the one the browser sent.
    assert stored_files(media) == [media / certificate.file.name]
    assert "liability" not in certificate.file.name
    event = AuditEvent.objects.get(verb=Verb.CERTIFICATE_ADD)
    assert event.object_id == str(certificate.vendor.pk) and event.municipality is None
    assert event.after == {
        "kind": "insurance",
        "file_name": "liability.pdf",
        "sha256": certificate.sha256,
        "expires_on": in_days(200).isoformat(),
    }
    listed = client.get(LIST)
    text = page_text(listed)
    assert "Harbor Mutual Insurance" in text and "$1,000,000.00" in text
    assert f'href="/vendor/certificates/{certificate.pk}/file/"' in listed.content.decode()


def test_each_kind_needs_its_own_details_and_a_tax_form_no_expiry(personas, media):
    actor = acme_actor()

    certification = services.certificate_add(
        actor=actor,
        kind="mwbe",
        issuer="State Office of Supplier Diversity",
        expires_on=in_days(90),
        file=upload("mwbe.png", PNG_BYTES),
    )
    tax_form = services.certificate_add(
        actor=actor, kind="tax_form", title="W-9 2026", file=upload("w9.pdf")
    )

    assert certification.content_type == "image/png" and certification.coverage_minor is None
    assert tax_form.expires_on is None and str(tax_form) == "W-9 2026"
    with pytest.raises(ValidationErrors) as refused:
        services.certificate_add(actor=actor, kind="mwbe", file=upload())
    assert {e.field for e in refused.value.errors} == {"issuer", "expires_on"}
    with pytest.raises(ValidationErrors) as refused:
        services.certificate_add(
            actor=actor, kind="tax_form", expires_on=in_days(10), file=upload()
        )
    assert {e.field for e in refused.value.errors} == {"title", "expires_on"}


def test_every_missing_insurance_detail_is_named_at_once_and_what_was_typed_is_kept(
    personas, media
):
    client = signed_in(personas, "vendor.acme")
    before = database_state()

    response = client.post(
        NEW, insurance(issuer="", number="", coverage="", expires_on="", file="")
    )

    assert response.status_code == 400
    assert error_at(response, "id_issuer") == "Enter the insurer."
    assert error_at(response, "id_number") == "Enter the policy number."
    assert error_at(response, "id_coverage") == "Enter the coverage amount."
    assert error_at(response, "id_expires_on") == "Enter the expiry date."
    assert error_at(response, "id_file") == "Choose a file."
    assert typed_value(response, "id_kind") == "insurance"
    assert typed_value(response, "id_title") == "General liability"
    assert database_state() == before
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issuer": ""}, "id_issuer", "Enter the insurer."),
        ({"expires_on": "2020-01-01"}, "id_expires_on", ALREADY_EXPIRED),
        ({"coverage": "0"}, "id_coverage", "The coverage must be more than zero."),
        ({"coverage": "lots"}, "id_coverage", "Enter an amount such as 2,500.00."),
        ({"kind": "diploma"}, "id_kind", "Choose insurance, mwbe or tax_form (not “diploma”)."),
        ({"file": upload("setup.exe", EXE)}, "id_file", KINDS),
        ({"file": upload("liability.pdf", EXE)}, "id_file", KINDS),
        ({"file": upload("liability.pdf", HTML)}, "id_file", KINDS),
        ({"file": upload("empty.pdf", b"")}, "id_file", "Choose a file."),
    ],
    ids=[
        "no insurer",
        "past expiry",
        "zero coverage",
        "not an amount",
        "unknown kind",
        "executable",
        "executable renamed .pdf",
        "HTML renamed .pdf",
        "empty file",
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_stores_nothing(
    personas, media, changes, field, message
):
    client = signed_in(personas, "vendor.acme")
    before = database_state()

    response = client.post(NEW, insurance(**changes))

    assert response.status_code == 400
    assert message in error_at(response, field)
    assert database_state() == before
    assert stored_files(media) == []


def test_a_file_past_the_limit_is_refused_and_nothing_of_it_is_stored(personas, media, settings):
    settings.UPLOAD_MAX_BYTES = MB
    client = signed_in(personas, "vendor.acme")
    before = database_state()

    response = client.post(
        NEW, insurance(file=upload("big.pdf", PDF_BYTES + b"0" * (MB + MB // 2)))
    )

    assert response.status_code == 400
    assert error_at(response, "id_file") == "Files are limited to 1 MB."
    assert database_state() == before
    assert stored_files(media) == []


def test_the_company_downloads_its_certificate_as_an_attachment(personas, acme_certificate):
    response = signed_in(personas, "vendor.acme").get(
        f"/vendor/certificates/{acme_certificate.pk}/file/"
    )

    assert response.status_code == 200
    assert body_of(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="liability.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("username", ["vendor.beacon", "officer", "officer.lakeside", "admin"])
def test_nobody_else_downloads_or_removes_the_certificate(personas, acme_certificate, username):
    client = signed_in(personas, username)
    before = database_state()

    download = client.get(f"/vendor/certificates/{acme_certificate.pk}/file/")
    remove = client.post(f"/vendor/certificates/{acme_certificate.pk}/remove/", CONFIRMED)

    assert download.status_code == 404 and remove.status_code == 404
    assert database_state() == before


def test_the_anonymous_are_sent_to_sign_in(personas, acme_certificate):
    client = Client()
    url = f"/vendor/certificates/{acme_certificate.pk}/file/"

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert client.get(LIST).status_code == 302


def test_another_company_lists_none_of_them_and_its_id_is_not_found(personas, acme_certificate):
    beacon = VendorActor.of(VendorUser.objects.get(user__username="vendor.beacon"))

    assert list(selectors.certificates_of(beacon)) == []
    with pytest.raises(NotFound):
        selectors.certificate_get_for(beacon, acme_certificate.pk)
    assert "Harbor Mutual" not in page_text(signed_in(personas, "vendor.beacon").get(LIST))


def test_a_removed_certificate_is_kept_but_no_longer_listed_nor_downloadable(
    personas, acme_certificate
):
    client = signed_in(personas, "vendor.acme")

    response = client.post(f"/vendor/certificates/{acme_certificate.pk}/remove/", CONFIRMED)

    assert response.status_code == 302 and response["Location"] == LIST
    acme_certificate.refresh_from_db()
    assert acme_certificate.removed_at is not None  # kept, not deleted
    assert acme_certificate.file.storage.exists(acme_certificate.file.name)
    event = AuditEvent.objects.get(verb=Verb.CERTIFICATE_REMOVE)
    assert event.after["file_name"] == "liability.pdf"
    assert client.get(f"/vendor/certificates/{acme_certificate.pk}/file/").status_code == 404
    assert "Harbor Mutual" not in page_text(client.get(LIST))
    assert (
        client.post(f"/vendor/certificates/{acme_certificate.pk}/remove/", CONFIRMED).status_code
        == 404
    )


def test_an_expired_certificate_says_expired_and_one_expiring_soon_says_so(personas, media):
    actor = acme_actor()
    old = services.certificate_add(
        actor=actor,
        kind="mwbe",
        issuer="Old Agency",
        expires_on=in_days(1),
        file=upload("old.pdf"),
    )
    # Given the expiry date passed since the upload (the service refuses a past date).
    Certificate.objects.filter(pk=old.pk).update(expires_on=in_days(-3))
    services.certificate_add(
        actor=actor,
        kind="mwbe",
        issuer="Soon Agency",
        expires_on=in_days(12),
        file=upload(),
    )

    response = signed_in(personas, "vendor.acme").get(LIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<tr class="is-expired">' in html and "Expired</span>" in html
    assert html.count('class="is-expired"') == 1
    assert "Expires soon" in page_text(response)


@pytest.mark.parametrize("page", ["/vendor/", "/vendor/profile/"])
def test_the_portal_home_and_the_profile_show_the_certificates_panel(
    personas, acme_certificate, page
):
    Certificate.objects.filter(pk=acme_certificate.pk).update(expires_on=in_days(-1))

    response = signed_in(personas, "vendor.acme").get(page)

    assert response.status_code == 200
    text = page_text(response)
    assert "Certificates and documents" in text and "Harbor Mutual Insurance" in text
    assert '<tr class="is-expired">' in response.content.decode() and "Expired" in text
    assert "Harbor Mutual" not in page_text(signed_in(personas, "vendor.beacon").get(page))


def test_staff_get_404_on_a_vendors_certificate_until_an_access_callable_grants_it(
    personas, acme_certificate, settings
):
    vendor = Vendor.objects.get(name="Acme Traffic Systems")
    url = f"/riverton/vendors/{vendor.pk}/certificates/{acme_certificate.pk}/file/"
    officer = signed_in(personas, "officer")

    assert officer.get(url).status_code == 404  # Acme has no opened bid in riverton

    settings.VENDOR_DOCUMENT_ACCESS = ["tests.vendors.test_certificates.grant_every_municipality"]
    granted = officer.get(url)
    assert granted.status_code == 200 and body_of(granted) == PDF_BYTES
    assert granted["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Still 404 for someone outside the municipality, and for another vendor's id.
    assert signed_in(personas, "officer.lakeside").get(url).status_code == 404
    beacon = Vendor.objects.get(name="Beacon Safety Technologies")
    other = f"/riverton/vendors/{beacon.pk}/certificates/{acme_certificate.pk}/file/"
    assert officer.get(other).status_code == 404


def add_certificates(vendor: Vendor, user, count: int) -> None:
    Certificate.objects.bulk_create(
        Certificate(
            vendor=vendor,
            kind="insurance",
            issuer=f"Insurer {i}",
            number=f"P-{i}",
            coverage_minor=100_000_00,
            expires_on=in_days(i - 5),
            file=f"vendors/x{i}.pdf",
            file_name=f"x{i}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            uploaded_by=user,
        )
        for i in range(count)
    )


def test_the_list_page_costs_the_same_queries_for_10_and_200_certificates(personas):
    vendor = Vendor.objects.get(name="Acme Traffic Systems")
    client = signed_in(personas, "vendor.acme")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured.captured_queries)

    add_certificates(vendor, personas["vendor.acme"], 10)
    few = queries()
    add_certificates(vendor, personas["vendor.acme"], 190)
    many = queries()

    # The session and its user, the vendor actor, the session's messages, the database's
    # date and the certificates: none per row.
    assert few == many
