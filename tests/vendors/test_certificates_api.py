"""/api/v1/vendor/certificates/: the same services as the pages, the same refusals naming the
field with nothing stored, 401 for the anonymous and one 404 for everyone but the company,
and a list whose queries do not grow with its rows."""

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PDF_BYTES, in_days, insurance, upload
from tests.helpers import database_state
from vendors import services
from vendors.actor import VendorActor
from vendors.models import Certificate, Vendor, VendorUser
from vendors.services.certificates import ALREADY_EXPIRED

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
LIST = "/api/v1/vendor/certificates/"
KINDS = "Choose a PDF, PNG or JPEG file: this file's content is none of these."
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def errors_of(response) -> dict[str, str]:
    return {error["attr"]: error["detail"] for error in response.json()["errors"]}


@pytest.fixture
def acme_certificate(personas, media) -> Certificate:
    return services.certificate_add(
        actor=VendorActor.of(VendorUser.objects.get(user__username="vendor.acme")),
        kind="insurance",
        issuer="Harbor Mutual Insurance",
        number="HMI-GL-1",
        coverage="2,000,000.00",
        expires_on=in_days(200),
        file=upload("liability.pdf"),
    )


def test_a_company_uploads_insurance_as_multipart_and_reads_it_back(api_as, media):
    client = api_as("vendor.acme")

    response = client.post(LIST, insurance(), format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    certificate = Certificate.objects.get()
    assert body["id"] == certificate.pk
    assert body["kind"] == "insurance" and body["kind_label"] == "Insurance certificate"
    # Money has one shape in the API, a decimal string (tests/p3hub/test_openapi.py).
    assert body["coverage"] == "1000000.00" and body["currency"] == "USD"
    assert certificate.coverage_minor == 100_000_000
    assert body["expires_on"] == in_days(200).isoformat() and body["expired"] is False
    assert body["file_name"] == "liability.pdf" and body["size"] == len(PDF_BYTES)
    assert body["sha256"] == certificate.sha256
    assert body["download_url"].endswith(f"/api/v1/vendor/certificates/{certificate.pk}/file/")
    assert stored_files(media) == [media / certificate.file.name]

    listed = client.get(LIST).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == certificate.pk
    assert client.get(f"{LIST}{certificate.pk}/").json() == body
    download = client.get(f"{LIST}{certificate.pk}/file/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert download["Content-Disposition"] == 'attachment; filename="liability.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"


def test_every_refused_field_is_named_at_once_and_nothing_is_stored(api_as, media):
    client = api_as("vendor.acme")
    before = database_state()

    response = client.post(
        LIST, {"kind": "insurance", "expires_on": "2020-01-01"}, format="multipart"
    )

    assert response.status_code == 400
    assert errors_of(response) == {
        "issuer": "Enter the insurer.",
        "number": "Enter the policy number.",
        "coverage": "Enter the coverage amount.",
        "expires_on": ALREADY_EXPIRED,
        "file": "Choose a file.",
    }
    assert database_state() == before
    assert stored_files(media) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"issuer": ""}, "issuer", "Enter the insurer."),
        ({"expires_on": "2020-01-01"}, "expires_on", ALREADY_EXPIRED),
        ({"file": upload("liability.pdf", HTML)}, "file", KINDS),
        ({"file": upload("setup.exe", b"MZ\x90\x00" + b"\x00" * 60)}, "file", KINDS),
    ],
    ids=["no insurer", "past expiry", "HTML renamed .pdf", "executable"],
)
def test_bad_input_is_a_400_naming_the_field(api_as, media, changes, field, message):
    before = database_state()

    response = api_as("vendor.acme").post(LIST, insurance(**changes), format="multipart")

    assert response.status_code == 400
    assert errors_of(response) == {field: message}
    assert database_state() == before
    assert stored_files(media) == []


def test_a_file_past_the_limit_is_a_400_naming_the_file(api_as, media, settings):
    settings.UPLOAD_MAX_BYTES = MB
    before = database_state()

    response = api_as("vendor.acme").post(
        LIST,
        insurance(file=upload("big.pdf", PDF_BYTES + b"0" * (MB + MB // 2))),
        format="multipart",
    )

    assert response.status_code == 400
    assert errors_of(response) == {"file": "Files are limited to 1 MB."}
    assert database_state() == before
    assert stored_files(media) == []


def test_a_json_body_is_refused_in_the_error_format(api_as, media):
    response = api_as("vendor.acme").post(LIST, {"kind": "tax_form"}, format="json")

    assert response.status_code == 415
    assert set(response.json()) == {"type", "errors"}
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("username", ["vendor.beacon", "officer", "officer.lakeside"])
def test_nobody_else_reads_downloads_or_removes_it(api_as, acme_certificate, username):
    client = api_as(username)
    before = database_state()
    detail = f"{LIST}{acme_certificate.pk}/"

    assert client.get(detail).status_code == 404
    assert client.get(f"{detail}file/").status_code == 404
    assert client.delete(detail).status_code == 404
    if username == "vendor.beacon":
        assert client.get(LIST).json()["count"] == 0
    else:
        assert client.get(LIST).status_code == 404  # staff act for no company
    assert database_state() == before


def test_the_anonymous_get_401(api_as, acme_certificate):
    client = api_as(None)
    detail = f"{LIST}{acme_certificate.pk}/"

    assert client.get(LIST).status_code == 401
    assert client.get(detail).status_code == 401
    assert client.get(f"{detail}file/").status_code == 401
    assert client.delete(detail).status_code == 401
    assert client.post(LIST, insurance(), format="multipart").status_code == 401


def test_a_removed_certificate_is_gone_from_the_api_but_kept(api_as, acme_certificate):
    client = api_as("vendor.acme")
    detail = f"{LIST}{acme_certificate.pk}/"

    assert client.delete(detail).status_code == 204

    acme_certificate.refresh_from_db()
    assert acme_certificate.removed_at is not None
    assert client.get(detail).status_code == 404
    assert client.get(f"{detail}file/").status_code == 404
    assert client.get(LIST).json()["count"] == 0
    assert client.delete(detail).status_code == 404


def test_expired_is_told_by_the_database_date(api_as, acme_certificate):
    Certificate.objects.filter(pk=acme_certificate.pk).update(expires_on=in_days(-1))

    body = api_as("vendor.acme").get(f"{LIST}{acme_certificate.pk}/").json()

    assert body["expired"] is True


def test_the_list_costs_the_same_queries_for_10_and_200_certificates(api_as, personas):
    vendor = Vendor.objects.get(name="Acme Traffic Systems")
    user = personas["vendor.acme"]
    client = api_as("vendor.acme")

    def add(count: int) -> None:
        Certificate.objects.bulk_create(
            Certificate(
                vendor=vendor,
                kind="tax_form",
                title=f"W-9 {i}",
                file=f"vendors/w{i}.pdf",
                file_name=f"w{i}.pdf",
                content_type="application/pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=user,
            )
            for i in range(count)
        )

    def queries(expected: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{LIST}?page_size=200")
        assert response.status_code == 200
        assert response.json()["count"] == expected
        return len(captured.captured_queries)

    add(10)
    few = queries(10)
    add(190)
    many = queries(200)

    # 1 the token and its user, 2 the vendor actor, 3 the page's count, 4 the database's
    # date, 5 the page of certificates.
    assert few == many == 5
