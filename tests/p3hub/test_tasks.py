"""p3hub.tasks and p3hub.mail, run eagerly: e-mail is queued after commit and sent once
(DESIGN.md invariant 9). The real worker on the real broker is in test_worker.py."""

import datetime as dt

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from p3hub import tasks
from p3hub.celery import app
from p3hub.mail import email_queue, email_render
from p3hub.models import OutboundEmail
from p3hub.tasks import MAX_ATTEMPTS, email_send, email_send_pending

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


def queued(subject: str = "Cost split v2 needs your approval", **fields) -> OutboundEmail:
    return OutboundEmail.objects.create(
        to=["head.trn@riverton.example"], subject=subject, body="Please review.", **fields
    )


@pytest.fixture
def smtp_failures(monkeypatch):
    """Make the next `n` sends fail the way an unreachable SMTP server does.

    Eager retries re-run at once, but only when eager errors do not propagate (settings make
    them propagate, which would surface the first retry as an exception instead).
    """
    monkeypatch.setitem(app.conf, "task_eager_propagates", False)
    original = EmailBackend.send_messages
    state = {"left": 0}

    def send_messages(self, messages):
        if state["left"]:
            state["left"] -= 1
            raise ConnectionRefusedError(111, "Connection refused")
        return original(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    def fail_next(n: int) -> None:
        state["left"] = n

    return fail_next


def test_running_email_send_twice_sends_once(mailoutbox):
    email = queued()
    # When the task runs, then runs again (a redelivery after a lost ack).
    assert email_send.delay(email.pk).get() == "sent"
    assert email_send.delay(email.pk).get() == "skipped"
    # Then exactly one message left, and the row says so.
    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 1)
    assert email.sent_at is not None


def test_email_send_of_a_missing_row_is_a_no_op(mailoutbox):
    assert email_send.delay(987654).get() == "skipped"
    assert mailoutbox == []


def test_email_queue_schedules_one_send_and_nothing_before_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email = email_queue(to=["head.psd@riverton.example"], subject="Award", body="Approve.")
        # Nothing runs while the transaction is open.
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert mailoutbox == []
    email.refresh_from_db()
    assert email.status == Status.QUEUED
    # When the commit callback runs, the e-mail goes out once.
    callbacks[0]()
    assert [m.subject for m in mailoutbox] == ["Award"]


