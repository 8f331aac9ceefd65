"""The award in the API (issue 12, item 5): the officer proposes, each participating head
approves or rejects their department's exact amount (never another department's: invariant 5;
never the proposer: invariant 11), the public reads the notice once published, each bidder its
own rank and scores, and bidders protest in the protest period; the officer resolves.

Bad input is a 4xx naming the field with nothing changed; the heads' list, the award, the
protests and the notice cost the same queries for 10 bids as for 100."""

import pytest
from django.db.models.functions import Now

from departments.models import Membership
from p3hub.api.tokens import token_issue
from procurements import services
from procurements.models import Award, Protest
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    UserFactory,
    bidding_companies,
    build_opened_with,
    build_published,
    build_scored,
    evaluate_every_bid,
)
from tests.helpers import api_refused, client_with_token, database_state, queries_for_get, url

pytestmark = pytest.mark.django_db

APPROVALS = "/api/v1/riverton/approvals/awards/"


def public_url(solicitation) -> str:
    return f"/api/v1/public/solicitations/riverton/{solicitation.reference}/award/"


def vendor_url(solicitation, tail: str = "") -> str:
    return f"/api/v1/vendor/solicitations/riverton/{solicitation.reference}/award/{tail}"


def share_url(solicitation, code: str, move: str, number: int = 1) -> str:
    return url(solicitation, f"awards/{number}/departments/{code}/{move}/")


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


@pytest.fixture
def proposed_award(scored, actor):
    services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)
    return scored


@pytest.fixture
def published_award(proposed_award, actor, departments):
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"),
            award=Award.objects.get(solicitation=proposed_award),
            department=departments[code],
        )
    return proposed_award


# --- the proposal ---------------------------------------------------------------------------


def test_the_officer_proposes_the_top_ranked_bid_priced_at_its_unit_prices(api_json, scored):
    proposed = api_json("officer").post(url(scored, "award/"), {"bid": scored.acme.pk})
    assert proposed.status_code == 201, proposed.content
    award = proposed.json()
    assert (award["number"], award["status"], award["vendor"]) == (
        1,
        "proposed",
        "Acme Traffic Systems",
    )
    assert (award["total"], award["payable"], award["top_ranked"]) == ("4500.00", "4500.00", True)
    # Cameras 4 x 1,000.00 shared 50/50, sensors 2 x 250.00 all TRN.
    assert {s["department"]: (s["amount"], s["status"]) for s in award["shares"]} == {
        "PSD": ("2000.00", "pending"),
        "TRN": ("2500.00", "pending"),
    }
    for username in ("officer", "head.trn", "head.psd"):
        state = api_json(username).get(url(scored, "award/"))
        assert state.status_code == 200
        assert state.json()["current"]["number"] == 1
        assert [a["number"] for a in state.json()["history"]] == [1]


@pytest.mark.parametrize("username", ["admin", "evaluator", "officer.lakeside", "vendor.acme"])
def test_others_do_not_read_the_award(api_json, proposed_award, username):
    for tail in ("award/", "award/protests/"):
        response = api_json(username).get(url(proposed_award, tail))
        assert response.status_code == 404, (username, tail)
        assert "4500.00" not in response.content.decode()


def test_another_bid_needs_a_justification_which_is_published(api_json, scored):
    officer = api_json("officer")
    before = database_state()
    refused = officer.post(url(scored, "award/"), {"bid": scored.beacon.pk})
    api_refused(refused, "justification")
    assert database_state() == before

    body = {"bid": scored.beacon.pk, "justification": "Acme cannot deliver this year."}
    proposed = officer.post(url(scored, "award/"), body)
    assert proposed.status_code == 201
    assert proposed.json()["top_ranked"] is False
    assert proposed.json()["justification"] == "Acme cannot deliver this year."
    again = officer.post(url(scored, "award/"), {"bid": scored.acme.pk})
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "award_pending"


@pytest.mark.parametrize("bid", [None, "x", True, 1.5, [], 10**30, 999_999])
def test_a_bid_that_cannot_be_awarded_is_a_400_naming_bid(api_json, scored, bid):
    before = database_state()
    api_refused(api_json("officer").post(url(scored, "award/"), {"bid": bid}), "bid")
    assert database_state() == before


def test_a_non_responsive_bid_is_not_awarded(api_json, actor, departments, personas):
    solicitation = build_scored(actor, departments, personas)
    services.evaluation_reopen(actor=actor("officer"), solicitation=solicitation, reason="Bond.")
    services.bid_responsiveness_set(
        actor=actor("officer"),
        solicitation=solicitation,
        bid=solicitation.beacon,
        responsive=False,
        reason="document_missing",
    )
    services.score_sheet_submit(actor=actor("evaluator"), solicitation=solicitation)
    services.evaluation_close(actor=actor("officer"), solicitation=solicitation)
    before = database_state()
    body = {"bid": solicitation.beacon.pk, "justification": "Cheaper."}
    api_refused(api_json("officer").post(url(solicitation, "award/"), body), "bid")
    assert database_state() == before


