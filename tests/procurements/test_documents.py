"""A solicitation's documents through the page: only PDF, PNG, JPEG, Word and Excel files by
their content (an `.exe` was once stored and served), the size limit holding while the body
arrives, random stored names, and downloads that a browser never renders or sniffs."""

from pathlib import Path

import pytest

from procurements.models import Document
from tests.factories import PDF_BYTES, PNG_BYTES, office_bytes, upload
from tests.helpers import database_state, error_at, manage, shown_again

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
KINDS = "Choose a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def officer_client(client, personas):
    client.force_login(personas["officer"])
    return client


def stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("spec.pdf", b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"),
        ("drawing.svg", SVG),
        ("drawing.png", SVG),
        ("setup.exe", EXE),
        ("spec.pdf", EXE),
        ("form.docx", office_bytes("docm")),
    ],
    ids=["HTML renamed .pdf", "SVG", "SVG renamed .png", "executable", "executable .pdf", "docm"],
)
def test_files_that_are_not_an_accepted_kind_are_refused_on_the_page(
    officer_client, cameras, media, name, content
):
    before = database_state()

    response = officer_client.post(
        manage(cameras, "documents/new/"), {"title": "Spec", "file": upload(name, content)}
    )

    assert response.status_code == 303
    response = shown_again(officer_client, response)
    assert KINDS in error_at(response, "id_document-file")
    assert database_state() == before
    assert stored_files(media) == []


def test_a_file_past_the_limit_is_refused_and_nothing_of_it_is_stored(
    officer_client, cameras, media, settings
):
    # Given a limit of 1 MB; when a 1.5 MB PDF arrives (within the body's allowance, so the
    # form answers rather than the 413 page)
    settings.UPLOAD_MAX_BYTES = MB
    before = database_state()

    response = officer_client.post(
        manage(cameras, "documents/new/"),
        {"title": "Spec", "file": upload("big.pdf", PDF_BYTES + b"0" * (MB + MB // 2))},
    )

    # then the form says so beside the file, and nothing was saved
    assert response.status_code == 303
    response = shown_again(officer_client, response)
    assert error_at(response, "id_document-file") == "Files are limited to 1 MB."
    assert database_state() == before
    assert stored_files(media) == []


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_declared_larger_than_any_form_takes_is_413_before_it_is_read(
    officer_client, cameras, media, settings
):
    settings.UPLOAD_MAX_BYTES = MB
    declared = MB + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1

    response = officer_client.generic(
        "POST",
        manage(cameras, "documents/new/"),
        b"-",  # the test client sends the content type only with some body
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(declared),
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    assert "Files are limited to 1 MB." in response.content.decode()
    assert not Document.objects.exists()


def test_an_api_body_past_the_limit_is_413_in_the_api_error_format(api_as):
    response = api_as("officer").generic(
        "POST",
        "/api/v1/riverton/solicitations/",
        b"-",
        content_type="application/json",
        CONTENT_LENGTH=str(50 * MB),
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    assert response.json() == {
        "type": "client_error",
        "errors": [
            {"code": "too_large", "detail": "Request bodies are limited to 2.5 MB.", "attr": None}
        ],
    }


def test_an_accepted_file_is_stored_under_a_random_name_and_served_as_an_attachment(
    officer_client, cameras, media
):
    response = officer_client.post(
        manage(cameras, "documents/new/"),
        {"title": "Site plan", "file": upload("../../Site plan <v2>.PNG", PNG_BYTES)},
    )
    assert response.status_code == 302

    document = Document.objects.get()
    stored = Path(document.file.name)
    assert stored.parent.parts[0] == "solicitations"
    assert stored.suffix == ".png" and len(stored.stem) == 32
    assert "Site" not in document.file.name
    assert stored_files(media) == [media / document.file.name]
    assert document.file_name == "Site plan v2.png"
    assert document.content_type == "image/png"
    assert "Site plan v2.png" in officer_client.get(manage(cameras)).content.decode()

    download = officer_client.get(
        f"/riverton/solicitations/{cameras.reference}/documents/{document.pk}/"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["Content-Disposition"] == 'attachment; filename="Site plan v2.png"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "no-store" in download["Cache-Control"]
    assert body_of(download) == PNG_BYTES


@pytest.mark.parametrize(
    ("name", "content", "served_as"),
    [
        ("Specification.pdf", PDF_BYTES, "application/pdf"),
        ("Bid form.docx", office_bytes("docx"), "application/vnd.openxmlformats-officedocument"),
        ("Price sheet.xlsx", office_bytes("xlsx"), "application/vnd.openxmlformats-officedocument"),
    ],
)
def test_office_documents_and_pdfs_are_accepted(
    officer_client, cameras, media, name, content, served_as
):
    response = officer_client.post(
        manage(cameras, "documents/new/"), {"title": "Attachment", "file": upload(name, content)}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.file_name == name
    assert document.content_type.startswith(served_as)


def test_the_form_tells_what_it_takes(officer_client, cameras):
    html = officer_client.get(manage(cameras)).content.decode()
    assert 'accept=".pdf,.png,.jpg,.jpeg,.docx,.xlsx"' in html
    assert "A PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file of up to 25 MB." in html
