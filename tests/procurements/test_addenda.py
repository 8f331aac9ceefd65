"""Addenda (issue 10, item 5): the officer publishes numbered changes to a solicitation open for
bids (text, documents, a later deadline with the dates kept in order, changed line items);
followers are e-mailed once; each company acknowledges each addendum by the database clock;
the public page, the portal and the API list them; bad input changes nothing."""

import datetime as dt

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationErrors
from p3hub.models import OutboundEmail
from procurements import selectors, services
from procurements.models import Acknowledgement, Addendum, Document, Follow, Solicitation
from procurements.services.addenda import notify_followers
from tests.factories import upload
from tests.helpers import database_state, page_text, post_refused
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(personas):
    return lambda username: vendor_actor_for(personas[username])


def follow(company, solicitation, username="vendor.acme"):
    vendor = company(username)
    Follow.objects.get_or_create(
        solicitation=solicitation, vendor=vendor.vendor, defaults={"followed_by": vendor.user}
    )


def later(solicitation, days=7):
    return solicitation.bids_due_at + dt.timedelta(days=days)


def publish_addendum(actor, solicitation, **changes):
    fields = {"title": "Deadline extended", "text": "One more week to bid.", **changes}
    return services.addendum_publish(actor=actor("officer"), solicitation=solicitation, **fields)


def refusals(error) -> dict:
    errors = error.errors if isinstance(error, ValidationErrors) else [error]
    return {each.field: each.message for each in errors}


