"""Queueing e-mail: a row in the same transaction as the change, a task after commit."""

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string

from p3hub.models import OutboundEmail


def email_queue(
    *,
    to: list[str],
    subject: str,
    body: str,
    municipality=None,
    html_body: str = "",
    key: str | None = None,
) -> OutboundEmail | None:
    """Store the e-mail with the caller's transaction and send it once that commits.

    A rolled-back change leaves neither the row nor a queued task behind. If the broker is
    unreachable at commit, the change still stands and the beat sweep (`email_send_pending`)
    queues the e-mail later. An e-mail with a `key` is queued once: a second call with the
    same key (a retried task, a service run twice) returns None and sends nothing.
    """
    from p3hub.tasks import email_send  # tasks import services; break the cycle here

    if isinstance(to, str) or not to:
        raise ValueError("`to` must be a non-empty list of addresses")
    fields = {
        "municipality": municipality,
        "to": list(to),
        # One line: a newline would be a header injection, which send() refuses forever.
        "subject": " ".join(subject.split())[:250],
        "body": body,
        "html_body": html_body,
    }
    if key is None:
        email = OutboundEmail.objects.create(**fields)
    else:
        # The unique key decides under concurrency too: the loser of a race gets created=False.
        email, created = OutboundEmail.objects.get_or_create(key=key[:200], defaults=fields)
        if not created:
            return None

    def send_after_commit() -> None:
        email_send.delay(email.pk)

    # robust: the change has committed by now; a broker error must not turn it into a 500.
    transaction.on_commit(send_after_commit, robust=True)
    return email


def site_link(path: str) -> str:
    """An absolute link for an e-mail: always from SITE_URL, never from a request's Host."""
    return settings.SITE_URL + path


def email_render(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) from `<template>.subject.txt`, `<template>.txt` and
    `<template>.html`; the HTML extends templates/email/base.html. The subject and the text
    are plain text: rendered without HTML escaping ("A & B", not "A &amp; B")."""
    subject = _render_plain(f"{template}.subject.txt", context).strip()
    return (
        subject,
        _render_plain(f"{template}.txt", context),
        render_to_string(f"{template}.html", context),
    )


def _render_plain(name: str, context: dict) -> str:
    return get_template(name).template.render(Context(context, autoescape=False))


def email_people(*, key: str, people, template: str, context: dict, municipality=None) -> int:
    """One notice to each person with an address, at most once per person and `key` (the
    event, e.g. f"share-awaiting:{version.pk}"), after the caller's transaction commits.
    `context` gets `person`. Returns how many were queued now."""
    queued = 0
    for person in people:
        if not person.email:
            continue
        subject, text, html = email_render(template, {**context, "person": person})
        email = email_queue(
            municipality=municipality,
            to=[person.email],
            subject=subject,
            body=text,
            html_body=html,
            key=f"{key}:{person.pk}",
        )
        queued += email is not None
    return queued
