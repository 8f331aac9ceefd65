"""The append-only, hash-chained audit log (DESIGN.md 5.8).

Each municipality has its own chain (platform-wide events, such as a vendor registering, share
one more). An event's hash is an HMAC-SHA256, under a key kept outside the database
(settings.AUDIT_KEY, from P3HUB_AUDIT_KEY), of its content and the previous event's hash, and
the chain head (AuditChain) records the last event's number and hash. Editing, deleting,
reordering, inserting or truncating events breaks the chain at that point, which
`audit_chain_verify` (and `manage.py audit_verify`) reports; so does rewriting every later
event and the head, unless whoever rewrites holds the key as well as the database.
"""

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from p3hub.clock import NOW_SQL, db_time
from p3hub.models import AuditChain, AuditEvent

PLATFORM_CHAIN = "platform"
GENESIS_HASH = "0" * 64


class Verb(models.TextChoices):
    """Every kind of audit event, in one enumeration: `<object>.<what happened>`. A
    lifecycle move records the old and the new status; the labels are what people read in
    the audit trail and a solicitation's history."""

    MUNICIPALITY_CREATE = "municipality.create", "Municipality opened"
    DEPARTMENT_CREATE = "department.create", "Department added"
    DEPARTMENT_UPDATE = "department.update", "Department changed"
    PERSON_CREATE = "person.create", "Person's account created"
    PERSON_UPDATE = "person.update", "Person's details changed"
    PERSON_DELETE = "person.delete", "Person's account deleted"
    PERSON_DEACTIVATE = "person.deactivate", "Person deactivated"
    PERSON_REACTIVATE = "person.reactivate", "Person reactivated"
    INVITATION_SEND = "invitation.send", "Invitation sent"
    INVITATION_ACCEPT = "invitation.accept", "Invitation accepted"
    INVITATION_REVOKE = "invitation.revoke", "Invitation withdrawn"
    MEMBERSHIP_GRANT = "membership.grant", "Role granted"
    MEMBERSHIP_REVOKE = "membership.revoke", "Role revoked"
    VENDOR_REGISTER = "vendor.register", "Company registered"
    VENDOR_USER_CONFIRM = "vendor_user.confirm", "Vendor user's e-mail address confirmed"
    VENDOR_UPDATE = "vendor.update", "Company profile changed"
    VENDOR_USER_INVITE = "vendor_user.invite", "Colleague invited"
    VENDOR_USER_ACCEPT = "vendor_user.accept", "Colleague's invitation accepted"
    VENDOR_USER_REMOVE = "vendor_user.remove", "Vendor user removed"
    CERTIFICATE_ADD = "certificate.add", "Certificate uploaded"
    CERTIFICATE_REMOVE = "certificate.remove", "Certificate taken down"

    SOLICITATION_CREATE = "solicitation.create", "Solicitation created"
    SOLICITATION_UPDATE = "solicitation.update", "Overview or key dates changed"
    SOLICITATION_SUBMIT = "solicitation.submit", "Sent for approval"
    SOLICITATION_APPROVE = "solicitation.approve", "Approved by every department"
    SOLICITATION_REOPEN = "solicitation.reopen", "Returned to approval"
    SOLICITATION_SCHEDULE = "solicitation.schedule", "Scheduled for publication"
    SOLICITATION_PUBLISH = "solicitation.publish", "Published"
    SOLICITATION_CLOSE = "solicitation.close", "Bidding closed"
    SOLICITATION_OPEN = "solicitation.open", "Bids opened"
    SOLICITATION_EVALUATE = "solicitation.evaluate", "Evaluation started"
    SOLICITATION_AWARD = "solicitation.award", "Awarded"
    SOLICITATION_CANCEL = "solicitation.cancel", "Cancelled"
    LINE_ITEM_ADD = "line_item.add", "Line item added"
    LINE_ITEM_UPDATE = "line_item.update", "Line item changed"
    LINE_ITEM_REMOVE = "line_item.remove", "Line item removed"
    CRITERIA_SET = "criteria.set", "Evaluation criteria set"
    DOCUMENT_ADD = "document.add", "Document attached"
    PARTICIPATION_INVITE = "participation.invite", "Department invited"
    PARTICIPATION_JOIN = "participation.join", "Department joined"
    PARTICIPATION_DECLINE = "participation.decline", "Department declined"
    PARTICIPATION_WITHDRAW = "participation.withdraw", "Department withdrawn"
    COST_SPLIT_PROPOSE = "cost_split.propose", "Cost split proposed"
    COST_SPLIT_APPROVE = "cost_split.approve", "Cost split approved by every department"
    COST_SPLIT_REJECT = "cost_split.reject", "Cost split rejected"
    COST_SPLIT_SUPERSEDE = "cost_split.supersede", "Cost split superseded"
    SHARE_APPROVE = "share.approve", "Share approved by its head"
    SHARE_REJECT = "share.reject", "Share rejected by its head"
    QUESTION_ASK = "question.ask", "Question received"
    QUESTION_ANSWER = "question.answer", "Question answered"
    ADDENDUM_PUBLISH = "addendum.publish", "Addendum published"
    ADDENDUM_ACKNOWLEDGE = "addendum.acknowledge", "Addendum acknowledged"
    BID_SUBMIT = "bid.submit", "Bid submitted"
    BID_REVISE = "bid.revise", "Bid revised"
    BID_WITHDRAW = "bid.withdraw", "Bid withdrawn"
    BID_INVALIDATE = "bid.invalidate", "Bid sent back for re-submission"
    BID_LATE = "bid.late", "Late bid refused"
    BID_OPEN = "bid.open", "Bid opened"
    BID_RESPONSIVE = "bid.responsive", "Bid found responsive"
    BID_NON_RESPONSIVE = "bid.non_responsive", "Bid found non-responsive"
    SOLICITATION_REEVALUATE = "solicitation.reevaluate", "Returned to evaluation"
    EVALUATOR_GRANT = "evaluator.grant", "Evaluator appointed"
    EVALUATOR_REVOKE = "evaluator.revoke", "Evaluator removed"
    EVALUATOR_DECLARE = "evaluator.declare", "No conflict of interest declared"
    EVALUATOR_CONFLICT = "evaluator.conflict", "Conflict of interest declared"
    EVALUATION_CLOSE = "evaluation.close", "Evaluation closed, scores locked"
    EVALUATION_REOPEN = "evaluation.reopen", "Evaluation reopened"
    SCORE_SHEET_SUBMIT = "score_sheet.submit", "Score sheet submitted"
    SCORE_SHEET_RETURN = "score_sheet.return", "Score sheet returned for rescoring"
    AWARD_PROPOSE = "award.propose", "Award proposed"
    AWARD_APPROVE = "award.approve", "Award approved by every department"
    AWARD_REJECT = "award.reject", "Award rejected"
    AWARD_PUBLISH = "award.publish", "Award notice published"
    AWARD_FINAL = "award.final", "Award final"
    AWARD_ANNUL = "award.annul", "Award withdrawn"
    AWARD_SHARE_APPROVE = "award_share.approve", "Award amount approved by its head"
    AWARD_SHARE_REJECT = "award_share.reject", "Award amount rejected by its head"
    PROTEST_FILE = "protest.file", "Protest filed"
    PROTEST_UPHOLD = "protest.uphold", "Protest upheld"
    PROTEST_DENY = "protest.deny", "Protest denied"
    PROTEST_MOOT = "protest.moot", "Protest closed: the award was withdrawn"
    CONTRACT_PREPARE = "contract.prepare", "Contract prepared"
    CONTRACT_UPDATE = "contract.update", "Contract changed"
    CONTRACT_SEND = "contract.send", "Contract sent for signature"
    CONTRACT_RECALL = "contract.recall", "Contract returned to draft, signatures voided"
    CONTRACT_SIGN = "contract.sign", "Contract signed by a party"
    CONTRACT_EXECUTE = "contract.execute", "Contract executed"
    CONTRACT_ACTIVATE = "contract.activate", "Contract term begun"
    CONTRACT_COMPLETE = "contract.complete", "Contract term completed"
    CONTRACT_TERMINATE = "contract.terminate", "Contract terminated"
    CONTRACT_PDF_READY = "contract.pdf_ready", "Signed contract PDF stored"
    CONTRACT_PDF_FAIL = "contract.pdf_fail", "Contract PDF could not be rendered"


