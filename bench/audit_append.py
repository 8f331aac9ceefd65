"""What the hash chain costs per audit event.

N events are appended with `audit_record`, each in its own transaction as services do. For the
baseline, N rows of exactly the same shape go into the same table (same columns, indexes,
foreign keys and triggers) through the same ORM call, each in its own transaction, but with
sequence number, hash and time computed beforehand: a plain insert. The difference is the
chain: creating and locking the head row, reading the database clock, hashing, moving the head.
The two run in alternating rounds so that warm-up and the growing table weigh on both alike;
the result compares the median round of each.
"""

import hashlib
import os
import time
from decimal import Decimal
from statistics import median

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from p3hub.audit import GENESIS_HASH, audit_chain_verify, audit_record, chain_key_for, to_json_safe
from p3hub.models import AuditEvent

N = int(os.environ.get("BENCH_AUDIT_N", "1000"))
ROUNDS = 20
WARM_UP = 20


def _after(i: int) -> dict:
    return {
        "code": "TRN",
        "name": f"Transportation {i}",
        "fund_codes": ["100-TRN-CAP", "101-TRN-OPS"],
        "share": Decimal("33.3333"),
        "is_active": True,
    }


def _setup():
    user = apps.get_model("departments", "User").objects.create(username="bench.admin")
    city = apps.get_model("departments", "Municipality").objects.create(
        slug="benchville", name="City of Benchville", code="BEN"
    )
    return user, city


def _plain_row(user, city, i: int) -> dict:
    """The row audit_record would write, with everything the chain computes done up front."""
    return {
        "chain": "plain",
        "seq": i,
        "municipality": city,
        "actor": user,
        "actor_label": user.username,
        "verb": "department.update",
        "object_type": city._meta.label_lower,
        "object_id": str(city.pk),
        "object_repr": str(city),
        "before": {"name": "Transportation"},
        "after": to_json_safe(_after(i)),
        "created_at": timezone.now(),
        "prev_hash": GENESIS_HASH,
        "hash": hashlib.sha256(f"plain-{i}".encode()).hexdigest(),
    }


def _time_audit(user, city, numbers: range) -> float:
    started = time.perf_counter()
    for i in numbers:
        with transaction.atomic():
            audit_record(
                actor=user,
                verb="department.update",
                municipality=city,
                obj=city,
                before={"name": "Transportation"},
                after=_after(i),
            )
    return time.perf_counter() - started


def _time_plain(rows: list[dict]) -> float:
    started = time.perf_counter()
    for row in rows:
        with transaction.atomic():
            AuditEvent.objects.create(**row)
    return time.perf_counter() - started


def run() -> str:
    user, city = _setup()
    rows = [_plain_row(user, city, i) for i in range(1, WARM_UP + N + 1)]
    _time_audit(user, city, range(1, WARM_UP + 1))
    _time_plain(rows[:WARM_UP])
    block = N // ROUNDS
    audit, plain = [], []
    for r in range(ROUNDS):
        start = WARM_UP + 1 + r * block
        audit.append(_time_audit(user, city, range(start, start + block)) / block)
        plain.append(_time_plain(rows[start - 1 : start - 1 + block]) / block)
    if (broken := audit_chain_verify(chain_key_for(city))) is not None:
        raise AssertionError(f"the benchmark's chain does not verify: {broken}")
    # Medians: on a shared machine one slow round (another process's fsync) should not decide.
    audit_ms, plain_ms = median(audit) * 1000, median(plain) * 1000
    return (
        f"audit append cost: {audit_ms / plain_ms:.2f} x plain insert "
        f"(N={block * ROUNDS}, audit {audit_ms:.2f} ms/op, plain {plain_ms:.2f} ms/op)"
    )
