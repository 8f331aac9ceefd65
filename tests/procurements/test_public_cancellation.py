"""Cancellation is public (issue 9, item 3) and Publish and Cancel ask for confirmation
(item 6): a solicitation cancelled after it was public stays on every public read with its
notice, date and reason; one cancelled before it was ever public stays hidden; the heads of the
joined departments and the officer who created it are e-mailed once each. A POST without the
confirm step's field shows what will happen and changes nothing."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db.models.functions import Now

from p3hub.errors import InvalidTransition
from procurements import selectors, services
from procurements.models import Solicitation
from tests.factories import future
from tests.helpers import database_state, manage

pytestmark = pytest.mark.django_db

REASON = "The intersection is being rebuilt; we will bid it again next year."
TOLD = ["head.psd@riverton.example", "head.trn@riverton.example", "officer@riverton.example"]


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def approved(proposed, actor, departments):
    version = selectors.current_split_of(proposed)
    for code in ("TRN", "PSD"):
        head = actor(f"head.{code.lower()}")
        services.share_approve(actor=head, version=version, department=departments[code])
    proposed.refresh_from_db()
    return proposed


@pytest.fixture
def published(approved, actor):
    return services.solicitation_publish(actor=actor("officer"), solicitation=approved)


def cancel(actor, solicitation, callbacks):
    with callbacks(execute=True):
        return services.solicitation_cancel(
            actor=actor("officer"), solicitation=solicitation, reason=REASON
        )


def test_a_cancelled_published_solicitation_stays_public_with_its_notice(
    published, actor, client, django_capture_on_commit_callbacks
):
    cancel(actor, published, django_capture_on_commit_callbacks)
    stored = Solicitation.objects.get(pk=published.pk)
    assert stored.status == "cancelled" and stored.cancelled_at is not None

    page = client.get(f"/riverton/solicitations/{stored.reference}/")
    assert page.status_code == 200
    assert "This solicitation was cancelled on" in text(page)
    assert REASON in text(page)
    listing = client.get("/riverton/solicitations/?status=cancelled")
    assert stored.reference in listing.content.decode()
    assert ">Cancelled<" in listing.content.decode()
    assert "Cancelled" in [label for _, label in listing.context["form"].fields["status"].choices]

    detail = client.get(f"/api/v1/public/solicitations/riverton/{stored.reference}/").json()
    assert (detail["status"], detail["cancel_reason"]) == ("cancelled", REASON)
    assert detail["cancelled_at"].startswith(
        stored.cancelled_at.astimezone(stored.municipality.zone).date().isoformat()
    )
    listed = client.get("/api/v1/public/solicitations/", {"status": "cancelled"}).json()
    assert [row["reference"] for row in listed["results"]] == [stored.reference]


def test_a_solicitation_cancelled_before_it_was_ever_public_stays_hidden(
    approved, actor, client, django_capture_on_commit_callbacks
):
    cancel(actor, approved, django_capture_on_commit_callbacks)
    assert client.get(f"/riverton/solicitations/{approved.reference}/").status_code == 404
    assert not selectors.solicitations_public(status="cancelled").exists()


def test_a_scheduled_one_cancelled_before_its_date_stays_hidden_after_it(
    approved, actor, client, django_capture_on_commit_callbacks
):
    Solicitation.objects.filter(pk=approved.pk).update(publish_at=future(3))
    approved.refresh_from_db()
    scheduled = services.solicitation_publish(actor=actor("officer"), solicitation=approved)
    cancel(actor, scheduled, django_capture_on_commit_callbacks)

    stored = Solicitation.objects.get(pk=approved.pk)
    assert (stored.status, stored.published_at) == ("cancelled", None)
    # Time passes: the cancellation and then the publish date are behind us.
    Solicitation.objects.filter(pk=approved.pk).update(
        cancelled_at=Now() - dt.timedelta(minutes=2), publish_at=Now() - dt.timedelta(minutes=1)
    )
    assert client.get(f"/riverton/solicitations/{approved.reference}/").status_code == 404


def test_the_heads_and_the_creating_officer_are_emailed_once_each(
    published, actor, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    cancel(actor, published, django_capture_on_commit_callbacks)
    with pytest.raises(InvalidTransition):  # a second cancel is refused and sends nothing
        cancel(actor, published, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):  # nor does the notice tried again
        assert services.solicitations.notify_cancelled(published) == 0

    assert sorted(m.to[0] for m in mailoutbox) == TOLD
    message = mailoutbox[0]
    assert message.subject == f"[{published.reference}] Cancelled: {published.title}"
    assert REASON in message.body
    assert f"/riverton/solicitations/{published.reference}/" in message.body
    assert message.alternatives[0][1] == "text/html" and REASON in message.alternatives[0][0]


# --- the confirm steps --------------------------------------------------------------------------


@pytest.fixture
def officer_client(client, personas):
    client.force_login(personas["officer"])
    return client


def test_publish_asks_for_confirmation_saying_what_will_happen(approved, officer_client):
    Solicitation.objects.filter(pk=approved.pk).update(publish_at=future(3))
    workspace = officer_client.get(manage(approved, ""))
    assert f'href="{manage(approved, "publish/")}"' in workspace.content.decode()

    before = database_state()
    for response in (
        officer_client.get(manage(approved, "publish/")),
        officer_client.post(manage(approved, "publish/")),  # a stale form: no confirmed=1
    ):
        page = text(response)
        assert response.status_code == 200
        assert f"Publish {approved.reference}?" in page
        assert "It becomes public on " in page and ("CST" in page or "CDT" in page)
        assert "Bids close " in page
        assert "The heads of PSD and TRN are told by e-mail." in page
        assert 'name="confirmed" value="1"' in response.content.decode()
    assert database_state() == before

    done = officer_client.post(manage(approved, "publish/"), {"confirmed": "1"}, follow=True)
    assert "is scheduled: it becomes public on" in text(done)
    assert Solicitation.objects.get(pk=approved.pk).status == "scheduled"


def test_cancel_asks_for_confirmation_keeping_the_reason(published, officer_client):
    before = database_state()
    response = officer_client.post(manage(published, "cancel/"), {"reason": REASON})
    page = text(response)
    assert response.status_code == 200
    assert f"Cancel {published.reference}?" in page
    assert "The public page will show the cancellation notice with your reason." in page
    assert "3 people are e-mailed" in page
    assert "This cannot be undone." in page
    assert REASON in page  # what was typed, kept in the confirm form
    assert database_state() == before

    done = officer_client.post(
        manage(published, "cancel/"), {"reason": REASON, "confirmed": "1"}, follow=True
    )
    assert f"{published.reference} was cancelled." in text(done)
    assert Solicitation.objects.get(pk=published.pk).status == "cancelled"


def test_a_confirmed_cancel_without_a_reason_stays_on_the_confirm_page(published, officer_client):
    response = officer_client.post(manage(published, "cancel/"), {"reason": " ", "confirmed": "1"})
    assert response.status_code == 400
    assert "There is a problem" in text(response)
    assert Solicitation.objects.get(pk=published.pk).status == "published"


def test_the_confirm_pages_are_the_officers_only(approved, client, personas):
    client.force_login(personas["head.trn"])
    assert client.get(manage(approved, "publish/")).status_code == 403
    client.force_login(personas["officer.lakeside"])
    assert client.get(manage(approved, "publish/")).status_code == 404
    assert client.get(manage(approved, "cancel/")).status_code == 404