def test_an_unopened_solicitation_is_not_awarded(api_json, published):
    before = database_state()
    response = api_json("officer").post(url(published, "award/"), {"bid": 1})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_under_evaluation"
    assert database_state() == before


def test_only_an_officer_proposes(api_json, scored):
    before = database_state()
    for username in ("head.trn", "evaluator", "admin"):
        response = api_json(username).post(url(scored, "award/"), {"bid": scored.acme.pk})
        assert response.status_code == 403, username
    assert database_state() == before


# --- the departments' decisions ---------------------------------------------------------------


def test_each_head_approves_their_amount_and_the_last_approval_publishes(api_json, proposed_award):
    inbox = api_json("head.psd").get(APPROVALS).json()["results"]
    assert [(a["department"], a["amount"], a["total"], a["award"]) for a in inbox] == [
        ("PSD", "2000.00", "4500.00", 1)
    ]
    assert api_json("officer").get(APPROVALS).json()["results"] == []
    assert api_json(None).get(public_url(proposed_award)).status_code == 404

    trn = api_json("head.trn").post(share_url(proposed_award, "trn", "approve"))
    assert trn.status_code == 200, trn.content
    assert trn.json()["status"] == "proposed"
    psd = api_json("head.psd").post(share_url(proposed_award, "PSD", "approve"))
    assert psd.status_code == 200
    assert psd.json()["status"] == "published" and psd.json()["protest_ends_at"]
    assert api_json("head.psd").get(APPROVALS).json()["results"] == []

    notice = api_json(None).get(public_url(proposed_award))
    assert notice.status_code == 200
    body = notice.json()
    assert (body["vendor"], body["total"], body["status"]) == (
        "Acme Traffic Systems",
        "4500.00",
        "published",
    )
    assert body["departments"] == [
        {"department": "PSD", "name": "Public Safety", "amount": "2000.00"},
        {"department": "TRN", "name": "Transportation", "amount": "2500.00"},
    ]
    for secret in ('"score"', "91.33", "76.00", "Beacon", "4200.00"):
        assert secret not in notice.content.decode()
    # Approving twice: the award is no longer open.
    assert api_json("head.trn").post(share_url(proposed_award, "TRN", "approve")).status_code == 409


def test_a_head_cannot_decide_for_another_department(api_json, proposed_award):
    # Invariant 5: head.trn approving or rejecting PSD's amount.
    before = database_state()
    approve = api_json("head.trn").post(share_url(proposed_award, "PSD", "approve"))
    assert approve.status_code == 403
    assert "PSD" in approve.json()["errors"][0]["detail"]
    reject = api_json("head.trn").post(
        share_url(proposed_award, "PSD", "reject"), {"reason": "No."}
    )
    assert reject.status_code == 403
    for username in ("officer", "evaluator", "admin"):
        response = api_json(username).post(share_url(proposed_award, "TRN", "approve"))
        assert response.status_code == 403, username
    assert database_state() == before


def test_whoever_proposed_the_award_does_not_approve_it(api_json, scored, personas, departments):
    # Given the officer also heads Transportation and proposes (four eyes, invariant 11).
    MembershipFactory(
        user=personas["officer"],
        municipality=departments["TRN"].municipality,
        role=Membership.Role.HEAD,
        department=departments["TRN"],
    )
    officer = api_json("officer")
    assert officer.post(url(scored, "award/"), {"bid": scored.acme.pk}).status_code == 201
    before = database_state()
    refused = officer.post(share_url(scored, "TRN", "approve"))
    assert refused.status_code == 403
    assert "You proposed this award" in refused.json()["errors"][0]["detail"]
    assert database_state() == before


def test_unknown_and_unpaying_departments_and_awards(api_json, proposed_award, departments):
    parks = DepartmentFactory(municipality=departments["TRN"].municipality, code="PRK")
    head = UserFactory(username="head.prk")
    MembershipFactory(
        user=head, municipality=parks.municipality, role=Membership.Role.HEAD, department=parks
    )
    parks_head = client_with_token(token_issue(head))
    before = database_state()
    assert api_json("head.trn").post(share_url(proposed_award, "XYZ", "approve")).status_code == 404
    assert (
        api_json("head.trn").post(share_url(proposed_award, "TRN", "approve", 9)).status_code == 404
    )
    api_refused(parks_head.post(share_url(proposed_award, "PRK", "approve")), "department")
    assert database_state() == before


