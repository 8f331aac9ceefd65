"""contracts.pdf: a rendered contract signed by the platform verifies as intact, valid,
trusted and covering the whole file; each way of tampering with it is told apart (a changed
byte, a damaged signature, content appended after signing, another signer); and any input
whatever gives a SignatureCheck, never an exception."""

import datetime as dt
import io
import subprocess

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from contracts.pdf import (
    NOT_A_PDF,
    SIGNATURE_FIELD,
    UNSIGNED,
    SignatureCheck,
    check_signature,
    render_pdf,
    sha256_hex,
    sign_pdf,
)
from contracts.signing import ensure_demo_certificate

CONTRACT_HTML = """<!doctype html>
<html><head><style>body { font-family: "DejaVu Sans"; }</style></head>
<body><h1>Contract RIV-2026-0007</h1>
<p>Intersection cameras at Main St &amp; Elm St, shared by Transportation and Public Safety.</p>
</body></html>"""


def sign(pdf: bytes) -> bytes:
    return sign_pdf(pdf, reason="Executed contract RIV-2026-0007", location="Riverton")


@pytest.fixture
def signed() -> bytes:
    return sign(render_pdf(CONTRACT_HTML))


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def with_byte_changed(pdf: bytes, offset: int) -> bytes:
    changed = bytearray(pdf)
    changed[offset] ^= 0x01
    return bytes(changed)


def test_a_signed_contract_verifies_as_signed_by_the_platform(signed):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)

    check = check_signature(signed)

    assert check.signed and check.intact and check.valid and check.trusted
    assert check.whole_document and check.verified
    assert check.signer == "P3 Hub demo signing certificate"
    assert before - dt.timedelta(minutes=1) <= check.signed_at <= dt.datetime.now(dt.UTC)
    assert check.summary.startswith("Signed by P3 Hub demo signing certificate on ")
    assert check.summary.endswith("the file is unchanged since.")


def test_the_signature_is_pades_in_the_platform_field(signed):
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures

    assert signature.field_name == SIGNATURE_FIELD
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == "Executed contract RIV-2026-0007"
    assert signature.sig_object["/Location"] == "Riverton"
    assert signature.md_algorithm == "sha256"
    # Invisible: a widget with an empty rectangle.
    assert [float(x) for x in signature.sig_field["/Rect"]] == [0, 0, 0, 0]


def test_the_signed_pdf_still_reads_as_the_contract(signed):
    text = pdf_text(signed)

    assert "Contract RIV-2026-0007" in text
    assert "Main St & Elm St" in text


def test_one_byte_changed_inside_the_signed_range_is_not_intact(signed):
    # The comment on the file's second line: parsers skip it, the signature covers it.
    offset = signed.index(b"\n%") + 2

    check = check_signature(with_byte_changed(signed, offset))

    assert check.signed and not check.intact and not check.verified
    assert check.summary.startswith("The file was changed after it was signed")


def test_a_byte_changed_in_the_signature_itself_is_not_valid(signed):
    (signature,) = PdfFileReader(io.BytesIO(signed)).embedded_signatures
    value = signature.signer_info["signature"].native.hex()
    # /Contents holds the signature container in hexadecimal; its last byte is the
    # signature value's last byte (a digit of the ECDSA s), changed to another hex digit.
    start = signed.lower().index(value.encode())
    offset = start + len(value) - 1
    tampered = bytearray(signed)
    tampered[offset] = ord("0") if tampered[offset] != ord("0") else ord("1")

    check = check_signature(bytes(tampered))

    assert check.signed and check.intact and not check.valid and not check.verified
    assert check.summary == "The signature does not verify: it was damaged or forged."


def test_content_appended_after_signing_is_not_the_whole_document(signed):
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/P3HubNote"] = generic.TextStringObject("added after signing")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)

    check = check_signature(out.getvalue())

    assert check.signed and check.intact and check.valid and check.trusted
    assert not check.whole_document and not check.verified
    assert check.summary.endswith("but content was added to the file after signing.")


def test_a_pdf_signed_by_another_key_is_valid_but_not_trusted(settings, tmp_path, signing_pair):
    other = tmp_path / "other-key.pem", tmp_path / "other-cert.pem"
    ensure_demo_certificate(*other)
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = other
    forged = sign(render_pdf(CONTRACT_HTML))
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = signing_pair

    check = check_signature(forged)

    assert check.signed and check.intact and check.valid and check.whole_document
    assert not check.trusted and not check.verified
    assert check.summary.endswith("who is not the platform: the signature is not trusted.")


def test_the_platform_trusts_its_own_signature_again_after_the_other_key(signed):
    # The signer and certificate are cached per pair of files: switching back works.
    assert check_signature(signed).verified


def broken_inputs() -> dict[str, bytes]:
    signed = sign(render_pdf(CONTRACT_HTML))
    return {
        "empty": b"",
        "garbage": bytes(range(256)) * 8,
        "html": CONTRACT_HTML.encode(),
        "pdf-header-only": b"%PDF-1.7\n",
        "signed-cut-in-half": signed[: len(signed) // 2],
        "signed-without-its-last-bytes": signed[:-40],
        "signed-without-its-first-bytes": signed[40:],
    }


BROKEN = ["empty", "garbage", "html", "pdf-header-only", "signed-cut-in-half"]
BROKEN += ["signed-without-its-last-bytes", "signed-without-its-first-bytes"]


@pytest.mark.parametrize("name", BROKEN)
def test_a_broken_file_gives_a_check_never_an_exception(name):
    check = check_signature(broken_inputs()[name])

    assert isinstance(check, SignatureCheck)
    assert not check.verified
    assert check.summary


@pytest.mark.parametrize("name", ["empty", "garbage", "html", "pdf-header-only"])
def test_what_is_no_pdf_at_all_says_so(name):
    assert check_signature(broken_inputs()[name]) == NOT_A_PDF


def test_an_unsigned_pdf_says_it_carries_no_signature():
    check = check_signature(render_pdf(CONTRACT_HTML))

    assert check == UNSIGNED
    assert not check.signed and check.summary == "This PDF file carries no signature."


def test_sha256_hex_is_the_hexadecimal_digest():
    assert sha256_hex(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
