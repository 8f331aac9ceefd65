"""The bids in the API (issue 11, item 7): staff get the count only before the opening; an
officer starts the opening after the deadline (202 with the progress; 409 before); then
staff, the bidders and, by the city's setting, the public read the tabulation."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from departments.models import Municipality
from procurements.models import BidOpening, Solicitation
from procurements.services import opening
from tests.factories import bidding_companies, build_published, submitted_bid
from tests.helpers import database_state, queries_for_get
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

ACME_PRICE, BEACON_PRICE = "1234.56", "987.65"
STAFF = ["officer", "head.trn", "head.psd", "evaluator", "admin"]


def staff_url(solicitation, tail: str = "bids/") -> str:
    return f"/api/v1/riverton/solicitations/{solicitation.reference}/{tail}"


def vendor_url(solicitation) -> str:
    return f"/api/v1/vendor/solicitations/riverton/{solicitation.reference}/tabulation/"


def public_url(solicitation) -> str:
    return f"/api/v1/public/solicitations/riverton/{solicitation.reference}/tabulation/"


def time_passes(solicitation) -> None:
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=1), opening_at=Now() + dt.timedelta(days=1)
    )


def open_now(actor, solicitation, capture) -> None:
    time_passes(solicitation)
    with capture(execute=True):
        opening.opening_start(actor=actor("officer"), solicitation=solicitation)


@pytest.fixture
def names(personas):
    return [vendor_actor_for(personas[u]).vendor.name for u in ("vendor.acme", "vendor.beacon")]


@pytest.fixture
def two_bids(personas, published):
    for username, price in (("vendor.acme", ACME_PRICE), ("vendor.beacon", BEACON_PRICE)):
        submitted_bid(vendor_actor_for(personas[username]), published, {"1": price, "2": "10.00"})


def assert_sealed(response, names) -> None:
    body = response.content.decode()
    for secret in (ACME_PRICE, BEACON_PRICE, "123456", "98765", *names):
        assert secret not in body, secret


class TestBeforeTheOpening:
    @pytest.mark.parametrize("username", STAFF)
    def test_staff_get_the_count_only(self, api_as, published, two_bids, names, username):
        client = api_as(username)
        response = client.get(staff_url(published))
        assert response.status_code == 200
        assert response.json() == {"bids_received": 2, "opening": None, "tabulation": None}
        assert_sealed(response, names)
        detail = client.get(staff_url(published, ""))
        assert detail.json()["bids_received"] == 2
        assert_sealed(detail, names)
        progress = client.get(staff_url(published, "bids/opening/")).json()
        assert (progress["started"], progress["bids_total"], progress["bids_opened"]) == (
            False,
            2,
            0,
        )

    @pytest.mark.parametrize(
        "username, status", [("officer.lakeside", 404), ("vendor.acme", 404), (None, 401)]
    )
    def test_outsiders_get_nothing(self, api_as, published, two_bids, names, username, status):
        response = api_as(username).get(staff_url(published))
        assert response.status_code == status
        assert_sealed(response, names)

    @pytest.mark.parametrize("username", ["vendor.acme", "vendor.beacon"])
    def test_no_tabulation_for_bidders_or_the_public(
        self, api_as, published, two_bids, names, username
    ):
        assert api_as(username).get(vendor_url(published)).status_code == 404
        response = api_as(None).get(public_url(published))
        assert response.status_code == 404
        assert_sealed(response, names)

    def test_opening_before_the_deadline_is_a_409_naming_the_code(
        self, api_as, published, two_bids
    ):
        before = database_state()
        response = api_as("officer").post(staff_url(published, "bids/opening/"))
        assert response.status_code == 409
        assert response.json()["errors"][0]["code"] == "deadline_not_passed"
        assert database_state() == before

    @pytest.mark.parametrize("username", ["head.trn", "evaluator", "admin"])
    def test_only_an_officer_opens(self, api_as, published, two_bids, username):
        time_passes(published)
        before = database_state()
        response = api_as(username).post(staff_url(published, "bids/opening/"))
        assert response.status_code == 403
        assert database_state() == before


class TestOpening:
    def test_the_officer_opens_and_everyone_entitled_reads_the_tabulation(
        self, api_as, published, two_bids, names, django_capture_on_commit_callbacks
    ):
        time_passes(published)
        with django_capture_on_commit_callbacks(execute=True):
            started = api_as("officer").post(staff_url(published, "bids/opening/"))
        assert started.status_code == 202
        assert started.json()["bids_total"] == 2
        assert BidOpening.objects.get().finished_at is not None  # the eager task ran

        progress = api_as("head.trn").get(staff_url(published, "bids/opening/")).json()
        assert (progress["bids_opened"], progress["percent"], progress["finished"]) == (
            2,
            100,
            True,
        )
        # A plain member (the evaluator before any grant) reads the count, not the bids.
        assert api_as("evaluator").get(staff_url(published)).json()["tabulation"] is None
        body = api_as("head.psd").get(staff_url(published)).json()
        rows = body["tabulation"]["rows"]
        assert [row["rank"] for row in rows] == [1, 2]
        assert [row["vendor"] for row in rows] == [names[1], names[0]]  # the lower total first
        assert rows[1]["lines"][0]["unit_price"] == ACME_PRICE
        assert rows[0]["lines"][0]["unit_price"] == BEACON_PRICE
        assert all(row["receipt_matches"] for row in rows)
        quantity = float(rows[0]["lines"][0]["quantity"])
        assert float(rows[0]["lines"][0]["total"]) == pytest.approx(quantity * 987.65)

        mine = api_as("vendor.acme").get(vendor_url(published)).json()
        assert [row["yours"] for row in mine["rows"]] == [False, True]
        public = api_as(None).get(public_url(published))
        assert public.status_code == 200
        assert public.json()["rows"] == body["tabulation"]["rows"]

        # Opening again answers the same opening.
        again = api_as("officer").post(staff_url(published, "bids/opening/"))
        assert again.status_code == 202 and again.json()["finished"] is True
        assert BidOpening.objects.count() == 1

    def test_the_public_tabulation_follows_the_city_setting(
        self, api_as, actor, published, two_bids, django_capture_on_commit_callbacks
    ):
        open_now(actor, published, django_capture_on_commit_callbacks)
        Municipality.objects.filter(slug="riverton").update(bid_tabulation_public=False)
        assert api_as(None).get(public_url(published)).status_code == 404
        assert api_as("vendor.beacon").get(vendor_url(published)).status_code == 200

    def test_a_company_that_did_not_bid_gets_404(
        self, api_as, actor, published, two_bids, django_capture_on_commit_callbacks
    ):
        open_now(actor, published, django_capture_on_commit_callbacks)
        (stranger,) = bidding_companies(1, prefix="Stranger")
        client = api_as(None)
        client.force_authenticate(stranger.user)
        assert client.get(vendor_url(published)).status_code == 404


def test_query_counts_do_not_grow_with_the_bids(
    api_as, actor, departments, django_capture_on_commit_callbacks
):
    few, many = build_published(actor, departments), build_published(actor, departments)
    companies = bidding_companies(200)
    for company in companies[:10]:
        submitted_bid(company, few, {"1": "100.00", "2": "10.00"})
    for company in companies:
        submitted_bid(company, many, {"1": "100.00", "2": "10.00"})

    officer = api_as("officer")
    assert queries_for_get(officer, staff_url(few)) == queries_for_get(officer, staff_url(many))
    for solicitation in (few, many):
        open_now(actor, solicitation, django_capture_on_commit_callbacks)
    assert queries_for_get(officer, staff_url(few)) == queries_for_get(officer, staff_url(many))
    anyone = api_as(None)
    assert queries_for_get(anyone, public_url(few)) == queries_for_get(anyone, public_url(many))
    bidder = api_as(None)
    bidder.force_authenticate(companies[0].user)
    assert queries_for_get(bidder, vendor_url(few)) == queries_for_get(bidder, vendor_url(many))