_VERBS = frozenset(Verb.values)  # Verb.values builds its list anew on every read


def chain_key_for(municipality) -> str:
    return PLATFORM_CHAIN if municipality is None else f"m{municipality.pk}"


def _canonical_float(literal: str) -> float | int:
    # PostgreSQL's jsonb prints integral numbers without a fraction or exponent (1e16 comes
    # back as 10000000000000000, -0.0 as 0.0), so store them as ints from the start.
    number = float(literal)
    return int(number) if number.is_integer() else number


def to_json_safe(value: Any) -> Any:
    """Normalise before/after data to what a JSON column gives back, so hashes re-verify.

    Decimals, datetimes and UUIDs become strings (DjangoJSONEncoder), tuples lists, keys
    strings; NaN and infinities are refused, since no JSON column can hold them.
    """
    if value is None:
        return None
    text = json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False)
    return json.loads(text, parse_float=_canonical_float)


def _canonical(event: AuditEvent) -> bytes:
    """What an event's hash covers, as bytes that do not depend on key order or spacing."""
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
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # surrogatepass: a lone surrogate (possible in text from a JSON request) must hash, not crash.
    return canonical.encode("utf-8", "surrogatepass")


def event_hash(event: AuditEvent, key: bytes | None = None) -> str:
    """The event's HMAC-SHA256 under `key`, by default the audit key of the settings."""
    key = settings.AUDIT_KEY if key is None else key
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def event_hash_unkeyed(event: AuditEvent) -> str:
    """The plain SHA-256 that chained events before the key: read only to re-key old chains."""
    return hashlib.sha256(_canonical(event)).hexdigest()


