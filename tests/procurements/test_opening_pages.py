"""The bids in the pages (issue 11, items 3, 5): before the opening every member of the city
sees how many bids arrived and nothing else of them (no company, price, total or file);
an officer opens them once the deadline has passed (a confirm step), the page shows the
progress, then the tabulation, which the bidders (their own row marked) and, by the city's
setting, the public see too."""

import datetime as dt

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from departments.models import Municipality
from p3hub.money import format_money
from procurements.models import (
    Bid,
    BidAttachment,
    BidOpening,
    BidRevision,
    LateAttempt,
    Solicitation,
)
from procurements.services import bids, opening
from tests.factories import bidding_companies, build_published, submitted_bid, upload
from tests.helpers import admin_url, database_state, page_text, queries_for_get
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

ACME_PRICE, BEACON_PRICE = "1234.56", "987.65"  # recognisable in any page: "1,234.56"
SHOWN_ACME, SHOWN_BEACON = "1,234.56", "987.65"
STAFF = ["officer", "head.trn", "head.psd", "evaluator", "admin"]


def time_passes(solicitation) -> None:
    """The bid deadline is a minute ago by the database clock; the opening is tomorrow (so
    the chronograph would not start it: the officer does)."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=1), opening_at=Now() + dt.timedelta(days=1)
    )


def open_now(actor, solicitation, capture) -> None:
    time_passes(solicitation)
    with capture(execute=True):  # Celery is eager: the opening finishes in the request
        opening.opening_start(actor=actor("officer"), solicitation=solicitation)


def page(solicitation, name: str = "tabulation") -> str:
    return reverse(name, args=[solicitation.municipality.slug, solicitation.reference])


def signed_in(client, personas, username):
    client.force_login(personas[username])
    return client


@pytest.fixture
def names(personas):
    return {
        username: vendor_actor_for(personas[username]).vendor.name
        for username in ("vendor.acme", "vendor.beacon")
    }


@pytest.fixture
def two_bids(personas, published):
    # Line 2 at the same price in both: one recognisable price per company to look for.
    acme = submitted_bid(
        vendor_actor_for(personas["vendor.acme"]), published, {"1": ACME_PRICE, "2": "10.00"}
    )
    beacon = submitted_bid(
        vendor_actor_for(personas["vendor.beacon"]), published, {"1": BEACON_PRICE, "2": "10.00"}
    )
    return acme, beacon


def assert_sealed(body: str, names: dict) -> None:
    for secret in (SHOWN_ACME, SHOWN_BEACON, ACME_PRICE, BEACON_PRICE, *names.values()):
        assert secret not in body, secret


class TestBeforeTheOpening:
    @pytest.mark.parametrize("username", STAFF)
    def test_staff_see_only_how_many_bids_arrived(
        self, client, personas, published, two_bids, names, username
    ):
        signed_in(client, personas, username)
        response = client.get(page(published))
        assert response.status_code == 200
        text = page_text(response)
        assert "2 bids received" in text
        assert_sealed(response.content.decode(), names)
        assert "Open the bids" not in text  # the deadline has not passed

        workspace = client.get(page(published, "solicitation-manage"))
        assert "2 bids received" in page_text(workspace)
        assert page(published) in workspace.content.decode()
        assert_sealed(workspace.content.decode(), names)

    @pytest.mark.parametrize("username", ["officer.lakeside", "vendor.acme", "vendor.beacon"])
    def test_outsiders_get_404(self, client, personas, published, two_bids, username):
        signed_in(client, personas, username)
        assert client.get(page(published)).status_code == 404
        assert client.get(page(published, "bid-opening-progress")).status_code == 404

    def test_the_anonymous_are_sent_to_sign_in(self, client, published, two_bids):
        response = client.get(page(published))
        assert response.status_code == 302 and "login" in response["Location"]

    @pytest.mark.parametrize("username", ["vendor.acme", "vendor.beacon", None])
    def test_no_tabulation_for_bidders_or_the_public(
        self, client, personas, published, two_bids, names, username
    ):
        if username:
            signed_in(client, personas, username)
        portal = client.get(page(published, "vendor-tabulation"))
        assert portal.status_code == (404 if username else 302)  # the anonymous: sign in
        assert client.get(page(published, "solicitation-tabulation")).status_code == 404
        public = client.get(page(published, "solicitation-public"))
        assert "See the bid tabulation" not in page_text(public)
        assert_sealed(public.content.decode(), names)

    def test_opening_before_the_deadline_is_refused_with_the_reason(
        self, client, personas, published, two_bids
    ):
        signed_in(client, personas, "officer")
        before = database_state()
        response = client.post(page(published, "bid-opening-start"), follow=True)
        assert response.redirect_chain[-1] == (page(published), 303)
        assert "once the bid deadline has passed" in page_text(response)
        assert database_state() == before
        assert not BidOpening.objects.exists()


class TestOpening:
    def test_the_officer_confirms_and_the_tabulation_ranks_both_bids(
        self, client, personas, published, two_bids, names, django_capture_on_commit_callbacks
    ):
        # Given the deadline has passed, the officer is offered the button.
        time_passes(published)
        signed_in(client, personas, "officer")
        assert "Open the bids" in page_text(client.get(page(published)))

        # Pressing it asks first, and opens nothing yet.
        asked = client.post(page(published, "bid-opening-start"))
        assert asked.status_code == 200
        assert "Open the bids on" in page_text(asked)
        assert not BidOpening.objects.exists()

        # Confirmed, the bids are opened (the task is eager) and the page shows them ranked.
        with django_capture_on_commit_callbacks(execute=True):
            done = client.post(page(published, "bid-opening-start"), {"confirmed": "1"})
        assert (done.status_code, done["Location"]) == (302, page(published))
        text = page_text(client.get(page(published)))
        beacon_at, acme_at = text.index(names["vendor.beacon"]), text.index(names["vendor.acme"])
        assert beacon_at < acme_at  # the lower total first
        assert SHOWN_ACME in text and SHOWN_BEACON in text
        assert "Hashes to its receipt" in text and "Yes" in text
        assert "No: does not match" not in text

    @pytest.mark.parametrize("username", ["head.trn", "evaluator", "admin"])
    def test_only_an_officer_opens(self, client, personas, published, two_bids, username):
        time_passes(published)
        signed_in(client, personas, username)
        assert "Open the bids" not in page_text(client.get(page(published)))
        assert client.get(page(published, "bid-opening-start")).status_code == 403
        before = database_state()
        response = client.post(page(published, "bid-opening-start"), {"confirmed": "1"})
        assert response.status_code == 403
        assert database_state() == before

    def test_the_page_polls_the_progress_until_the_opening_finishes(
        self, client, personas, published, two_bids, actor
    ):
        # Started, but the task has not run yet (its on_commit callback is not executed).
        time_passes(published)
        opening.opening_start(actor=actor("officer"), solicitation=published)
        signed_in(client, personas, "head.psd")
        running = client.get(page(published))
        body = running.content.decode()
        assert 'hx-trigger="every 1s"' in body
        assert 'aria-label="Opened 0 of 2 bids"' in body and "<progress" in body

        partial = client.get(page(published, "bid-opening-progress"), HTTP_HX_REQUEST="true")
        assert 'hx-trigger="every 1s"' in partial.content.decode()
        assert "HX-Refresh" not in partial

        opening.opening_run(published.pk)
        finished = client.get(page(published, "bid-opening-progress"), HTTP_HX_REQUEST="true")
        assert "hx-trigger" not in finished.content.decode()
        assert finished["HX-Refresh"] == "true"
        assert 'aria-label="Opened 2 of 2 bids"' in finished.content.decode()


class TestAfterTheOpening:
    @pytest.fixture(autouse=True)
    def _opened(self, actor, published, two_bids, django_capture_on_commit_callbacks):
        open_now(actor, published, django_capture_on_commit_callbacks)

    @pytest.mark.parametrize("username", [name for name in STAFF if name != "evaluator"])
    def test_officers_admins_and_heads_see_the_tabulation(
        self, client, personas, published, names, username
    ):
        signed_in(client, personas, username)
        text = page_text(client.get(page(published)))
        assert names["vendor.acme"] in text and SHOWN_BEACON in text
        workspace = page_text(client.get(page(published, "solicitation-manage")))
        assert "See the bid tabulation" in workspace

    def test_a_plain_member_sees_only_the_count_until_cleared_as_evaluator(
        self, client, personas, published, names
    ):
        signed_in(client, personas, "evaluator")
        text = page_text(client.get(page(published)))
        assert "2 bids received" in text
        assert names["vendor.acme"] not in text and SHOWN_BEACON not in text

    def test_a_bidder_sees_it_with_its_own_row_marked(self, client, personas, published, names):
        signed_in(client, personas, "vendor.acme")
        portal = client.get(page(published, "vendor-solicitation"))
        assert page(published, "vendor-tabulation") in portal.content.decode()
        response = client.get(page(published, "vendor-tabulation"))
        assert response.status_code == 200
        body = response.content.decode()
        assert names["vendor.beacon"] in body and SHOWN_ACME in body
        assert body.count("table__row--own") == 1
        own_row = body[body.index("table__row--own") :]
        assert own_row.index(names["vendor.acme"]) < own_row.index("Your company")

    def test_a_company_that_did_not_bid_gets_404(self, client, published):
        (stranger,) = bidding_companies(1, prefix="Stranger")
        client.force_login(stranger.user)
        assert client.get(page(published, "vendor-tabulation")).status_code == 404
        # The portal page sends it to the public tabulation instead.
        portal = client.get(page(published, "vendor-solicitation"))
        assert page(published, "solicitation-tabulation") in portal.content.decode()

    def test_the_public_sees_it_where_the_city_publishes_tabulations(
        self, client, published, names
    ):
        response = client.get(page(published, "solicitation-tabulation"))
        assert response.status_code == 200
        assert names["vendor.acme"] in page_text(response)
        assert "Your company" not in page_text(response)
        public = client.get(page(published, "solicitation-public"))
        assert page(published, "solicitation-tabulation") in public.content.decode()

        Municipality.objects.filter(slug="riverton").update(bid_tabulation_public=False)
        assert client.get(page(published, "solicitation-tabulation")).status_code == 404
        public = client.get(page(published, "solicitation-public"))
        assert page(published, "solicitation-tabulation") not in public.content.decode()
        assert_sealed(public.content.decode(), names)

    def test_opening_again_changes_nothing(self, client, personas, published):
        signed_in(client, personas, "officer")
        assert "Open the bids" not in page_text(client.get(page(published)))
        before = BidOpening.objects.get().finished_at
        response = client.post(page(published, "bid-opening-start"), {"confirmed": "1"})
        assert response.status_code == 302
        assert BidOpening.objects.get().finished_at == before


def test_query_counts_do_not_grow_with_the_bids(
    client, personas, actor, departments, django_capture_on_commit_callbacks
):
    """The staff page before and after the opening, the bidder's and the public tabulation:
    10 bids cost the same queries as 200."""
    few, many = build_published(actor, departments), build_published(actor, departments)
    companies = bidding_companies(200)
    for company in companies[:10]:
        submitted_bid(company, few, {"1": "100.00", "2": "10.00"})
    for company in companies:
        submitted_bid(company, many, {"1": "100.00", "2": "10.00"})

    officer = signed_in(client, personas, "officer")
    assert queries_for_get(officer, page(few)) == queries_for_get(officer, page(many))

    for solicitation in (few, many):
        open_now(actor, solicitation, django_capture_on_commit_callbacks)
    assert queries_for_get(officer, page(few)) == queries_for_get(officer, page(many))
    workspace = "solicitation-manage"
    assert queries_for_get(officer, page(few, workspace)) == queries_for_get(
        officer, page(many, workspace)
    )
    client.logout()
    public = "solicitation-tabulation"
    assert queries_for_get(client, page(few, public)) == queries_for_get(client, page(many, public))
    client.force_login(companies[0].user)
    mine = "vendor-tabulation"
    assert queries_for_get(client, page(few, mine)) == queries_for_get(client, page(many, mine))


class TestDjangoAdmin:
    """The tenant admin's Django admin: the count before the opening, never who bid."""

    MODELS = [Bid, BidRevision, BidAttachment, LateAttempt, BidOpening]

    @pytest.fixture
    def attachment(self, personas, two_bids):
        acme = vendor_actor_for(personas["vendor.acme"])
        return bids.bid_attach(
            actor=acme, bid=two_bids[0], title="Acme technical proposal", file=upload()
        )

    def pages(self, client):
        bodies = [client.get(admin_url(model, "changelist")) for model in self.MODELS]
        bodies += [client.get(admin_url(Bid, "change", bid.pk)) for bid in Bid.objects.all()]
        bodies += [
            client.get(admin_url(BidRevision, "change", revision.pk))
            for revision in BidRevision.objects.all()
        ]
        assert all(response.status_code == 200 for response in bodies)
        return "".join(response.content.decode() for response in bodies)

    def test_before_the_opening_it_shows_the_count_and_nothing_sealed(
        self, client, personas, published, two_bids, attachment, names
    ):
        signed_in(client, personas, "admin")
        body = self.pages(client)
        assert_sealed(body, names)
        assert "Acme technical proposal" not in body and "sealed" in body
        solicitations = client.get(admin_url(Solicitation, "changelist")).content.decode()
        assert "Bids received" in solicitations
        detail = client.get(admin_url(Solicitation, "change", published.pk))
        assert "Bids received" in detail.content.decode()
        assert client.get(admin_url(BidAttachment, "change", attachment.pk)).status_code == 302

    def test_after_the_opening_it_names_the_companies(
        self,
        client,
        personas,
        actor,
        published,
        two_bids,
        names,
        django_capture_on_commit_callbacks,
    ):
        open_now(actor, published, django_capture_on_commit_callbacks)
        signed_in(client, personas, "admin")
        body = self.pages(client)
        assert all(name in body for name in names.values())
        for bid in Bid.objects.all():
            assert format_money(bid.total_minor, "USD") in body


def test_another_citys_admin_sees_no_bid(client, personas, published, two_bids):
    lakeside = personas["admin.lakeside"]
    lakeside.is_staff = True
    lakeside.save(update_fields=["is_staff"])
    client.force_login(lakeside)
    response = client.get(admin_url(Bid, "changelist"))
    assert response.status_code == 200
    assert "0 bids" in page_text(response)
