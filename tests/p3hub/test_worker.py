"""A real `celery worker` on the real broker, sharing the test database (DESIGN.md invariant 9):
e-mail queued in a committed transaction is sent once; one queued in a rolled-back transaction
never reaches the broker at all."""

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from p3hub.celery import app
from p3hub.mail import email_queue
from p3hub.models import OutboundEmail
from p3hub.tasks import email_send

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = Path(sys.executable).with_name("celery")
CI = os.environ.get("CI", "").lower() in {"1", "true"}
TIMEOUT = 30.0


def wait_until(condition: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {TIMEOUT:.0f}s waiting for {what}\n{log.read_text()}")
        time.sleep(0.1)


def database_url() -> str:
    """The test database (test_<name>) as a URL the worker process can connect to."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    queue: str
    mail_dir: Path
    log: Path

    def mail(self) -> str:
        return "".join(path.read_text() for path in sorted(self.mail_dir.glob("*.log")))

    def wait_for_mail(self, subject: str) -> None:
        wait_until(lambda: f"Subject: {subject}\n" in self.mail(), f"mail {subject!r}", self.log)

    def queued_messages(self) -> int:
        """Messages still waiting in this run's queue on the broker."""
        if settings.REDIS_URL:
            with app.connection_for_write() as conn:
                return conn.default_channel.client.llen(self.queue)
        folder = Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        return len(list(folder.glob(f"*.{self.queue}.msg")))


def _start(queue: str, mail_dir: Path, log: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "p3hub.settings",
        "DATABASE_URL": database_url(),
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    command = [str(CELERY), "-A", "p3hub", "worker", "-Q", queue, "-n", f"{queue}@%h"]
    command += ["--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle"]
    command += ["--loglevel", "INFO"]
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )


def _stop(process: subprocess.Popen, worker: Worker) -> None:
    process.terminate()  # warm shutdown: finishes the task in hand
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    if settings.REDIS_URL:
        with app.connection_for_write() as conn:
            client = conn.default_channel.client
            client.delete(worker.queue, f"_kombu.binding.{worker.queue}")
    print(f"--- worker log ---\n{worker.log.read_text()}")  # shown when the test fails


@pytest.fixture
def worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """A worker consuming a queue of its own, with e-mail going to files in tmp_path."""
    if connection.vendor != "postgresql":
        # The worker is another process: it cannot share SQLite's in-memory test database.
        if CI:
            pytest.fail("CI runs on PostgreSQL: the worker tests must run, not skip")
        pytest.skip("needs PostgreSQL (set DATABASE_URL) for the worker to share the test DB")
    queue = f"p3hub-test-{uuid.uuid4().hex[:12]}"
    (mail_dir := tmp_path / "mail").mkdir()
    state = Worker(queue=queue, mail_dir=mail_dir, log=tmp_path / "worker.log")
    process = _start(queue, mail_dir, state.log)
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # this process publishes where the worker listens
    try:
        wait_until(
            lambda: process.poll() is not None or " ready." in state.log.read_text(),
            "the worker to be ready",
            state.log,
        )
        assert process.poll() is None, f"the worker exited:\n{state.log.read_text()}"
        yield state
    finally:
        app.conf.task_default_queue = default_queue
        _stop(process, state)


def _email(subject: str) -> OutboundEmail:
    return email_queue(to=["head.trn@riverton.example"], subject=subject, body="Please review.")


def test_email_queued_in_a_committed_transaction_is_sent_once(worker):
    subject = f"Cost split v2 needs your approval {worker.queue}"
    with transaction.atomic():
        email = _email(subject)
    worker.wait_for_mail(subject)

    def recorded_as_sent() -> bool:
        email.refresh_from_db()
        return email.status == OutboundEmail.Status.SENT

    wait_until(recorded_as_sent, "the row to be marked sent", worker.log)
    assert email.attempts == 1
    # A redelivery of the same task is a no-op: once the marker behind it is delivered,
    # the e-mail is still in the mailbox exactly once.
    email_send.delay(email.pk)
    with transaction.atomic():
        _email(marker := f"marker {worker.queue}")
    worker.wait_for_mail(marker)
    assert worker.mail().count(f"Subject: {subject}\n") == 1


def test_email_queued_in_a_rolled_back_transaction_is_never_sent(worker):
    rolled_back = f"Award notice that never happened {worker.queue}"
    with pytest.raises(RuntimeError), transaction.atomic():
        _email(rolled_back)
        raise RuntimeError("the change fails after queueing its e-mail")
    # The worker handles its queue in order: once a later e-mail is delivered, anything queued
    # before it has been handled too.
    with transaction.atomic():
        _email(marker := f"marker {worker.queue}")
    worker.wait_for_mail(marker)
    assert f"Subject: {rolled_back}" not in worker.mail()
    assert not OutboundEmail.objects.filter(subject=rolled_back).exists()
    wait_until(lambda: worker.queued_messages() == 0, "an empty queue", worker.log)
