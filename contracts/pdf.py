"""Contract PDFs: render HTML with nothing fetched but the project's static files, sign the
result with the platform's certificate (PAdES B-B), and check a file's signature.

A contract carries text people typed (names, descriptions, notes). Were the renderer to fetch
what that text names, a contract could make the server request internal addresses or read its
own files into a PDF; so every resource goes through LocalOnlyFetcher, which answers only
static files from disk and refuses the rest (the resource is left out, the PDF still renders).
"""

import asyncio
import datetime as dt
import hashlib
import io
import logging
import mimetypes
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    PdfSignatureStatus,
    SignatureCoverageLevel,
    validate_pdf_signature,
)
from pyhanko.sign.validation.status import ModificationLevel
from pyhanko_certvalidator import ValidationContext
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse, URLFetchingError

from contracts.signing import platform_certificate, platform_signer

logger = logging.getLogger(__name__)

# Relative URLs (`/static/css/contract.css`, what `{% static %}` gives) resolve against this
# origin, which LocalOnlyFetcher answers from the static folders. `.invalid` never resolves
# (RFC 2606), and the fetcher never goes to the network anyway. A file:// base would let
# `../../etc/hosts` name the file system.
STATIC_ORIGIN = "https://p3hub.invalid"
LOGGED_URL_LENGTH = 200
SIGNATURE_FIELD = "P3HubPlatform"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, answering only the project's static files from disk.

    `static_file` decides; everything it does not find is refused: logged at WARNING and
    raised as WeasyPrint's (non-fatal) fetching error, so the resource is left out."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = self.static_file(url)
        if path is None:
            logger.warning("PDF rendering refused to fetch %s", url[:LOGGED_URL_LENGTH])
            raise URLFetchingError(f"not a static file: {url[:LOGGED_URL_LENGTH]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    def static_file(self, url: str) -> Path | None:
        """The static file `url` names under STATIC_ORIGIN, or None: any other origin or
        scheme (file:, data:, http: ...), a query, or a path that leaves the static folders
        (`..`, encoded or not, or a symbolic link out of them)."""
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}" != STATIC_ORIGIN or parts.query:
            return None
        if not parts.path.startswith(prefix):
            return None
        relative = unquote(parts.path[len(prefix) :])
        if not relative or "\x00" in relative:
            return None
        for folder in _static_folders():
            candidate = (folder / relative).resolve()
            if candidate.is_relative_to(folder) and candidate.is_file():
                return candidate
        return None


def _static_folders() -> list[Path]:
    """The project's static sources and, once collected, STATIC_ROOT (where the hashed names
    of the manifest storage exist)."""
    folders = [*settings.STATICFILES_DIRS, settings.STATIC_ROOT]
    return [Path(folder).resolve() for folder in folders]


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """One font configuration per thread, made on first use (after a worker forks). WeasyPrint
    makes a new one per document otherwise, and each keeps native font memory that is never
    given back: about 0.2 MiB a contract, without end (bench/contract_pdf.py). Documents use
    the system's fonts: an @font-face would stay in the configuration for every later one."""
    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()
    return _fonts.config


def off_the_event_loop(call):
    """`call()`, in a thread of its own when this thread runs an event loop: pyHanko's
    synchronous API starts one with asyncio.run, which refuses inside a running loop (an ASGI
    server, Playwright's sync API in the browser tests)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(call).result()


def render_pdf(html: str) -> bytes:
    """The PDF of `html`. Styles come inline (<style>) or as static files; fonts are the
    system's, through fontconfig. Nothing else is fetched (LocalOnlyFetcher)."""
    document = weasyprint.HTML(
        string=html, base_url=f"{STATIC_ORIGIN}/", url_fetcher=LocalOnlyFetcher()
    )
    return document.write_pdf(font_config=_font_config())


