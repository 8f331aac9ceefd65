"""The append-only, hash-chained audit log (DESIGN.md 5.8).

Each municipality has its own chain (platform-wide events, such as a vendor registering, share
one more). An event's hash covers its content and the previous event's hash, so editing,
deleting, reordering or inserting an event breaks the chain at that point, which
`audit_chain_verify` (and `manage.py audit_verify`) reports.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models

from p3hub.clock import db_now
from p3hub.models import AuditChain, AuditEvent

PLATFORM_CHAIN = "platform"
GENESIS_HASH = "0" * 64


def chain_key_for(municipality) -> str:
    return PLATFORM_CHAIN if municipality is None else f"m{municipality.pk}"


def to_json_safe(value: Any) -> Any:
    """Normalise before/after data to what a JSON column gives back, so hashes re-verify."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def event_hash(event: AuditEvent) -> str:
    payload = {
        "chain": event.chain,
        "seq": event.seq,
        "municipality": event.municipality_id,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _lock_chain(municipality) -> AuditChain:
    key = chain_key_for(municipality)
    chain, _ = AuditChain.objects.get_or_create(key=key, defaults={"municipality": municipality})
    return AuditChain.objects.select_for_update().get(pk=chain.pk)


def audit_record(
    *,
    actor,
    verb: str,
    municipality=None,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the municipality's chain, inside the caller's transaction.

    Services call this in the same transaction as the change it records, so the event exists
    if and only if the change does. The chain row is locked, which serialises appends per chain.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change")
    chain = _lock_chain(municipality)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        chain=chain.key,
        seq=chain.last_seq + 1,
        municipality=municipality,
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "system",
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=to_json_safe(before),
        after=to_json_safe(after),
        created_at=db_now(),
        prev_hash=chain.last_hash,
    )
    event.hash = event_hash(event)
    event.save()
    chain.last_seq, chain.last_hash = event.seq, event.hash
    chain.save(update_fields=["last_seq", "last_hash"])
    return event


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops verifying, and why."""

    chain: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"chain {self.chain}: {where}: {self.reason}"


def audit_chain_verify(key: str) -> ChainBreak | None:
    """Recompute one chain from its first event; return the first break, or None if intact."""
    expected_prev, expected_seq = GENESIS_HASH, 1
    events = AuditEvent.objects.filter(chain=key).order_by("seq", "id")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            reason = f"expected event #{expected_seq} here, found #{event.seq} (missing or moved)"
            return ChainBreak(key, expected_seq, event.pk, reason)
        if event.prev_hash != expected_prev:
            reason = "does not link to the event before it (inserted, deleted or reordered)"
            return ChainBreak(key, event.seq, event.pk, reason)
        if event_hash(event) != event.hash:
            return ChainBreak(key, event.seq, event.pk, "content does not match its hash (edited)")
        expected_prev, expected_seq = event.hash, expected_seq + 1
    head = AuditChain.objects.filter(key=key).first()
    if head is not None and (head.last_seq, head.last_hash) != (expected_seq - 1, expected_prev):
        reason = f"the chain head records #{head.last_seq}, the log ends before it (truncated)"
        return ChainBreak(key, expected_seq, None, reason)
    return None


def audit_chain_keys(municipality=None) -> list[str]:
    if municipality is not None:
        return [chain_key_for(municipality)]
    keys = set(AuditChain.objects.values_list("key", flat=True))
    keys |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    return sorted(keys)