def test_email_queued_in_a_rolled_back_transaction_leaves_nothing(
    django_capture_on_commit_callbacks, mailoutbox
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_queue(to=["head.psd@riverton.example"], subject="Ghost", body="")
        raise RuntimeError("the change fails after queueing its e-mail")
    assert callbacks == []
    assert not OutboundEmail.objects.filter(subject="Ghost").exists()
    assert mailoutbox == []


def test_broker_down_at_commit_does_not_fail_the_committed_change(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(email_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = email_queue(to=["officer@riverton.example"], subject="Q&A", body="")
    # The row stays queued for the beat sweep; the error is logged, not raised.
    email.refresh_from_db()
    assert email.status == Status.QUEUED
    assert "in on_commit()" in caplog.text


def test_email_with_a_key_is_queued_once_however_often_it_is_asked_for(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        first = email_queue(
            to=["head.psd@riverton.example"], subject="Awaits you", body="v1", key="share:1:2"
        )
        again = email_queue(
            to=["head.psd@riverton.example"], subject="Awaits you", body="v1", key="share:1:2"
        )
    assert first is not None and again is None
    assert [m.subject for m in mailoutbox] == ["Awaits you"]


def test_email_with_html_goes_out_with_plain_text_and_html_parts(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(
            to=["head.psd@riverton.example"],
            subject="Approved",
            body="Every department approved.",
            html_body="<p>Every department <strong>approved</strong>.</p>",
        )
    (message,) = mailoutbox
    assert message.body == "Every department approved."
    assert message.alternatives[0][1] == "text/html"
    assert "<strong>approved</strong>" in message.alternatives[0][0]


def test_email_queue_refuses_a_bare_string_and_flattens_the_subject():
    with pytest.raises(ValueError, match="list of addresses"):
        email_queue(to="officer@riverton.example", subject="x", body="")
    email = email_queue(to=["officer@riverton.example"], subject="Bid\r\nBcc: x@y", body="")
    assert email.subject == "Bid Bcc: x@y"


def test_smtp_error_is_counted_and_retried_until_sent(smtp_failures, mailoutbox):
    email = queued()
    smtp_failures(2)
    # Eager retries run at once; the third attempt gets through.
    assert email_send.delay(email.pk).get() == "sent"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.SENT, 3)
    assert len(mailoutbox) == 1


def test_a_failed_attempt_is_committed_before_the_retry(smtp_failures):
    email = queued()
    smtp_failures(1)
    # Called directly, the task re-raises instead of scheduling a retry...
    with pytest.raises(ConnectionRefusedError):
        email_send(email.pk)
    # ...and the attempt it counted survived (it used to roll back with the exception).
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.QUEUED, 1)


def test_smtp_errors_give_up_after_max_attempts(smtp_failures, mailoutbox):
    email = queued()
    smtp_failures(MAX_ATTEMPTS + 5)
    assert email_send.delay(email.pk).get() == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert mailoutbox == []
    # A later run (the sweep, a redelivery) leaves a failed e-mail alone.
    assert email_send.delay(email.pk).get() == "skipped"


def test_a_message_that_can_never_be_sent_fails_at_once(mailoutbox):
    # A header newline (stored without email_queue's flattening) fails in every backend.
    email = queued(subject="Bid\nBcc: someone@example.org")
    assert email_send.delay(email.pk).get() == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Status.FAILED, 1)


def _aged(email: OutboundEmail, minutes: float) -> OutboundEmail:
    created = timezone.now() - dt.timedelta(minutes=minutes)
    OutboundEmail.objects.filter(pk=email.pk).update(created_at=created)
    return email


def test_sweep_requeues_stale_queued_email_only(mailoutbox):
    # Given e-mails in every state and age.
    lost = _aged(queued("lost before its first try"), minutes=3)
    lost_retry = _aged(queued("lost after one try", attempts=1), minutes=5)
    _aged(queued("fresh: its task is on its way"), minutes=1)
    _aged(queued("retrying: backing off", attempts=1), minutes=3)
    _aged(queued("already sent", status=Status.SENT), minutes=30)
    _aged(queued("given up", status=Status.FAILED, attempts=MAX_ATTEMPTS), minutes=30)
    # When the beat sweep runs (tasks run eagerly here).
    assert email_send_pending() == 2
    # Then only the two whose task was lost went out.
    assert sorted(m.subject for m in mailoutbox) == sorted([lost.subject, lost_retry.subject])
    assert OutboundEmail.objects.filter(status=Status.QUEUED).count() == 2


def test_sweep_tasks_expire_before_the_next_sweep(monkeypatch):
    sent = []
    monkeypatch.setattr(
        email_send, "apply_async", lambda args, **options: sent.append((args, options))
    )
    email = _aged(queued(), minutes=3)
    email_send_pending()
    assert sent == [((email.pk,), {"expires": tasks.STALE_AFTER.total_seconds()})]


def test_email_render_writes_subject_and_text_plainly_and_escapes_the_html(tmp_path, settings):
    (tmp_path / "t.subject.txt").write_text("[{{ ref }}] {{ title }}")
    (tmp_path / "t.txt").write_text("{{ title }}")
    (tmp_path / "t.html").write_text("<p>{{ title }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    subject, text, html = email_render("t", {"ref": "RIV-1", "title": "Signs & <posts>"})
    assert subject == "[RIV-1] Signs & <posts>"
    assert text == "Signs & <posts>"
    assert html == "<p>Signs &amp; &lt;posts&gt;</p>"
