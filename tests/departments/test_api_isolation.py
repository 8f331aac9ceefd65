"""Tenant isolation of the staff API (DESIGN.md 5.1 and 10): every URL under
/api/v1/<municipality-slug>/ answers 404 to everyone who is not a member of that municipality,
exactly as for a municipality that does not exist, whatever the method.

The URLs come from the URL resolver, so an endpoint added later is covered without editing
this file (a detail URL needs a list URL of the same name to find a real primary key).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from departments.models import Department, Membership
from p3hub.models import AuditEvent
from tests.helpers import METHODS, client_with_token, tenant_url_patterns, token_for

pytestmark = pytest.mark.django_db


def tenant_urls(slug: str, admin_client: APIClient) -> list[str]:
    """A concrete URL for every tenant pattern one may GET; detail URLs use a real object of
    `slug`."""
    urls = []
    for namespace, pattern in tenant_url_patterns():
        assert pattern.name, f"unnamed tenant API pattern {pattern.pattern}"
        if "get" not in (getattr(pattern.callback, "actions", None) or {"get": "get"}):
            continue  # a POST-only action (deactivate): the write tests cover it
        kwargs = {"municipality_slug": slug}
        extra = set(pattern.pattern.regex.groupindex) - set(kwargs)
        if extra - {"pk"}:
            # Routes nested under a solicitation (reference, number) need one the demo lacks;
            # tests/procurements/test_api_procurement_isolation.py walks every tenant route.
            continue
        if extra:
            list_name = namespace + pattern.name.rsplit("-", 1)[0] + "-list"
            list_url = reverse(list_name, kwargs=kwargs)
            results = admin_client.get(list_url).json()["results"]
            assert results, f"{list_url} is empty: the demo needs a row to probe {pattern.name}"
            kwargs["pk"] = results[0]["id"]
        urls.append(reverse(namespace + pattern.name, kwargs=kwargs))
    return urls


def test_the_introspection_finds_the_tenant_endpoints():
    names = {namespace + pattern.name for namespace, pattern in tenant_url_patterns()}

    assert {
        "tenant_api:department-list",
        "tenant_api:department-detail",
        "tenant_api:membership-list",
        "tenant_api:membership-detail",
    } <= names


def test_lakeside_officer_token_gets_404_on_every_riverton_url_and_riverton_officer_200(
    api_as, personas
):
    # Given tokens obtained the way an integrator would.
    outsider = client_with_token(token_for("officer.lakeside"))
    officer = client_with_token(token_for("officer"))
    urls = tenant_urls("riverton", api_as("admin"))
    nowhere = outsider.get("/api/v1/no-such-city/departments/")
    assert nowhere.status_code == 404

    for url in urls:
        # When the other city's officer asks: 404, the same body as for no municipality at all.
        response = outsider.get(url)
        assert response.status_code == 404, url
        assert response.content == nowhere.content, url
        # And riverton's own officer reads it (invitations are tenant admins' alone).
        assert officer.get(url).status_code == (403 if "/invitations/" in url else 200), url


@pytest.mark.parametrize("outsider", ["officer.lakeside", "vendor.acme"])
def test_outsiders_get_the_same_404_for_every_method_and_nothing_changes(
    api_as, personas, outsider
):
    client = api_as(outsider)
    urls = tenant_urls("riverton", api_as("admin"))
    nowhere = client.get("/api/v1/no-such-city/departments/")
    before = (Department.objects.count(), Membership.objects.count(), AuditEvent.objects.count())

    for url in urls:
        for method in METHODS:
            payload = {"code": "EVIL", "name": "Evil", "username": outsider, "role": "admin"}
            data = None if method in ("get", "head", "options") else payload
            response = getattr(client, method)(url, data, format="json")
            assert response.status_code == 404, (method, url)
            if method != "head":
                assert response.content == nowhere.content, (method, url)

    after = (Department.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert not Membership.objects.filter(user=personas[outsider], municipality__slug="riverton")


def test_anonymous_get_401_for_every_method(api_as, personas):
    urls = tenant_urls("riverton", api_as("admin"))
    anonymous = APIClient()

    for url in urls:
        for method in METHODS:
            response = getattr(anonymous, method)(url)
            assert response.status_code == 401, (method, url)
            if method != "head":
                assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_a_member_of_both_cities_sees_each_city_only_under_its_own_slug(api_as, personas):
    # Given riverton's officer is also a member of lakeside's Public Works.
    lakeside_pwd = Department.objects.get(municipality__slug="lakeside", code="PWD")
    Membership.objects.create(
        user=personas["officer"],
        municipality=lakeside_pwd.municipality,
        role="member",
        department=lakeside_pwd,
    )
    client = api_as("officer")

    riverton = client.get("/api/v1/riverton/departments/").json()["results"]
    lakeside = client.get("/api/v1/lakeside/departments/").json()["results"]
    crossed = client.get(f"/api/v1/riverton/departments/{lakeside_pwd.pk}/")

    assert [d["code"] for d in riverton] == ["PSD", "TRN"]
    assert [d["code"] for d in lakeside] == ["PWD"]
    # Lakeside's department is not reachable through riverton's URL.
    assert crossed.status_code == 404
    # And a plain member of lakeside may not list lakeside's people.
    assert client.get("/api/v1/lakeside/memberships/").status_code == 403


def test_riverton_admin_reads_and_writes_every_endpoint(api_as, personas):
    client = api_as("admin")
    trn = Department.objects.get(municipality__slug="riverton", code="TRN")

    for url in tenant_urls("riverton", client):
        assert client.get(url).status_code == 200, url
    created = client.post(
        "/api/v1/riverton/departments/", {"code": "PRK", "name": "Parks"}, format="json"
    )
    updated = client.patch(f"/api/v1/riverton/departments/{trn.pk}/", {"name": "T"}, format="json")
    replaced = client.put(
        f"/api/v1/riverton/departments/{trn.pk}/", {"code": "TRN", "name": "Tr"}, format="json"
    )
    granted = client.post(
        "/api/v1/riverton/memberships/",
        {"person": personas["evaluator"].pk, "role": "member", "department": "PRK"},
        format="json",
    )
    revoked = client.delete(f"/api/v1/riverton/memberships/{granted.json()['id']}/")

    assert [r.status_code for r in (created, updated, replaced, granted, revoked)] == [
        201,
        200,
        200,
        201,
        204,
    ]


def test_riverton_officer_reads_everything_and_is_refused_every_admin_write(api_as, personas):
    client = api_as("officer")
    trn = Department.objects.get(municipality__slug="riverton", code="TRN")
    role = Membership.objects.get(user=personas["evaluator"])
    before = (Department.objects.count(), Membership.objects.count(), AuditEvent.objects.count())

    for url in tenant_urls("riverton", api_as("admin")):
        # Invitations name people's addresses: tenant admins alone read them.
        expected = 403 if "/invitations/" in url else 200
        assert client.get(url).status_code == expected, url
    writes = [
        client.post("/api/v1/riverton/departments/", {"code": "PRK", "name": "P"}, format="json"),
        client.patch(f"/api/v1/riverton/departments/{trn.pk}/", {"name": "T"}, format="json"),
        client.put(
            f"/api/v1/riverton/departments/{trn.pk}/", {"code": "TRN", "name": "T"}, format="json"
        ),
        client.post(
            "/api/v1/riverton/memberships/",
            {"person": personas["officer"].pk, "role": "admin"},
            format="json",
        ),
        client.delete(f"/api/v1/riverton/memberships/{role.pk}/"),
    ]

    assert [r.status_code for r in writes] == [403] * 5
    assert {r.json()["errors"][0]["code"] for r in writes} == {"permission_denied"}
    after = (Department.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    assert after == before
