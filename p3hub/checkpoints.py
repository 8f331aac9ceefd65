"""Public audit checkpoints (DESIGN.md 5.8, 11): each municipality chain's head, published
daily and on demand, so that anyone who saved one can prove later that the chain still
extends it (`manage.py audit_verify --checkpoints`). Holding the audit key lets someone
rewrite history so the chain verifies again; it does not let them change what was published.

One checkpoint per chain and local day: the first taken that day stands, and taking one
again that day (the beat task re-run, or an admin asking) returns it unchanged.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from p3hub.clock import db_now
from p3hub.errors import NotFound
from p3hub.models import AuditChain, AuditCheckpoint, AuditEvent

NO_CHAIN = "This municipality has no audit chain yet."


def audit_checkpoint_take(chain_key: str) -> tuple[AuditCheckpoint, bool]:
    """Record the municipality chain's head for its local today, once: (checkpoint, created)."""
    head = (
        AuditChain.objects.filter(key=chain_key, municipality__isnull=False)
        .select_related("municipality")
        .first()
    )
    if head is None:
        raise NotFound(NO_CHAIN)
    now = db_now()
    day = now.astimezone(head.municipality.zone).date()
    if (existing := AuditCheckpoint.objects.filter(chain=chain_key, day=day).first()) is not None:
        return existing, False
    try:
        with transaction.atomic():  # a savepoint: a concurrent taker may win the (chain, day)
            checkpoint = AuditCheckpoint.objects.create(
                chain=chain_key,
                municipality=head.municipality,
                seq=head.last_seq,
                hash=head.last_hash,
                taken_at=now,
                day=day,
            )
    except IntegrityError:
        return AuditCheckpoint.objects.get(chain=chain_key, day=day), False
    return checkpoint, True


def audit_checkpoints_take_all() -> int:
    """One checkpoint today for every municipality chain; how many were new."""
    keys = AuditChain.objects.filter(municipality__isnull=False).values_list("key", flat=True)
    return sum(audit_checkpoint_take(key)[1] for key in keys.order_by("key"))


def chain_public_get(slug: str) -> AuditChain:
    """A municipality's chain head (with the municipality) by its slug; 404 for an unknown
    one. Through the head's own reference: p3hub imports no app."""
    head = AuditChain.objects.filter(municipality__slug=slug).select_related("municipality")
    if (found := head.first()) is None:
        raise NotFound("No municipality with this slug.")
    return found


def checkpoints_of(chain_key: str):
    """One chain's checkpoints, newest first."""
    return AuditCheckpoint.objects.filter(chain=chain_key).order_by("-day", "-id")


# --- verifying saved checkpoints --------------------------------------------------------


@dataclass(frozen=True)
class SavedCheckpoint:
    """A checkpoint as someone saved it from the public endpoint."""

    chain: str
    seq: int
    hash: str
    date: str

    def __str__(self) -> str:
        return f"{self.chain} #{self.seq} ({self.date})"


class CheckpointFormatError(ValueError):
    """Saved checkpoints that are not a list of {chain, seq, hash, date}."""


def saved_checkpoints(data) -> list[SavedCheckpoint]:
    """A JSON list of checkpoints, or the public endpoint's page ({"results": [...]})."""
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if not isinstance(data, list):
        raise CheckpointFormatError("expected a list of checkpoints or a page with 'results'")
    try:
        return [
            SavedCheckpoint(str(item["chain"]), int(item["seq"]), str(item["hash"]), item["date"])
            for item in data
        ]
    except (TypeError, KeyError, ValueError) as error:
        raise CheckpointFormatError(
            f"a checkpoint lacks chain, seq, hash or date: {error}"
        ) from error


def checkpoint_break(saved: SavedCheckpoint) -> str | None:
    """Why the chain as it stands no longer extends `saved`, or None if it does. The chain
    itself is checked separately (audit_chain_check): this compares the event at `seq`."""
    if saved.seq == 0:
        return None if saved.hash == "0" * 64 else "an empty chain has no other hash"
    event = AuditEvent.objects.filter(chain=saved.chain, seq=saved.seq).first()
    if event is None:
        return f"the chain has no event #{saved.seq} (truncated)"
    if event.hash != saved.hash:
        return f"event #{saved.seq} no longer has the published hash (history rewritten)"
    return None
