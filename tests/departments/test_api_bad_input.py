"""Bad input to every tenant API endpoint (DESIGN.md 5.10): a 4xx in the standard error format
naming the field at fault, and nothing changed, not even the audit log. Never a 500."""

import json

import pytest
from rest_framework.test import APIClient

from departments.models import Department, Membership
from tests.factories import UserFactory
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

DEPARTMENTS = "/api/v1/riverton/departments/"
MEMBERSHIPS = "/api/v1/riverton/memberships/"


@pytest.fixture
def admin_client(api_as):
    return api_as("admin")


@pytest.fixture
def trn(personas) -> Department:
    return Department.objects.get(municipality__slug="riverton", code="TRN")


def assert_refused(response, status: int, attr: str | None, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["errors"], body
    assert body["errors"][0]["attr"] == attr, body
    if code is not None:
        assert body["errors"][0]["code"] == code, body
    return body


# --- departments: create and update -----------------------------------------------------------

LONG = "x" * 10_000

DEPARTMENT_CASES = [
    # (payload, field named in the error)
    ({"name": "Parks"}, "code"),
    ({"code": "", "name": "Parks"}, "code"),
    ({"code": "   ", "name": "Parks"}, "code"),
    ({"code": None, "name": "Parks"}, "code"),
    ({"code": "p", "name": "Parks"}, "code"),
    ({"code": "pa-rk", "name": "Parks"}, "code"),
    ({"code": "1PARK", "name": "Parks"}, "code"),
    ({"code": "PARKSANDRECS", "name": "Parks"}, "code"),
    ({"code": "PSD", "name": "Parks"}, "code"),
    ({"code": "psd", "name": "Parks"}, "code"),
    ({"code": ["PRK"], "name": "Parks"}, "code"),
    ({"code": {"$ne": ""}, "name": "Parks"}, "code"),
    ({"code": True, "name": "Parks"}, "code"),
    ({"code": "PRK\x00", "name": "Parks"}, "code"),
    ({"code": "PRK"}, "name"),
    ({"code": "PRK", "name": ""}, "name"),
    ({"code": "PRK", "name": LONG}, "name"),
    ({"code": "PRK", "name": ["Parks"]}, "name"),
    ({"code": "PRK", "name": "Pa\x00rks"}, "name"),
    ({"code": "PRK", "name": "Parks", "fund_codes": "500-PRK"}, "fund_codes"),
    ({"code": "PRK", "name": "Parks", "fund_codes": {"a": "500"}}, "fund_codes"),
    ({"code": "PRK", "name": "Parks", "fund_codes": 500}, "fund_codes"),
    ({"code": "PRK", "name": "Parks", "fund_codes": ["500 PRK"]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": ["-500"]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": ["5" * 31]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": [""]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": [None]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": [["500"]]}, "fund_codes.0"),
    ({"code": "PRK", "name": "Parks", "fund_codes": [f"F{i}" for i in range(51)]}, "fund_codes"),
]


@pytest.mark.parametrize(("payload", "attr"), DEPARTMENT_CASES)
def test_bad_department_create_names_the_field_and_changes_nothing(admin_client, payload, attr):
    before = database_state()

    response = admin_client.post(DEPARTMENTS, payload, format="json")

    assert_refused(response, 400, attr)
    assert response.json()["type"] == "validation_error"
    assert database_state() == before


@pytest.mark.parametrize(("payload", "attr"), DEPARTMENT_CASES)
def test_bad_department_put_names_the_field_and_changes_nothing(admin_client, trn, payload, attr):
    before = database_state()

    response = admin_client.put(f"{DEPARTMENTS}{trn.pk}/", payload, format="json")

    assert_refused(response, 400, attr)
    assert database_state() == before


PATCH_CASES = [
    ({"code": ""}, "code"),
    ({"code": "t"}, "code"),
    ({"code": "PSD"}, "code"),
    ({"name": LONG}, "name"),
    ({"name": None}, "name"),
    ({"fund_codes": "100-TRN-CAP"}, "fund_codes"),
    ({"fund_codes": ["100 TRN"]}, "fund_codes.0"),
    ({"is_active": "maybe"}, "is_active"),
    ({"is_active": None}, "is_active"),
    ({"is_active": [True]}, "is_active"),
    # A valid change next to an invalid one: the whole request is refused.
    ({"name": "Renamed", "code": "no good"}, "code"),
]


@pytest.mark.parametrize(("payload", "attr"), PATCH_CASES)
def test_bad_department_patch_names_the_field_and_changes_nothing(admin_client, trn, payload, attr):
    before = database_state()

    response = admin_client.patch(f"{DEPARTMENTS}{trn.pk}/", payload, format="json")

    assert_refused(response, 400, attr)
    assert database_state() == before


@pytest.mark.parametrize(
    "body",
    [[{"code": "PRK", "name": "Parks"}], "PRK", 42, None],
    ids=["list", "string", "number", "null"],
)
def test_a_body_that_is_not_an_object_is_a_validation_error(admin_client, trn, body):
    before = database_state()

    for response in (
        admin_client.post(DEPARTMENTS, json.dumps(body), content_type="application/json"),
        admin_client.patch(
            f"{DEPARTMENTS}{trn.pk}/", json.dumps(body), content_type="application/json"
        ),
        admin_client.post(MEMBERSHIPS, json.dumps(body), content_type="application/json"),
    ):
        assert_refused(response, 400, "non_field_errors")
    assert database_state() == before


@pytest.mark.parametrize(
    "raw",
    ['{"code": "PRK", "name": "Parks"', "{'code': 'PRK'}", "", "\xff\xfe", "[" * 100_000],
    ids=["truncated", "single-quotes", "empty", "not-utf8", "nested-too-deep"],
)
def test_malformed_json_is_a_parse_error(admin_client, trn, raw):
    before = database_state()

    for method, url in (
        ("POST", DEPARTMENTS),
        ("PUT", f"{DEPARTMENTS}{trn.pk}/"),
        ("PATCH", f"{DEPARTMENTS}{trn.pk}/"),
        ("POST", MEMBERSHIPS),
    ):
        body = raw.encode("latin-1") if raw == "\xff\xfe" else raw
        response = admin_client.generic(method, url, body, content_type="application/json")
        if raw == "" and method != "POST":
            # An empty PUT/PATCH body parses as no fields: PUT misses `code`, PATCH is a no-op.
            assert response.status_code in (200, 400)
            continue
        if raw == "":
            assert_refused(response, 400, "code" if url == DEPARTMENTS else "person")
            continue
        body = assert_refused(response, 400, None, "parse_error")
        assert body["type"] == "client_error"
    assert database_state() == before


def test_form_encoded_bodies_are_refused_as_unsupported(admin_client):
    before = database_state()

    response = admin_client.post(DEPARTMENTS, {"code": "PRK", "name": "Parks"}, format="multipart")

    assert_refused(response, 415, None, "unsupported_media_type")
    assert database_state() == before


# --- bad primary keys --------------------------------------------------------------------------


def bad_pks(personas) -> dict[str, str]:
    lakeside_department = Department.objects.get(municipality__slug="lakeside")
    lakeside_membership = Membership.objects.filter(municipality__slug="lakeside").first()
    return {
        "departments": {
            "missing": "987654",
            "another-city": str(lakeside_department.pk),
            "not-a-number": "abc",
            "huge": "9" * 30,
            "negative": "-1",
            "zero": "0",
        },
        "memberships": {
            "missing": "987654",
            "another-city": str(lakeside_membership.pk),
            "not-a-number": "abc",
            "huge": "9" * 30,
            "negative": "-1",
            "zero": "0",
        },
    }


def test_bad_pks_answer_exactly_like_a_missing_one(admin_client, personas):
    before = database_state()
    requests = {
        "departments": [
            ("get", None),
            ("patch", {"name": "Stolen"}),
            ("put", {"code": "STL", "name": "Stolen"}),
        ],
        "memberships": [("get", None), ("delete", None)],
    }

    for resource, pks in bad_pks(personas).items():
        for method, payload in requests[resource]:
            responses = {
                label: getattr(admin_client, method)(
                    f"/api/v1/riverton/{resource}/{pk}/", payload, format="json"
                )
                for label, pk in pks.items()
            }
            missing = responses["missing"]
            assert missing.status_code == 404
            assert missing.json() == {
                "type": "client_error",
                "errors": [{"code": "not_found", "detail": "Not found.", "attr": None}],
            }
            for label, response in responses.items():
                assert (response.status_code, response.content) == (
                    missing.status_code,
                    missing.content,
                ), (resource, method, label)
    assert database_state() == before


# --- memberships: grant --------------------------------------------------------------------


def ids_for(payload: dict, personas) -> dict:
    """The payload with each "@name" replaced by that persona's id."""
    return {
        key: personas[value[1:]].pk if isinstance(value, str) and value.startswith("@") else value
        for key, value in payload.items()
    }


MEMBERSHIP_CASES = [
    ({"role": "officer"}, "person", "required"),
    ({"person": None, "role": "officer"}, "person", "null"),
    ({"person": "", "role": "officer"}, "person", "does_not_exist"),
    ({"person": 10**9, "role": "officer"}, "person", "does_not_exist"),
    ({"person": 10**30, "role": "officer"}, "person", "does_not_exist"),
    ({"person": -1, "role": "officer"}, "person", "does_not_exist"),
    # Not ids, however a database would read them.
    ({"person": True, "role": "officer"}, "person", "does_not_exist"),
    ({"person": "1", "role": "officer"}, "person", "does_not_exist"),
    ({"person": 1.0, "role": "officer"}, "person", "does_not_exist"),
    ({"person": ["@evaluator"], "role": "officer"}, "person", "does_not_exist"),
    ({"person": {"id": 1}, "role": "officer"}, "person", "does_not_exist"),
    ({"person": "evalu\x00ator", "role": "officer"}, "person", "does_not_exist"),
    # Another city's officer and a vendor's account are nobody here.
    ({"person": "@officer.lakeside", "role": "officer"}, "person", "does_not_exist"),
    ({"person": "@vendor.acme", "role": "officer"}, "person", "does_not_exist"),
    ({"person": "@evaluator"}, "role", "required"),
    ({"person": "@evaluator", "role": "boss"}, "role", "invalid"),
    ({"person": "@evaluator", "role": None}, "role", "null"),
    ({"person": "@evaluator", "role": ["officer"]}, "role", "invalid"),
    # Already held: the service refuses a second identical role.
    ({"person": "@officer", "role": "officer"}, "role", "invalid"),
    ({"person": "@evaluator", "role": "member", "department": "TRN"}, "role", "invalid"),
    ({"person": "@evaluator", "role": "head", "department": "XYZ"}, "department", None),
    # Another city's department code is just as unknown as one that does not exist.
    ({"person": "@evaluator", "role": "head", "department": "PWD"}, "department", None),
    ({"person": "@evaluator", "role": "head"}, "department", "invalid"),
    ({"person": "@evaluator", "role": "head", "department": None}, "department", "invalid"),
    ({"person": "@evaluator", "role": "head", "department": ""}, "department", "invalid"),
    ({"person": "@evaluator", "role": "officer", "department": "TRN"}, "department", "invalid"),
    ({"person": "@evaluator", "role": "head", "department": 1}, "department", "invalid"),
    ({"person": "@evaluator", "role": "head", "department": ["TRN"]}, "department", "invalid"),
]


@pytest.mark.parametrize(("payload", "attr", "code"), MEMBERSHIP_CASES)
def test_bad_membership_grant_names_the_field_and_changes_nothing(
    admin_client, personas, payload, attr, code
):
    before = database_state()

    response = admin_client.post(MEMBERSHIPS, ids_for(payload, personas), format="json")

    body = assert_refused(response, 400, attr)
    if code is not None:
        assert body["errors"][0]["code"] == code, body
    assert database_state() == before


def test_unknown_and_foreign_department_codes_get_the_same_error(admin_client, personas):
    evaluator = personas["evaluator"].pk
    unknown = admin_client.post(
        MEMBERSHIPS, {"person": evaluator, "role": "head", "department": "XYZ"}, format="json"
    )
    foreign = admin_client.post(
        MEMBERSHIPS, {"person": evaluator, "role": "head", "department": "PWD"}, format="json"
    )

    assert unknown.json()["errors"] == [
        {
            "code": "does_not_exist",
            "detail": "No department has the code “XYZ”.",
            "attr": "department",
        }
    ]
    assert foreign.json()["errors"][0]["detail"] == "No department has the code “PWD”."


def test_a_deactivated_person_cannot_be_granted_a_role(admin_client, personas):
    gone = UserFactory(username="gone", is_active=False)
    before = database_state()

    response = admin_client.post(MEMBERSHIPS, {"person": gone.pk, "role": "officer"}, format="json")

    assert_refused(response, 400, "person", "does_not_exist")
    assert database_state() == before


def test_a_person_whose_roles_here_were_revoked_is_reactivated_before_a_new_role(
    admin_client, personas
):
    admin_client.delete(f"{MEMBERSHIPS}{Membership.objects.get(user=personas['evaluator']).pk}/")
    before = database_state()

    response = admin_client.post(
        MEMBERSHIPS, {"person": personas["evaluator"].pk, "role": "officer"}, format="json"
    )

    body = assert_refused(response, 400, "role")
    assert body["errors"][0]["detail"] == "evaluator is deactivated here: reactivate them first."
    assert database_state() == before


def test_no_admin_grants_themselves_a_role(admin_client, personas):
    before = database_state()

    response = admin_client.post(
        MEMBERSHIPS, {"person": personas["admin"].pk, "role": "officer"}, format="json"
    )

    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["detail"] == (
        "You cannot grant yourself a role: another tenant admin must."
    )
    assert database_state() == before


# --- authentication ----------------------------------------------------------------------


def test_a_wrong_token_is_401_and_changes_nothing(personas):
    before = database_state()
    client = APIClient(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    for response in (
        client.get(DEPARTMENTS),
        client.post(DEPARTMENTS, {"code": "PRK", "name": "Parks"}, format="json"),
        client.get("/api/v1/me/"),
    ):
        assert_refused(response, 401, None, "authentication_failed")
    assert database_state() == before


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Bearer abc", "Token \x00"],
    ids=["empty", "two", "bearer", "nul"],
)
def test_malformed_authorization_headers_never_reach_the_tenant(personas, header):
    response = APIClient(HTTP_AUTHORIZATION=header).get(DEPARTMENTS)

    assert response.status_code == 401


# --- the sweep: never a 500 ----------------------------------------------------------------

MALFORMED_PAYLOADS = [
    None,
    [],
    [1, 2],
    "text",
    0,
    -1,
    1.5,
    True,
    {},
    {"": ""},
    {"code": None, "name": None, "fund_codes": None, "is_active": None},
    {"code": [], "name": {}, "fund_codes": {}, "is_active": {}},
    {"code": {"$gt": ""}, "name": {"$gt": ""}},
    {"code": "X" * 10_000, "name": "x" * 10_000, "fund_codes": ["f" * 10_000]},
    {"code": "\x00", "name": "\x00", "fund_codes": ["\x00"]},
    {"code": "PRK", "name": "Parks", "fund_codes": [[[[["deep"]]]]]},
    {"code": "PRK", "name": "Parks", "fund_codes": [{"code": "x"}]},
    {"code": "PRK", "name": "Parks", "fund_codes": list(range(10_000))},
    {"code": 10**300, "name": 1e308, "is_active": 10**300},
    {"code": "ŞĞÜ", "name": "🚦" * 200},
    {"code": "PRK'; DROP TABLE departments_department; --", "name": "x"},
    {"person": None, "role": None, "department": None},
    {"person": [1], "role": {"a": 1}, "department": [1]},
    {"person": {"$ne": ""}, "role": "admin"},
    {"person": "\x00", "role": "\x00", "department": "\x00"},
    {"person": 1, "role": "admin", "department": "TRN"},
    {"person": 2, "role": "head", "department": {"code": "TRN"}},
    {"person": 3, "role": "head", "department": 10**30},
    {"person": "x" * 100_000, "role": "member", "department": "TRN"},
    {"person": 10**300, "role": "member", "department": "TRN"},
    {"username": "admin", "password": None},
    {"username": ["admin"], "password": ["x"]},
    {"username": "admin\x00", "password": "demo-pass-2026\x00"},
    {"username": "a" * 10_000, "password": "p" * 10_000},
]
MALFORMED_BODIES = [
    b"{",
    b"[" * 50_000,
    b"\xff\xfe\x00",
    b'{"code": NaN}',
    b"1e999999",
    b'"\\ud800"',
]


def write_endpoints(trn_pk: int, membership_pk: int) -> list[tuple[str, str]]:
    return [
        ("post", DEPARTMENTS),
        ("put", f"{DEPARTMENTS}{trn_pk}/"),
        ("patch", f"{DEPARTMENTS}{trn_pk}/"),
        ("post", MEMBERSHIPS),
        ("delete", f"{MEMBERSHIPS}{membership_pk}/"),
        ("post", "/api/v1/auth/token/"),
    ]


@pytest.mark.parametrize("username", ["admin", "officer", "officer.lakeside", None])
def test_sweep_of_malformed_input_never_gives_a_500(api_as, personas, trn, username, settings):
    # Every payload must reach the token endpoint's parser, not stop at its rate limit.
    settings.TOKEN_THROTTLE = "1000000/minute"
    client = api_as(username)
    evaluator_role = Membership.objects.get(user=personas["evaluator"])
    before = database_state()
    refused = 0

    for method, url in write_endpoints(trn.pk, evaluator_role.pk):
        for payload in MALFORMED_PAYLOADS:
            body = json.dumps(payload)
            response = client.generic(method.upper(), url, body, content_type="application/json")
            assert response.status_code < 500, (method, url, payload, response.content[:300])
            refused += response.status_code >= 400
            if method == "delete" and response.status_code == 204:
                break  # the admin's delete ignores the body; the sweep of it is done
        for raw in MALFORMED_BODIES:
            response = client.generic(method.upper(), url, raw, content_type="application/json")
            assert response.status_code < 500, (method, url, raw[:20], response.content[:300])

    # Nothing changed except, for the admin, the one role the DELETE endpoint revoked: the
    # evaluator's last, so it is kept inactive and the evaluator deactivated (two events).
    after = database_state()
    if username == "admin":
        rows = "departments.Membership rows"
        revoked = [m for m in after[rows] if m["id"] == evaluator_role.pk]
        assert [m["is_active"] for m in revoked] == [False]
        assert [m for m in before[rows] if m["id"] != evaluator_role.pk] == [
            m for m in after[rows] if m["id"] != evaluator_role.pk
        ]
        assert len(after["audit"]) == len(before["audit"]) + 2
        for key in (rows, "audit", "p3hub.AuditEvent"):
            before.pop(key), after.pop(key)
    assert after == before
    assert refused > 0


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "0"},
        {"page": "9" * 30},
        {"page_size": "-5"},
        {"page_size": "9" * 30},
        {"code": "\x00"},
        {"code": "x" * 10_000},
        {"is_active": "maybe"},
        {"role": "boss"},
        {"role": "\x00"},
        {"department": "\x00"},
        {"username": "\x00"},
        {"username": "u" * 100_000},
        {"department": "d" * 100_000},
        {"ordering": "password"},
    ],
)
def test_bad_query_parameters_on_lists_are_4xx_or_ignored(api_as, query):
    client = api_as("admin")

    for url in (DEPARTMENTS, MEMBERSHIPS):
        response = client.get(url, query)
        assert response.status_code in (200, 400, 404), (url, query, response.content[:300])
        if response.status_code == 400:
            assert response.json()["errors"][0]["attr"] in query
