"""Queueing e-mail: a row in the same transaction as the change, a task after commit."""

from django.db import transaction

from p3hub.models import OutboundEmail


def email_queue(*, to: list[str], subject: str, body: str, municipality=None) -> OutboundEmail:
    """Store the e-mail with the caller's transaction and send it once that commits.

    A rolled-back change leaves neither the row nor a queued task behind. If the broker is
    unreachable at commit, the change still stands and the beat sweep (`email_send_pending`)
    queues the e-mail later.
    """
    from p3hub.tasks import email_send  # tasks import services; break the cycle here

    if isinstance(to, str) or not to:
        raise ValueError("`to` must be a non-empty list of addresses")
    email = OutboundEmail.objects.create(
        municipality=municipality,
        to=list(to),
        # One line: a newline would be a header injection, which send() refuses forever.
        subject=" ".join(subject.split())[:250],
        body=body,
    )

    def send_after_commit() -> None:
        email_send.delay(email.pk)

    # robust: the change has committed by now; a broker error must not turn it into a 500.
    transaction.on_commit(send_after_commit, robust=True)
    return email
