"""Queueing e-mail: a row in the same transaction as the change, a task after commit."""

from django.db import transaction

from p3hub.models import OutboundEmail


def email_queue(*, to: list[str], subject: str, body: str, municipality=None) -> OutboundEmail:
    """Store the e-mail with the caller's transaction and send it once that commits.

    A rolled-back change leaves neither the row nor a queued task behind.
    """
    from p3hub.tasks import email_send  # tasks import services; break the cycle here

    email = OutboundEmail.objects.create(
        municipality=municipality, to=list(to), subject=subject[:250], body=body
    )
    transaction.on_commit(lambda: email_send.delay(email.pk))
    return email
