"""The vendor portal's bid pages (issue 11, items 1, 2 and 4), through the Django test client:
a company prepares a bid from the solicitation's page, prices it (a bad price comes back on
its line with what was typed, nothing saved), attaches a file, submits (the declaration
required), reads and downloads its receipt (whose JSON hashes to the receipt's SHA-256),
checks it, revises and withdraws; past the deadline the page is read-only and a late submit
is refused and recorded. Another company, city staff and the anonymous never see a bid."""

import datetime as dt
import json

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from p3hub.formatting import time_left
from procurements.models import Bid, BidAttachment, BidRevision, LateAttempt, Solicitation
from procurements.services import bids
from tests.factories import build_published, upload
from tests.helpers import (
    database_state,
    error_at,
    page_text,
    post_refused,
    queries_for_get,
    typed_value,
)
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

SECRET_FILE = b"%PDF-1.4\n% TECHNICAL PROPOSAL ZEBRA-QUOKKA-7\n%%EOF\n"
DECLARED = {"declaration": "on", "declared_name": "Avery Acme"}


@pytest.fixture
def acme(client, personas):
    client.force_login(personas["vendor.acme"])
    return client


@pytest.fixture
def company(personas):
    return lambda username="vendor.acme": vendor_actor_for(personas[username])


@pytest.fixture
def priced(company, published):
    """acme's bid with both lines priced and a file attached, not yet submitted."""
    bid = bids.bid_start(actor=company(), solicitation=published)
    bids.bid_save(actor=company(), bid=bid, prices={"1": "2450", "2": "1180"})
    bids.bid_attach(
        actor=company(), bid=bid, title="Technical proposal", file=upload("proposal.pdf")
    )
    return bid


def solicitation_url(solicitation) -> str:
    return reverse("vendor-solicitation", args=["riverton", solicitation.reference])


def bid_url(bid, tail: str = "") -> str:
    return reverse("vendor-bid", args=[bid.pk]) + tail


def receipt_url(receipt, tail: str = "") -> str:
    return reverse("vendor-receipt", args=[receipt.receipt_number]) + tail