@pytest.mark.parametrize("reason", ["", "   ", None, ["No"], "x" * 2001])
def test_a_rejection_needs_a_reason(api_json, proposed_award, reason):
    before = database_state()
    response = api_json("head.psd").post(
        share_url(proposed_award, "PSD", "reject"), {"reason": reason}
    )
    api_refused(response, "reason")
    assert database_state() == before


def test_a_rejection_returns_the_solicitation_to_evaluation(api_json, proposed_award):
    rejected = api_json("head.psd").post(
        share_url(proposed_award, "PSD", "reject"), {"reason": "Over budget."}
    )
    assert rejected.status_code == 200, rejected.content
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "Over budget.")
    state = api_json("officer").get(url(proposed_award, "award/")).json()
    assert state["current"] is None
    assert [(a["number"], a["status"]) for a in state["history"]] == [(1, "rejected")]
    evaluation = api_json("officer").get(url(proposed_award, "evaluation/")).json()
    assert (evaluation["status"], evaluation["round"]) == ("open", 2)
    assert "Over budget." in evaluation["reopened_reason"]


# --- the bidders and their protests ---------------------------------------------------------


def test_each_bidder_reads_its_own_rank_and_scores_only(api_json, published_award):
    beacon = api_json("vendor.beacon").get(vendor_url(published_award))
    assert beacon.status_code == 200, beacon.content
    yours = beacon.json()["yours"]
    assert (yours["rank"], yours["ranked"], yours["score"], yours["price_score"]) == (
        2,
        2,
        "76.00",
        "40.00",
    )
    assert yours["criteria"] == [{"name": "Technical approach", "weight": 60, "average": "60.00"}]
    assert "91.33" not in beacon.content.decode() and "37.33" not in beacon.content.decode()
    acme = api_json("vendor.acme").get(vendor_url(published_award)).json()["yours"]
    assert (acme["rank"], acme["score"]) == (1, "91.33")


def test_no_award_for_a_company_that_did_not_bid_nor_before_publication(
    api_json, proposed_award, actor, departments
):
    assert api_json("vendor.beacon").get(vendor_url(proposed_award)).status_code == 404
    for code in ("TRN", "PSD"):
        api_json(f"head.{code.lower()}").post(share_url(proposed_award, code, "approve"))
    (stranger,) = bidding_companies(1, prefix="Stranger")
    client = api_json(None)
    client.force_authenticate(stranger.user)
    for tail in ("", "protests/"):
        assert client.get(vendor_url(proposed_award, tail)).status_code == 404
    assert client.post(vendor_url(proposed_award, "protests/"), {"reasons": "x"}).status_code == 404
    # Staff are not a company: the vendor API's 404.
    assert api_json("officer").get(vendor_url(proposed_award)).status_code == 404


def test_a_bidder_protests_and_the_officer_resolves(api_json, published_award):
    beacon = api_json("vendor.beacon")
    filed = beacon.post(vendor_url(published_award, "protests/"), {"reasons": "Cheaper."})
    assert filed.status_code == 201, filed.content
    assert filed.json()["status"] == "open"
    assert filed.json()["filed_at"].endswith(("-05:00", "-06:00"))  # Riverton's local time
    assert [
        p["reasons"] for p in beacon.get(vendor_url(published_award, "protests/")).json()["results"]
    ] == ["Cheaper."]
    assert (
        api_json("vendor.acme").get(vendor_url(published_award, "protests/")).json()["results"]
        == []
    )
    again = beacon.post(vendor_url(published_award, "protests/"), {"reasons": "Again."})
    api_refused(again, "reasons")

    protests = api_json("head.trn").get(url(published_award, "award/protests/")).json()["results"]
    assert [(p["vendor"], p["status"]) for p in protests] == [
        ("Beacon Safety Technologies", "open")
    ]
    resolution = url(published_award, f"award/protests/{protests[0]['id']}/resolution/")
    body = {"upheld": False, "resolution": "Quality weighs 60%."}
    assert api_json("head.trn").post(resolution, body).status_code == 403
    resolved = api_json("officer").post(resolution, body)
    assert resolved.status_code == 200, resolved.content
    assert (resolved.json()["status"], resolved.json()["resolved_by"]) == ("denied", "officer")
    mine = beacon.get(vendor_url(published_award)).json()["protests"]
    assert [(p["status"], p["resolution"]) for p in mine] == [("denied", "Quality weighs 60%.")]
    assert api_json("officer").post(resolution, body).status_code == 409
    missing = url(published_award, "award/protests/999999/resolution/")
    assert api_json("officer").post(missing, body).status_code == 404


