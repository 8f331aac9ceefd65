"""A real `celery worker` on the real broker, sharing the test database (DESIGN.md invariant 9):
e-mail queued in a committed transaction is sent once; one queued in a rolled-back transaction
never reaches the broker at all."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from p3hub.celery import app
from p3hub.mail import email_queue
from p3hub.models import OutboundEmail
from p3hub.tasks import email_send
from tests.helpers import celery_worker, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30.0


def wait_until(condition: Callable[[], bool], what: str, log: Path) -> None:
    wait_for(condition, what, timeout=TIMEOUT, log=log)


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


@pytest.fixture
def worker(transactional_db, tmp_path) -> Iterator[Worker]:
    """A worker consuming a queue of its own, with e-mail going to files in tmp_path."""
    (mail_dir := tmp_path / "mail").mkdir()
    email = {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    with celery_worker(tmp_path, **email) as log:
        yield Worker(queue=app.conf.task_default_queue, mail_dir=mail_dir, log=log)


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
