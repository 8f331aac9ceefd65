"""The portal's search of what every city has open for bids (issue 10, item 3): by text, city
and category, paginated, each row saying whether the company follows it; the page and the API
agree; staff of a city and the anonymous are kept out; queries stay constant from 10 to 200
rows, and so do the company's addenda."""

import datetime as dt

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from departments.models import Department, Municipality
from procurements.models import Addendum, Follow, Solicitation
from tests.factories import build_published
from tests.helpers import page_text, queries_for_get
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db


def open_solicitations(count: int, *, slug="riverton", category="security", start=0):
    """`count` solicitations open for bids, straight into the table (the services are tested
    elsewhere; here only the reads are)."""
    municipality = Municipality.objects.get(slug=slug)
    lead = Department.objects.filter(municipality=municipality).first()
    officer = municipality.memberships.first().user
    Solicitation.objects.bulk_create(
        Solicitation(
            municipality=municipality,
            reference=f"{municipality.code}-OPEN-{start + n:04d}",
            title=f"Open solicitation {start + n}",
            category=category,
            lead_department=lead,
            status=Solicitation.Status.PUBLISHED,
            published_at=dt.datetime.now(dt.UTC),
            bids_due_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=20 + n % 5),
            created_by=officer,
        )
        for n in range(count)
    )


class TestSearch:
    def test_by_text_city_and_category(self, client, personas, actor, departments):
        cameras = build_published(actor, departments)
        Solicitation.objects.filter(pk=cameras.pk).update(category="security")
        open_solicitations(2, slug="lakeside", category="health")
        client.force_login(personas["vendor.acme"])
        url = reverse("vendor-solicitations")
        everything = page_text(client.get(url))
        assert cameras.reference in everything and "LAK-OPEN-0000" in everything
        by_text = page_text(client.get(url, {"q": "intersection"}))
        assert cameras.reference in by_text and "LAK-OPEN" not in by_text
        by_city = page_text(client.get(url, {"city": "lakeside"}))
        assert cameras.reference not in by_city and "LAK-OPEN-0001" in by_city
        by_category = page_text(client.get(url, {"category": "health"}))
        assert cameras.reference not in by_category and "LAK-OPEN-0000" in by_category
        # Acme registered for security and traffic: "mine" keeps the cameras only.
        mine = page_text(client.get(url, {"mine": "on"}))
        assert cameras.reference in mine and "LAK-OPEN" not in mine

    def test_closed_and_draft_ones_are_not_listed(self, client, personas, actor, cameras):
        gone = build_published(actor, {d.code: d for d in cameras.municipality.departments.all()})
        Solicitation.objects.filter(pk=gone.pk).update(bids_due_at=Now())
        client.force_login(personas["vendor.acme"])
        text = page_text(client.get(reverse("vendor-solicitations")))
        assert gone.reference not in text and cameras.reference not in text
        assert "No open solicitation matches" in text

    def test_an_unknown_category_is_a_400_naming_it(self, client, personas):
        client.force_login(personas["vendor.acme"])
        response = client.get(reverse("vendor-solicitations"), {"category": "weapons"})
        assert response.status_code == 400
        assert "Category of work" in page_text(response)
        api = client.get("/api/v1/vendor/solicitations/", {"category": "weapons"})
        assert api.status_code == 400 and api.json()["errors"][0]["attr"] == "category"

    def test_the_api_says_which_the_company_follows(self, api_as, personas, actor, departments):
        cameras = build_published(actor, departments)
        acme = vendor_actor_for(personas["vendor.acme"])
        Follow.objects.create(solicitation=cameras, vendor=acme.vendor, followed_by=acme.user)
        rows = api_as("vendor.acme").get("/api/v1/vendor/solicitations/").json()["results"]
        assert [(r["reference"], r["following"]) for r in rows] == [(cameras.reference, True)]
        rows = api_as("vendor.beacon").get("/api/v1/vendor/solicitations/").json()["results"]
        assert [r["following"] for r in rows] == [False]

    @pytest.mark.parametrize("username, page, api", [("officer", 404, 404), (None, 302, 401)])
    def test_only_companies(self, client, api_as, personas, username, page, api):
        if username:
            client.force_login(personas[username])
        assert client.get(reverse("vendor-solicitations")).status_code == page
        assert api_as(username).get("/api/v1/vendor/solicitations/").status_code == api


