"""The OpenAPI description tells the truth (DESIGN.md 10): it is a valid OpenAPI 3 document,
every example in it validates against the schema it illustrates, endpoints are grouped by
resource, money has one shape, and what the endpoints really answer matches what is
documented for them."""

import json
import re

import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.factories import line_item_split
from tests.helpers import client_with_token, token_for, url

pytestmark = pytest.mark.django_db

TAGS = {
    "auth",
    "me",
    "departments",
    "memberships",
    "people",
    "invitations",
    "solicitations",
    "line items",
    "criteria",
    "participations",
    "cost splits",
    "approvals",
    "public",
    "vendors",
    "questions",
    "addenda",
    "evaluation",
    "awards",
    "contracts",
    "audit",
}
METHODS = {"get", "post", "put", "patch", "delete"}
DATE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")


def validator_for(schema: dict, subschema: dict) -> OAS30Validator:
    """A validator of `subschema` whose $refs resolve inside the whole document."""
    registry = Registry().with_resource(
        "urn:p3hub:openapi", Resource.from_contents(schema, default_specification=DRAFT4)
    )
    wrapped = {**subschema, "components": schema.get("components", {})}
    return OAS30Validator(_rebase(wrapped), registry=registry)


def _rebase(node):
    """Point local refs (#/components/...) at the registered document."""
    if isinstance(node, dict):
        return {
            key: (
                f"urn:p3hub:openapi{value}"
                if key == "$ref" and isinstance(value, str) and value.startswith("#")
                else _rebase(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rebase(item) for item in node]
    return node


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def examples(schema: dict):
    """(where, example value, the schema it illustrates) for every example of every body."""
    for path, method, operation in operations(schema):
        bodies = [("request", operation.get("requestBody", {}))]
        bodies += [(f"response {code}", body) for code, body in operation["responses"].items()]
        for kind, body in bodies:
            for media, content in body.get("content", {}).items():
                for name, example in content.get("examples", {}).items():
                    where = f"{method.upper()} {path} {kind} {media} «{name}»"
                    yield where, example["value"], content["schema"]


def test_the_document_is_valid_openapi_3(schema):
    validate_spec(schema)
    assert schema["openapi"].startswith("3.")


def test_every_example_validates_against_its_own_schema(schema):
    found, failures = 0, []
    for where, value, subschema in examples(schema):
        found += 1
        try:
            validator_for(schema, subschema).validate(value)
        except ValidationError as error:
            failures.append(f"{where}: {error.message} at {list(error.absolute_path)}")
    assert found > 40, "the schema lost its examples"
    assert failures == []


def test_endpoints_are_grouped_by_resource(schema):
    tags = {(path, method): op.get("tags", []) for path, method, op in operations(schema)}
    untagged = [pm for pm, found in tags.items() if len(found) != 1 or found[0] not in TAGS]
    assert untagged == []
    assert {t for found in tags.values() for t in found} == TAGS


def test_money_has_one_shape_a_decimal_string(schema):
    text = json.dumps(schema)
    # No amount in minor units and no {minor, display} object anywhere in the API.
    assert not re.search(r'"[a-z_]*_minor"', text)
    assert '"display"' not in text
    outputs = {n: c for n, c in schema["components"]["schemas"].items() if not n.endswith("Input")}
    for name, component in outputs.items():
        for prop, spec in component.get("properties", {}).items():
            if prop in {"amount", "estimated_unit_price", "estimated_total", "payable", "total"}:
                assert spec.get("type") == "string" and spec.get("format") == "decimal", (
                    name,
                    prop,
                    spec,
                )


def test_the_date_time_convention_is_documented(schema):
    description = schema["info"]["description"]
    assert "local time" in description and "offset" in description


# --- what the endpoints really answer -------------------------------------------------------


def _literal_segments(template: str, path: str) -> int | None:
    """How many segments of `path` the template spells out, or None if it does not match."""
    wanted, given = template.strip("/").split("/"), path.strip("/").split("/")
    if len(wanted) != len(given):
        return None
    if not all(w.startswith("{") or w == g for w, g in zip(wanted, given, strict=True)):
        return None
    return sum(not w.startswith("{") for w in wanted)


def documented(schema: dict, path: str, method: str, status: int) -> dict:
    """The documented JSON schema of a response; the most literal template wins (so
    .../preview/ is not read as .../{number}/)."""
    candidates = [
        (score, template)
        for template, item in schema["paths"].items()
        if method in item and (score := _literal_segments(template, path)) is not None
    ]
    assert candidates, f"{method} {path} is not in the schema"
    template = max(candidates)[1]
    responses = schema["paths"][template][method]["responses"]
    assert str(status) in responses, f"{method} {template} answers {status}, undocumented"
    return responses[str(status)]["content"]["application/json"]["schema"]


def assert_documented(schema, response, path: str, method: str):
    body = response.json()
    try:
        validator_for(schema, documented(schema, path, method, response.status_code)).validate(body)
    except ValidationError as error:
        raise AssertionError(
            f"{method} {path} {response.status_code}: {error.message} at "
            f"{list(error.absolute_path)}"
        ) from None


def test_reads_answer_as_documented(schema, api_as, proposed):
    officer, head, public = api_as("officer"), api_as("head.trn"), api_as(None)
    reference = proposed.reference
    base = f"/api/v1/riverton/solicitations/{reference}/"
    reads = [
        (officer, "/api/v1/me/"),
        (officer, "/api/v1/riverton/departments/"),
        (officer, "/api/v1/riverton/memberships/"),
        (officer, "/api/v1/riverton/solicitations/"),
        (officer, base),
        (officer, base + "history/"),
        (officer, base + "line-items/"),
        (officer, base + f"line-items/{proposed.camera.pk}/"),
        (officer, base + "criteria/"),
        (officer, base + "participations/"),
        (officer, base + "cost-split-versions/"),
        (officer, base + "cost-split-versions/1/"),
        (head, "/api/v1/riverton/approvals/"),
        (public, "/api/v1/public/solicitations/"),
    ]
    for client, path in reads:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        assert_documented(schema, response, path, "get")
        # One date-time convention everywhere: Riverton's local time with its offset (an
        # audit event's recorded before/after is kept as recorded, in UTC).
        body = response.json()
        if path.endswith("history/"):
            body = [{**e, "before": None, "after": None} for e in body["results"]]
        for moment in DATE_TIME.findall(json.dumps(body)):
            assert moment.endswith(("-06:00", "-05:00")), (path, moment)


def test_writes_and_refusals_answer_as_documented(schema, api_as, proposed, departments):
    officer = api_as("officer")
    calls = [
        ("post", "/api/v1/auth/token/", api_as(None), {"username": "officer", "password": "x"}),
        (
            "post",
            url(proposed, "line-items/"),
            officer,
            {"description": "Pole", "quantity": "1", "estimated_unit_price": "2,500.00"},
        ),
        ("post", url(proposed, "line-items/"), officer, {"description": "", "quantity": "x"}),
        (
            "post",
            url(proposed, "cost-split-versions/preview/"),
            officer,
            {"method": "line_item", "inputs": line_item_split(proposed)},
        ),
        ("post", url(proposed, "cost-split-versions/preview/"), officer, {"method": "fixed"}),
        ("post", url(proposed, "publish/"), officer, None),
        (
            "post",
            url(proposed, "cost-split-versions/2/approve/"),
            api_as("head.trn"),
            {"department": "TRN"},
        ),
        ("put", url(proposed, "criteria/"), officer, {"criteria": [{"name": "Price"}]}),
        ("post", "/api/v1/riverton/solicitations/", officer, {"kind": "RFQ"}),
        ("post", "/api/v1/riverton/departments/", officer, {"code": "X"}),
    ]
    for method, path, client, body in calls:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code < 500, (path, response.content)
        assert_documented(schema, response, path, method)


def test_the_token_endpoints_answer_as_documented(schema, personas, settings):
    settings.LOGIN_THROTTLE_ACCOUNT = "1/15min"
    client = client_with_token(token_for("officer"))
    answers = [
        (client.get("/api/v1/auth/tokens/"), "/api/v1/auth/tokens/", "get"),
        (
            client.delete("/api/v1/auth/tokens/p3h_00000000000/"),
            "/api/v1/auth/tokens/{token_id}/",
            "delete",
        ),
        (client_with_token("nope").get("/api/v1/auth/tokens/"), "/api/v1/auth/tokens/", "get"),
    ]
    for password in ("wrong", "wrong"):  # the second is over the limit: a 429
        answer = client.post(
            "/api/v1/auth/token/", {"username": "officer", "password": password}, format="json"
        )
        answers.append((answer, "/api/v1/auth/token/", "post"))

    assert [answer.status_code for answer, _, _ in answers] == [200, 404, 401, 400, 429]
    for answer, path, method in answers:
        assert_documented(schema, answer, path, method)


def test_the_evaluation_and_the_award_answer_as_documented(
    schema, api_as, actor, departments, personas
):
    # Given the cameras scored, the award published and protested (issue 12).
    from procurements import services
    from procurements.models import Award
    from tests.factories import build_scored
    from vendors.actor import vendor_actor_for

    scored = build_scored(actor, departments, personas)
    award = services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)
    officer, head, evaluator = api_as("officer"), api_as("head.psd"), api_as("evaluator")
    inbox = head.get("/api/v1/riverton/approvals/awards/")
    assert_documented(schema, inbox, "/api/v1/riverton/approvals/awards/", "get")
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"),
            award=Award.objects.get(pk=award.pk),
            department=departments[code],
        )
    beacon = vendor_actor_for(personas["vendor.beacon"])
    services.protest_file(actor=beacon, award=Award.objects.get(pk=award.pk), reasons="Cheaper.")

    base = f"/api/v1/riverton/solicitations/{scored.reference}/"
    vendor = f"/api/v1/vendor/solicitations/riverton/{scored.reference}/award/"
    reads = [
        (officer, base + "evaluation/"),
        (officer, base + "evaluation/evaluators/"),
        (officer, base + "evaluation/conflicts/"),
        (officer, base + "evaluation/bids/"),
        (officer, base + "evaluation/committee/"),
        (evaluator, base + "evaluation/declaration/"),
        (evaluator, base + "evaluation/sheet/"),
        (officer, base + "award/"),
        (officer, base + "award/protests/"),
        (api_as(None), f"/api/v1/public/solicitations/riverton/{scored.reference}/award/"),
        (api_as("vendor.beacon"), vendor),
        (api_as("vendor.beacon"), vendor + "protests/"),
    ]
    for client, path in reads:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        assert_documented(schema, response, path, "get")
        for moment in DATE_TIME.findall(json.dumps(response.json())):
            assert moment.endswith(("-06:00", "-05:00")), (path, moment)
    writes = [
        (officer, "post", base + "evaluation/evaluators/", {"user": "nobody"}),
        (officer, "post", base + "evaluation/reopen/", {"reason": ""}),
        (evaluator, "patch", base + "evaluation/sheet/", {"scores": [{"points": 101}]}),
        (evaluator, "post", base + "evaluation/declaration/", {"conflicts": {}}),
        (officer, "post", base + "award/", {"bid": scored.acme.pk}),
        (api_as("vendor.beacon"), "post", vendor + "protests/", {"reasons": "Again."}),
        (api_as("head.trn"), "post", base + "awards/1/departments/PSD/approve/", None),
    ]
    for client, method, path, body in writes:
        response = getattr(client, method)(path, body, format="json")
        assert 400 <= response.status_code < 500, (path, response.content)
        assert_documented(schema, response, path, method)


