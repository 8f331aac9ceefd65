"""Questions and follows through the API (issue 10, items 3 and 4): the vendor asks, follows
and lists its own; the officer lists and answers; the refusals are the services', in the
error format, and change nothing; the lists keep their query count."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from procurements import services
from procurements.models import Follow, Solicitation
from tests.factories import bulk_questions
from tests.helpers import database_state, queries_for_get
from vendors.actor import VendorActor
from vendors.models import VendorUser

pytestmark = pytest.mark.django_db


def vendor_url(solicitation, tail: str) -> str:
    return f"/api/v1/vendor/solicitations/riverton/{solicitation.reference}/{tail}"


def staff_url(solicitation, tail: str = "questions/") -> str:
    return f"/api/v1/riverton/solicitations/{solicitation.reference}/{tail}"


def error(response) -> tuple[str, str | None]:
    first = response.json()["errors"][0]
    return first["code"], first["attr"]


def test_the_vendor_asks_and_lists_its_own(published, api_as):
    acme = api_as("vendor.acme")

    response = acme.post(vendor_url(published, "questions/"), {"text": "Poles?"}, format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["question"], body["status"]) == (1, "Poles?", "asked")
    assert body["asked_at"].endswith(("-05:00", "-06:00"))  # Riverton's local time
    assert Follow.objects.filter(solicitation=published).count() == 1
    listed = acme.get("/api/v1/vendor/questions/").json()
    assert [row["reference"] for row in listed["results"]] == [published.reference]
    assert api_as("vendor.beacon").get("/api/v1/vendor/questions/").json()["results"] == []


def test_a_late_question_is_refused_and_nothing_is_stored(published, api_as):
    Solicitation.objects.filter(pk=published.pk).update(
        questions_due_at=Now() - dt.timedelta(minutes=5)
    )
    before = database_state()

    response = api_as("vendor.acme").post(
        vendor_url(published, "questions/"), {"text": "Too late?"}, format="json"
    )

    assert response.status_code == 400
    assert error(response) == ("questions_closed", "non_field_errors")
    assert response.json()["errors"][0]["detail"].startswith("Questions closed on ")
    assert database_state() == before


def test_bad_questions_name_the_field(published, api_as):
    acme = api_as("vendor.acme")
    before = database_state()
    for body, code in (({}, "required"), ({"text": "x" * 4001}, "max_length")):
        response = acme.post(vendor_url(published, "questions/"), body, format="json")
        assert response.status_code == 400
        assert error(response) == (code, "text")
    assert database_state() == before


def test_follow_is_idempotent_and_a_draft_is_404(published, cameras, api_as):
    acme = api_as("vendor.acme")

    assert acme.put(vendor_url(published, "follow/")).status_code == 200
    again = acme.put(vendor_url(published, "follow/"))
    assert again.status_code == 200 and again.json()["following"] is True
    assert Follow.objects.count() == 1
    assert acme.delete(vendor_url(published, "follow/")).status_code == 204
    assert acme.delete(vendor_url(published, "follow/")).status_code == 204
    assert not Follow.objects.exists()

    before = database_state()
    assert acme.put(vendor_url(cameras, "follow/")).status_code == 404
    asked = acme.post(vendor_url(cameras, "questions/"), {"text": "x"}, format="json")
    assert asked.status_code == 404
    assert database_state() == before


def test_staff_are_404_and_the_anonymous_401_on_the_vendor_api(published, api_as):
    for username in ("officer", "officer.lakeside"):
        client = api_as(username)
        assert client.get("/api/v1/vendor/questions/").status_code == 404
        assert client.put(vendor_url(published, "follow/")).status_code == 404
    assert api_as(None).get("/api/v1/vendor/questions/").status_code == 401


@pytest.fixture
def asked(published, personas):
    acme = VendorActor.of(VendorUser.objects.get(user=personas["vendor.acme"]))
    return services.question_ask(actor=acme, solicitation=published, text="Existing poles?")


def test_the_officer_lists_and_answers(asked, api_as):
    officer = api_as("officer")
    solicitation = asked.solicitation

    listed = officer.get(staff_url(solicitation)).json()["results"]
    assert listed[0]["vendor"] == "Acme Traffic Systems"  # staff may know
    assert api_as("head.trn").get(staff_url(solicitation)).status_code == 200

    response = officer.post(
        staff_url(solicitation, "questions/1/answer/"), {"answer": "Yes."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    assert response.json()["answered_by"] == "Olivia Officer"


def test_the_answer_refusals(asked, api_as):
    solicitation = asked.solicitation
    answer = staff_url(solicitation, "questions/1/answer/")
    before = database_state()

    lakeside = api_as("officer.lakeside").post(answer, {"answer": "x"}, format="json")
    assert lakeside.status_code == 404
    head = api_as("head.trn").post(answer, {"answer": "x"}, format="json")
    assert head.status_code == 403
    empty = api_as("officer").post(answer, {"answer": ""}, format="json")
    assert empty.status_code == 400 and error(empty) == ("required", "answer")
    missing = api_as("officer").post(
        staff_url(solicitation, "questions/7/answer/"), {}, format="json"
    )
    assert missing.status_code == 404
    assert api_as("vendor.acme").post(answer, {"answer": "x"}, format="json").status_code == 404
    assert database_state() == before

    assert api_as("officer").post(answer, {"answer": "Yes."}, format="json").status_code == 200
    twice = api_as("officer").post(answer, {"answer": "No."}, format="json")
    assert twice.status_code == 409
    asked.refresh_from_db()
    assert asked.answer == "Yes."


def test_the_public_reads_answered_questions_only(asked, api_as):
    public = api_as(None)
    solicitation = asked.solicitation
    questions = f"/api/v1/public/solicitations/riverton/{solicitation.reference}/questions/"
    detail = f"/api/v1/public/solicitations/riverton/{solicitation.reference}/"

    assert public.get(questions).json()["results"] == []
    assert public.get(detail).json()["questions"] == []

    api_as("officer").post(
        staff_url(solicitation, "questions/1/answer/"), {"answer": "Yes."}, format="json"
    )

    rows = public.get(questions).json()["results"]
    assert [set(row) for row in rows] == [{"number", "question", "answer", "answered_at"}]
    assert rows[0]["answered_at"].endswith(("-05:00", "-06:00"))
    assert public.get(detail).json()["questions"] == rows


def test_the_api_lists_keep_their_query_count(published, personas, api_as):
    acme, officer = api_as("vendor.acme"), api_as("officer")
    lists = [(acme, "/api/v1/vendor/questions/"), (officer, staff_url(published))]

    bulk_questions(published, VendorUser.objects.get(user=personas["vendor.acme"]), 10)
    few = [queries_for_get(client, url) for client, url in lists]
    bulk_questions(published, VendorUser.objects.get(user=personas["vendor.acme"]), 190)
    many = [queries_for_get(client, url) for client, url in lists]

    # The token, the company (or the membership and solicitation), the count and one page of
    # questions with their solicitations, cities, companies and people joined.
    assert few == many
