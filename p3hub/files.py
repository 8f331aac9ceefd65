"""Uploaded files: which kinds are accepted (by their content, never their name), how large,
under which stored name, and with which name and type they are served back.

Every service that takes a file calls `check_upload` (solicitation documents today; vendors'
certificates and bid attachments next), so a page and the API refuse the same file with the
same words. The body itself is bounded while it arrives: `UploadLimitHandler` stops keeping a
file past settings.UPLOAD_MAX_BYTES, and `p3hub.middleware.RequestBodyLimitMiddleware`
answers 413 to a body declared larger than any form may send, before reading it.

Sniffing is a small table of our own rather than python-magic (libmagic is a system library
the slim image lacks) or `filetype` (which guesses Office files from their first bytes): an
Office document is a ZIP whose [Content_Types].xml names its main part, and only opening the
archive tells a Word document from a macro-enabled one or from any other ZIP.
"""

import hashlib
import io
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from p3hub.errors import ValidationFailed

MB = 1024 * 1024
HEAD_BYTES = 8192  # what the signatures below look at
# [Content_Types].xml is a few kilobytes; reading at most this much of it bounds a ZIP bomb.
CONTENT_TYPES_MAX_BYTES = 256 * 1024

CHOOSE_A_FILE = "Choose a file."


def megabytes(size: int) -> str:
    return f"{size / MB:g} MB"


def too_large_message(max_bytes: int) -> str:
    return f"Files are limited to {megabytes(max_bytes)}."


@dataclass(frozen=True)
class FileKind:
    """One accepted kind of file: how people call it, how it is stored and served, and the
    test of its content."""

    label: str
    extension: str
    content_type: str
    matches: Callable[[bytes, IO[bytes]], bool]