def test_the_contracts_answer_as_documented(
    schema, api_as, actor, departments, personas, django_capture_on_commit_callbacks
):
    # Given the cameras' contract signed by every party but TRN (issue 13).
    from tests.factories import build_contract, sign_every_party

    contract = sign_every_party(
        actor, personas, build_contract(actor, departments, personas), but=("TRN",)
    )
    officer, acme, public = api_as("officer"), api_as("vendor.acme"), api_as(None)
    staff = f"/api/v1/riverton/contracts/{contract.number}/"
    vendor = f"/api/v1/vendor/contracts/riverton/{contract.number}/"
    reads = [
        (officer, "/api/v1/riverton/contracts/"),
        (officer, staff),
        (officer, staff + "schedule/"),
        (officer, staff + "signatures/"),
        (officer, staff + "pdf/"),
        (acme, "/api/v1/vendor/contracts/"),
        (acme, vendor),
        (acme, vendor + "pdf/"),
        (public, "/api/v1/public/contracts/riverton/"),
    ]
    writes = [
        (officer, "patch", staff, {"term_years": 0}),
        (officer, "post", staff + "send/", None),
        (officer, "post", "/api/v1/riverton/contracts/", {"solicitation": "RIV-2026-9999"}),
        (api_as("head.psd"), "post", staff + "signatures/", {"department": "TRN"}),
        (acme, "post", vendor + "sign/", {"typed_name": "Ada Acme", "consent": True}),
        (public, "post", "/api/v1/public/contract-verifications/", {"sha256": "x"}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        signed = api_as("head.trn").post(
            staff + "signatures/",
            {"department": "TRN", "typed_name": "Tomas Reyes", "consent": True},
            format="json",
        )
    assert_documented(schema, signed, staff + "signatures/", "post")
    reads += [
        (public, f"/api/v1/public/contracts/riverton/{contract.number}/"),
        (officer, staff + "pdf/"),
    ]
    for client, path in reads:
        response = client.get(path)
        assert response.status_code == 200, (path, response.content)
        assert_documented(schema, response, path, "get")
        for moment in DATE_TIME.findall(json.dumps(response.json())):
            assert moment.endswith(("-06:00", "-05:00")), (path, moment)
    for client, method, path, body in writes:
        response = getattr(client, method)(path, body, format="json")
        assert 400 <= response.status_code < 500, (path, response.content)
        assert_documented(schema, response, path, method)
    verified = public.post(
        "/api/v1/public/contract-verifications/",
        {"sha256": contract.pdf.sha256},
        format="json",
    )
    assert verified.json()["of_record"] is True
    assert_documented(schema, verified, "/api/v1/public/contract-verifications/", "post")


def test_the_contract_endpoints_carry_examples(schema):
    bare = [
        (method, path)
        for path, method, operation in operations(schema)
        if "contract" in path
        for code, body in operation["responses"].items()
        if code.startswith("2") and "application/json" in body.get("content", {})
        if not body["content"]["application/json"].get("examples")
    ]
    assert bare == []
