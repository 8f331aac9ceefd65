"""contracts.signing: the demo pair is made once, race-safely, as its own trust root; a pair
that does not belong together is refused; `manage.py signing_certificate` makes and shows it
outside production and refuses in production."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from contracts.pdf import check_signature, render_pdf, sign_pdf
from contracts.signing import (
    SigningPairError,
    ensure_demo_certificate,
    fingerprint,
    platform_certificate,
)

BASE_DIR = Path(django_settings.BASE_DIR)
# Each racer imports everything, says it is ready, waits for the word, then makes the pair
# and prints the fingerprint of the certificate it reads back.
RACER = """
import sys
from pathlib import Path
from contracts.signing import ensure_demo_certificate
from pyhanko.keys import load_cert_from_pemder
folder = Path(sys.argv[1])
print("ready", flush=True)
sys.stdin.readline()
ensure_demo_certificate(folder / "platform-key.pem", folder / "platform-cert.pem")
print(load_cert_from_pemder(str(folder / "platform-cert.pem")).sha256.hex(), flush=True)
"""
RACERS = 4
ROUNDS = 3


def race(folder: Path, var_dir: Path) -> set[str]:
    """RACERS processes making the pair in `folder` at once: the fingerprints they read."""
    env = {**os.environ, "P3HUB_VAR_DIR": str(var_dir)}
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(folder)],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    for racer in racers:  # every one ready (imports done) before any starts
        assert racer.stdout.readline().strip() == "ready"
    for racer in racers:
        racer.stdin.write("go\n")
        racer.stdin.flush()
    outputs = [racer.communicate(timeout=120)[0] for racer in racers]
    assert [racer.returncode for racer in racers] == [0] * RACERS
    return {output.strip() for output in outputs}


@pytest.mark.parametrize("round_number", range(ROUNDS))
def test_processes_making_the_pair_together_end_with_one_valid_pair(
    tmp_path, settings, round_number
):
    folder = tmp_path / "signing"

    fingerprints = race(folder, tmp_path / "var")

    assert len(fingerprints) == 1  # everyone reads the same certificate back
    assert sorted(p.name for p in folder.iterdir()) == ["platform-cert.pem", "platform-key.pem"]
    assert (folder / "platform-key.pem").stat().st_mode & 0o777 == 0o600
    settings.SIGNING_KEY_FILE = folder / "platform-key.pem"
    settings.SIGNING_CERT_FILE = folder / "platform-cert.pem"
    assert platform_certificate().sha256.hex() in fingerprints
    signed = sign_pdf(render_pdf("<p>Contract</p>"), reason="race", location="Riverton")
    assert check_signature(signed).verified


def test_the_demo_certificate_is_its_own_root_for_signing_documents(signing_pair):
    _key, cert_path = signing_pair
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())

    name = {a.oid: a.value for a in cert.subject}
    assert name[NameOID.COMMON_NAME] == "P3 Hub demo signing certificate"
    assert name[NameOID.ORGANIZATION_NAME] == "P3 Hub (demo, not for production)"
    assert cert.issuer == cert.subject
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    years = (cert.not_valid_after_utc - cert.not_valid_before_utc).days / 365
    assert 4.99 < years < 5.01


def test_an_existing_pair_is_left_alone(tmp_path):
    key_path, cert_path = tmp_path / "key.pem", tmp_path / "cert.pem"
    ensure_demo_certificate(key_path, cert_path)
    before = key_path.read_bytes(), cert_path.read_bytes()

    ensure_demo_certificate(key_path, cert_path)

    assert (key_path.read_bytes(), cert_path.read_bytes()) == before


def test_a_certificate_missing_beside_its_key_is_made_for_that_key(tmp_path):
    key_path, cert_path = tmp_path / "key.pem", tmp_path / "cert.pem"
    ensure_demo_certificate(key_path, cert_path)
    key = key_path.read_bytes()
    cert_path.unlink()

    ensure_demo_certificate(key_path, cert_path)  # checks that the new one is the key's

    assert key_path.read_bytes() == key


def test_a_certificate_of_another_key_is_refused_not_replaced(tmp_path):
    key_path, cert_path = tmp_path / "key.pem", tmp_path / "cert.pem"
    ensure_demo_certificate(key_path, cert_path)
    cert = cert_path.read_bytes()
    key_path.unlink()  # a new key will be made, and the old certificate is not its

    with pytest.raises(SigningPairError, match="is not the certificate of the signing key"):
        ensure_demo_certificate(key_path, cert_path)

    assert cert_path.read_bytes() == cert


def test_a_key_encrypted_with_the_passphrase_signs(settings, tmp_path):
    settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE = tmp_path / "k.pem", tmp_path / "c.pem"
    settings.SIGNING_KEY_PASSPHRASE = "correct horse"

    signed = sign_pdf(render_pdf("<p>Contract</p>"), reason="r", location="Riverton")

    assert b"ENCRYPTED PRIVATE KEY" in (tmp_path / "k.pem").read_bytes()
    assert check_signature(signed).verified
    settings.SIGNING_KEY_PASSPHRASE = "wrong"
    with pytest.raises(SigningPairError, match="P3HUB_SIGNING_KEY_PASSPHRASE"):
        sign_pdf(render_pdf("<p>Contract</p>"), reason="r", location="Riverton")


def test_the_command_makes_the_pair_and_prints_paths_and_fingerprint(settings, tmp_path):
    settings.SIGNING_KEY_FILE = tmp_path / "signing" / "platform-key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "signing" / "platform-cert.pem"
    out = io.StringIO()

    call_command("signing_certificate", stdout=out)

    printed = out.getvalue()
    assert f"signing key:         {settings.SIGNING_KEY_FILE}" in printed
    assert f"signing certificate: {settings.SIGNING_CERT_FILE}" in printed
    cert = x509.load_pem_x509_certificate(settings.SIGNING_CERT_FILE.read_bytes())
    expected = cert.fingerprint(hashes.SHA256()).hex(":").upper()
    assert f"SHA-256 fingerprint: {expected}" in printed
    assert expected == fingerprint(platform_certificate())


def test_the_command_refuses_in_production(settings, tmp_path):
    settings.PRODUCTION = True
    settings.SIGNING_KEY_FILE = tmp_path / "platform-key.pem"
    settings.SIGNING_CERT_FILE = tmp_path / "platform-cert.pem"

    with pytest.raises(CommandError, match="supply your own key and certificate"):
        call_command("signing_certificate")

    assert list(tmp_path.iterdir()) == []
