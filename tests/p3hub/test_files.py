"""p3hub.files: a file is accepted by what its content is, never by its name; it is stored
under a random name and shown under the uploader's name cleaned; and an upload past the limit
is cut off while it arrives, not after it was stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from p3hub import files
from p3hub.errors import ValidationFailed
from p3hub.files import DOCUMENT_KINDS, check_upload, display_name
from tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, office_bytes, upload

MB = 1024 * 1024

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SVG_WITH_PROLOGUE = b'<?xml version="1.0"?>\n' + SVG
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 9
SHELL = b"#!/bin/sh\nrm -rf /\n"
REFUSED = {
    "HTML renamed .pdf": ("spec.pdf", HTML),
    "HTML with a PDF signature later on": ("spec.pdf", b"<html>" + PDF_BYTES),
    "SVG": ("drawing.svg", SVG),
    "SVG renamed .png": ("drawing.png", SVG_WITH_PROLOGUE),
    "Windows executable": ("setup.exe", EXE),
    "Windows executable renamed .pdf": ("spec.pdf", EXE),
    "Linux executable": ("tool", ELF),
    "shell script renamed .docx": ("form.docx", SHELL),
    "macro-enabled Word renamed .docx": ("form.docx", office_bytes("docm")),
    "Word with a VBA project": (
        "form.docx",
        office_bytes("docx", extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
    ),
    "a ZIP that is no Office document": ("form.docx", b"PK\x03\x04" + b"\x00" * 40),
    "plain text": ("notes.txt", b"Four cameras, two sensors."),
}
ACCEPTED = {
    "PDF": ("spec.pdf", PDF_BYTES, files.PDF),
    "PNG": ("site.png", PNG_BYTES, files.PNG),
    "JPEG": ("site.jpeg", JPEG_BYTES, files.JPEG),
    "Word": ("form.docx", office_bytes("docx"), files.DOCX),
    "Excel": ("prices.xlsx", office_bytes("xlsx"), files.XLSX),
    # The name decides nothing: a PDF called .png is a PDF.
    "PDF named .png": ("spec.png", PDF_BYTES, files.PDF),
}
KINDS_MESSAGE = (
    "Choose a PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) file: this file's content is none "
    "of these."
)


@pytest.mark.parametrize(("name", "content"), REFUSED.values(), ids=REFUSED.keys())
def test_what_is_not_an_accepted_kind_by_content_is_refused_naming_the_field(name, content):
    with pytest.raises(ValidationFailed) as refusal:
        check_upload(upload(name, content), field="attachment", max_bytes=MB)
    assert refusal.value.field == "attachment"
    assert refusal.value.code == "file_type"
    assert refusal.value.message == KINDS_MESSAGE


@pytest.mark.parametrize(("name", "content", "kind"), ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_kinds_by_content(name, content, kind):
    checked = check_upload(upload(name, content), max_bytes=MB)
    assert checked.kind is kind
    assert checked.size == len(content)
    assert checked.display_name.endswith(kind.extension)
    # Stored under a random name of the kind's extension, nothing of the uploader's.
    assert checked.stored_name.endswith(kind.extension)
    assert name.rsplit(".", 1)[0] not in checked.stored_name
    assert len(checked.stored_name) == 32 + len(kind.extension)
    assert checked.file.read() == content  # left at the start for storage


def test_each_stored_name_is_new():
    names = {check_upload(upload(), max_bytes=MB).stored_name for _ in range(20)}
    assert len(names) == 20


def test_allowed_narrows_the_kinds():
    with pytest.raises(ValidationFailed, match="Choose a PDF file: this file's content"):
        check_upload(upload("site.png", PNG_BYTES), allowed=[files.PDF], max_bytes=MB)


def test_too_large_and_empty_and_missing():
    with pytest.raises(ValidationFailed, match=r"^Files are limited to 1 MB\.$") as refusal:
        check_upload(upload("big.pdf", PDF_BYTES + b"0" * MB), max_bytes=MB)
    assert refusal.value.code == "too_large" and refusal.value.field == "file"
    for nothing in (None, SimpleUploadedFile("empty.pdf", b"")):
        with pytest.raises(ValidationFailed, match=r"^Choose a file\.$"):
            check_upload(nothing, max_bytes=MB)


def test_a_file_cut_off_while_arriving_is_refused_whatever_the_service_allows():
    cut = files.OversizeUpload("big.pdf", "application/pdf", 2 * MB + 1, None, limit=2 * MB)
    with pytest.raises(ValidationFailed, match=r"^Files are limited to 2 MB\.$"):
        check_upload(cut, max_bytes=25 * MB)


def test_a_huge_member_of_a_zip_is_not_read_whole(monkeypatch):
    # A [Content_Types].xml that inflates to 50 MB (a few KB compressed): only its first
    # CONTENT_TYPES_MAX_BYTES are ever read.
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types>" + b" " * (50 * MB) + b"</Types>")
    reads = []
    real_open = zipfile.ZipFile.open

    def spying_open(self, name, *args, **kwargs):
        member = real_open(self, name, *args, **kwargs)
        real_read = member.read
        member.read = lambda n=-1: reads.append(n) or real_read(n)
        return member

    monkeypatch.setattr(zipfile.ZipFile, "open", spying_open)
    with pytest.raises(ValidationFailed):
        check_upload(upload("bomb.docx", buffer.getvalue()), max_bytes=MB)
    assert reads and set(reads) == {files.CONTENT_TYPES_MAX_BYTES}  # once per Office kind


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("Specification v2.PDF", "Specification v2.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\olivia\\Desktop\\spec.pdf", "spec.pdf"),
        ('<img src=x onerror="alert(1)">.pdf', "img src=x onerror= alert(1).pdf"),
        ("report\x00.exe.pdf", "report .exe.pdf"),
        ("line\nbreak\r.pdf", "line break.pdf"),
        ("right-to-left\u202egnp.pdf", "right-to-leftgnp.pdf"),
        (".htaccess", "htaccess.pdf"),
        ("....pdf", "pdf.pdf"),
        ("...", "document.pdf"),
        ("", "document.pdf"),
        (None, "document.pdf"),
        ("\uff26\uff55\uff4c\uff4c.pdf", "Full.pdf"),  # fullwidth letters
        ("a" * 300 + ".pdf", "a" * files.DISPLAY_STEM_MAX + ".pdf"),
    ],
)
def test_display_names_are_cleaned_and_end_in_the_real_kind(sent, shown):
    assert display_name(sent, files.PDF) == shown


def test_a_picture_named_pdf_is_shown_as_a_picture():
    assert display_name("site photo.pdf", files.JPEG) == "site photo.jpg"


def test_the_accept_hint_lists_every_document_kind():
    assert files.accept_attribute(DOCUMENT_KINDS) == ".pdf,.png,.jpg,.jpeg,.docx,.xlsx"


# --- the limit while the body arrives ----------------------------------------------------------


class CountingHandler(files.FileUploadHandler):
    """Stands after UploadLimitHandler and counts what reaches it (what would be stored)."""

    seen = 0

    def receive_data_chunk(self, raw_data, start):
        CountingHandler.seen += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return SimpleUploadedFile(self.file_name, b"kept")


def parse(body_size: int, *, limit: int, settings):
    settings.UPLOAD_MAX_BYTES = limit
    CountingHandler.seen = 0
    content = PDF_BYTES + b"0" * (body_size - len(PDF_BYTES))
    request = RequestFactory().post("/", {"title": "Spec", "file": upload("big.pdf", content)})
    handlers = [files.UploadLimitHandler(request), CountingHandler(request)]
    parser = MultiPartParser(request.META, request, handlers)
    return parser.parse()


def test_past_the_limit_nothing_more_reaches_storage(settings):
    post, uploaded = parse(5 * MB, limit=MB, settings=settings)

    cut = uploaded["file"]
    assert isinstance(cut, files.OversizeUpload)
    assert cut.size > MB and cut.limit == MB
    assert cut.read() == b""
    # Chunks arrive 64 KB at a time: the handlers behind saw at most the limit.
    assert 0 < CountingHandler.seen <= MB
    assert post["title"] == "Spec"  # the form's other fields still arrive


def test_within_the_limit_the_file_passes_on(settings):
    _, uploaded = parse(MB // 2, limit=MB, settings=settings)
    assert uploaded["file"].read() == b"kept"
    assert CountingHandler.seen == MB // 2
