"""What the opening costs for 10,000 bids (issue 11, DESIGN.md 5.3, invariant 9).

10,000 companies' bids on one solicitation, each submitted with real sealed content (the
canonical content a receipt covers, sealed by procurements.vault.seal_content under the
solicitation's data key, and its SHA-256), made in bulk. `opening_run` (the task's body: every
bid decrypted once, checked against its receipt's hash, priced, written down in batches taken
with SKIP LOCKED, then the solicitation recorded opened with one audit event) is timed against
the least any opening must do: reading the same rows, each bid joined with its latest
revision's sealed content, with one raw SQL query through a cursor. Target: at most 3x.

The companies have no users here, so the opening's notices go to the staff only (a notice per
bidder's user is e-mail work queued for the workers, not the opening's). Between rounds the
bids are put back as submitted, unopened; the rounds alternate with the baseline so that a busy
spell weighs on both.
"""

import cProfile
import datetime as dt
import io
import logging
import os
import pstats
import time
from statistics import median
from unittest import mock

from django.db import connection, transaction
from django.db.models.functions import Now
from django.test import override_settings

from bench._bids import officer, published_solicitation
from departments.models import User
from p3hub.celery import app
from procurements import vault
from procurements.models import Bid, BidOpening, BidRevision, Solicitation
from procurements.services import opening
from procurements.services.bids import canonical_content, content_sha256
from vendors.models import Vendor

BIDS = int(os.environ.get("BENCH_OPENING_BIDS", "10000"))
ROUNDS = 3
TARGET = 3.0
READ_SQL = """
    SELECT b.id, b.vendor_id, r.number, r.sealed_content, r.content_sha256
    FROM procurements_bid b
    JOIN procurements_bidrevision r ON r.bid_id = b.id AND r.number = b.revision
    WHERE b.solicitation_id = %s AND b.status = 'submitted'
    ORDER BY b.id
"""


def _submitted_bids(solicitation: Solicitation) -> None:
    """BIDS submitted bids, one revision each, priced differently, sealed for real."""
    user = User.objects.get(username="officer")  # who made a row matters to no reading here
    now = dt.datetime.now(dt.UTC)
    vendors = Vendor.objects.bulk_create(
        [Vendor(name=f"Opening {n:05d} Supplies") for n in range(BIDS)], batch_size=2_000
    )
    made = Bid.objects.bulk_create(
        [
            Bid(
                solicitation=solicitation,
                vendor=vendor,
                status=Bid.Status.SUBMITTED,
                revision=1,
                submitted_at=now,
                created_by=user,
            )
            for vendor in vendors
        ],
        batch_size=2_000,
    )
    revisions = []
    for n, bid in enumerate(made):
        bid.solicitation = solicitation
        draft = {"prices": {"1": 100_000 + n, "2": 25_000 + n % 1_000}}
        content = canonical_content(bid, 1, draft, [], f"Bidder {n}")
        revisions.append(
            BidRevision(
                bid=bid,
                number=1,
                kind=BidRevision.Kind.SUBMISSION,
                sealed_content=vault.seal_content(bid, content, revision=1),
                content_sha256=content_sha256(content),
                receipt_number=f"{solicitation.reference}-{bid.pk:05d}-01",
                declared_name=f"Bidder {n}",
                submitted_by=user,
                submitted_at=now,
            )
        )
    BidRevision.objects.bulk_create(revisions, batch_size=2_000)


def _start(solicitation: Solicitation) -> None:
    """The deadline passed; an officer starts the opening. The task it queues is held back:
    the benchmark runs its body itself."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    with mock.patch.object(opening, "_run_later"):
        opening.opening_start(actor=officer(), solicitation=solicitation)
    _vacuum()


def _unopen(solicitation: Solicitation) -> None:
    """Back to closed with every bid submitted and unopened, as after the start."""
    with transaction.atomic():
        Bid.objects.filter(solicitation=solicitation).update(
            status=Bid.Status.SUBMITTED, opened_content=None, total_minor=None, receipt_matches=None
        )
        Solicitation.objects.filter(pk=solicitation.pk).update(
            status=Solicitation.Status.CLOSED, opened_at=None
        )
        BidOpening.objects.filter(solicitation=solicitation).update(finished_at=None, bids_opened=0)
    _vacuum()


def _vacuum() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("procurements_bid", "procurements_bidrevision"):
                cursor.execute(f"VACUUM ANALYZE {table}")


def _time_read(solicitation: Solicitation) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL, [solicitation.pk])
        rows = cursor.fetchall()
    elapsed = time.perf_counter() - started
    if len(rows) != BIDS:
        raise AssertionError(f"read {len(rows)} bids, not {BIDS}")
    return elapsed


def _time_opening(solicitation: Solicitation, profile: cProfile.Profile | None = None) -> float:
    started = time.perf_counter()
    if profile is None:
        done = opening.opening_run(solicitation.pk)
    else:
        done = profile.runcall(opening.opening_run, solicitation.pk)
    elapsed = time.perf_counter() - started
    if done.finished_at is None or done.bids_opened != BIDS:
        raise AssertionError(f"the opening opened {done.bids_opened} of {BIDS}")
    if Bid.objects.filter(solicitation=solicitation, receipt_matches=True).count() != BIDS:
        raise AssertionError("a bid did not hash to its receipt")
    return elapsed


def _where_the_time_goes(solicitation: Solicitation) -> str:
    """One more opening under cProfile: the functions that took most of it."""
    _unopen(solicitation)
    profile = cProfile.Profile()
    _time_opening(solicitation, profile)
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).sort_stats("cumulative")
    stats.print_stats(r"procurements|django/db|json|hashlib|aead", 14)
    table = out.getvalue().split("ncalls", 1)[1]
    return "\n".join(f"    {line}" for line in ("ncalls" + table).splitlines() if line.strip())


def _run(solicitation: Solicitation) -> str:
    _submitted_bids(solicitation)
    _start(solicitation)
    read, opened = [], []
    for r in range(ROUNDS):
        if r:
            _unopen(solicitation)
        read.append(_time_read(solicitation))
        opened.append(_time_opening(solicitation))
    ratio = median(opened) / median(read)
    verdict = "met" if ratio <= TARGET else "MISSED"
    summary = (
        f"bid opening: opening_run {ratio:.1f} x reading the same rows (target <= {TARGET:g}: "
        f"{verdict}; {BIDS:,} bids, opening {median(opened):.2f} s = "
        f"{median(opened) / BIDS * 1e6:.0f} us/bid, raw read {median(read) * 1000:.0f} ms; "
        f"median of {ROUNDS})"
    )
    if ratio > 2 * TARGET:
        summary += "\n  where the opening's time goes (cProfile, cumulative):\n"
        summary += _where_the_time_goes(solicitation)
    return summary


def run() -> str:
    eager, trace = app.conf.task_always_eager, logging.getLogger("celery.app.trace")
    level = trace.level
    # The staff's notices are e-mailed in this process (to memory, without a log line each),
    # not left in a broker's queue.
    app.conf.task_always_eager = True
    trace.setLevel(logging.WARNING)
    try:
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            published_solicitation() as solicitation,
        ):
            return _run(solicitation)
    finally:
        app.conf.task_always_eager = eager
        trace.setLevel(level)
