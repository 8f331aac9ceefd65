"""Tenant isolation of the procurement API (DESIGN.md 5.1 and 10): every route under
/api/v1/<municipality-slug>/, the ones nested under a solicitation included, answers 404 to
other cities' staff and to vendors, whatever the method, and changes nothing.

The routes come from the URL resolver (as in tests/departments/test_api_isolation.py), filled
with the ids of a real joint solicitation, so a route added later is covered without editing
this file.
"""

import re

import pytest
from django.urls import reverse

from departments.tenancy import tenant_actor_for
from procurements import services
from tests.helpers import (
    METHODS,
    client_with_token,
    database_state,
    tenant_url_patterns,
    token_for,
)

pytestmark = pytest.mark.django_db

# Whatever a write endpoint could want, so a refusal is never just a 400 for a missing field.
PAYLOAD = {
    "department": "TRN",
    "reason": "x",
    "method": "percentage",
    "inputs": {"percentages": {"TRN": "100"}},
    "title": "Evil",
    "kind": "RFP",
    "lead_department": "TRN",
    "description": "Evil",
    "quantity": "1",
    "estimated_unit_price": "1.00",
}


# Rows a proposed solicitation cannot have yet (an opened bid, an evaluator, a protest): any
# value serves, since outsiders are refused before a row is looked up.
PLACEHOLDERS = {"bid_id": 1, "user_id": 1, "protest_id": 1, "department": "TRN"}


def procurement_urls(slug: str, reference: str, member) -> list[tuple[str, set[str]]]:
    """(url, methods the view answers) for every tenant route, filled with real ids."""
    urls = []
    for namespace, pattern in tenant_url_patterns():
        kwargs = {"municipality_slug": slug}
        wanted = set(pattern.pattern.regex.groupindex)
        assert wanted <= {"municipality_slug", "reference", "number", "pk", *PLACEHOLDERS}, (
            f"teach this test the URL kwargs {wanted} of {pattern.name}"
        )
        if "reference" in wanted:
            kwargs["reference"] = reference
        if "number" in wanted:
            kwargs["number"] = 1
        kwargs.update({name: value for name, value in PLACEHOLDERS.items() if name in wanted})
        if "pk" in wanted:
            list_url = reverse(namespace + pattern.name.rsplit("-", 1)[0] + "-list", kwargs=kwargs)
            results = member.get(list_url).json()["results"]
            assert results, f"{list_url} is empty: cannot probe {pattern.name}"
            kwargs["pk"] = results[0]["id"]
        actions = getattr(pattern.callback, "actions", None) or {"get": "get"}
        urls.append((reverse(namespace + pattern.name, kwargs=kwargs), set(actions)))
    return urls


def is_procurement_route(url: str) -> bool:
    # Departments, people, roles and invitations have role rules of their own (their tests
    # cover them), and so have the evaluation's reads past its summary and the award's
    # (tests/procurements/test_api_evaluation.py and test_api_awards.py); a contract's need a
    # contract, which the proposed cameras cannot have (tests/contracts/test_api_contracts.py).
    if re.search(r"/solicitations/[^/]+/(evaluation|award)/.+", url) or url.endswith("/award/"):
        return False
    if re.search(r"/contracts/[^/]+/", url):
        return False
    return not url.startswith(
        tuple(
            f"/api/v1/riverton/{tail}/"
            for tail in ("departments", "memberships", "people", "invitations")
        )
    )


def test_every_procurement_route_is_walked(api_as, proposed):
    urls = procurement_urls("riverton", proposed.reference, api_as("admin"))
    paths = {url for url, _ in urls}
    base = f"/api/v1/riverton/solicitations/{proposed.reference}/"

    for tail in [
        "",
        "publish/",
        "cancel/",
        "history/",
        "criteria/",
        "line-items/",
        f"line-items/{proposed.camera.pk}/",
        "participations/",
        "cost-split-versions/",
        "cost-split-versions/1/",
        "cost-split-versions/1/approve/",
        "cost-split-versions/1/reject/",
        "cost-split-versions/preview/",
    ]:
        assert base + tail in paths, tail
    assert "/api/v1/riverton/approvals/" in paths
    assert any("/join/" in path for path in paths) and any("/decline/" in path for path in paths)


