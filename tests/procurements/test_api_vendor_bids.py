"""Sealed bids through the vendors' API (issue 11, items 1, 2 and 7): a company starts a bid,
prices it, attaches files, submits, revises, withdraws and checks its receipts; bad input is a
4xx naming the field and changes nothing; a late call is refused and recorded; the bid, its
files and receipts are 404 to everyone but the bidding company; the list keeps its query
count."""

import hashlib
import json

import pytest
from django.db.models.functions import Now
from django.test import Client

from procurements import services
from procurements.models import Bid, BidRevision, LateAttempt, Solicitation
from procurements.services import bids
from tests.factories import build_published, upload
from tests.helpers import database_state, queries_for_get
from tests.p3hub.test_openapi import assert_documented
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

PROPOSAL = b"%PDF-1.4\n% TECHNICAL PROPOSAL\n%%EOF\n"
STAFF = ["officer", "admin", "head.trn", "evaluator", "officer.lakeside"]


def start_url(solicitation, city: str = "riverton") -> str:
    return f"/api/v1/vendor/solicitations/{city}/{solicitation.reference}/bid/"


def bid_url(bid, tail: str = "") -> str:
    return f"/api/v1/vendor/bids/{getattr(bid, 'pk', bid)}/{tail}"


def receipt_url(number: str, tail: str = "") -> str:
    return f"/api/v1/vendor/receipts/{number}/{tail}"


def refused(response) -> dict[str, str]:
    """{attr: code} of a refusal in the error format."""
    body = response.json()
    assert set(body) == {"type", "errors"}, body
    return {error["attr"]: error["code"] for error in body["errors"]}


def declared(name: str = "Avery Acme") -> dict:
    return {"declaration": True, "declared_name": name}


@pytest.fixture
def acme(api_as):
    return api_as("vendor.acme")