class TestTheWholeFlow:
    def test_prepare_price_attach_submit_read_the_receipt_revise_withdraw(
        self, acme, company, published
    ):
        # Given the solicitation's page, open for bids: the time left by the server's clock.
        page = page_text(acme.get(solicitation_url(published)))
        assert "Prepare a bid" in page and "19 days 23 hours left" in page

        # When the company prepares a bid, it lands on the bid's page.
        start = reverse("vendor-bid-start", args=["riverton", published.reference])
        response = acme.post(start)
        bid = Bid.objects.get()
        assert response.status_code == 302 and response["Location"] == bid_url(bid)

        # A bad price comes back on its line, with what was typed on every line; nothing saved.
        page = post_refused(acme, bid_url(bid, "prices/"), {"price_1": "12.345", "price_2": "9"})
        assert "at most 2 decimal places" in error_at(page, "id_price_1")
        assert typed_value(page, "id_price_1") == "12.345"
        assert typed_value(page, "id_price_2") == "9"
        assert bids.bid_draft(actor=company(), bid=bid) == {"prices": {}}

        # Good prices: the line totals and the total are computed (4 x 2,450 + 2 x 1,180).
        response = acme.post(bid_url(bid, "prices/"), {"price_1": "2,450", "price_2": "1180.00"})
        assert response.status_code == 302
        page = acme.get(bid_url(bid))
        assert typed_value(page, "id_price_1") == "2,450.00"
        assert {"$9,800.00", "$2,360.00", "$12,160.00"} <= set(page_text(page).split())

        # A file: listed with its size, and downloadable by the company, decrypted.
        response = acme.post(
            bid_url(bid, "attachments/"),
            {"title": "Technical proposal", "file": upload("proposal.pdf", SECRET_FILE)},
        )
        assert response.status_code == 302
        attachment = BidAttachment.objects.get()
        assert "proposal.pdf" in page_text(acme.get(bid_url(bid)))
        download = acme.get(bid_url(bid, f"attachments/{attachment.pk}/"))
        assert download.content == SECRET_FILE
        assert download["Content-Disposition"].startswith("attachment")

        # Submitting without the declaration says so, keeps the typed name, changes nothing.
        page = post_refused(acme, bid_url(bid, "submit/"), {"declared_name": "Avery Acme"})
        assert error_at(page, "id_declaration") == bids.DECLARATION_REQUIRED
        assert typed_value(page, "id_declared_name") == "Avery Acme"
        assert not BidRevision.objects.exists()
        assert "I declare that this bid is complete and binding" in page_text(page)

        # Submitted: to the receipt page.
        response = acme.post(bid_url(bid, "submit/"), DECLARED)
        receipt = BidRevision.objects.get()
        assert response["Location"] == receipt_url(receipt)
        page = page_text(acme.get(receipt_url(receipt)))
        assert receipt.receipt_number in page and receipt.content_sha256 in page
        assert "Download receipt (JSON)" in page and "$2,450.00" in page

        # The JSON to keep: its content hashes to the receipt's SHA-256.
        download = acme.get(receipt_url(receipt, "download/"))
        assert download["Content-Disposition"].startswith("attachment")
        assert "no-store" in download["Cache-Control"]
        document = json.loads(download.content)
        assert bids.content_sha256(document["content"]) == receipt.content_sha256

        # Checking the receipt with the SHA-256 kept.
        checked = acme.get(receipt_url(receipt), {"sha256": receipt.content_sha256.upper()})
        assert "The stored bid hashes to this receipt." in page_text(checked)
        assert "The SHA-256 you gave matches this receipt." in page_text(checked)
        wrong = acme.get(receipt_url(receipt), {"sha256": "0" * 64})
        assert "does not match this receipt" in page_text(wrong)

        # A revision: the old receipt stays.
        assert "Submit revision" in page_text(acme.get(bid_url(bid)))
        acme.post(bid_url(bid, "prices/"), {"price_1": "2,400"})
        response = acme.post(bid_url(bid, "submit/"), DECLARED)
        revised = BidRevision.objects.get(number=2)
        assert revised.kind == BidRevision.Kind.REVISION
        assert response["Location"] == receipt_url(revised)

        # Withdrawing asks first, then gives a receipt; the company may prepare a new bid.
        confirm = acme.post(bid_url(bid, "withdraw/"))
        assert confirm.status_code == 200 and "Withdraw your company's bid" in page_text(confirm)
        bid.refresh_from_db()
        assert bid.status == Bid.Status.SUBMITTED
        response = acme.post(bid_url(bid, "withdraw/"), {"confirmed": "1"})
        withdrawal = BidRevision.objects.get(number=3)
        assert response["Location"] == receipt_url(withdrawal)
        bid.refresh_from_db()
        assert bid.status == Bid.Status.WITHDRAWN
        assert "Prepare a bid" in page_text(acme.get(solicitation_url(published)))
        assert "This bid is withdrawn" in page_text(acme.get(bid_url(bid)))

    def test_the_solicitation_page_shows_the_bid_and_its_latest_receipt(
        self, acme, company, priced
    ):
        receipt = bids.bid_submit(
            actor=company(), bid=priced, declaration=True, declared_name="Avery Acme"
        )
        page = acme.get(solicitation_url(priced.solicitation))
        text = page_text(page)
        assert "Submitted" in text and receipt.receipt_number in text
        assert "Prepare a bid" not in text
        assert bid_url(priced) in page.content.decode()

    def test_a_second_prepare_says_the_company_already_bids(self, acme, priced):
        start = reverse("vendor-bid-start", args=["riverton", priced.solicitation.reference])
        before = database_state()
        page = post_refused(acme, start)
        assert bids.ALREADY_BIDDING in page_text(page)
        assert database_state() == before

    def test_removing_a_file_asks_first(self, acme, priced):
        attachment = BidAttachment.objects.get()
        url = bid_url(priced, f"attachments/{attachment.pk}/remove/")
        confirm = acme.post(url)
        assert confirm.status_code == 200 and "Remove “Technical proposal”" in page_text(confirm)
        assert BidAttachment.objects.get().removed_at is None
        response = acme.post(url, {"confirmed": "1"})
        assert response["Location"] == bid_url(priced, "#attachments")
        assert BidAttachment.objects.get().removed_at is not None
        assert "No files attached." in page_text(acme.get(bid_url(priced)))

    def test_a_wrong_file_is_refused_on_its_field(self, acme, priced):
        before = database_state()
        page = post_refused(
            acme,
            bid_url(priced, "attachments/"),
            {"title": "Script", "file": upload("run.exe", b"MZ\x90\x00binary")},
        )
        assert error_at(page, "id_file")
        assert typed_value(page, "id_title") == "Script"
        assert database_state() == before

    def test_an_unpriced_line_is_named_when_submitting(self, acme, company, published):
        bid = bids.bid_start(actor=company(), solicitation=published)
        bids.bid_save(actor=company(), bid=bid, prices={"1": "2450"})
        page = post_refused(acme, bid_url(bid, "submit/"), DECLARED)
        assert "Line item 2: Enter a unit price for this line item." in page_text(page)
        assert not BidRevision.objects.exists()


