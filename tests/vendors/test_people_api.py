"""A company's people over the API (issue 10, item 1): the same services as the pages, the
same refusals naming the field, documented in the OpenAPI schema; another company's people
are the same 404 as missing ones; the list costs the same queries for 10 and 200 people."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import User
from p3hub.audit import Verb
from p3hub.models import AuditEvent
from tests.helpers import DEMO_PASSWORD, database_state
from tests.p3hub.test_openapi import assert_documented
from vendors.models import VendorUser

pytestmark = pytest.mark.django_db
PEOPLE = "/api/v1/vendor/people/"
ACCEPT = "/api/v1/vendor/invitations/accept/"
DANA = {"email": "dana@acme.example", "first_name": "Dana", "last_name": "Diaz"}


def person(pk) -> str:
    return f"{PEOPLE}{pk}/"


@pytest.fixture
def invited(api_as, django_capture_on_commit_callbacks, mailoutbox):
    """Dana invited by vendor.acme over the API: (the answer's body, the link's token)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("vendor.acme").post(PEOPLE, DANA, format="json")
    assert response.status_code == 201, response.content
    token = re.search(r"/vendor/invitation/([^/\s]+)/", mailoutbox[-1].body).group(1)
    return response.json(), token


def registrant_pk() -> int:
    return VendorUser.objects.get(user__username="vendor.acme").pk


def test_invite_accept_sign_in_and_list_over_the_api(api_as, schema, invited):
    body, token = invited
    assert (body["status"], body["username"], body["invited_by"]) == (
        "invited",
        None,
        "vendor.acme",
    )

    accepted = api_as(None).post(
        ACCEPT, {"token": token, "username": "dana.diaz", "password": DEMO_PASSWORD}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert_documented(schema, accepted, ACCEPT, "post")
    assert accepted.json() == {
        "username": "dana.diaz",
        "email": "dana@acme.example",
        "vendor": "Acme Traffic Systems",
    }

    # Dana signs in for a token and sees her company's people.
    got = api_as(None).post(
        "/api/v1/auth/token/", {"username": "dana.diaz", "password": DEMO_PASSWORD}, format="json"
    )
    assert got.status_code == 200
    dana = api_as(None)
    dana.credentials(HTTP_AUTHORIZATION=f"Token {got.json()['token']}")
    listed = dana.get(PEOPLE)
    assert listed.status_code == 200
    assert_documented(schema, listed, PEOPLE, "get")
    assert [(p["username"], p["status"]) for p in listed.json()["results"]] == [
        ("vendor.acme", "active"),
        ("dana.diaz", "active"),
    ]

    again = api_as(None).post(
        ACCEPT, {"token": token, "username": "dana.two", "password": DEMO_PASSWORD}, format="json"
    )
    assert again.status_code == 400
    assert (again.json()["errors"][0]["attr"], again.json()["errors"][0]["code"]) == (
        "token",
        "used",
    )


def test_the_invitation_is_documented(api_as, schema, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as("vendor.acme").post(PEOPLE, DANA, format="json")
    assert response.status_code == 201
    assert_documented(schema, response, PEOPLE, "post")
    assert AuditEvent.objects.filter(verb=Verb.VENDOR_USER_INVITE).count() == 1


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({**DANA, "email": "not an address"}, {"email"}),
        ({**DANA, "email": "BIDS@ACME.example"}, {"email"}),  # vendor.acme's own, any case
        ({"email": "", "first_name": "", "last_name": ""}, {"email", "first_name", "last_name"}),
    ],
)
def test_a_bad_invitation_names_the_field_and_changes_nothing(
    api_as, schema, personas, data, fields
):
    before = database_state()
    response = api_as("vendor.acme").post(PEOPLE, data, format="json")
    assert response.status_code == 400
    assert_documented(schema, response, PEOPLE, "post")
    assert {error["attr"] for error in response.json()["errors"]} == fields
    assert database_state() == before


def test_a_weak_password_or_taken_username_is_refused_on_accepting(api_as, schema, invited):
    _, token = invited
    before = database_state()

    response = api_as(None).post(
        ACCEPT, {"token": token, "username": "vendor.beacon", "password": "short"}, format="json"
    )

    assert response.status_code == 400
    assert_documented(schema, response, ACCEPT, "post")
    assert {error["attr"] for error in response.json()["errors"]} == {"username", "password"}
    assert database_state() == before


