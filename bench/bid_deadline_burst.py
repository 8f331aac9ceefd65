"""Submissions in the last seconds before the bid deadline (issue 11, DESIGN.md 5.3,
invariant 3), through a real server.

A gunicorn server of the project (sync workers, the bench's database, e-mail tasks queued to a
queue of its own) and SUBMITTERS companies, each with a bid priced beforehand and an API token,
each submitter a thread of its own making its own HTTP connection.

Throughput: all SUBMITTERS at once submit their bid (POST /api/v1/vendor/bids/<id>/submission/;
a submitted bid is revised by the same call), against the baseline of the same companies at
once following the solicitation (PUT .../follow/: an authenticated request that stores one
plain row); rounds alternate, medians compared. The burst: the deadline is set a few seconds
ahead by the database clock and the submitters go in waves, released as the database clock
reaches each (from SPREAD[0] seconds before it to SPREAD[1] after). Each must get a receipt
before the deadline or a refusal (`deadline_passed`) recorded as a late attempt; lost is
anything else (no answer, another error, a receipt at or after the deadline, a receipt or a
refusal the database does not hold): it must be 0. The database's clock when the server
handles a submission decides, so one still waiting for a free worker at the deadline is
refused: the split between accepted and refused shows how far the server kept up.
"""

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection

from bench._bids import published_solicitation
from p3hub.api.tokens import token_issue
from p3hub.celery import app
from p3hub.clock import db_now
from procurements import vault
from procurements.models import Bid, BidRevision, Follow, LateAttempt, Solicitation
from tests.factories import bidding_companies

SUBMITTERS = int(os.environ.get("BENCH_BURST_SUBMITTERS", "240"))
WORKERS = int(os.environ.get("BENCH_BURST_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
ROUNDS = 3
SPREAD = (-8.0, 1.0)  # seconds from the deadline: the first wave and the last
WAVES = 37  # a wave every quarter of a second
LEAD = 2.0  # seconds from setting the deadline to the first wave
TIMEOUT = 120.0
GUNICORN = Path(sys.executable).with_name("gunicorn")
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")


@dataclass(frozen=True)
class Submitter:
    token: str
    bid: int


@dataclass(frozen=True)
class Answer:
    status: int  # 0: no answer
    body: dict
    started: float
    ended: float

    @property
    def refused_late(self) -> bool:
        errors = self.body.get("errors") or []
        return self.status == 400 and any(e.get("code") == "deadline_passed" for e in errors)


# --- the companies and the server -------------------------------------------------------------


def _submitters(solicitation: Solicitation) -> list[Submitter]:
    """SUBMITTERS companies with a user, an API token and a bid priced (a sealed draft)."""
    actors = bidding_companies(SUBMITTERS, prefix="Burst")
    made = Bid.objects.bulk_create(
        [Bid(solicitation=solicitation, vendor=a.vendor, created_by=a.user) for a in actors]
    )
    now = db_now()
    for n, bid in enumerate(made):
        bid.solicitation = solicitation
        bid.sealed_draft = vault.seal_content(bid, {"prices": {"1": 100_000 + n, "2": 25_000}})
        bid.draft_updated_at = now
    Bid.objects.bulk_update(made, ["sealed_draft", "draft_updated_at"], batch_size=200)
    return [
        Submitter(token=token_issue(actor.user), bid=bid.pk)
        for actor, bid in zip(actors, made, strict=True)
    ]


def _server_env(var_dir: Path, queue: str) -> dict[str, str]:
    """The bench's database and secrets (the vault's key above all: the drafts were sealed
    here), files in a folder of its own, e-mail tasks to a queue no worker reads."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "p3hub.settings",
        "P3HUB_VAR_DIR": str(var_dir),
        "SECRET_KEY": settings.SECRET_KEY,
        "P3HUB_AUDIT_KEY": settings.AUDIT_KEY.decode(),
        "P3HUB_VAULT_KEY": settings.VAULT_KEY,
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
    }


@contextmanager
def _server() -> Iterator[str]:
    """A gunicorn of WORKERS sync workers on a free port; its URL."""
    queue = f"p3hub-bench-{uuid.uuid4().hex[:12]}"
    with tempfile.TemporaryDirectory(prefix="p3hub-burst-") as folder:
        log = Path(folder) / "gunicorn.log"
        command = [str(GUNICORN), "p3hub.wsgi", "--bind", "127.0.0.1:0"]
        command += ["--workers", str(WORKERS), "--backlog", "2048", "--timeout", str(int(TIMEOUT))]
        command += ["--no-control-socket", "--log-level", "info"]
        with log.open("w") as out:
            process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=_server_env(Path(folder) / "var", queue),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            yield _listening(process, log)
        finally:
            process.terminate()
            process.wait(timeout=30)
            _drop_queue(queue)


def _listening(process: subprocess.Popen, log: Path) -> str:
    deadline = time.monotonic() + TIMEOUT
    while not (found := LISTENING.search(log.read_text())):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
        time.sleep(0.1)
    url = found[1]
    while _request(url, "GET", "/healthz", "").status != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn does not answer:\n{log.read_text()}")
        time.sleep(0.1)
    return url


def _drop_queue(queue: str) -> None:
    """The receipts' e-mail tasks the server queued (no worker runs here)."""
    if settings.REDIS_URL:
        with app.connection_for_write() as conn:
            conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}")


# --- requests -----------------------------------------------------------------------------------


def _request(url: str, method: str, path: str, token: str, body: dict | None = None) -> Answer:
    """One request on a connection of its own (sync workers close each after answering)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    started = time.perf_counter()
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        status, data = response.status, response.read()
    except OSError:
        status, data = 0, b""
    finally:
        conn.close()
    ended = time.perf_counter()
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {}
    return Answer(status, parsed if isinstance(parsed, dict) else {}, started, ended)


def _together(jobs: list[Callable[[], Answer]], release: Callable[[], None] = lambda: None):
    """Every job in a thread of its own, all started before `release` runs in this one (it
    opens the jobs' gates, if they wait on any); their answers, in order."""
    ready, answers = threading.Barrier(len(jobs) + 1), [None] * len(jobs)

    def run(index: int, job: Callable[[], Answer]) -> None:
        ready.wait(timeout=TIMEOUT)
        answers[index] = job()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(jobs)]
    for thread in threads:
        thread.start()
    ready.wait(timeout=TIMEOUT)
    release()
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
    return answers


def _submit(url: str, submitter: Submitter) -> Answer:
    body = {"declaration": True, "declared_name": "Burst Bidder"}
    path = f"/api/v1/vendor/bids/{submitter.bid}/submission/"
    return _request(url, "POST", path, submitter.token, body)


def _throughput(answers: list[Answer], expected: int, what: str) -> float:
    """Requests per second, all at once; every one must have succeeded."""
    failed = [a.status for a in answers if a is None or a.status != expected]
    if failed:
        raise AssertionError(f"{what}: {len(failed)} failed, statuses {sorted(set(failed))}")
    return len(answers) / (max(a.ended for a in answers) - min(a.started for a in answers))


def _rounds(url: str, solicitation: Solicitation, submitters: list[Submitter]):
    """Alternating rounds of everyone following at once and everyone submitting at once."""
    follow = f"/api/v1/vendor/solicitations/riverton/{solicitation.reference}/follow/"
    follows, submits = [], []
    for _ in range(ROUNDS):
        Follow.objects.filter(solicitation=solicitation).delete()  # each PUT stores its row
        answers = _together([lambda s=s: _request(url, "PUT", follow, s.token) for s in submitters])
        follows.append(_throughput(answers, 200, "follow"))
        answers = _together([lambda s=s: _submit(url, s) for s in submitters])
        submits.append(_throughput(answers, 201, "submit"))
    return median(follows), median(submits)


# --- the burst ----------------------------------------------------------------------------------


def _deadline_in(solicitation: Solicitation, seconds: float) -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procurements_solicitation SET bids_due_at = clock_timestamp() + "
            "make_interval(secs => %s) WHERE id = %s RETURNING bids_due_at",
            [seconds, solicitation.pk],
        )
        return cursor.fetchone()[0]