HashOf = Callable[[AuditEvent], str]


# Appending is two statements (and the commit): one locks the chain head and reads the clock,
# one inserts the event and moves the head (two on SQLite). The hash in between is computed
# here: the key must never reach the database.
_EVENT_FIELDS = [field for field in AuditEvent._meta.concrete_fields if not field.primary_key]


class _AppendSQL(NamedTuple):
    lock: str  # the head's last number and hash, and the database time, with the head locked
    insert: str  # the event, returning its id
    move: str  # the head, to the event
    write: str  # PostgreSQL: insert and move as one statement, returning the event's id


@cache
def _append_sql(vendor: str) -> _AppendSQL:
    """The statements of an append on `vendor`. Table and column names come from the models;
    every value is a query parameter."""
    name = connection.ops.quote_name
    heads, events = name(AuditChain._meta.db_table), name(AuditEvent._meta.db_table)
    key, pk, clock = name("key"), name(AuditEvent._meta.pk.column), NOW_SQL[vendor]
    columns = ", ".join(name(field.column) for field in _EVENT_FIELDS)
    values = ", ".join(["%s"] * len(_EVENT_FIELDS))
    insert = f"INSERT INTO {events} ({columns}) VALUES ({values}) RETURNING {pk}"  # noqa: S608
    move = f"UPDATE {heads} SET last_seq = %s, last_hash = %s WHERE {key} = %s"  # noqa: S608
    write = f"WITH event AS ({insert}) {move} RETURNING (SELECT {pk} FROM event)"  # noqa: S608
    if vendor == "postgresql":
        # The clock is read once the lock is held (the MATERIALIZED head is locked first), so
        # times never run backwards along a chain.
        lock = (
            f"WITH head AS MATERIALIZED (SELECT last_seq, last_hash FROM {heads} "  # noqa: S608
            f"WHERE {key} = %s FOR UPDATE) SELECT last_seq, last_hash, {clock} FROM head"
        )
    else:
        # SQLite: the IMMEDIATE transaction (settings) already holds the database's write lock.
        lock = f"SELECT last_seq, last_hash, {clock} FROM {heads} WHERE {key} = %s"  # noqa: S608
    return _AppendSQL(lock, insert, move, write)


def _lock_chain(municipality) -> tuple[str, int, str, dt.datetime]:
    """Lock the chain head: its key, last number and last hash, and the database time."""
    key = chain_key_for(municipality)
    lock = _append_sql(connection.vendor).lock
    with connection.cursor() as cursor:
        cursor.execute(lock, [key])
        if (row := cursor.fetchone()) is None:
            # The chain's first event. get_or_create survives two first appends racing to
            # create the head: the loser's INSERT fails on the unique key in a savepoint and
            # it reads the winner's.
            AuditChain.objects.get_or_create(key=key, defaults={"municipality": municipality})
            cursor.execute(lock, [key])
            row = cursor.fetchone()
    return key, row[0], row[1], db_time(row[2])