class TestDeadline:
    def test_a_late_submit_is_refused_recorded_and_changes_nothing(self, acme, priced):
        page = acme.get(bid_url(priced))  # loaded while bidding is open
        assert "Submit bid" in page_text(page)
        Solicitation.objects.filter(pk=priced.solicitation_id).update(
            bids_due_at=Now() - dt.timedelta(minutes=1)
        )
        page = post_refused(acme, bid_url(priced, "submit/"), DECLARED)
        text = page_text(page)
        assert "The bid deadline passed at" in text and "Bidding closed" in text
        assert "Bidding has closed: this bid can no longer be changed" in text
        assert "Submit bid" not in text and "Save prices" not in text
        attempt = LateAttempt.objects.get()
        assert (attempt.vendor.name, attempt.action) == ("Acme Traffic Systems", "submit")
        priced.refresh_from_db()
        assert priced.status == Bid.Status.DRAFT and not BidRevision.objects.exists()

    def test_past_the_deadline_the_solicitation_page_offers_no_bid(self, acme, published):
        Solicitation.objects.filter(pk=published.pk).update(
            bids_due_at=Now() - dt.timedelta(minutes=1)
        )
        text = page_text(acme.get(solicitation_url(published)))
        assert "Bidding closed" in text and "Prepare a bid" not in text


class TestAccess:
    def urls(self, bid, receipt, attachment) -> list[tuple[str, str]]:
        return [
            ("get", bid_url(bid)),
            ("post", bid_url(bid, "prices/")),
            ("post", bid_url(bid, "attachments/")),
            ("get", bid_url(bid, f"attachments/{attachment.pk}/")),
            ("get", bid_url(bid, f"attachments/{attachment.pk}/remove/")),
            ("post", bid_url(bid, f"attachments/{attachment.pk}/remove/")),
            ("post", bid_url(bid, "submit/")),
            ("post", bid_url(bid, "withdraw/")),
            ("get", receipt_url(receipt)),
            ("get", receipt_url(receipt, "download/")),
        ]

    @pytest.fixture
    def submitted(self, company, priced):
        receipt = bids.bid_submit(
            actor=company(), bid=priced, declaration=True, declared_name="Avery Acme"
        )
        return priced, receipt, BidAttachment.objects.get()

    def test_another_company_gets_404_and_learns_nothing(self, client, personas, submitted):
        client.force_login(personas["vendor.beacon"])
        before = database_state()
        for method, url in self.urls(*submitted):
            data = {**DECLARED, "price_1": "1", "confirmed": "1"} if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (url, response.status_code)
            assert b"Acme" not in response.content and b"2,450" not in response.content
        assert database_state() == before
        listed = page_text(client.get(reverse("vendor-bids")))
        assert "no bid yet" in listed

    @pytest.mark.parametrize("username", ["officer", "admin", "officer.lakeside", None])
    def test_city_staff_get_404_and_the_anonymous_are_sent_to_sign_in(
        self, client, personas, submitted, username
    ):
        if username:
            client.force_login(personas[username])
        for method, url in [*self.urls(*submitted), ("get", reverse("vendor-bids"))]:
            response = getattr(client, method)(url)
            expected = 404 if username else 302
            assert response.status_code == expected, (username, url, response.status_code)


class TestBidList:
    def test_lists_every_bid_with_its_latest_receipt(self, acme, company, priced):
        receipt = bids.bid_submit(
            actor=company(), bid=priced, declaration=True, declared_name="Avery Acme"
        )
        page = acme.get(reverse("vendor-bids"))
        text = page_text(page)
        assert priced.solicitation.reference in text and receipt.receipt_number in text
        assert "Submitted" in text and "Riverton" in text
        assert 'aria-current="page">Bids</a>' in page.content.decode()

    def test_query_count_is_the_same_for_2_and_20_bids(self, acme, company, actor, departments):
        """Five queries whatever the number of bids: the session, the user, the company
        acting (VendorPage), the count for the pagination, and the page of bids with their
        solicitation, city and latest receipt number (selectors.vendor_bids)."""

        def bid_on(solicitation, withdrawn):
            bid = bids.bid_start(actor=company(), solicitation=solicitation)
            if withdrawn:
                bids.bid_withdraw(actor=company(), bid=bid)

        solicitations = [build_published(actor, departments) for _ in range(4)]
        for solicitation in solicitations[:2]:
            bid_on(solicitation, withdrawn=True)
        assert queries_for_get(acme, reverse("vendor-bids")) == 5
        # 18 more on the four solicitations: a withdrawn bid leaves room for a new live one.
        for index in range(18):
            bid_on(solicitations[index % 4], withdrawn=index < 14)
        assert Bid.objects.count() == 20
        assert queries_for_get(acme, reverse("vendor-bids")) == 5


@pytest.mark.parametrize(
    "seconds, shown",
    [
        (2 * 86_400 + 3 * 3_600 + 59, "2 days 3 hours left"),
        (86_400 + 30, "1 day left"),
        (5 * 3_600 + 12 * 60 + 5, "5 hours 12 minutes left"),
        (3_600, "1 hour left"),
        (12 * 60 + 59, "12 minutes left"),
        (59, "Less than a minute left"),
        (0, "Bidding closed"),
        (-5, "Bidding closed"),
    ],
)
def test_time_left_rounds_down_in_two_units(seconds, shown):
    now = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    assert time_left(now + dt.timedelta(seconds=seconds), now) == shown
