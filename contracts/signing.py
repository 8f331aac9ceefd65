"""The platform's signing certificate: the key and certificate that sign every contract PDF.

Production brings its own pair (P3HUB_SIGNING_KEY_FILE, P3HUB_SIGNING_CERT_FILE; p3hub.settings
refuses to start without them). Everywhere else a self-signed demo pair is made on first use
under var/signing/, once, even when web, worker and beat start together.

The key is EC P-256: pyHanko parses the signer's key again for every signature it makes (twice
per PDF: once to size the signature, once for real), and parsing an RSA key checks it, which
costs about 0.1 s for 3072 bits; a P-256 key costs a fraction of a millisecond.
"""

import datetime as dt
import functools
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from p3hub.settings import _write_once

DEMO_SUBJECT = x509.Name(
    [
        x509.NameAttribute(NameOID.COMMON_NAME, "P3 Hub demo signing certificate"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "P3 Hub (demo, not for production)"),
    ]
)
DEMO_VALIDITY = dt.timedelta(days=5 * 365)


class SigningPairError(ImproperlyConfigured):
    """The signing key and certificate cannot be used (unreadable, or not one pair)."""


def _passphrase_bytes(passphrase: str | None) -> bytes | None:
    return passphrase.encode() if passphrase else None


def _demo_certificate(key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
    """A self-signed certificate for `key`, its own trust root: a CA (so validators accept it
    as an anchor) whose key signs documents (digital signature and non-repudiation, which
    pyHanko asks of a PDF signer)."""
    now = dt.datetime.now(dt.UTC)
    public_key = key.public_key()
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    return (
        x509.CertificateBuilder()
        .subject_name(DEMO_SUBJECT)
        .issuer_name(DEMO_SUBJECT)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))  # a little clock skew between hosts
        .not_valid_after(now + DEMO_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(key, hashes.SHA256())
    )


def _key_pem(key: ec.EllipticCurvePrivateKey, passphrase: str | None) -> str:
    secret = _passphrase_bytes(passphrase)
    encryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    return pem.decode()


def _read_key(key_path: Path, passphrase: str | None):
    try:
        return serialization.load_pem_private_key(
            key_path.read_bytes(), password=_passphrase_bytes(passphrase)
        )
    except (OSError, ValueError, TypeError) as error:
        raise SigningPairError(
            f"The signing key {key_path} cannot be read ({error}); check the file and "
            "P3HUB_SIGNING_KEY_PASSPHRASE."
        ) from error


def _check_pair(key, cert_path: Path) -> None:
    """Raise unless the certificate at `cert_path` carries the public key of `key`."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError) as error:
        raise SigningPairError(f"The signing certificate {cert_path} cannot be read.") from error
    raw = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    if cert.public_key().public_bytes(*raw) != key.public_key().public_bytes(*raw):
        raise SigningPairError(
            f"The signing certificate {cert_path} is not the certificate of the signing key. "
            "Give the matching pair (or, outside production, delete both for a new demo pair)."
        )


def ensure_demo_certificate(key_path: Path, cert_path: Path, passphrase: str | None = None):
    """Make a self-signed demo key and certificate at the two paths unless both exist.

    Processes starting together race here and end with one pair: the key is written first
    (the first link wins, as p3hub.settings does for secrets), then every process reads that
    key back and links a certificate made for it (again the first wins). So the certificate on
    disk belongs to the key on disk whoever won which race, and every process reads both back.
    A certificate left from another key (the key deleted alone) is refused, never replaced."""
    key_path, cert_path = Path(key_path), Path(cert_path)
    if key_path.exists() and cert_path.exists():
        return
    key_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    cert_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not key_path.exists():
        _write_once(key_path, _key_pem(ec.generate_private_key(ec.SECP256R1()), passphrase))
    key = _read_key(key_path, passphrase)
    if not cert_path.exists():
        pem = _demo_certificate(key).public_bytes(serialization.Encoding.PEM).decode()
        _write_once(cert_path, pem)
    _check_pair(key, cert_path)


def _pair_paths() -> tuple[Path, Path]:
    """The configured pair, made first outside production when missing."""
    key_path, cert_path = Path(settings.SIGNING_KEY_FILE), Path(settings.SIGNING_CERT_FILE)
    if not settings.PRODUCTION:
        ensure_demo_certificate(key_path, cert_path, settings.SIGNING_KEY_PASSPHRASE)
    return key_path, cert_path


def _version(*paths: Path) -> tuple[int, ...]:
    """When the files last changed: a pair replaced on disk is read again."""
    return tuple(path.stat().st_mtime_ns for path in paths)


@functools.lru_cache(maxsize=4)
def _load_signer(key_path: Path, cert_path: Path, passphrase: str | None, _version) -> SimpleSigner:
    _check_pair(_read_key(key_path, passphrase), cert_path)
    cert = load_cert_from_pemder(str(cert_path))
    key = load_private_key_from_pemder(str(key_path), passphrase=_passphrase_bytes(passphrase))
    return SimpleSigner(signing_cert=cert, signing_key=key, cert_registry=SimpleCertificateStore())


@functools.lru_cache(maxsize=4)
def _load_certificate(cert_path: Path, _version) -> asn1_x509.Certificate:
    return load_cert_from_pemder(str(cert_path))


def platform_signer() -> SimpleSigner:
    """The pyHanko signer of the platform's key and certificate (read once per process and
    pair of files; settings may point at another pair, as the tests do)."""
    key_path, cert_path = _pair_paths()
    passphrase = settings.SIGNING_KEY_PASSPHRASE
    return _load_signer(key_path, cert_path, passphrase, _version(key_path, cert_path))


def platform_certificate() -> asn1_x509.Certificate:
    """The platform's certificate, the one trust root a contract PDF's signature must chain to."""
    _key_path, cert_path = _pair_paths()
    return _load_certificate(cert_path, _version(cert_path))


def fingerprint(cert: asn1_x509.Certificate) -> str:
    """The certificate's SHA-256 fingerprint, as browsers and openssl show it (AA:BB:...)."""
    return ":".join(f"{byte:02X}" for byte in cert.sha256)
