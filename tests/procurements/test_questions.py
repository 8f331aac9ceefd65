"""Following a solicitation and its questions (issue 10, items 3 and 4), through the services
and the pages: a late question is refused by the database clock and nothing is stored; the
officer answers once, for everyone; another city's officer, a department head, another
company and a draft are refused; the workspace and the vendor's list keep their query
count."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db.models.functions import Now
from django.test import Client

from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from procurements import selectors, services
from procurements.models import Follow, Question, Solicitation
from tests.factories import bulk_questions
from tests.helpers import database_state, queries_for_get
from vendors.actor import VendorActor
from vendors.models import VendorUser

pytestmark = pytest.mark.django_db


def vendor(personas, username: str) -> VendorActor:
    return VendorActor.of(VendorUser.objects.get(user=personas[username]))


def signed_in(personas, username: str) -> Client:
    client = Client()
    client.force_login(personas[username])
    return client


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def page(solicitation, tail: str = "") -> str:
    return f"/vendor/solicitations/riverton/{solicitation.reference}/{tail}"


def close_questions(solicitation) -> None:
    Solicitation.objects.filter(pk=solicitation.pk).update(
        questions_due_at=Now() - dt.timedelta(hours=1)
    )


# --- asking -----------------------------------------------------------------------------------


def test_a_question_is_numbered_follows_and_tells_the_officers(
    published, personas, django_capture_on_commit_callbacks, mailoutbox
):
    acme, beacon = vendor(personas, "vendor.acme"), vendor(personas, "vendor.beacon")

    with django_capture_on_commit_callbacks(execute=True):
        first = services.question_ask(actor=acme, solicitation=published, text="  Poles?  ")
        second = services.question_ask(actor=beacon, solicitation=published, text="Power?")

    assert (first.number, second.number) == (1, 2)
    assert first.text == "Poles?" and first.status == Question.Status.ASKED
    assert Follow.objects.filter(solicitation=published).count() == 2
    officer_mail = [m for m in mailoutbox if m.to == ["officer@riverton.example"]]
    assert len(officer_mail) == 2
    assert "Acme Traffic Systems" in officer_mail[0].body  # staff may know who asked


def test_a_late_question_is_refused_by_the_database_clock_and_nothing_is_stored(
    published, personas
):
    close_questions(published)
    acme = vendor(personas, "vendor.acme")
    before = database_state()

    with pytest.raises(ValidationFailed) as refused:
        services.question_ask(actor=acme, solicitation=published, text="Too late?")

    assert refused.value.code == "questions_closed"
    assert refused.value.message.startswith("Questions closed on ")
    assert refused.value.message.endswith(("CDT.", "CST."))  # Riverton's local time
    assert database_state() == before
    assert not Question.objects.exists() and not Follow.objects.exists()


def test_a_late_question_on_the_page_comes_back_with_the_notice(published, personas):
    close_questions(published)
    client = signed_in(personas, "vendor.acme")

    response = client.post(page(published, "questions/"), {"text": "Too late?"})

    assert response.status_code == 303
    assert response["Location"] == page(published) + "#ask"
    shown = client.get(response["Location"])
    assert "Questions closed on" in text(shown)
    assert 'action="/vendor/solicitations/riverton/' + published.reference + '/questions/"' not in (
        shown.content.decode()
    )
    assert not Question.objects.exists()


def test_empty_and_too_long_questions_are_refused_on_the_field(published, personas):
    acme = vendor(personas, "vendor.acme")
    for value, code in (("   ", "required"), ("x" * 4001, "max_length")):
        with pytest.raises(ValidationFailed) as refused:
            services.question_ask(actor=acme, solicitation=published, text=value)
        assert (refused.value.field, refused.value.code) == ("text", code)
    assert not Question.objects.exists()


def test_the_page_asks_and_a_refusal_keeps_what_was_typed(published, personas):
    client = signed_in(personas, "vendor.acme")

    refused = client.post(page(published, "questions/"), {"text": "x" * 4001})
    assert refused.status_code == 303
    again = client.get(refused["Location"])
    assert "At most 4000 characters" in text(again)
    assert "x" * 4001 in again.content.decode()

    asked = client.post(page(published, "questions/"), {"text": "May we use existing poles?"})
    assert asked.status_code == 302
    shown = text(client.get(page(published)))
    assert "May we use existing poles?" in shown and "Awaiting an answer" in shown
    assert "follows this solicitation" in shown


def test_a_draft_is_404_for_a_vendor_and_cannot_be_followed(cameras, personas):
    client = signed_in(personas, "vendor.acme")
    before = database_state()

    for method, tail in (("get", ""), ("post", "follow/"), ("post", "questions/")):
        assert getattr(client, method)(page(cameras, tail), {"text": "x"}).status_code == 404
    with pytest.raises(NotFound):
        services.solicitation_follow(actor=vendor(personas, "vendor.acme"), solicitation=cameras)
    assert database_state() == before


def test_following_twice_is_one_row_and_unfollowing_removes_it(published, personas):
    acme = vendor(personas, "vendor.acme")
    services.solicitation_follow(actor=acme, solicitation=published)
    services.solicitation_follow(actor=acme, solicitation=published)
    assert Follow.objects.filter(vendor=acme.vendor).count() == 1

    client = signed_in(personas, "vendor.acme")
    assert client.post(page(published, "unfollow/")).status_code == 302
    assert not Follow.objects.exists()
    assert client.post(page(published, "follow/")).status_code == 302
    assert client.post(page(published, "follow/")).status_code == 302
    assert Follow.objects.count() == 1


def test_staff_are_404_on_the_vendor_pages(published, personas):
    for username in ("officer", "officer.lakeside"):
        client = signed_in(personas, username)
        assert client.get(page(published)).status_code == 404
        assert client.get("/vendor/questions/").status_code == 404


# --- answering --------------------------------------------------------------------------------


@pytest.fixture
def asked(published, personas):
    return services.question_ask(
        actor=vendor(personas, "vendor.acme"), solicitation=published, text="Existing poles?"
    )


def test_the_officer_answers_once(asked, actor):
    officer = actor("officer")
    question = selectors.question_get_for_staff(officer, asked.solicitation, 1)

    services.question_answer(actor=officer, question=question, answer="Yes.")

    question.refresh_from_db()
    assert (question.status, question.answer) == (Question.Status.ANSWERED, "Yes.")
    assert question.answered_by == officer.user and question.answered_at is not None
    again = selectors.question_get_for_staff(officer, asked.solicitation, 1)
    with pytest.raises(InvalidTransition):
        services.question_answer(actor=officer, question=again, answer="No.")
    again.refresh_from_db()
    assert again.answer == "Yes."


def test_another_city_a_head_and_an_empty_answer_are_refused(asked, actor, personas):
    solicitation = asked.solicitation
    before = database_state()

    with pytest.raises(NotFound):
        selectors.question_get_for_staff(actor("officer.lakeside", "lakeside"), solicitation, 1)
    head = actor("head.trn")
    with pytest.raises(PermissionDenied):
        services.question_answer(
            actor=head, question=selectors.question_get_for_staff(head, solicitation, 1), answer="x"
        )
    officer = actor("officer")
    with pytest.raises(ValidationFailed) as refused:
        services.question_answer(
            actor=officer,
            question=selectors.question_get_for_staff(officer, solicitation, 1),
            answer="  ",
        )
    assert refused.value.field == "answer"
    assert database_state() == before
    asked.refresh_from_db()
    assert asked.status == Question.Status.ASKED


def test_the_workspace_answers_and_refuses_on_the_question(asked, personas):
    manage = f"/riverton/manage/solicitations/{asked.solicitation.reference}/"
    answer = manage + "questions/1/answer/"
    officer = signed_in(personas, "officer")

    workspace = text(officer.get(manage))
    assert "Questions" in workspace and "Acme Traffic Systems" in workspace

    refused = officer.post(answer, {"answer": ""})
    assert refused.status_code == 303 and refused["Location"] == manage + "#questions"
    assert "This field is required." in text(officer.get(refused["Location"]))

    assert signed_in(personas, "head.trn").post(answer, {"answer": "x"}).status_code == 403
    assert signed_in(personas, "officer.lakeside").post(answer, {"answer": "x"}).status_code == 404
    assert officer.post(manage + "questions/9/answer/", {"answer": "x"}).status_code == 404
    assert officer.get(manage + "questions/9/answer/").status_code == 405  # POST only
    asked.refresh_from_db()
    assert asked.status == Question.Status.ASKED

    assert officer.post(answer, {"answer": "Yes, on the poles."}).status_code == 302
    asked.refresh_from_db()
    assert asked.answer == "Yes, on the poles."
    assert officer.post(answer, {"answer": "Again"}).status_code == 303  # 409, shown back
    asked.refresh_from_db()
    assert asked.answer == "Yes, on the poles."


def test_followers_and_the_asker_get_one_email_each_when_answered(
    asked, actor, personas, django_capture_on_commit_callbacks, mailoutbox
):
    beacon = vendor(personas, "vendor.beacon")
    services.solicitation_follow(actor=beacon, solicitation=asked.solicitation)
    officer = actor("officer")
    question = selectors.question_get_for_staff(officer, asked.solicitation, 1)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(actor=officer, question=question, answer="Yes.")
    # The mail task run again (a retry) sends nothing more.
    from p3hub.models import OutboundEmail
    from p3hub.tasks import email_send

    for email in OutboundEmail.objects.filter(key__startswith="question-answered:"):
        email_send(email.pk)

    answered = [mail for mail in mailoutbox if "Question 1 answered" in mail.subject]
    recipients = sorted(address for mail in answered for address in mail.to)
    assert recipients == ["bids@acme.example", "bids@beacon.example"]


# --- isolation and the lists ------------------------------------------------------------------


def test_another_company_never_sees_the_questions_and_unanswered_ones_are_not_public(
    asked, personas, client
):
    beacon = signed_in(personas, "vendor.beacon")

    assert "Existing poles?" not in text(beacon.get("/vendor/questions/"))
    assert "Existing poles?" not in text(beacon.get(page(asked.solicitation)))
    assert list(selectors.vendor_questions(vendor(personas, "vendor.beacon"))) == []
    public = f"/riverton/solicitations/{asked.solicitation.reference}/"
    assert "Existing poles?" not in text(client.get(public))
    assert "Existing poles?" in text(signed_in(personas, "vendor.acme").get("/vendor/questions/"))


def test_the_lists_keep_their_query_count(published, personas, settings):
    vendor_client = signed_in(personas, "vendor.acme")
    officer = signed_in(personas, "officer")
    workspace = f"/riverton/manage/solicitations/{published.reference}/"

    bulk_questions(published, VendorUser.objects.get(user=personas["vendor.acme"]), 10)
    few = (
        queries_for_get(vendor_client, "/vendor/questions/"),
        queries_for_get(officer, workspace),
    )
    bulk_questions(published, VendorUser.objects.get(user=personas["vendor.acme"]), 190)
    many = (
        queries_for_get(vendor_client, "/vendor/questions/"),
        queries_for_get(officer, workspace),
    )

    # The vendor's list: the session, the user, the company, the count and one page of
    # questions with their solicitations and cities; the workspace reads every question,
    # with its company and people, in one query.
    assert few == many
