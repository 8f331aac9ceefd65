"""Password reset: the page answers the same words by the same work whether or not an account
uses the address (the lookup and the e-mail are the worker's), it is throttled per client
address and per address typed, and the link comes from SITE_URL, never the Host header."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from departments import services, tasks
from p3hub.models import OutboundEmail

pytestmark = pytest.mark.django_db

RESET = "/accounts/password-reset/"
KNOWN, UNKNOWN = "officer@riverton.example", "nobody@riverton.example"
SENT = "If an account uses the address you entered"


def reset_emails():
    """The reset e-mails (the demo's people joined by invitation: those e-mails are there too)."""
    return OutboundEmail.objects.filter(subject="Set your P3 Hub password")


@pytest.fixture
def queued(monkeypatch):
    """What the page queued for the worker, instead of running it."""
    calls = []
    monkeypatch.setattr(tasks.password_reset_send, "delay", lambda *args: calls.append(args))
    return calls


def ask(email: str, client: Client | None = None, **headers):
    return (client or Client()).post(RESET, {"email": email}, follow=True, **headers)


def test_a_known_and_an_unknown_address_get_the_same_answer_by_the_same_work(personas, queued):
    answers, queries = [], []
    for email in (KNOWN, UNKNOWN):
        with CaptureQueriesContext(connection) as captured:
            answers.append(ask(email))
        queries.append([query["sql"] for query in captured.captured_queries])

    known, unknown = answers
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    )
    assert known.content == unknown.content
    assert SENT in known.content.decode()
    # The page reads nothing about accounts; both requests are queued alike for the worker.
    assert len(queries[0]) == len(queries[1])
    assert not any("departments_user" in sql for sql in queries[0] + queries[1])
    assert [email for email, _ in queued] == [KNOWN, UNKNOWN]
    assert not reset_emails().exists()


def test_the_worker_sends_the_link_to_a_known_address_only(personas, settings):
    settings.SITE_URL = "https://p3hub.example"

    assert services.password_reset_send(email=KNOWN, request_id="a") == 1
    assert services.password_reset_send(email=UNKNOWN, request_id="b") == 0

    email = reset_emails().get()
    assert email.to == [KNOWN]
    assert email.subject == "Set your P3 Hub password"
    assert re.search(r"^https://p3hub\.example/accounts/reset/[\w-]+/[\w-]+/$", email.body, re.M)


def test_the_link_ignores_the_host_the_request_named(personas, settings):
    # A forged (but allowed) Host header must not become the link's address.
    settings.SITE_URL = "https://p3hub.example"
    settings.ALLOWED_HOSTS = ["*"]

    ask(KNOWN, HTTP_HOST="attacker.example")

    body = reset_emails().get().body
    assert "attacker.example" not in body
    assert "https://p3hub.example/accounts/reset/" in body


def test_a_redelivered_task_sends_nothing_twice(personas):
    tasks.password_reset_send.delay(KNOWN, "request-1")
    tasks.password_reset_send.delay(KNOWN, "request-1")

    assert reset_emails().count() == 1


def test_the_link_sets_the_password(personas, client, settings):
    settings.SITE_URL = "https://p3hub.example"
    ask(KNOWN)
    link = re.search(r"https://p3hub\.example(/\S+/)", reset_emails().get().body)[1]

    form = client.get(link, follow=True)
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "river-bank-2026!", "new_password2": "river-bank-2026!"},
    )

    assert saved.status_code == 302
    assert client.login(username="officer", password="river-bank-2026!")


# --- throttled ------------------------------------------------------------------------------

THROTTLED = "Too many password reset requests for this e-mail address or from your network."


@pytest.mark.parametrize("email", [KNOWN, UNKNOWN])
def test_a_sixth_request_within_the_hour_is_refused_in_the_same_words(personas, queued, email):
    client = Client()
    answers = [ask(email, client) for _ in range(6)]

    assert [bool(a.redirect_chain) for a in answers] == [True] * 5 + [False]
    assert THROTTLED in answers[-1].content.decode()
    assert len(queued) == 5


def test_one_address_from_many_clients_is_throttled(personas, queued):
    answers = [ask(KNOWN, REMOTE_ADDR=f"198.51.100.{n}") for n in range(6)]

    assert THROTTLED in answers[-1].content.decode()
    assert len(queued) == 5


def test_one_client_asking_for_many_addresses_is_throttled(personas, queued):
    client = Client()
    answers = [ask(f"person{n}@riverton.example", client) for n in range(6)]

    assert THROTTLED in answers[-1].content.decode()
    assert len(queued) == 5


def test_a_malformed_address_is_named_and_nothing_is_queued(queued):
    answer = ask("not an address")

    assert "Enter a valid email address." in answer.content.decode()
    assert queued == []
