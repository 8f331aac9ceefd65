"""Platform tasks. Each takes ids, loads the row under a lock, and is safe to run twice."""

import datetime as dt
import logging
from functools import reduce
from operator import or_

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from p3hub.models import OutboundEmail

log = logging.getLogger(__name__)
Status = OutboundEmail.Status

MAX_ATTEMPTS = 5
# The SMTP call runs while the row is locked: never let it wait forever.
SEND_TIMEOUT_SECONDS = 30
# An e-mail still queued this long after it was created has lost its task (see the sweep).
STALE_AFTER = dt.timedelta(minutes=2)
SWEEP_BATCH = 500


def _deliver(email: OutboundEmail) -> OSError | None:
    """Try once; record the attempt. Returns a transient error for the caller to retry on."""
    email.attempts += 1
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT or SEND_TIMEOUT_SECONDS),
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    attempts = {"attempts": email.attempts}
    try:
        message.send()
    except ValueError:
        # A malformed address or header fails the same way every time: retrying cannot help.
        log.exception("e-mail %s cannot be sent", email.pk)
        OutboundEmail.lifecycle.apply(email, "fail", actor=None, changes=attempts)
    except OSError as error:  # SMTP errors, refused connections and timeouts: transient
        if email.attempts < MAX_ATTEMPTS:
            email.save(update_fields=["attempts"])
            return error
        log.error("giving up on e-mail %s after %s attempts", email.pk, email.attempts)
        OutboundEmail.lifecycle.apply(email, "fail", actor=None, changes=attempts)
    else:
        changes = attempts | {"sent_at": timezone.now()}
        OutboundEmail.lifecycle.apply(email, "send", actor=None, changes=changes)
    return None


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=MAX_ATTEMPTS - 1,
)
def email_send(self, email_id: int) -> str:
    """Send one queued e-mail at most once, however often the task runs.

    The row lock serialises a redelivery racing a retry; the status check makes every run
    after the one that sent it a no-op. A crash between sending and committing can still
    send twice: SMTP offers no transaction to join.
    """
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != Status.QUEUED:
            return "skipped"
        error = _deliver(email)
    if error is not None:
        # Raised outside the atomic block, so the attempt counted above is committed.
        raise error
    return email.status


def _lost_tasks(now: dt.datetime) -> Q:
    # Each attempt waits twice as long as the one before, which stays behind the task's own
    # retry backoff: the sweep picks up e-mails whose task is gone, not ones about to retry.
    return reduce(
        or_,
        (Q(attempts=n, created_at__lt=now - STALE_AFTER * 2**n) for n in range(MAX_ATTEMPTS)),
    )


@shared_task
def email_send_pending() -> int:
    """Beat sweep: re-queue e-mails whose task was lost (broker restart, crash before publish).

    Each re-queued task expires before the sweep could queue it again, so a worker that was
    down comes back to one task per e-mail, not a pile (each extra one would be a no-op).
    """
    pending = list(
        OutboundEmail.objects.filter(_lost_tasks(timezone.now()), status=Status.QUEUED)
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for email_id in pending:
        email_send.apply_async((email_id,), expires=STALE_AFTER.total_seconds())
    return len(pending)


@shared_task
def tokens_delete_expired() -> int:
    """Beat sweep: delete expired API tokens (they already fail; safe to run twice)."""
    from p3hub.api.tokens import tokens_delete_expired as delete_expired

    return delete_expired()


@shared_task
def audit_checkpoints_daily() -> int:
    """Beat: today's checkpoint of every municipality chain (one per day, however often)."""
    from p3hub.checkpoints import audit_checkpoints_take_all

    return audit_checkpoints_take_all()
