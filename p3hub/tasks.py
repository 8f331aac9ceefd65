"""Platform tasks. Each takes ids, loads the row under a lock, and is safe to run twice."""

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from p3hub.models import OutboundEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


@shared_task(bind=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=MAX_ATTEMPTS)
def email_send(self, email_id: int) -> str:
    """Send one queued e-mail. The row lock and status check make a second run a no-op."""
    with transaction.atomic():
        email = OutboundEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != OutboundEmail.Status.QUEUED:
            return "skipped"
        email.attempts += 1
        message = EmailMessage(
            subject=email.subject,
            body=email.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=email.to,
        )
        try:
            message.send()
        except OSError:
            status = OutboundEmail.Status.FAILED if email.attempts >= MAX_ATTEMPTS else None
            if status:
                email.status = status
            email.save(update_fields=["attempts", "status"])
            if status:
                log.error("giving up on e-mail %s after %s attempts", email.pk, email.attempts)
                return "failed"
            raise
        email.status = OutboundEmail.Status.SENT
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "status", "sent_at"])
    return "sent"


@shared_task
def email_send_pending() -> int:
    """Beat sweep: re-queue e-mails whose task was lost (broker restart, crash before publish)."""
    stale = timezone.now() - dt.timedelta(minutes=2)
    pending = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.QUEUED, created_at__lt=stale
    ).values_list("pk", flat=True)[:500]
    for email_id in pending:
        email_send.delay(email_id)
    return len(pending)