def test_a_tampered_link_is_refused(api_as, invited):
    _, token = invited
    response = api_as(None).post(
        ACCEPT,
        {"token": token[:-2] + "xx", "username": "dana.diaz", "password": DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "token"
    assert not User.objects.filter(username="dana.diaz").exists()


def test_removing_returns_the_removed_person_and_ends_their_token(api_as, schema, invited):
    body, token = invited
    api_as(None).post(
        ACCEPT, {"token": token, "username": "dana.diaz", "password": DEMO_PASSWORD}, format="json"
    )
    got = api_as(None).post(
        "/api/v1/auth/token/", {"username": "dana.diaz", "password": DEMO_PASSWORD}, format="json"
    )
    dana = api_as(None)
    dana.credentials(HTTP_AUTHORIZATION=f"Token {got.json()['token']}")
    assert dana.get(PEOPLE).status_code == 200

    removed = api_as("vendor.acme").delete(person(body["id"]))

    assert removed.status_code == 200
    assert_documented(schema, removed, person(body["id"]), "delete")
    assert (removed.json()["status"], removed.json()["username"]) == ("removed", "dana.diaz")
    assert dana.get(PEOPLE).status_code == 401
    again = api_as(None).post(
        "/api/v1/auth/token/", {"username": "dana.diaz", "password": DEMO_PASSWORD}, format="json"
    )
    assert again.status_code == 400


def test_the_last_user_cannot_be_removed_over_the_api(api_as, schema, personas):
    before = database_state()
    response = api_as("vendor.acme").delete(person(registrant_pk()))
    assert response.status_code == 409
    assert_documented(schema, response, person(registrant_pk()), "delete")
    assert "A company always keeps at least one user" in response.json()["errors"][0]["detail"]
    assert database_state() == before


def test_another_company_cannot_see_or_remove_acmes_people(api_as, invited):
    body, _ = invited
    beacon = api_as("vendor.beacon")
    before = database_state()

    listed = beacon.get(PEOPLE)
    answers = [
        beacon.get(person(body["id"])).status_code,
        beacon.delete(person(body["id"])).status_code,
        beacon.delete(person(registrant_pk())).status_code,
        beacon.get(person(987654)).status_code,
    ]

    assert [p["username"] for p in listed.json()["results"]] == ["vendor.beacon"]
    assert answers == [404, 404, 404, 404]
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "officer.lakeside", "admin"])
def test_staff_of_a_city_get_404(api_as, invited, username):
    body, _ = invited
    api = api_as(username)
    before = database_state()
    answers = [
        api.get(PEOPLE).status_code,
        api.post(PEOPLE, {**DANA, "email": "x@acme.example"}, format="json").status_code,
        api.delete(person(body["id"])).status_code,
    ]
    assert answers == [404, 404, 404]
    assert database_state() == before


def test_the_anonymous_get_401(api_as, invited):
    body, _ = invited
    anonymous = api_as(None)
    answers = [
        anonymous.get(PEOPLE).status_code,
        anonymous.post(PEOPLE, DANA, format="json").status_code,
        anonymous.delete(person(body["id"])).status_code,
    ]
    assert answers == [401, 401, 401]


def queries_for(api, expected: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = api.get(f"{PEOPLE}?page_size=100")
    assert response.status_code == 200
    assert response.json()["count"] == expected
    return len(captured.captured_queries)


def test_the_list_costs_the_same_queries_for_10_and_200_people(api_as, personas):
    registrant = VendorUser.objects.get(user__username="vendor.acme")
    api = api_as("vendor.acme")

    def add(count: int, prefix: str) -> None:
        for number in range(count):
            user = User.objects.create(username=f"{prefix}-{number}", email=f"{prefix}{number}@x.t")
            VendorUser.objects.create(
                vendor=registrant.vendor, user=user, invited_by=registrant.user
            )

    add(9, "few")
    few = queries_for(api, 10)
    add(190, "many")
    many = queries_for(api, 200)

    # 1 the token and its user, 2 the caller's vendor user with its company (the actor),
    # 3 the page's count, 4 the page of people with their accounts and inviters.
    assert few == many == 4
