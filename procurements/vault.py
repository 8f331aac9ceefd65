"""The sealed-bid vault (DESIGN.md 11): the one module that handles a bid's prices and files in
plaintext before the opening.

Each solicitation has its own data key (256 random bits), kept in the database only wrapped:
encrypted under the master key from the environment (settings.VAULT_KEY), which never enters
the database. Bid content and attachments are sealed with AES-256-GCM under the data key; the
associated data binds each ciphertext to the row it belongs to (a sealed price copied to
another bid does not open there). Reading is allowed in two cases only, each a function here:
the bidding company reading its own bid (`open_own`), and anyone the caller lets see a bid
once the solicitation was opened (`open_opened`). Everything else (staff, other companies,
the public, the admin, the audit log, the logs, e-mails and task arguments) sees ciphertext,
sizes and hashes, never a price.
"""

import base64
import binascii
import json
import secrets
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.views.decorators.debug import sensitive_variables

from p3hub.errors import NotFound, PermissionDenied

NONCE_BYTES = 12
KEY_BYTES = 32
SEALED_UNTIL_OPENING = "Bids stay sealed until the opening."


class VaultError(Exception):
    """A ciphertext that does not open: tampered, or sealed for another row or key."""


@cache
def _master_key(value: str) -> AESGCM:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(
            "P3HUB_VAULT_KEY must be 32 random bytes in URL-safe base64, e.g. "
            'python -c "import base64, secrets; '
            'print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())".'
        )
    return AESGCM(raw)


def _master() -> AESGCM:
    return _master_key(settings.VAULT_KEY)


@sensitive_variables()
def _seal(cipher: AESGCM, plaintext: bytes, aad: str) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + cipher.encrypt(nonce, plaintext, aad.encode())


@sensitive_variables()
def _unseal(cipher: AESGCM, sealed: bytes, aad: str) -> bytes:
    sealed = bytes(sealed)
    try:
        return cipher.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad.encode())
    except (InvalidTag, ValueError) as error:
        raise VaultError(f"sealed data for {aad} does not open") from error


def _data_key(solicitation) -> AESGCM:
    """The solicitation's data key, made on first use (two first uses at once agree on one)."""
    from procurements.models import SolicitationKey

    aad = f"solicitation:{solicitation.pk}"
    row = SolicitationKey.objects.filter(solicitation_id=solicitation.pk).first()
    if row is None:
        wrapped = _seal(_master(), secrets.token_bytes(KEY_BYTES), aad)
        try:
            with transaction.atomic():
                row = SolicitationKey.objects.create(
                    solicitation_id=solicitation.pk, wrapped_key=wrapped
                )
        except IntegrityError:
            row = SolicitationKey.objects.get(solicitation_id=solicitation.pk)
    return AESGCM(_unseal(_master(), row.wrapped_key, aad))


def _data_keys(solicitation_ids) -> dict[int, AESGCM]:
    """The data keys of several solicitations (those that have one), in one query."""
    from procurements.models import SolicitationKey

    rows = SolicitationKey.objects.filter(solicitation_id__in=set(solicitation_ids))
    return {
        row.solicitation_id: AESGCM(
            _unseal(_master(), row.wrapped_key, f"solicitation:{row.solicitation_id}")
        )
        for row in rows
    }


def _content_aad(bid_pk: int, revision: int | None) -> str:
    return f"bid:{bid_pk}:" + ("draft" if revision is None else f"revision:{revision}")


@sensitive_variables()
def canonical_json(content: dict) -> bytes:
    """The one serialisation of a bid's content: sorted keys, no spaces, UTF-8. A receipt's
    SHA-256 is of these bytes, and they are what is sealed, so the opening checks a bid by
    hashing what it decrypted."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@sensitive_variables()
def seal_content(bid, content: dict, *, revision: int | None = None) -> bytes:
    """`content` (the bid's prices and declaration) sealed for `bid`'s draft, or for its
    submitted `revision`."""
    plaintext = canonical_json(content)
    return _seal(_data_key(bid.solicitation), plaintext, _content_aad(bid.pk, revision))


@sensitive_variables()
def seal_file(bid, data: bytes, *, attachment_id: str) -> bytes:
    return _seal(_data_key(bid.solicitation), data, f"bid:{bid.pk}:file:{attachment_id}")


@sensitive_variables()
def _open_content(bid, sealed: bytes, revision: int | None) -> dict:
    plaintext = _unseal(_data_key(bid.solicitation), sealed, _content_aad(bid.pk, revision))
    return json.loads(plaintext)


def _may_read_own(actor, bid) -> None:
    vendor = getattr(actor, "vendor", None)
    if vendor is None or vendor.pk != bid.vendor_id:
        raise NotFound("Not found.")


@sensitive_variables()
def open_own(actor, bid, sealed: bytes, *, revision: int | None = None) -> dict:
    """The bidding company reads its own draft or revision (a VendorActor of that company);
    anyone else: NotFound, as for a bid that does not exist."""
    _may_read_own(actor, bid)
    return _open_content(bid, sealed, revision)


@sensitive_variables()
def open_own_drafts(actor, bids) -> dict[int, dict]:
    """The bidding company reads the drafts of several of its own bids at once, {bid pk:
    content} for those that have one, their data keys read in one query (so a list of bids
    costs the same whatever its length); another company's bid: NotFound."""
    drafted = [bid for bid in bids if bid.sealed_draft is not None]
    for bid in drafted:
        _may_read_own(actor, bid)
    keys = _data_keys(bid.solicitation_id for bid in drafted)
    return {
        bid.pk: json.loads(
            _unseal(keys[bid.solicitation_id], bid.sealed_draft, _content_aad(bid.pk, None))
        )
        for bid in drafted
    }


@sensitive_variables()
def open_own_file(actor, bid, sealed: bytes, *, attachment_id: str) -> bytes:
    _may_read_own(actor, bid)
    return _unseal(_data_key(bid.solicitation), sealed, f"bid:{bid.pk}:file:{attachment_id}")


def _require_opened(bid) -> None:
    if bid.solicitation.opened_at is None:
        raise PermissionDenied(SEALED_UNTIL_OPENING)


@sensitive_variables()
def open_opened(bid, sealed: bytes, *, revision: int) -> dict:
    """A submitted revision once its solicitation was opened (whoever the caller's selectors
    let see the bid); before the opening: PermissionDenied."""
    _require_opened(bid)
    return _open_content(bid, sealed, revision)


@sensitive_variables()
def open_opened_file(bid, sealed: bytes, *, attachment_id: str) -> bytes:
    _require_opened(bid)
    return _unseal(_data_key(bid.solicitation), sealed, f"bid:{bid.pk}:file:{attachment_id}")


class OpeningReader:
    """What the opening decrypts every submitted bid with: the solicitation's data key,
    unwrapped once for all its bids. Only for a solicitation whose bidding was recorded
    closed (or already opened): before that, PermissionDenied."""

    OPENABLE = ("closed", "opened")  # Solicitation.Status values; the vault imports no models

    def __init__(self, solicitation):
        if solicitation.status not in self.OPENABLE:
            raise PermissionDenied(SEALED_UNTIL_OPENING)
        self._cipher = _data_key(solicitation)

    @sensitive_variables()
    def plaintext(self, bid_pk: int, sealed: bytes, *, revision: int) -> bytes:
        """A revision's canonical JSON (vault.canonical_json), as it was sealed."""
        return _unseal(self._cipher, sealed, _content_aad(bid_pk, revision))
