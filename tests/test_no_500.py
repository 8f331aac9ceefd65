"""No input gives a 500 (DESIGN.md 5.10): a table of hostile values (a lone surrogate, NUL,
dates near year 9999 and past it, huge and non-finite numbers, wrong JSON types, long text)
fed through every field of every write endpoint of the API and every form of the pages, plus
bodies over the size limit and with too many fields. Each answer is below 500; a refusal
changes nothing (no audit event: every change writes one) and, on the API, comes in the error
format naming what is wrong.

The endpoints come from the OpenAPI schema and the forms from the pages themselves, so an
endpoint or form added later is swept without editing this file. The forms' and the lists' sweeps
are in test_no_500_pages.py and test_no_500_lists.py (the parallel test processes share them)."""

import json
import re
from urllib.parse import urlencode

import pytest
from drf_spectacular.generators import SchemaGenerator

from p3hub.models import AuditEvent
from tests.test_page_isolation import kwarg_keys, riverton, tenant_page_patterns  # noqa: F401

pytestmark = pytest.mark.django_db

# JSON values, each tried in every field (and every field one level down).
API_VALUES = [
    "\ud800",  # a lone surrogate: no UTF-8 can hold it, so no database either
    "a\udfffb",
    "\x00",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-12:00",  # past 9999 in UTC
    "9999-12-31",
    "10000-01-01",
    "0001-01-01T00:00:00+14:00",  # before year 1 in UTC
    "2026-02-30",
    10**30,
    -(10**30),
    1e308,
    -1,
    True,
    None,
    [],
    {},
    [[[[["deep"]]]]],
    "NaN",
    "Infinity",
    "١٢٣",
    "x" * 100_000,
]
# The same ideas as a browser can send them: form fields are bytes, so the surrogate arrives as
# its (invalid) UTF-8 encoding.
FORM_VALUES = [
    b"\xed\xa0\x80",
    b"a\xff\xfeb",
    b"\x00",
    b"9999-12-31T23:59",
    b"9999-12-31",
    b"10000-01-01",
    b"0001-01-01T00:00",
    b"1e308",
    b"-1",
    b"9" * 40,
    b"NaN",
    "١٢٣".encode(),
    b"x" * 100_000,
]


def audit_count() -> int:
    return AuditEvent.objects.count()


def assert_api_refusal(response, context) -> None:
    assert response.status_code < 500, (context, response.content[:500])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"type", "errors"} and body["errors"], (context, body)


# --- the API ----------------------------------------------------------------------------------


def write_operations() -> list[tuple[str, str, dict]]:
    """(method, path template, request schema) of every API operation that takes a body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    operations = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in ("post", "put", "patch"):
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ref = body.get("schema", {}).get("$ref")
            request_schema = components[ref.rsplit("/", 1)[1]] if ref else {}
            examples = [example["value"] for example in body.get("examples", {}).values()]
            operations.append((method, path, {"schema": request_schema, "examples": examples}))
    return operations


def client_for(path: str, api_as):
    """Someone who may use the endpoint, so the values reach the service."""
    if path.startswith("/api/v1/auth/token/"):
        return api_as(None)
    if re.search(r"/(approve|reject)/$", path):
        return api_as("head.trn")
    if re.search(r"/\{municipality_slug\}/(departments|memberships|people|invitations)/", path):
        return api_as("admin")
    return api_as("officer")


def fill(path: str, client, reference: str) -> str | None:
    """The path with real ids: riverton, the proposed cameras, version 1, the first row of the
    list the id belongs to."""
    path = path.replace("{municipality_slug}", "riverton").replace("{reference}", reference)
    path = path.replace("{number}", "1")
    if "{id}" in path:
        listing = path.split("{id}")[0]
        rows = client.get(listing).json().get("results") or []
        if not rows and path.startswith("/api/v1/vendor/"):
            # A company's own rows, which no staff persona lists: any id gets the vendor
            # API's 404 before a body is read (test_api_vendor_bids.py sweeps them as the
            # company).
            rows = [{"id": 0}]
        if not rows:
            return None
        path = path.replace("{id}", str(rows[0]["id"]))
    # Rows the proposed cameras cannot have yet (an opened bid, a protest): any id gets the
    # endpoint's 404 (tests/procurements/test_api_evaluation.py and test_api_awards.py sweep
    # them on an opened solicitation).
    for kwarg in ("attachment_id", "bid_id", "protest_id", "user_id"):
        path = path.replace(f"{{{kwarg}}}", "0")
    return path.replace("{department}", "TRN")


def bodies(spec: dict):
    """A base body (the first example, else nothing) with each hostile value put in each field,
    and in each field of a nested object."""
    base = spec["examples"][0] if spec["examples"] else {}
    fields = set(spec["schema"].get("properties", {})) | set(base)
    for field in sorted(fields):
        for value in API_VALUES:
            yield field, {**base, field: value}
        if isinstance(base.get(field), dict):
            for inner in base[field]:
                for value in API_VALUES:
                    yield f"{field}.{inner}", {**base, field: {**base[field], inner: value}}


@pytest.fixture
def unthrottled(settings):
    """Every hostile sign-in must reach the token endpoint's parser, not stop at a limit."""
    for name in ("TOKEN_THROTTLE", "LOGIN_THROTTLE_ACCOUNT", "LOGIN_THROTTLE_ADDRESS"):
        setattr(settings, name, "1000000/minute")