def sign_pdf(pdf: bytes, *, reason: str, location: str, contact: str = "") -> bytes:
    """`pdf` signed by the platform: PAdES baseline B-B, SHA-256, in an invisible signature
    field named P3HubPlatform, appended as an incremental update. Offline: no timestamp
    server, no revocation fetching."""
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location=location,
        contact_info=contact or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    off_the_event_loop(
        lambda: signers.sign_pdf(writer, metadata, signer=platform_signer(), output=out)
    )
    return out.getvalue()


@dataclass(frozen=True)
class SignatureCheck:
    """What a file's signature proves. `signed`: it carries one; `intact`: the signed bytes
    are unchanged; `valid`: the signature itself verifies; `trusted`: by the platform's
    certificate; `whole_document`: it covers the file to its last byte (nothing added after
    signing). `summary` says it in one line for people."""

    signed: bool
    summary: str
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    whole_document: bool = False
    signer: str = ""
    signed_at: dt.datetime | None = None

    @property
    def verified(self) -> bool:
        """Everything holds: the file is exactly what the platform signed."""
        return self.intact and self.valid and self.trusted and self.whole_document


NOT_A_PDF = SignatureCheck(signed=False, summary="This is not a readable PDF file.")
UNSIGNED = SignatureCheck(signed=False, summary="This PDF file carries no signature.")
DAMAGED = SignatureCheck(signed=True, summary="The file's signature is damaged: it cannot be read.")


def check_signature(pdf: bytes) -> SignatureCheck:
    """Check the platform's signature of `pdf` (its P3HubPlatform field, else the latest
    signature), trusting the platform's certificate alone and fetching nothing. Any input,
    garbage included, gives an answer, never an exception."""
    try:
        signature = _signature_to_check(PdfFileReader(io.BytesIO(pdf)))
    except Exception:  # pyHanko's parser fails on broken files in many ways, by design of the input
        logger.info("Signature check: not a readable PDF", exc_info=True)
        return NOT_A_PDF
    if signature is None:
        return UNSIGNED
    try:
        status = off_the_event_loop(lambda: validate_pdf_signature(signature, _platform_trust()))
    except Exception:  # a damaged signature container fails as variously
        logger.info("Signature check: the signature cannot be read", exc_info=True)
        return DAMAGED
    return _check_from(status)


def _signature_to_check(reader: PdfFileReader) -> EmbeddedPdfSignature | None:
    signatures = reader.embedded_signatures
    named = [sig for sig in signatures if sig.field_name == SIGNATURE_FIELD]
    return (named or signatures or [None])[-1]


def _platform_trust() -> ValidationContext:
    # The platform's certificate is the only root; nothing is fetched (no OCSP, no CRL), and a
    # self-signed root has no revocation to check.
    return ValidationContext(trust_roots=[platform_certificate()], allow_fetching=False)


def _check_from(status: PdfSignatureStatus) -> SignatureCheck:
    whole = (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and status.modification_level == ModificationLevel.NONE
    )
    signer = _common_name(status)
    signed_at = status.signer_reported_dt
    facts = {
        "intact": status.intact,
        "valid": status.valid,
        "trusted": status.trusted,
        "whole_document": whole,
    }
    return SignatureCheck(
        signed=True,
        summary=_summary(signer, signed_at, **facts),
        signer=signer,
        signed_at=signed_at,
        **facts,
    )


def _common_name(status: PdfSignatureStatus) -> str:
    name = status.signing_cert.subject.native.get("common_name", "")
    return name if isinstance(name, str) else ", ".join(name)


def _summary(signer, signed_at, *, intact, valid, trusted, whole_document) -> str:
    when = f" on {signed_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC" if signed_at else ""
    if not intact:
        return "The file was changed after it was signed: it no longer matches its signature."
    if not valid:
        return "The signature does not verify: it was damaged or forged."
    if not trusted:
        return f"Signed by {signer}{when}, who is not the platform: the signature is not trusted."
    if not whole_document:
        return f"Signed by {signer}{when}, but content was added to the file after signing."
    return f"Signed by {signer}{when}; the file is unchanged since."