class TestQueriesStayConstant:
    def test_the_page_the_panel_and_the_api(self, client, api_as, personas):
        client.force_login(personas["vendor.acme"])
        api = api_as("vendor.acme")
        open_solicitations(10)
        few = [
            queries_for_get(client, reverse("vendor-solicitations")),
            queries_for_get(client, reverse("vendor-portal")),
            queries_for_get(api, "/api/v1/vendor/solicitations/?page_size=100"),
        ]
        open_solicitations(190, start=10)
        many = [
            queries_for_get(client, reverse("vendor-solicitations")),
            queries_for_get(client, reverse("vendor-portal")),
            queries_for_get(api, "/api/v1/vendor/solicitations/?page_size=100"),
        ]
        assert few == many

    def test_the_companys_addenda(self, client, api_as, personas, actor, departments):
        cameras = build_published(actor, departments)
        acme = vendor_actor_for(personas["vendor.acme"])
        Follow.objects.create(solicitation=cameras, vendor=acme.vendor, followed_by=acme.user)
        officer = personas["officer"]

        def add(start, count):
            Addendum.objects.bulk_create(
                Addendum(
                    solicitation=cameras,
                    number=start + n,
                    title=f"Addendum {start + n}",
                    text="Text.",
                    published_at=dt.datetime.now(dt.UTC),
                    published_by=officer,
                )
                for n in range(count)
            )

        client.force_login(personas["vendor.acme"])
        api = api_as("vendor.acme")
        staff = api_as("officer")
        add(1, 10)
        few = [
            queries_for_get(staff, f"/api/v1/riverton/solicitations/{cameras.reference}/addenda/"),
            queries_for_get(client, reverse("vendor-addenda")),
            queries_for_get(api, "/api/v1/vendor/addenda/?page_size=100"),
            queries_for_get(
                client, reverse("vendor-solicitation", args=["riverton", cameras.reference])
            ),
            queries_for_get(
                client, reverse("solicitation-public", args=["riverton", cameras.reference])
            ),
        ]
        add(11, 190)
        many = [
            queries_for_get(staff, f"/api/v1/riverton/solicitations/{cameras.reference}/addenda/"),
            queries_for_get(client, reverse("vendor-addenda")),
            queries_for_get(api, "/api/v1/vendor/addenda/?page_size=100"),
            queries_for_get(
                client, reverse("vendor-solicitation", args=["riverton", cameras.reference])
            ),
            queries_for_get(
                client, reverse("solicitation-public", args=["riverton", cameras.reference])
            ),
        ]
        assert few == many


def test_the_api_searches_as_the_page_does(api_as, actor, departments):
    cameras = build_published(actor, departments)
    Solicitation.objects.filter(pk=cameras.pk).update(category="security")
    open_solicitations(2, slug="lakeside", category="health")
    acme = api_as("vendor.acme")

    def found(query: str) -> set[str]:
        response = acme.get(f"/api/v1/vendor/solicitations/?{query}")
        assert response.status_code == 200, response.json()
        return {row["reference"] for row in response.json()["results"]}

    assert found("q=intersection") == {cameras.reference}
    assert found("city=lakeside") == {"LAK-OPEN-0000", "LAK-OPEN-0001"}
    assert found("category=health") == {"LAK-OPEN-0000", "LAK-OPEN-0001"}
    assert found("mine=true") == {cameras.reference}  # Acme: security and traffic