class TestPublishing:
    def test_numbers_each_addendum_and_moves_the_deadline_later(self, actor, published):
        new_due, new_opening = later(published), later(published, days=8)
        first = publish_addendum(actor, published, bids_due_at=new_due, opening_at=new_opening)
        second = publish_addendum(actor, published, title="Site visit", text="Tuesday at 10.")
        assert (first.number, second.number) == (1, 2)
        published.refresh_from_db()
        assert (published.bids_due_at, published.opening_at) == (new_due, new_opening)
        assert set(first.changes["dates"]) == {"bids_due_at", "opening_at"}
        first.refresh_from_db()  # as stored: a JSON column keeps no key order
        described = first.changes_described()
        assert [sentence.split(":")[0] for sentence in described] == ["Bids due", "Bid opening"]
        assert first.published_at is not None and second.changes == {}

    def test_changes_a_line_item_and_attaches_documents(self, actor, published):
        addendum = publish_addendum(
            actor,
            published,
            line_items=[{"position": 1, "quantity": "6", "description": "Traffic camera, 4K"}],
            documents=[upload("revised.pdf")],
        )
        camera = published.line_items.get(position=1)
        assert camera.quantity == 6 and camera.description == "Traffic camera, 4K"
        assert addendum.changes["line_items"] == [
            {
                "position": 1,
                "before": {"description": "Traffic camera", "quantity": "4"},
                "after": {"description": "Traffic camera, 4K", "quantity": "6"},
            }
        ]
        document = Document.objects.get(addendum=addendum)
        assert document.file_name == "revised.pdf"

    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"bids_due_at": "earlier"}, "bids_due_at"),
            ({"bids_due_at": "past"}, "bids_due_at"),
            ({"bids_due_at": "after_opening"}, "opening_at"),
            ({"questions_due_at": "after_bids"}, "bids_due_at"),
            ({"title": ""}, "title"),
            ({"text": ""}, "text"),
            ({"line_items": [{"position": 9, "quantity": "1"}]}, "line_items"),
            ({"line_items": [{"position": 1, "quantity": "-1"}]}, "line_items"),
            ({"line_items": "six cameras"}, "line_items"),
        ],
    )
    def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
        self, actor, published, changes, field
    ):
        due, opening = published.bids_due_at, published.opening_at
        moments = {
            "earlier": due - dt.timedelta(hours=1),
            "past": dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
            "after_opening": opening + dt.timedelta(days=1),
            "after_bids": due + dt.timedelta(days=1),
        }
        changes = {k: moments.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
        before = database_state()
        with pytest.raises((ValidationErrors, Exception)) as caught:
            publish_addendum(actor, published, **changes)
        assert field in refusals(caught.value), refusals(caught.value)
        assert database_state() == before

    def test_every_field_at_fault_is_named_at_once(self, actor, published):
        with pytest.raises(ValidationErrors) as caught:
            publish_addendum(
                actor,
                published,
                title="",
                text="",
                bids_due_at=published.bids_due_at - dt.timedelta(days=1),
                documents=[upload("virus.pdf", b"MZ\x90\x00 not a pdf")],
            )
        assert set(refusals(caught.value)) == {"title", "text", "bids_due_at", "documents"}

    def test_only_while_bidding_is_open(self, actor, published, cameras):
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        with pytest.raises(InvalidTransition):
            publish_addendum(actor, published)
        with pytest.raises(InvalidTransition):
            publish_addendum(actor, cameras)  # a draft: edit it instead
        assert not Addendum.objects.exists()

    def test_only_an_officer_of_its_city(self, actor, published):
        with pytest.raises(PermissionDenied):
            services.addendum_publish(
                actor=actor("head.trn"), solicitation=published, title="x", text="y"
            )
        with pytest.raises(NotFound):
            selectors.solicitation_get_for(
                actor("officer.lakeside", "lakeside"), published.reference
            )
        assert not Addendum.objects.exists()


class TestFollowersAreEmailed:
    def test_each_follower_once_even_when_sent_twice(
        self, actor, company, published, django_capture_on_commit_callbacks, mailoutbox
    ):
        follow(company, published, "vendor.acme")
        with django_capture_on_commit_callbacks(execute=True):
            addendum = publish_addendum(
                actor,
                published,
                bids_due_at=later(published),
                opening_at=later(published, days=8),
            )
        with django_capture_on_commit_callbacks(execute=True):
            assert notify_followers(addendum.pk) == 0  # a retry sends nothing more
        assert [m.to for m in mailoutbox] == [[company("vendor.acme").user.email]]
        message = mailoutbox[0]
        assert "Addendum 1" in message.subject and "Bids due: now" in message.body
        assert "/vendor/solicitations/riverton/" in message.body
        assert OutboundEmail.objects.filter(key__startswith="addendum-published:").count() == 1


class TestAcknowledging:
    def test_records_who_and_when_once(self, actor, company, published):
        addendum = publish_addendum(actor, published)
        acme = company("vendor.acme")
        first = services.addendum_acknowledge(actor=acme, addendum=addendum)
        again = services.addendum_acknowledge(actor=acme, addendum=addendum)
        assert first.pk == again.pk and first.acknowledged_by == acme.user
        assert first.acknowledged_at is not None
        assert Follow.objects.filter(vendor=acme.vendor, solicitation=published).exists()
        assert services.unacknowledged_addenda(published, acme.vendor) == []
        assert services.unacknowledged_addenda(published, company("vendor.beacon").vendor) == [1]

    def test_refused_after_the_deadline_by_the_database_clock(self, actor, company, published):
        addendum = publish_addendum(actor, published)
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        with pytest.raises(InvalidTransition):
            services.addendum_acknowledge(actor=company("vendor.acme"), addendum=addendum)
        assert not Acknowledgement.objects.exists()

    def test_the_portal_lists_what_each_company_still_has_to_acknowledge(
        self, actor, company, published
    ):
        follow(company, published, "vendor.acme")
        follow(company, published, "vendor.beacon")
        addendum = publish_addendum(actor, published)
        services.addendum_acknowledge(actor=company("vendor.acme"), addendum=addendum)
        assert list(selectors.vendor_addenda(company("vendor.acme"), pending=True)) == []
        pending = selectors.vendor_addenda(company("vendor.beacon"), pending=True)
        assert [a.number for a in pending] == [1]


class TestPages:
    def test_the_officer_publishes_from_the_workspace(self, client, personas, published):
        client.force_login(personas["officer"])
        url = reverse("addendum-publish", args=["riverton", published.reference])
        due = later(published).astimezone(published.municipality.zone)
        response = client.post(
            url,
            {
                "title": "Deadline extended",
                "text": "One more week.",
                "bids_due_at": due.strftime("%Y-%m-%dT%H:%M"),
                "opening_at": (due + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
                "line_1_quantity": "6",
            },
        )
        assert response.status_code == 302, response.content.decode()[:300]
        assert response["Location"].endswith("#addenda")
        page = client.get(response["Location"])
        assert "Addendum 1: Deadline extended" in page_text(page)
        assert "no company yet" in page_text(page)

    def test_a_refusal_comes_back_with_what_was_typed(self, client, personas, published):
        client.force_login(personas["officer"])
        url = reverse("addendum-publish", args=["riverton", published.reference])
        earlier = (published.bids_due_at - dt.timedelta(days=1)).astimezone(
            published.municipality.zone
        )
        before = database_state()
        page = post_refused(
            client,
            url,
            {"title": "Kept title", "text": "", "bids_due_at": earlier.strftime("%Y-%m-%dT%H:%M")},
        )
        text = page_text(page)
        assert "may only move the bid deadline later" in text
        assert 'value="Kept title"' in page.content.decode()
        assert database_state() == before

    def test_the_public_page_lists_every_addendum(self, client, actor, published):
        publish_addendum(actor, published, title="Site visit", text="Tuesday at ten.")
        page = client.get(reverse("solicitation-public", args=["riverton", published.reference]))
        assert "Addendum 1: Site visit" in page_text(page)
        assert "Tuesday at ten." in page_text(page)

    def test_a_vendor_acknowledges_on_the_solicitation_page(
        self, client, personas, actor, published
    ):
        publish_addendum(actor, published)
        client.force_login(personas["vendor.acme"])
        page_url = reverse("vendor-solicitation", args=["riverton", published.reference])
        assert "Acknowledge addendum 1" in page_text(client.get(page_url))
        url = reverse("vendor-addendum-acknowledge", args=["riverton", published.reference, 1])
        response = client.post(url)
        assert response.status_code == 302
        assert "Acknowledged on" in page_text(client.get(page_url))
        addenda = client.get(reverse("vendor-addenda"))
        assert "Nothing to acknowledge" in page_text(addenda)

    @pytest.mark.parametrize("username", ["officer", "officer.lakeside", None])
    def test_acknowledging_is_for_companies_only(
        self, client, personas, actor, published, username
    ):
        publish_addendum(actor, published)
        if username:
            client.force_login(personas[username])
        url = reverse("vendor-addendum-acknowledge", args=["riverton", published.reference, 1])
        before = database_state()
        response = client.post(url)
        assert response.status_code == (404 if username else 302)
        assert database_state() == before


class TestAPI:
    def test_officer_publishes_and_lists_with_acknowledgements(
        self, api_as, actor, company, published
    ):
        url = f"/api/v1/riverton/solicitations/{published.reference}/addenda/"
        response = api_as("officer").post(
            url,
            {
                "title": "Deadline extended",
                "text": "One more week.",
                "bids_due_at": later(published).isoformat(),
                "opening_at": later(published, days=8).isoformat(),
                "line_items": [{"position": 2, "quantity": "3"}],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["number"] == 1
        services.addendum_acknowledge(actor=company("vendor.acme"), addendum=Addendum.objects.get())
        listed = api_as("officer").get(url).json()["results"]
        assert listed[0]["acknowledgements"][0]["vendor"] == "Acme Traffic Systems"

    def test_bad_input_names_the_field_and_changes_nothing(self, api_as, published):
        url = f"/api/v1/riverton/solicitations/{published.reference}/addenda/"
        before = database_state()
        response = api_as("officer").post(
            url,
            {
                "title": "Earlier",
                "text": "x",
                "bids_due_at": (published.bids_due_at - dt.timedelta(days=1)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["attr"] == "bids_due_at"
        assert database_state() == before

    @pytest.mark.parametrize(
        "username, expected", [("officer.lakeside", 404), ("vendor.acme", 404), (None, 401)]
    )
    def test_outsiders_cannot_publish(self, api_as, published, username, expected):
        url = f"/api/v1/riverton/solicitations/{published.reference}/addenda/"
        before = database_state()
        response = api_as(username).post(url, {"title": "x", "text": "y"}, format="json")
        assert response.status_code == expected
        assert database_state() == before

    def test_vendor_acknowledges_and_lists_pending(self, api_as, actor, company, published):
        follow(company, published, "vendor.acme")
        publish_addendum(actor, published)
        acme = api_as("vendor.acme")
        assert len(acme.get("/api/v1/vendor/addenda/?pending=true").json()["results"]) == 1
        url = (
            f"/api/v1/vendor/solicitations/riverton/{published.reference}"
            "/addenda/1/acknowledgement/"
        )
        assert acme.post(url).status_code == 201
        assert acme.post(url).status_code == 200
        assert acme.get("/api/v1/vendor/addenda/?pending=true").json()["results"] == []
        every = acme.get("/api/v1/vendor/addenda/").json()["results"]
        assert every[0]["acknowledged_at"] is not None
        # Beacon follows nothing: it sees none, and what Acme acknowledged stays Acme's.
        assert api_as("vendor.beacon").get("/api/v1/vendor/addenda/").json()["results"] == []
        assert api_as("officer").post(url).status_code == 404

    def test_the_public_api_lists_addenda(self, client, actor, published):
        publish_addendum(actor, published, title="Site visit", text="Tuesday.")
        url = f"/api/v1/public/solicitations/riverton/{published.reference}/addenda/"
        body = client.get(url).json()
        assert [a["title"] for a in body["results"]] == ["Site visit"]
        assert "acknowledgements" not in body["results"][0]