def test_an_upheld_protest_withdraws_the_award(api_json, published_award):
    api_json("vendor.beacon").post(vendor_url(published_award, "protests/"), {"reasons": "Bias."})
    protest = Protest.objects.get()
    resolution = url(published_award, f"award/protests/{protest.pk}/resolution/")
    upheld = api_json("officer").post(resolution, {"upheld": True, "resolution": "Rescore."})
    assert upheld.status_code == 200
    assert api_json(None).get(public_url(published_award)).status_code == 404
    state = api_json("officer").get(url(published_award, "award/")).json()
    assert state["current"] is None and state["history"][0]["status"] == "annulled"


def test_a_protest_after_the_period_is_refused_naming_reasons(api_json, published_award):
    Award.objects.filter(solicitation=published_award).update(protest_ends_at=Now())
    before = database_state()
    response = api_json("vendor.beacon").post(
        vendor_url(published_award, "protests/"), {"reasons": "Too late?"}
    )
    body = api_refused(response, "reasons")
    assert body["errors"][0]["code"] == "protest_period_over"
    assert database_state() == before


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"upheld": "no", "resolution": "r"}, "upheld"),
        ({"upheld": None, "resolution": "r"}, "upheld"),
        ({"upheld": False, "resolution": ""}, "resolution"),
        ({"upheld": False, "resolution": ["r"]}, "resolution"),
    ],
)
def test_a_bad_resolution_names_the_field_and_changes_nothing(
    api_json, published_award, body, attr
):
    api_json("vendor.beacon").post(vendor_url(published_award, "protests/"), {"reasons": "Bias."})
    resolution = url(published_award, f"award/protests/{Protest.objects.get().pk}/resolution/")
    before = database_state()
    api_refused(api_json("officer").post(resolution, body), attr)
    assert database_state() == before


@pytest.mark.parametrize("reasons", ["", " ", None, ["x"], {}, "x" * 4001])
def test_a_protest_without_reasons_is_refused(api_json, published_award, reasons):
    before = database_state()
    response = api_json("vendor.beacon").post(
        vendor_url(published_award, "protests/"), {"reasons": reasons}
    )
    api_refused(response, "reasons")
    assert database_state() == before


# --- the query counts -----------------------------------------------------------------------


def published_with(actor, departments, personas, companies):
    """An award published on a solicitation with a bid of each company."""
    solicitation = evaluate_every_bid(
        actor, personas, build_opened_with(actor, departments, companies)
    )
    award = services.award_propose(
        actor=actor("officer"), solicitation=solicitation, bid=_top_ranked(solicitation)
    )
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"), award=award, department=departments[code]
        )
    return solicitation


def _top_ranked(solicitation):
    from procurements import selectors

    return selectors.committee_of(solicitation).rows[0].bid


def test_query_counts_do_not_grow_with_the_bids(api_json, actor, departments, personas):
    companies = bidding_companies(110)
    few = published_with(actor, departments, personas, companies[:10])
    many = published_with(actor, departments, personas, companies[10:])
    for solicitation in (few, many):
        # A protest on each, from a company that bid on it.
        company = companies[0] if solicitation is few else companies[10]
        services.protest_file(
            actor=company, award=Award.objects.get(solicitation=solicitation), reasons="Why?"
        )
    officer, anyone, bidder = api_json("officer"), api_json(None), api_json(None)
    for client, path in [
        (officer, lambda s: url(s, "award/")),
        (officer, lambda s: url(s, "award/protests/")),
        (anyone, public_url),
    ]:
        assert queries_for_get(client, path(few)) == queries_for_get(client, path(many))
    bidder.force_authenticate(companies[0].user)
    few_count = queries_for_get(bidder, vendor_url(few))
    bidder.force_authenticate(companies[10].user)
    assert queries_for_get(bidder, vendor_url(many)) == few_count


def test_the_heads_list_costs_the_same_for_one_award_as_for_many(
    api_json, actor, departments, personas
):
    # Given one proposed award, then five more on other solicitations, awaiting head.psd.
    head = api_json("head.psd")

    def propose_one():
        solicitation = build_scored(actor, departments, personas)
        services.award_propose(
            actor=actor("officer"), solicitation=solicitation, bid=solicitation.acme
        )

    propose_one()
    one = queries_for_get(head, APPROVALS)
    for _ in range(3):
        propose_one()
    assert queries_for_get(head, APPROVALS) == one
    assert head.get(APPROVALS).json()["count"] == 4


def test_an_unpublished_solicitation_has_no_notice(api_json, actor, departments):
    solicitation = build_published(actor, departments)
    assert api_json(None).get(public_url(solicitation)).status_code == 404