@pytest.fixture
def started(acme, published) -> dict:
    response = acme.post(start_url(published))
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def priced(acme, started) -> dict:
    response = acme.patch(
        bid_url(started["id"]), {"prices": {"1": "2,450.00", "2": 1180}}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def submitted(acme, priced) -> dict:
    """Acme's bid, priced, with a proposal attached, submitted: {bid, attachment, receipt}."""
    attached = acme.post(
        bid_url(priced["id"], "attachments/"),
        {"title": "Technical proposal", "file": upload("proposal.pdf", PROPOSAL)},
        format="multipart",
    )
    assert attached.status_code == 201, attached.content
    receipt = acme.post(bid_url(priced["id"], "submission/"), declared(), format="json")
    assert receipt.status_code == 201, receipt.content
    return {"bid": priced["id"], "attachment": attached.json(), "receipt": receipt.json()}


class TestHappyPaths:
    def test_a_started_bid_is_a_draft_without_prices(self, started, published):
        assert started["status"] == "draft" and started["revision"] == 0
        assert started["solicitation"]["reference"] == published.reference
        assert started["solicitation"]["bids_due_at"].endswith(("-05:00", "-06:00"))
        assert started["prices"] == {} and started["total"] is None
        assert [line["unit_price"] for line in started["lines"]] == [None, None]
        assert started["latest_receipt"] is None and started["revisions"] == []

    def test_prices_give_line_totals_and_the_total(self, priced, acme):
        assert priced["prices"] == {"1": "2450.00", "2": "1180.00"}
        assert [
            (line["position"], line["unit_price"], line["total"]) for line in priced["lines"]
        ] == [
            (1, "2450.00", "9800.00"),
            (2, "1180.00", "2360.00"),
        ]
        assert priced["total"] == "12160.00"
        # A line left out keeps its price.
        again = acme.patch(bid_url(priced["id"]), {"prices": {"2": "1,000.00"}}, format="json")
        assert again.json()["prices"] == {"1": "2450.00", "2": "1000.00"}
        assert acme.get(bid_url(priced["id"])).json()["total"] == "11800.00"

    def test_an_attachment_is_listed_and_downloads_for_its_company(self, submitted, acme):
        attachment = submitted["attachment"]
        assert (attachment["title"], attachment["file_name"]) == (
            "Technical proposal",
            "proposal.pdf",
        )
        assert attachment["sha256"] == hashlib.sha256(PROPOSAL).hexdigest()
        response = acme.get(attachment["download_url"])
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response["Cache-Control"]
        assert response.content == PROPOSAL

    def test_submitting_answers_the_receipt(self, submitted, acme, published):
        receipt = submitted["receipt"]
        assert receipt["kind"] == "submission" and receipt["number"] == 1
        assert receipt["receipt_number"].startswith(published.reference)
        assert receipt["submitted_at"].endswith(("-05:00", "-06:00"))
        assert len(receipt["sha256"]) == 64 and receipt["declared_name"] == "Avery Acme"
        bid = acme.get(bid_url(submitted["bid"])).json()
        assert (bid["status"], bid["revision"]) == ("submitted", 1)
        assert bid["latest_receipt"] == receipt["receipt_number"]
        assert [r["receipt_number"] for r in bid["revisions"]] == [receipt["receipt_number"]]

    def test_the_receipt_document_hashes_to_its_sha256(self, submitted, acme):
        number = submitted["receipt"]["receipt_number"]
        document = acme.get(receipt_url(number)).json()
        canonical = json.dumps(
            document["content"], sort_keys=True, separators=(",", ":"), ensure_ascii=False
        )
        assert hashlib.sha256(canonical.encode()).hexdigest() == document["sha256"]
        assert document["sha256"] == submitted["receipt"]["sha256"]
        assert [line["position"] for line in document["content"]["lines"]] == [1, 2]
        assert document["content"]["attachments"][0]["sha256"] == submitted["attachment"]["sha256"]

    def test_the_receipt_verifies(self, submitted, acme):
        receipt = submitted["receipt"]
        url = receipt_url(receipt["receipt_number"], "verification/")
        kept = acme.post(url, {"sha256": receipt["sha256"].upper()}, format="json").json()
        assert (kept["content_matches"], kept["given_matches"], kept["opened"]) == (
            True,
            True,
            False,
        )
        wrong = acme.post(url, {"sha256": "0" * 64}, format="json").json()
        assert wrong["given_matches"] is False and wrong["content_matches"] is True
        assert acme.post(url, {}, format="json").json()["given_matches"] is None

    def test_submitting_again_revises_and_keeps_the_first(self, submitted, acme):
        bid = submitted["bid"]
        acme.patch(bid_url(bid), {"prices": {"1": "2,400.00"}}, format="json")
        second = acme.post(bid_url(bid, "submission/"), declared(), format="json")
        assert second.status_code == 201, second.content
        assert (second.json()["kind"], second.json()["number"]) == ("revision", 2)
        assert second.json()["sha256"] != submitted["receipt"]["sha256"]
        shown = acme.get(bid_url(bid)).json()
        assert shown["revision"] == 2 and len(shown["revisions"]) == 2
        assert BidRevision.objects.filter(bid_id=bid).count() == 2

    def test_withdrawing_answers_a_receipt_and_leaves_room_for_a_new_bid(
        self, submitted, acme, published
    ):
        response = acme.post(bid_url(submitted["bid"], "withdrawal/"))
        assert response.status_code == 201, response.content
        assert response.json()["kind"] == "withdrawal" and response.json()["sha256"] == ""
        assert Bid.objects.get(pk=submitted["bid"]).status == Bid.Status.WITHDRAWN
        document = acme.get(receipt_url(response.json()["receipt_number"])).json()
        assert document["sha256"] is None and "content" not in document
        assert acme.post(start_url(published)).status_code == 201

    def test_an_attachment_taken_off_is_gone(self, submitted, acme):
        attachment = submitted["attachment"]
        url = bid_url(submitted["bid"], f"attachments/{attachment['id']}/")
        assert acme.delete(url).status_code == 204
        assert acme.get(bid_url(submitted["bid"])).json()["attachments"] == []
        assert acme.get(attachment["download_url"]).status_code == 404
        assert acme.delete(url).status_code == 404

    def test_the_list_shows_the_companys_bids_only(self, submitted, api_as):
        rows = api_as("vendor.acme").get("/api/v1/vendor/bids/").json()["results"]
        assert [row["id"] for row in rows] == [submitted["bid"]]
        row = rows[0]
        assert row["latest_receipt"] == submitted["receipt"]["receipt_number"]
        assert row["total"] == "12160.00" and len(row["attachments"]) == 1
        assert "revisions" not in row
        assert api_as("vendor.beacon").get("/api/v1/vendor/bids/").json()["results"] == []


class TestBadInput:
    @pytest.mark.parametrize(
        "body, attr",
        [
            ({"prices": {"9": "10.00"}}, "prices.9"),  # an extra line
            ({"prices": {"1": "-5.00"}}, "prices.1"),
            ({"prices": {"1": "0"}}, "prices.1"),
            ({"prices": {"2": 0}}, "prices.2"),
            ({"prices": {"1": "99999999999999999.00"}}, "prices.1"),
            ({"prices": {"1": "1e30"}}, "prices.1"),
            ({"prices": {"1": "10.001"}}, "prices.1"),
            ({"prices": {"1": "ten dollars"}}, "prices.1"),
            ({"prices": {"1": True}}, "prices.1"),
            ({"prices": "1000"}, "prices"),
            ({"prices": None}, "prices"),
            ({}, "prices"),
        ],
    )
    def test_a_refused_price_is_named_and_nothing_changes(self, priced, acme, body, attr):
        before = database_state()
        draft_before = Bid.objects.get(pk=priced["id"]).sealed_draft
        response = acme.patch(bid_url(priced["id"]), body, format="json")
        assert response.status_code == 400, response.content
        assert attr in refused(response)
        assert database_state() == before
        assert Bid.objects.get(pk=priced["id"]).sealed_draft == draft_before
        assert acme.get(bid_url(priced["id"])).json()["prices"] == priced["prices"]

    def test_every_price_at_fault_is_named_at_once(self, started, acme):
        response = acme.patch(
            bid_url(started["id"]), {"prices": {"1": "-1", "2": "1.234", "7": "1"}}, format="json"
        )
        assert set(refused(response)) == {"prices.1", "prices.2", "prices.7"}

    def test_submitting_names_every_missing_thing(self, started, acme, actor, published):
        services.addendum_publish(
            actor=actor("officer"), solicitation=published, title="Site visit", text="Tue."
        )
        acme.patch(bid_url(started["id"]), {"prices": {"1": "10.00"}}, format="json")
        before = database_state()
        response = acme.post(
            bid_url(started["id"], "submission/"),
            {"declaration": False, "declared_name": ""},
            format="json",
        )
        assert response.status_code == 400
        assert refused(response) == {
            "prices.2": "invalid",  # the missing line
            "declaration": "required",
            "declared_name": "required",
            "addenda": "addendum_not_acknowledged",
        }
        assert database_state() == before

    @pytest.mark.parametrize("declaration", [None, "true", 1, "yes"])
    def test_only_a_true_declaration_counts(self, priced, acme, declaration):
        before = database_state()
        body = {"declared_name": "Avery Acme"}
        if declaration is not None:
            body["declaration"] = declaration
        response = acme.post(bid_url(priced["id"], "submission/"), body, format="json")
        assert response.status_code == 400 and "declaration" in refused(response)
        assert database_state() == before

    def test_an_acknowledged_addendum_lets_the_bid_through(self, priced, acme, actor, published):
        addendum = services.addendum_publish(
            actor=actor("officer"), solicitation=published, title="Site visit", text="Tue."
        )
        url = f"/api/v1/vendor/solicitations/riverton/{published.reference}/addenda/1/"
        assert acme.post(url + "acknowledgement/").status_code == 201
        assert addendum.acknowledgements.count() == 1
        response = acme.post(bid_url(priced["id"], "submission/"), declared(), format="json")
        assert response.status_code == 201, response.content

    @pytest.mark.parametrize(
        "parts, attr",
        [
            ({"title": "x", "file": upload("x.pdf", b"MZ\x90 an executable")}, "file"),
            ({"title": "x", "file": upload("x.pdf", b"")}, "file"),
            ({"title": "x"}, "file"),
            ({"title": "", "file": upload("x.pdf")}, "title"),
            ({"title": "x" * 201, "file": upload("x.pdf")}, "title"),
        ],
    )
    def test_a_refused_attachment_is_named_and_nothing_changes(self, started, acme, parts, attr):
        before = database_state()
        response = acme.post(bid_url(started["id"], "attachments/"), parts, format="multipart")
        assert response.status_code == 400, response.content
        assert attr in refused(response)
        assert database_state() == before

    def test_an_oversize_attachment_is_refused(self, started, acme, settings):
        settings.UPLOAD_MAX_BYTES = 10
        before = database_state()
        response = acme.post(
            bid_url(started["id"], "attachments/"),
            {"title": "Proposal", "file": upload("p.pdf")},
            format="multipart",
        )
        assert response.status_code == 400, response.content
        assert refused(response) == {"file": "too_large"}
        assert database_state() == before

    def test_attachments_travel_as_multipart_only(self, started, acme):
        before = database_state()
        response = acme.post(bid_url(started["id"], "attachments/"), {"title": "x"}, format="json")
        assert response.status_code == 415
        assert database_state() == before

    def test_no_bid_on_a_draft_a_missing_or_another_citys_solicitation(
        self, acme, cameras, published
    ):
        before = database_state()
        for url in (
            start_url(cameras),  # a draft: the public cannot see it
            start_url(published).replace(published.reference, "RIV-2099-9999"),
            start_url(published, city="lakeside"),
            start_url(published, city="nowhere"),
        ):
            response = acme.post(url)
            assert response.status_code == 404, (url, response.content)
            assert refused(response) == {None: "not_found"}
        assert database_state() == before

    def test_one_live_bid_per_company(self, started, acme, published):
        before = database_state()
        response = acme.post(start_url(published))
        assert response.status_code == 400
        assert refused(response) == {"non_field_errors": "unique"}
        assert database_state() == before

    def test_a_withdrawn_bid_takes_no_more_calls(self, submitted, acme):
        acme.post(bid_url(submitted["bid"], "withdrawal/"))
        before = database_state()
        for method, tail, body in (
            ("patch", "", {"prices": {"1": "1.00"}}),
            ("post", "submission/", declared()),
            ("post", "withdrawal/", None),
        ):
            response = getattr(acme, method)(bid_url(submitted["bid"], tail), body, format="json")
            assert response.status_code == 409, (tail, response.content)
        assert database_state() == before

    @pytest.mark.parametrize(
        "value",
        [
            "\ud800",
            "\x00",
            10**30,
            -(10**30),
            1e308,
            True,
            None,
            [],
            {},
            "NaN",
            "١٢٣",
            "x" * 100_000,
        ],
    )
    def test_hostile_values_are_never_a_500(self, priced, acme, value):
        """Each value in each field: refused in the error format with nothing changed, or
        (a number as a name, an empty price) taken as the service reads it."""
        bid = priced["id"]
        calls = [
            ("PATCH", bid_url(bid), {"prices": {"1": value}}),
            ("PATCH", bid_url(bid), {"prices": value}),
            ("POST", bid_url(bid, "submission/"), {"declaration": value, "declared_name": "A"}),
            ("POST", bid_url(bid, "submission/"), {"declaration": True, "declared_name": value}),
        ]
        for method, url, body in calls:
            before = database_state()
            # As raw JSON: a lone surrogate is a valid JSON escape but no UTF-8 text.
            response = acme.generic(method, url, json.dumps(body), content_type="application/json")
            assert response.status_code < 500, (url, body, response.content[:300])
            if response.status_code >= 400:
                assert refused(response)
                assert database_state() == before, (url, body)


class TestDeadline:
    def test_a_late_call_is_refused_and_recorded(self, submitted, acme, published, personas):
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        bid = submitted["bid"]
        calls = [
            ("patch", bid_url(bid), {"prices": {"1": "1.00"}}, "save"),
            ("post", bid_url(bid, "submission/"), declared(), "submit"),
            ("post", bid_url(bid, "withdrawal/"), None, "withdraw"),
            (
                "delete",
                bid_url(bid, f"attachments/{submitted['attachment']['id']}/"),
                None,
                "detach",
            ),
        ]
        for method, url, body, action in calls:
            response = getattr(acme, method)(url, body, format="json")
            assert response.status_code == 400, (url, response.content)
            assert refused(response) == {"non_field_errors": "deadline_passed"}
            assert "deadline passed" in response.json()["errors"][0]["detail"]
            assert LateAttempt.objects.filter(action=action).count() == 1
        company = vendor_actor_for(personas["vendor.acme"])
        assert set(LateAttempt.objects.values_list("vendor", "user")) == {
            (company.vendor.pk, company.user.pk)
        }
        shown = acme.get(bid_url(bid)).json()
        assert (shown["status"], shown["revision"], len(shown["attachments"])) == (
            "submitted",
            1,
            1,
        )
        assert shown["prices"] == {"1": "2450.00", "2": "1180.00"}
        assert BidRevision.objects.count() == 1

    def test_a_late_start_is_refused_and_recorded(self, api_as, published):
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        response = api_as("vendor.beacon").post(start_url(published))
        assert refused(response) == {"non_field_errors": "deadline_passed"}
        assert not Bid.objects.exists()
        assert LateAttempt.objects.get().action == "start"


class TestIsolation:
    def acmes_calls(self, submitted) -> list[tuple[str, str, dict | None]]:
        bid, attachment = submitted["bid"], submitted["attachment"]["id"]
        number = submitted["receipt"]["receipt_number"]
        return [
            ("get", bid_url(bid), None),
            ("patch", bid_url(bid), {"prices": {"1": "1.00"}}),
            ("post", bid_url(bid, "attachments/"), None),
            ("delete", bid_url(bid, f"attachments/{attachment}/"), None),
            ("get", bid_url(bid, f"attachments/{attachment}/file/"), None),
            ("post", bid_url(bid, "submission/"), declared("Bo Beacon")),
            ("post", bid_url(bid, "withdrawal/"), None),
            ("get", receipt_url(number), None),
            ("post", receipt_url(number, "verification/"), {"sha256": "0" * 64}),
        ]

    @pytest.mark.parametrize("username", ["vendor.beacon", *STAFF])
    def test_acmes_bid_is_404_to_everyone_else_and_nothing_changes(
        self, submitted, api_as, username
    ):
        client = api_as(username)
        before = database_state()
        for method, url, body in self.acmes_calls(submitted):
            response = getattr(client, method)(url, body, format="json")
            assert response.status_code == 404, (username, method, url, response.status_code)
            assert b"2450" not in response.content and b"Acme" not in response.content
        assert database_state() == before

    @pytest.mark.parametrize("username", STAFF)
    def test_staff_are_404_on_the_vendor_bids_api_by_token_and_session(
        self, submitted, api_as, personas, published, username
    ):
        session = Client()
        session.force_login(personas[username])
        for client in (api_as(username), session):
            assert client.get("/api/v1/vendor/bids/").status_code == 404
            assert client.post(start_url(published)).status_code == 404
        assert Bid.objects.count() == 1

    def test_the_anonymous_are_401_and_nothing_changes(self, submitted, api_as, published):
        anonymous = api_as(None)
        before = database_state()
        for method, url, body in [
            ("get", "/api/v1/vendor/bids/", None),
            ("post", start_url(published), None),
            *self.acmes_calls(submitted),
        ]:
            assert getattr(anonymous, method)(url, body, format="json").status_code == 401, url
        assert database_state() == before


def test_the_list_keeps_its_query_count(personas, actor, departments, api_as):
    """2 bids, then 20, each on its own solicitation, priced, with an attachment."""
    acme = vendor_actor_for(personas["vendor.acme"])

    def bid_on_new_solicitations(count: int) -> None:
        for _ in range(count):
            bid = bids.bid_start(actor=acme, solicitation=build_published(actor, departments))
            bids.bid_save(actor=acme, bid=bid, prices={"1": "10.00"})
            bids.bid_attach(actor=acme, bid=bid, title="Proposal", file=upload("p.pdf"))

    client = api_as("vendor.acme")
    bid_on_new_solicitations(2)
    few = queries_for_get(client, "/api/v1/vendor/bids/")
    bid_on_new_solicitations(18)
    many = queries_for_get(client, "/api/v1/vendor/bids/")
    assert len(client.get("/api/v1/vendor/bids/").json()["results"]) == 20
    # The token, the company, the count, one page of bids with their solicitations, cities
    # and latest receipts joined, their attachments, their line items, their data keys.
    assert few == many, (few, many)


def test_the_answers_are_the_documented_ones(schema, acme, api_as, published):
    """Every endpoint's answers, accepted and refused, validate against the OpenAPI schema."""
    answers = []

    def call(method, url, body=None, client=acme, **options):
        response = getattr(client, method)(url, body, **options)
        answers.append((response, url, method))
        return response

    bid = call("post", start_url(published)).json()["id"]
    call("post", start_url(published))  # 400: one live bid
    call("post", start_url(published).replace(published.reference, "RIV-2099-9999"))  # 404
    call("patch", bid_url(bid), {"prices": {"1": "2,450.00", "2": "1180"}}, format="json")
    call("patch", bid_url(bid), {"prices": {"1": "-1", "9": "1"}}, format="json")
    call("post", bid_url(bid, "submission/"), {"declaration": False}, format="json")
    attachment = call(
        "post",
        bid_url(bid, "attachments/"),
        {"title": "Proposal", "file": upload("p.pdf")},
        format="multipart",
    ).json()["id"]
    call("post", bid_url(bid, "attachments/"), {"title": "x"}, format="multipart")
    receipt = call("post", bid_url(bid, "submission/"), declared(), format="json").json()
    number = receipt["receipt_number"]
    call("get", "/api/v1/vendor/bids/")
    call("get", bid_url(bid))
    call("get", bid_url(bid), client=api_as("vendor.beacon"))  # 404
    call("get", receipt_url(number))
    call("post", receipt_url(number, "verification/"), {"sha256": receipt["sha256"]}, format="json")
    call("delete", bid_url(bid, f"attachments/{attachment}/"))
    withdrawn = call("post", bid_url(bid, "withdrawal/"))
    call("post", bid_url(bid, "withdrawal/"))  # 409: withdrawn already
    call("get", receipt_url(withdrawn.json()["receipt_number"]))
    Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
    call("post", start_url(published))  # 400: late

    assert [response.status_code for response, _, _ in answers] == [
        201, 400, 404, 200, 400, 400, 201, 400, 201, 200, 200, 404, 200, 200, 204, 201, 409,
        200, 400,
    ]  # fmt: skip
    for response, url, method in answers:
        if response.status_code != 204:
            assert_documented(schema, response, url, method)