def _wait_for_database_time(moment: dt.datetime) -> None:
    while (left := (moment - db_now()).total_seconds()) > 0:
        time.sleep(min(left / 2, 0.05))


def _burst(url: str, solicitation: Solicitation, submitters: list[Submitter]) -> dict:
    """The submitters in WAVES waves straddling the deadline; what came of them."""
    gates = [threading.Event() for _ in range(WAVES)]
    step = (SPREAD[1] - SPREAD[0]) / (WAVES - 1)
    offsets = [SPREAD[0] + step * n for n in range(WAVES)]

    def job(n: int, submitter: Submitter) -> Callable[[], Answer]:
        def go() -> Answer:
            gates[n % WAVES].wait(timeout=TIMEOUT)
            return _submit(url, submitter)

        return go

    due = None
    revisions = BidRevision.objects.filter(bid__solicitation=solicitation)
    before = revisions.count()

    def release() -> None:
        nonlocal due
        due = _deadline_in(solicitation, LEAD - SPREAD[0])
        for gate, offset in zip(gates, offsets, strict=True):
            _wait_for_database_time(due + dt.timedelta(seconds=offset))
            gate.set()

    answers = _together([job(n, s) for n, s in enumerate(submitters)], release)
    accepted = sum(1 for a in answers if a is not None and a.status == 201)
    refused = sum(1 for a in answers if a is not None and a.refused_late)
    stored = revisions.count() - before
    late_receipts = revisions.filter(submitted_at__gte=due).count()
    recorded = LateAttempt.objects.filter(solicitation=solicitation).count()
    lost = len(submitters) - accepted - refused
    lost += late_receipts + abs(stored - accepted) + abs(recorded - refused)
    return {"accepted": accepted, "refused": refused, "lost": lost}


def run() -> str:
    with published_solicitation() as solicitation:
        submitters = _submitters(solicitation)
        with _server() as url:
            follow, submit = _rounds(url, solicitation, submitters)
            burst = _burst(url, solicitation, submitters)
    verdict = "OK" if burst["lost"] == 0 else "FAILED"
    return (
        f"bid deadline burst: {SUBMITTERS} submitters from {-SPREAD[0]:g} s before the deadline "
        f"to {SPREAD[1]:g} s after: {burst['accepted']} accepted, {burst['refused']} refused, "
        f"{burst['lost']} lost (must be 0: {verdict}); submit throughput {submit / follow:.2f} x "
        f"a follow's ({submit:.0f} vs {follow:.0f} requests/s, {SUBMITTERS} at once, "
        f"{WORKERS} gunicorn sync workers; median of {ROUNDS} rounds each)"
    )