def test_every_api_write_takes_every_hostile_value_without_a_500(api_as, riverton, unthrottled):  # noqa: F811
    solicitation, _ = riverton
    swept = 0
    for method, template, spec in write_operations():
        client = client_for(template, api_as)
        path = fill(template, client, solicitation.reference)
        assert path is not None, f"no row to probe {template}"
        for field, body in bodies(spec):
            before = audit_count()
            response = client.generic(
                method.upper(), path, json.dumps(body), content_type="application/json"
            )
            assert_api_refusal(response, (method, path, field))
            if response.status_code >= 400:
                assert audit_count() == before, (method, path, field, "changed on a refusal")
            swept += 1
    assert swept > 1000


def test_raw_json_with_surrogates_and_huge_numbers_is_refused_without_a_500(
    api_as,
    riverton,  # noqa: F811
    unthrottled,
):
    solicitation, _ = riverton
    raws = [
        b'{"title": "\\ud800"}',
        b'{"code": "\\udfff", "name": "x"}',
        b'{"quantity": 1e999999}',
        b'{"quantity": -1e999999}',
        b'{"estimated_unit_price": 123456789012345678901234567890123456789}',
        b'{"a": ' * 600 + b"1" + b"}" * 600,
        b"\xef\xbb\xbf{}",  # a byte-order mark
    ]
    for method, template, _ in write_operations():
        client = client_for(template, api_as)
        path = fill(template, client, solicitation.reference)
        for raw in raws:
            before = audit_count()
            response = client.generic(method.upper(), path, raw, content_type="application/json")
            assert_api_refusal(response, (method, path, raw[:30]))
            if response.status_code >= 400:
                assert audit_count() == before, (method, path, raw[:30])


def test_bodies_over_the_limit_are_413_in_the_error_format(api_as, riverton, settings):  # noqa: F811
    solicitation, _ = riverton
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000  # the limit itself, smaller to send fast
    too_big = json.dumps({"title": "x" * 20_000})
    for method, template, _ in write_operations():
        client = client_for(template, api_as)
        path = fill(template, client, solicitation.reference)
        before = audit_count()

        response = client.generic(method.upper(), path, too_big, content_type="application/json")

        assert response.status_code == 413, (path, response.content[:200])
        assert response.json()["errors"][0]["code"] == "too_large"
        assert audit_count() == before


def test_too_many_fields_are_a_4xx_in_the_error_format(api_as, riverton):  # noqa: F811
    solicitation, _ = riverton
    many_fields = urlencode({f"f{n}": "x" for n in range(5_000)})
    many_keys = json.dumps({f"f{n}": "x" for n in range(5_000)})
    for method, template, _ in write_operations():
        client = client_for(template, api_as)
        path = fill(template, client, solicitation.reference)
        for body, content_type in (
            (many_fields, "application/x-www-form-urlencoded"),
            (many_keys, "application/json"),
        ):
            before = audit_count()
            response = client.generic(method.upper(), path, body, content_type=content_type)
            # A 4xx in the error format; or, from an endpoint that reads no body (sign out),
            # its usual answer.
            assert_api_refusal(response, (method, path, content_type))
            if response.status_code >= 400:
                assert audit_count() == before


# --- the pages --------------------------------------------------------------------------------