def _write(event: AuditEvent) -> None:
    """Insert the event and move its chain head to it (the head is locked)."""
    sql = _append_sql(connection.vendor)
    row = [
        field.get_db_prep_save(field.pre_save(event, True), connection) for field in _EVENT_FIELDS
    ]
    head = [event.seq, event.hash, event.chain]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.write, [*row, *head])
            event.pk = cursor.fetchone()[0]
        else:
            cursor.execute(sql.insert, row)
            event.pk = cursor.fetchone()[0]
            cursor.execute(sql.move, head)
    event._state.adding, event._state.db = False, connection.alias


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
    if verb not in _VERBS:  # one enumeration: a typo would make a verb nobody filters by
        raise ValueError(f"{verb!r} is not an audit verb (p3hub.audit.Verb)")
    key, last_seq, last_hash, now = _lock_chain(municipality)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    event = AuditEvent(
        chain=key,
        seq=last_seq + 1,
        municipality=municipality,
        actor=actor if authenticated else None,
        actor_label=actor.get_username() if authenticated else "system",
        verb=verb,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=to_json_safe(before),
        after=to_json_safe(after),
        created_at=now,
        prev_hash=last_hash,
    )
    event.hash = event_hash(event)
    _write(event)
    return event


@dataclass(frozen=True)
class ChainBreak:
    """Where a chain stops verifying, and why. `event_id` is None when the event is gone."""

    chain: str
    seq: int
    event_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return f"chain {self.chain}: {where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of re-verifying one chain: how many events were read, and the first break."""

    chain: str
    events: int
    broken: ChainBreak | None


@contextmanager
def _one_snapshot() -> Iterator[None]:
    # The head and the events must be read from one snapshot: under READ COMMITTED each
    # statement sees newer commits, and an append landing between the two reads would look
    # like a truncated chain. Inside a caller's transaction, that transaction decides.
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _event_break(
    key: str, event: AuditEvent, previous: AuditEvent | None, hash_of: HashOf
) -> ChainBreak | None:
    expected_seq = previous.seq + 1 if previous else 1
    expected_prev = previous.hash if previous else GENESIS_HASH
    if event.seq != expected_seq:
        reason = f"numbered #{event.seq} where #{expected_seq} was due (deleted or renumbered)"
        return ChainBreak(key, event.seq, event.pk, reason)
    if event.prev_hash != expected_prev:
        reason = "does not link to the event before it (inserted, deleted or reordered)"
        return ChainBreak(key, event.seq, event.pk, reason)
    if hash_of(event) != event.hash:
        reason = "content does not match its hash (edited)"
        if previous is None:  # so is every event of a chain checked under another key
            reason = "content does not match its hash (edited, or hashed under another key)"
        return ChainBreak(key, event.seq, event.pk, reason)
    return None


def _head_break(
    key: str, head: AuditChain | None, last: AuditEvent | None, events: models.QuerySet
) -> ChainBreak | None:
    """Compare the chain head with the last event: catches truncation and a rewritten head."""
    last_seq, last_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    if head is None:
        if last is None:
            return None
        return ChainBreak(key, last.seq, last.pk, "the chain head is missing (deleted)")
    if head.last_seq > last_seq:
        reason = f"the chain head records #{head.last_seq}, the log ends before it (truncated)"
        return ChainBreak(key, last_seq + 1, None, reason)
    if head.last_seq < last_seq:
        beyond = events.filter(seq=head.last_seq + 1).first()
        reason = f"the chain head ends at #{head.last_seq}: events after it were not appended"
        return ChainBreak(key, head.last_seq + 1, beyond.pk if beyond else None, reason)
    if head.last_hash != last_hash:
        reason = "the chain head's hash does not match this last event (head or event rewritten)"
        return ChainBreak(key, last_seq, last.pk if last else None, reason)
    return None