@pytest.mark.parametrize("outsider", ["officer.lakeside", "vendor.acme", "vendor.beacon"])
def test_outsiders_get_the_same_404_on_every_route_and_method_and_nothing_changes(
    api_as, proposed, outsider
):
    # Given a token obtained the way an integrator would
    client = client_with_token(token_for(outsider))
    urls = procurement_urls("riverton", proposed.reference, api_as("admin"))
    nowhere = client.get("/api/v1/no-such-city/solicitations/")
    before = database_state()

    for url, _ in urls:
        for method in METHODS:
            data = None if method in ("get", "head", "options") else PAYLOAD
            response = getattr(client, method)(url, data, format="json")
            # Then the same 404 as for a municipality that does not exist
            assert response.status_code == 404, (method, url)
            if method != "head":
                assert response.content == nowhere.content, (method, url)

    assert database_state() == before


def test_anonymous_get_401_on_every_route_and_method(api_as, proposed):
    urls = procurement_urls("riverton", proposed.reference, api_as("admin"))
    anonymous = api_as(None)

    for url, _ in urls:
        for method in METHODS:
            response = getattr(anonymous, method)(url)
            assert response.status_code == 401, (method, url)


@pytest.mark.parametrize("member", ["officer", "admin", "head.trn", "head.psd", "evaluator"])
def test_every_riverton_member_reads_every_readable_route(api_as, proposed, member):
    client = api_as(member)

    for url, methods in procurement_urls("riverton", proposed.reference, api_as("admin")):
        if "get" in methods and is_procurement_route(url):
            assert client.get(url).status_code == 200, url


def test_another_citys_reference_is_not_found_under_riverton(api_as, proposed, personas):
    # Given lakeside has a solicitation of its own
    lakeside = tenant_actor_for(personas["officer.lakeside"], "lakeside")
    theirs = services.solicitation_create(
        actor=lakeside,
        kind="RFQ",
        title="Snow plows",
        lead_department=lakeside.municipality.departments.get(code="PWD"),
    )
    officer, their_officer = api_as("officer"), api_as("officer.lakeside")
    before = database_state()

    crossed = f"/api/v1/riverton/solicitations/{theirs.reference}/"

    # When riverton's officer asks for it under riverton's slug: the same 404 as for nothing
    for tail in ["", "line-items/", "criteria/", "history/", "cost-split-versions/"]:
        assert officer.get(crossed + tail).status_code == 404, tail
    cancelled = officer.post(crossed + "cancel/", {"reason": "x"}, format="json")
    assert cancelled.status_code == 404
    # and riverton's lists never show it, while lakeside's officer sees it under lakeside
    listed = officer.get("/api/v1/riverton/solicitations/").json()["results"]
    assert theirs.reference not in {s["reference"] for s in listed}
    mine = their_officer.get(f"/api/v1/lakeside/solicitations/{theirs.reference}/")
    assert mine.status_code == 200
    assert database_state() == before


def test_lakeside_officer_cannot_reach_riverton_through_lakeside_urls(api_as, proposed):
    client = api_as("officer.lakeside")
    base = f"/api/v1/lakeside/solicitations/{proposed.reference}/"

    for tail in ["", "line-items/", f"line-items/{proposed.camera.pk}/", "cost-split-versions/1/"]:
        assert client.get(base + tail).status_code == 404, tail
    assert client.post(base + "publish/").status_code == 404
    lakeside_psd = client.post(
        "/api/v1/lakeside/solicitations/",
        {"kind": "RFP", "title": "x", "lead_department": "TRN"},
        format="json",
    )
    # Riverton's department codes are unknown in lakeside.
    assert lakeside_psd.status_code == 400
    assert lakeside_psd.json()["errors"][0]["attr"] == "lead_department"


def test_tenant_answers_are_never_cached_and_public_ones_may_be(api_as, proposed):
    officer, outsider = api_as("officer"), api_as("officer.lakeside")

    # The admin fills in the ids (officers may not list invitations); refusals are checked too.
    for url, methods in procurement_urls("riverton", proposed.reference, api_as("admin")):
        if "get" in methods:
            # Every tenant answer, and a refusal too (it comes from the same base).
            assert "no-store" in officer.get(url)["Cache-Control"], url
            assert "no-store" in outsider.get(url)["Cache-Control"], url
    assert "no-store" in officer.get("/api/v1/me/")["Cache-Control"]
    public = api_as(None).get("/api/v1/public/solicitations/")
    assert public.status_code == 200
    assert "no-store" not in public.get("Cache-Control", "")