def _starts_with(signature: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, file: head.startswith(signature)


def _office(main_content_type: str) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML package whose main part has this content type. The macro-enabled
    variants (.docm, .xlsm) declare another main type, and a package carrying a VBA project
    under any name is refused too."""
    wanted = main_content_type.encode()

    def matches(head: bytes, file: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(file) as archive:
                names = archive.namelist()
                if "[Content_Types].xml" not in names:
                    return False
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return False
                with archive.open("[Content_Types].xml") as part:
                    content_types = part.read(CONTENT_TYPES_MAX_BYTES)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
            return False
        except NotImplementedError:  # a compression method zipfile does not know
            return False
        return wanted in content_types

    return matches


PDF = FileKind("PDF", ".pdf", "application/pdf", _starts_with(b"%PDF-"))
PNG = FileKind("PNG", ".png", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n"))
JPEG = FileKind("JPEG", ".jpg", "image/jpeg", _starts_with(b"\xff\xd8\xff"))
DOCX = FileKind(
    "Word (.docx)",
    ".docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    _office("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
)
XLSX = FileKind(
    "Excel (.xlsx)",
    ".xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    _office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
)

# What a solicitation's documents may be: specifications, drawings, photos of sites, forms to
# fill in, price sheets. Never HTML, SVG or anything executable. Legacy .doc/.xls are left
# out: they may carry macros no check here can see, and every office suite saves .docx/.xlsx.
DOCUMENT_KINDS: tuple[FileKind, ...] = (PDF, PNG, JPEG, DOCX, XLSX)


def kinds_list(allowed: Sequence[FileKind]) -> str:
    """ "PDF, PNG or JPEG"."""
    labels = [kind.label for kind in allowed]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def kinds_message(allowed: Sequence[FileKind]) -> str:
    return f"Choose a {kinds_list(allowed)} file: this file's content is none of these."


def accept_attribute(allowed: Sequence[FileKind]) -> str:
    """The file input's `accept` hint for browsers (a convenience: the server decides)."""
    extensions = {".jpg": ".jpg,.jpeg"}
    return ",".join(extensions.get(kind.extension, kind.extension) for kind in allowed)


@dataclass(frozen=True)
class CheckedUpload:
    """An accepted file: its kind, the name to show and serve it under, a random name to store
    it under, its size and SHA-256."""

    file: UploadedFile
    kind: FileKind
    display_name: str
    stored_name: str
    size: int
    sha256: str


def check_upload(
    file: UploadedFile | None,
    *,
    field: str = "file",
    allowed: Sequence[FileKind] = DOCUMENT_KINDS,
    max_bytes: int,
) -> CheckedUpload:
    """Accept `file` if it is one of `allowed` by its content and at most `max_bytes`, else
    raise ValidationFailed naming `field`. The name the browser sent decides nothing: it is
    only cleaned for display, with the extension of the kind found."""
    if file is None or not file.size:
        raise ValidationFailed(CHOOSE_A_FILE, field=field, code="required")
    if isinstance(file, OversizeUpload):  # cut off while it arrived, whatever max_bytes is
        limit = min(max_bytes, file.limit)
        raise ValidationFailed(too_large_message(limit), field=field, code="too_large")
    if file.size > max_bytes:
        raise ValidationFailed(too_large_message(max_bytes), field=field, code="too_large")
    kind = sniff(file, allowed)
    if kind is None:
        raise ValidationFailed(kinds_message(allowed), field=field, code="file_type")
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return CheckedUpload(
        file=file,
        kind=kind,
        display_name=display_name(file.name, kind),
        stored_name=f"{secrets.token_hex(16)}{kind.extension}",
        size=file.size,
        sha256=digest.hexdigest(),
    )


def store_upload(instance, upload: CheckedUpload, **fields):
    """Save `instance` (a model with the file fields `file`, `file_name`, `content_type`,
    `size`, `sha256`) holding the accepted `upload`, stored under its random name through the
    storage API, with `fields` set too."""
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.file_name = upload.display_name
    instance.content_type = upload.kind.content_type
    instance.size = upload.size
    instance.sha256 = upload.sha256
    instance.file.save(upload.stored_name, upload.file, save=False)
    instance.save()
    return instance


def sniff(file: IO[bytes], allowed: Sequence[FileKind]) -> FileKind | None:
    """The first of `allowed` whose signature the content carries, or None."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    found = None
    for kind in allowed:
        file.seek(0)
        if kind.matches(head, file):
            found = kind
            break
    file.seek(0)
    return found


_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
DISPLAY_STEM_MAX = 120


def display_name(original: str | None, kind: FileKind) -> str:
    """The browser's name without any folder, control or reserved characters, cut to a
    readable length, ending in the extension of what the file really is."""
    name = unicodedata.normalize("NFKC", original or "")
    name = re.split(r"[/\\]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name.lstrip(".") else name
    stem = _UNSAFE.sub(" ", stem)
    stem = "".join(ch for ch in stem if unicodedata.category(ch)[0] != "C")
    stem = " ".join(stem.split()).strip(". ")[:DISPLAY_STEM_MAX].rstrip(". ")
    return f"{stem or 'document'}{kind.extension}"


class OversizeUpload(UploadedFile):
    """A file that passed the upload limit while it arrived: its content was dropped, its size
    is what had arrived by then (more than the limit), so check_upload refuses it."""

    def __init__(self, name, content_type, size, charset, content_type_extra=None, *, limit):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    """First of settings.FILE_UPLOAD_HANDLERS: passes each file's chunks on to Django's memory
    and temporary-file handlers until the file passes settings.UPLOAD_MAX_BYTES, then keeps
    nothing more of it and hands the form an OversizeUpload instead."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            return None  # the handlers after this one never see the rest
        return raw_data

    def file_complete(self, file_size):
        if self.received > self.limit:
            return OversizeUpload(
                self.file_name,
                self.content_type,
                self.received,
                self.charset,
                self.content_type_extra,
                limit=self.limit,
            )
        return None  # the next handler returns the file it kept


def download_response(content, *, file_name: str, content_type: str, private: bool = True):
    """A stored file (an open file, streamed) or decrypted bytes, sent as an attachment: never
    rendered in our origin, nor sniffed, nor allowed to run anything should a browser open it
    after all; with `private`, kept by no cache."""
    from django.http import FileResponse, HttpResponse
    from django.utils.cache import patch_cache_control
    from django.utils.http import content_disposition_header

    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, file_name)
    else:
        response = FileResponse(
            content, as_attachment=True, filename=file_name, content_type=content_type
        )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