def audit_chain_check(key: str, *, hash_of: HashOf = event_hash) -> ChainReport:
    """Recompute one chain from its first event to its head, in one snapshot: each event's
    hash under the audit key (or with `hash_of`), its link to the one before, and the head."""
    with _one_snapshot():
        head = AuditChain.objects.filter(key=key).first()
        events = AuditEvent.objects.filter(chain=key)
        previous, count = None, 0
        for event in events.order_by("seq", "id").iterator(chunk_size=2000):
            count += 1
            if broken := _event_break(key, event, previous, hash_of):
                return ChainReport(key, count, broken)
            previous = event
        return ChainReport(key, count, _head_break(key, head, previous, events))


def audit_chain_verify(key: str) -> ChainBreak | None:
    """The first break in one chain, or None if it is intact."""
    return audit_chain_check(key).broken


def audit_chain_keys(municipality=None) -> list[str]:
    if municipality is not None:
        return [chain_key_for(municipality)]
    keys = set(AuditChain.objects.values_list("key", flat=True))
    keys |= set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    return sorted(keys)


# --- re-keying --------------------------------------------------------------------------


class ChainNotRekeyed(Exception):
    """A chain that does not verify as it was written: re-keying it would hide the break."""

    def __init__(self, broken: ChainBreak):
        super().__init__(f"{broken}; no chain was re-keyed")
        self.broken = broken


REKEY_BATCH = 1000


@contextmanager
def _append_only_lifted(chain_model, event_model) -> Iterator[None]:
    """Lift the append-only triggers for the rest of this transaction, and hold appends off.

    Appends lock a chain head and then insert; this locks every head first too (the same
    order: no deadlock), so no event is appended while the chains are rewritten.
    """
    events = connection.ops.quote_name(event_model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            heads = connection.ops.quote_name(chain_model._meta.db_table)
            cursor.execute(f"LOCK TABLE {heads} IN EXCLUSIVE MODE")
            # ALTER TABLE refuses while deferred foreign-key checks are pending: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            trigger = "p3hub_audit_event_no_update_delete"
            cursor.execute(f"ALTER TABLE {events} DISABLE TRIGGER {trigger}")
            yield
            cursor.execute(f"ALTER TABLE {events} ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            return
        # SQLite: the write transaction already excludes every other writer; its triggers
        # are dropped and created again as they were.
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            [event_model._meta.db_table],
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
        yield
        for _, create in triggers:
            cursor.execute(create)


@dataclass(frozen=True)
class ChainLink:
    """An event's number and hash as it was written (re-keying replaces the hash)."""

    seq: int
    hash: str
    pk: int


def _rekey_chain(key: str, hash_before: HashOf, head, events: models.QuerySet) -> int:
    """Check one chain as it was written (`hash_before`) while re-hashing it under the audit
    key in the same pass; raise ChainNotRekeyed at its first break. The number of events."""
    previous, linked, count = None, GENESIS_HASH, 0
    while True:
        after = previous.seq if previous else 0
        batch = list(events.filter(seq__gt=after).order_by("seq", "id")[:REKEY_BATCH])
        for event in batch:
            if broken := _event_break(key, event, previous, hash_before):
                raise ChainNotRekeyed(broken)
            previous = ChainLink(event.seq, event.hash, event.pk)
            event.prev_hash = linked
            event.hash = linked = event_hash(event)
        count += len(batch)
        if len(batch) < REKEY_BATCH:
            break
        events.bulk_update(batch, ["prev_hash", "hash"])
    if broken := _head_break(key, head, previous, events):
        raise ChainNotRekeyed(broken)
    events.bulk_update(batch, ["prev_hash", "hash"])
    if head is not None:
        head.last_hash = linked
        head.save(update_fields=["last_hash"])
    return count


@transaction.atomic
def audit_rekey(
    hash_before: HashOf, *, chain_model=AuditChain, event_model=AuditEvent
) -> dict[str, int]:
    """Re-hash every chain under the audit key: chains written before the key (`hash_before`
    is event_hash_unkeyed) or under a previous key (a rotation). Each chain must verify as it
    was written, or none is re-keyed: re-keying would otherwise hide where it was broken.
    Returns the number of events of each chain. Migrations pass their historical models."""
    with _append_only_lifted(chain_model, event_model):
        heads = {head.key: head for head in chain_model.objects.all()}
        keys = set(heads) | set(event_model.objects.values_list("chain", flat=True).distinct())
        return {
            key: _rekey_chain(
                key, hash_before, heads.get(key), event_model.objects.filter(chain=key)
            )
            for key in sorted(keys)
        }
