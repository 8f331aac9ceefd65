"""Shared API plumbing (DESIGN.md 10): the token endpoint, the error format and its mapping of
the domain errors, the JSON parser, the OpenAPI schema and its docs page served with no CDN."""

import io
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework import exceptions
from rest_framework.test import APIClient

from p3hub.api.errors import to_api_exception
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from tests.factories import UserFactory
from tests.helpers import DEMO_PASSWORD

TOKEN_URL = "/api/v1/auth/token/"


# --- the token endpoint --------------------------------------------------------------------


@pytest.mark.django_db
def test_token_for_a_username_and_password_works_as_authorization(personas):
    response = APIClient().post(
        TOKEN_URL, {"username": "officer", "password": DEMO_PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    # Stored as its digest: the token itself is nowhere in the database.
    stored = AuthToken.objects.get()
    assert (stored.digest, stored.user) == (hash_token(token), personas["officer"])
    assert token not in (stored.digest, stored.token_key)
    me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/")
    assert me.json()["username"] == "officer"


@pytest.mark.django_db
def test_token_endpoint_accepts_form_posts_too(personas):
    response = APIClient().post(TOKEN_URL, {"username": "officer", "password": DEMO_PASSWORD})

    assert response.status_code == 200


@pytest.mark.django_db
def test_asking_twice_gives_two_tokens_that_both_work(personas):
    # The server keeps only digests, so it cannot hand out a token it issued before.
    credentials = {"username": "officer", "password": DEMO_PASSWORD}

    first = APIClient().post(TOKEN_URL, credentials, format="json").json()["token"]
    second = APIClient().post(TOKEN_URL, credentials, format="json").json()["token"]

    assert first != second
    for token in (first, second):
        me = APIClient(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/")
        assert me.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("credentials", "attr", "code"),
    [
        ({"username": "officer", "password": "wrong"}, "non_field_errors", "authorization"),
        ({"username": "nobody", "password": DEMO_PASSWORD}, "non_field_errors", "authorization"),
        ({"username": "officer"}, "password", "required"),
        ({"username": "officer", "password": ""}, "password", "blank"),
        ({"password": DEMO_PASSWORD}, "username", "required"),
        ({"username": ["officer"], "password": DEMO_PASSWORD}, "username", "invalid"),
        ({"username": "officer", "password": None}, "password", "null"),
    ],
)
def test_bad_credentials_are_a_400_naming_the_field_and_issue_no_token(
    personas, credentials, attr, code
):
    response = APIClient().post(TOKEN_URL, credentials, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "validation_error"
    assert (body["errors"][0]["attr"], body["errors"][0]["code"]) == (attr, code)
    assert not AuthToken.objects.exists()


@pytest.mark.django_db
def test_an_inactive_user_gets_no_token(personas):
    UserFactory(username="left", is_active=False)

    response = APIClient().post(
        TOKEN_URL, {"username": "left", "password": DEMO_PASSWORD}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "non_field_errors"


@pytest.mark.django_db
def test_malformed_json_to_the_token_endpoint_is_a_parse_error():
    response = APIClient().generic("POST", TOKEN_URL, "{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "parse_error"


@pytest.mark.django_db
def test_deeply_nested_json_is_a_parse_error_not_a_500():
    response = APIClient().generic(
        "POST", TOKEN_URL, "[" * 100_000, content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


@pytest.mark.django_db
def test_password_guessing_is_throttled(personas, settings):
    client = APIClient()
    wrong = {"username": "officer", "password": "guess"}

    statuses = [client.post(TOKEN_URL, wrong, format="json").status_code for _ in range(12)]
    right = client.post(TOKEN_URL, {"username": "officer", "password": DEMO_PASSWORD})

    # LOGIN_THROTTLE_ACCOUNT: ten failures per account in a quarter of an hour; then even the
    # right password is refused until the quarter is over.
    assert statuses == [400] * 10 + [429] * 2
    assert right.status_code == 429
    assert right.json()["errors"][0]["code"] == "throttled"
    assert int(right["Retry-After"]) <= 15 * 60


@pytest.mark.django_db
def test_the_token_endpoint_takes_twenty_requests_a_minute_per_address(personas):
    client = APIClient()

    statuses = [
        client.post(TOKEN_URL, {"username": f"nobody{n}", "password": "x"}).status_code
        for n in range(22)
    ]

    assert statuses == [400] * 20 + [429] * 2


@pytest.mark.django_db
def test_a_wrong_token_is_401_in_the_error_format():
    response = APIClient(HTTP_AUTHORIZATION="Token not-a-real-token").get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {
        "type": "client_error",
        "errors": [{"code": "authentication_failed", "detail": "Invalid token.", "attr": None}],
    }
    assert response["WWW-Authenticate"] == "Token"


# --- one handler for the domain errors -------------------------------------------------------


def test_domain_errors_map_to_drf_exceptions_with_the_field():
    invalid = to_api_exception(ValidationFailed("Too long.", field="name"))
    unnamed = to_api_exception(ValidationFailed("Totals differ."))

    assert isinstance(invalid, exceptions.ValidationError)
    assert invalid.detail == {"name": ["Too long."]}
    assert invalid.get_codes() == {"name": ["invalid"]}
    assert unnamed.detail == {"non_field_errors": ["Totals differ."]}
    assert isinstance(to_api_exception(PermissionDenied("No.")), exceptions.PermissionDenied)
    assert isinstance(to_api_exception(NotFound("Not found.")), exceptions.NotFound)
    conflict = to_api_exception(InvalidTransition("Already published."))
    assert conflict.status_code == 409
    assert conflict.get_codes() == "invalid_transition"


@pytest.mark.django_db
def test_a_domain_error_reaches_the_client_in_the_error_format(api_as):
    # The duplicate code is found by the service, not the serializer.
    response = api_as("admin").post(
        "/api/v1/riverton/departments/", {"code": "TRN", "name": "Again"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "type": "validation_error",
        "errors": [
            {
                "code": "invalid",
                "detail": "A department with code TRN already exists.",
                "attr": "code",
            }
        ],
    }


# --- OpenAPI schema and docs -----------------------------------------------------------------


def test_the_schema_validates_with_no_warnings():
    out = io.StringIO()

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out
    )

    schema = json.loads(out.getvalue())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/me/",
        "/api/v1/{municipality_slug}/departments/",
        "/api/v1/{municipality_slug}/departments/{id}/",
        "/api/v1/{municipality_slug}/memberships/",
        "/api/v1/{municipality_slug}/memberships/{id}/",
    ):
        assert path in paths, path


@pytest.mark.django_db
def test_schema_is_served_as_json_with_examples_for_memberships():
    response = APIClient().get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    grant = schema["paths"]["/api/v1/{municipality_slug}/memberships/"]["post"]
    request_examples = grant["requestBody"]["content"]["application/json"]["examples"]
    assert any(e["value"].get("department") == "TRN" for e in request_examples.values())
    error_examples = grant["responses"]["400"]["content"]["application/json"]["examples"]
    assert any(
        e["value"]["errors"][0]["attr"] == "department"
        for e in error_examples.values()
        if "errors" in e["value"]
    )
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_docs_page_uses_only_local_assets():
    response = APIClient().get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert not re.search(r"https?://", html), "the docs page must not load anything remote"
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets
    # Swagger UI's start-up script is a file of this page's own (the CSP allows no inline one).
    start_up = "/api/docs/?script="
    assert start_up in assets
    for asset in assets:
        if asset == start_up:
            continue
        assert asset.startswith("/static/"), asset
        # Served by our own static files: the file is there to serve.
        assert finders.find(asset.removeprefix("/static/")), asset
    script = APIClient().get(start_up)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert not re.search(r"https?://", script.content.decode())
    assert "/api/schema/" in script.content.decode()


@pytest.mark.django_db
def test_a_stale_token_header_does_not_block_getting_a_new_token(personas):
    client = APIClient(HTTP_AUTHORIZATION="Token revoked-long-ago")

    response = client.post(
        TOKEN_URL, {"username": "officer", "password": DEMO_PASSWORD}, format="json"
    )

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["\x00", "a\x00b", "f" * 41, "f" * 5000])
def test_a_key_that_cannot_be_a_token_is_401_not_a_500(key):
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["errors"][0]["detail"] == "Invalid token."
