"""The joint evaluation in the API (issue 12, item 5): the officer appoints evaluators, each
declares per bidder before seeing a bid, the officer decides responsiveness, evaluators score
and submit, the committee view ranks the bids, the officer closes and reopens.

Who sees what: an evaluator without a grant, before declaring, after declaring a conflict, and
the other city's officer get the 404 of a solicitation that does not exist on every endpoint
showing bid content, and no price or score in any answer; an evaluator sees nobody's scores
but their own until their own sheet is in. Bad input is a 4xx naming the field, nothing
changed; the lists and the committee view cost the same queries for 10 bids as for 100."""

import json

import pytest

from departments.tenancy import tenant_actor_for
from p3hub.api.tokens import token_issue
from procurements import selectors, services
from procurements.models import Bid, ConflictDeclaration, Score, ScoreSheet
from tests.factories import (
    UserFactory,
    bidding_companies,
    build_opened,
    build_opened_with,
    build_scored,
    declare_no_conflict,
    evaluate_every_bid,
    join_by_invitation,
)
from tests.helpers import api_refused, client_with_token, database_state, queries_for_get, url

pytestmark = pytest.mark.django_db

# What no one but those the evaluation lets see it may read: the opened totals and unit
# prices of Acme (4 x 1,000.00 + 2 x 250.00) and Beacon (4 x 900.00 + 2 x 300.00), and scores.
PRICES = ["4500.00", "4200.00", "1000.00", "900.00", "250.00", "300.00", "450000", "420000"]
SCORE_KEYS = ['"points"', '"price_score"', '"score"', '"average"']
BID_CONTENT = [
    "evaluation/sheet/",
    "evaluation/committee/",
    "evaluation/bids/",
    "evaluation/evaluators/",
    "evaluation/conflicts/",
    "award/",
]


def assert_nothing_of_the_bids(response) -> None:
    body = response.content.decode()
    for secret in (*PRICES, *SCORE_KEYS):
        assert secret not in body, (secret, body[:300])


@pytest.fixture
def opened(actor, departments, personas):
    return build_opened(actor, departments, personas)


@pytest.fixture
def granted(opened, actor, personas):
    services.evaluator_grant(
        actor=actor("officer"), solicitation=opened, user=personas["evaluator"]
    )
    return opened


@pytest.fixture
def responsive(granted, actor):
    """Both bids found responsive, the evaluator granted (not yet declared)."""
    for bid in (granted.acme, granted.beacon):
        services.bid_responsiveness_set(
            actor=actor("officer"), solicitation=granted, bid=bid, responsive=True
        )
    return granted


@pytest.fixture
def cleared(responsive, actor):
    declare_no_conflict(actor("evaluator"), responsive)
    responsive.technical = responsive.criteria.get(is_price=False)
    return responsive


@pytest.fixture
def second(actor, personas):
    """A second evaluator of riverton (a TRN member), as a TenantActor with an API client."""
    user = UserFactory(username="sam.second", first_name="Sam", last_name="Second")
    join_by_invitation(actor("admin"), user, "member", "TRN")
    client = client_with_token(token_issue(user))
    client.default_format = "json"
    return tenant_actor_for(user, "riverton"), client


def scores_of(solicitation) -> list:
    return list(
        Score.objects.filter(sheet__solicitation=solicitation)
        .order_by("pk")
        .values_list("bid", "criterion", "points", "comment")
    )


# --- who sees what ------------------------------------------------------------------------


def no_grant(solicitation, actor, personas):
    """The evaluator persona, never appointed."""


def not_declared(solicitation, actor, personas):
    services.evaluator_grant(
        actor=actor("officer"), solicitation=solicitation, user=personas["evaluator"]
    )


def declared_a_conflict(solicitation, actor, personas):
    not_declared(solicitation, actor, personas)
    services.declaration_submit(
        actor=actor("evaluator"),
        solicitation=solicitation,
        conflicts={solicitation.acme.vendor_id: False, solicitation.beacon.vendor_id: True},
        typed_name="Evan Lowe",
    )


@pytest.mark.parametrize("state", [no_grant, not_declared, declared_a_conflict])
def test_an_evaluator_not_cleared_sees_no_bid_and_no_score(
    api_json, actor, departments, personas, state
):
    # Given a scored solicitation (another evaluator's sheet submitted) and the evaluator
    # persona in one of the states that must not see bids.
    solicitation = build_opened(actor, departments, personas)
    other = _another_evaluator_scores(actor, solicitation)
    state(solicitation, actor, personas)
    client = api_json("evaluator")

    for tail in BID_CONTENT:
        response = client.get(url(solicitation, tail))
        assert response.status_code == 404, (tail, response.content)
        assert_nothing_of_the_bids(response)
    # What any member may read says nothing of a bid either.
    summary = client.get(url(solicitation, "evaluation/"))
    assert summary.status_code == 200
    assert summary.json()["you"]["cleared"] is False
    assert_nothing_of_the_bids(summary)
    # And scoring is refused without saving anything.
    before = scores_of(solicitation)
    body = {"scores": [{"bid": solicitation.acme.pk, "criterion": other, "points": 90}]}
    refused = client.patch(url(solicitation, "evaluation/sheet/"), body)
    assert refused.status_code in (403, 404)
    assert_nothing_of_the_bids(refused)
    assert scores_of(solicitation) == before


def _another_evaluator_scores(actor, solicitation) -> int:
    """A second evaluator scores and submits, so there are scores to leak; the criterion id."""
    officer = actor("officer")
    for bid in (solicitation.acme, solicitation.beacon):
        services.bid_responsiveness_set(
            actor=officer, solicitation=solicitation, bid=bid, responsive=True
        )
    user = UserFactory(username="sam.second", first_name="Sam", last_name="Second")
    join_by_invitation(actor("admin"), user, "member", "TRN")
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=user)
    evaluator = tenant_actor_for(user, "riverton")
    declare_no_conflict(evaluator, solicitation)
    technical = solicitation.criteria.get(is_price=False).pk
    services.score_sheet_save(
        actor=evaluator,
        solicitation=solicitation,
        scores=[
            {"bid": solicitation.acme.pk, "criterion": technical, "points": 90},
            {"bid": solicitation.beacon.pk, "criterion": technical, "points": 60},
        ],
    )
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    return technical


def test_the_other_citys_officer_gets_the_404_of_nothing_everywhere(
    api_json, actor, departments, personas
):
    solicitation = build_scored(actor, departments, personas)
    client = api_json("officer.lakeside")
    nowhere = client.get("/api/v1/no-such-city/solicitations/")
    before = database_state()

    for tail in [*BID_CONTENT, "evaluation/", "evaluation/declaration/"]:
        response = client.get(url(solicitation, tail))
        assert response.status_code == 404, tail
        assert response.content == nowhere.content
    for tail, body in [
        ("evaluation/evaluators/", {"user": "evaluator"}),
        ("evaluation/close/", {}),
        ("evaluation/reopen/", {"reason": "x"}),
        (f"evaluation/bids/{solicitation.acme.pk}/responsiveness/", {"responsive": True}),
        ("award/", {"bid": solicitation.acme.pk}),
    ]:
        response = client.post(url(solicitation, tail), body)
        assert response.status_code == 404, tail
        assert_nothing_of_the_bids(response)
    # Nor through their own city's URLs.
    lakeside = f"/api/v1/lakeside/solicitations/{solicitation.reference}/evaluation/committee/"
    assert client.get(lakeside).status_code == 404
    assert database_state() == before


def test_evaluators_do_not_see_each_others_scores_before_submitting_their_own(
    api_json, cleared, second, actor
):
    # Given both evaluators cleared, each with a draft.
    evaluator, client = second
    services.evaluator_grant(actor=actor("officer"), solicitation=cleared, user=evaluator.user)
    declare_no_conflict(evaluator, cleared)
    technical = cleared.technical.pk
    mine = api_json("evaluator")
    sheet = url(cleared, "evaluation/sheet/")
    saved = mine.patch(
        sheet,
        {
            "scores": [
                {"bid": cleared.acme.pk, "criterion": technical, "points": 91, "comment": "Fine"},
                {"bid": cleared.beacon.pk, "criterion": technical, "points": 63},
            ]
        },
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["to_score"] == 0
    client.patch(
        sheet, {"scores": [{"bid": cleared.acme.pk, "criterion": technical, "points": 47}]}
    )

    # Then each sheet holds its own scores only, and neither sees the committee.
    theirs = client.get(sheet).json()
    assert [(s["bid"], s["points"]) for s in theirs["scores"]] == [(cleared.acme.pk, 47)]
    assert '"points": 91' not in json.dumps(theirs)
    for each in (mine, client):
        assert each.get(url(cleared, "evaluation/committee/")).status_code == 404

    # When the first submits, they see the committee: their own sheet, not the other's draft.
    submitted = mine.post(url(cleared, "evaluation/sheet/submission/"))
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    committee = mine.get(url(cleared, "evaluation/committee/")).json()
    assert [e["username"] for e in committee["evaluators"]] == ["evaluator"]
    points = [
        s["points"] for row in committee["rows"] for c in row["criteria"] for s in c["scores"]
    ]
    assert sorted(points) == [63, 91]
    # and the other still does not.
    assert client.get(url(cleared, "evaluation/committee/")).status_code == 404


def test_the_officer_and_the_heads_read_the_committee_view(api_json, actor, departments, personas):
    solicitation = build_scored(actor, departments, personas)
    technical = solicitation.technical.pk

    for username in ("officer", "head.trn", "head.psd", "evaluator"):
        response = api_json(username).get(url(solicitation, "evaluation/committee/"))
        assert response.status_code == 200, username
    body = response.json()
    assert body["price"]["weight"] == 40
    assert [c["name"] for c in body["criteria"]] == ["Technical approach"]
    acme, beacon = body["rows"]
    assert (acme["rank"], acme["vendor"], acme["total"]) == (1, "Acme Traffic Systems", "4500.00")
    assert (acme["price_score"], acme["score"]) == ("37.33", "91.33")
    assert (beacon["rank"], beacon["price_score"], beacon["score"]) == (2, "40.00", "76.00")
    assert acme["criteria"] == [
        {
            "criterion": technical,
            "average": "90.00",
            "weighted": "54.00",
            "scores": [{"evaluator": personas["evaluator"].pk, "points": 90, "outlier": False}],
        }
    ]
    assert body["non_responsive"] == []
    # An admin takes no part: 404.
    assert api_json("admin").get(url(solicitation, "evaluation/committee/")).status_code == 404


def test_the_summary_tells_each_member_their_part(api_json, cleared):
    officer = api_json("officer").get(url(cleared, "evaluation/")).json()
    assert officer["status"] == "open" and officer["round"] == 1
    assert officer["moves"] == ["close"]
    assert officer["close_blockers"] == ["wait for the score sheets of Evan Lowe"]
    assert officer["you"]["sees_committee"] is True
    mine = api_json("evaluator").get(url(cleared, "evaluation/")).json()
    assert mine["you"] == {
        "evaluator": True,
        "declared": True,
        "cleared": True,
        "sheet_status": "",
        "sees_committee": False,
    }
    assert mine["moves"] == []


# --- the committee list and the declarations --------------------------------------------------


def test_the_officer_appoints_by_username_or_id_and_removes(api_json, opened, personas):
    officer = api_json("officer")
    evaluators = url(opened, "evaluation/evaluators/")

    appointed = officer.post(evaluators, {"user": "EVALUATOR"})
    assert appointed.status_code == 201, appointed.content
    assert appointed.json()["username"] == "evaluator"
    assert appointed.json()["declared"] is None
    assert selectors.is_evaluator(personas["evaluator"], opened)
    listed = api_json("head.psd").get(evaluators).json()["results"]
    assert [row["username"] for row in listed] == ["evaluator"]
    assert api_json("admin").get(evaluators).status_code == 404
    assert api_json("evaluator").get(evaluators).status_code == 404

    removed = officer.delete(f"{evaluators}{personas['evaluator'].pk}/")
    assert removed.status_code == 204
    assert not selectors.is_evaluator(personas["evaluator"], opened)
    assert officer.delete(f"{evaluators}{personas['evaluator'].pk}/").status_code == 404
    again = officer.post(evaluators, {"user": personas["evaluator"].pk})
    assert again.status_code == 201


@pytest.mark.parametrize(
    "user",
    ["nobody", "officer.lakeside", "vendor.acme", "officer", True, 10**30, ["evaluator"], None],
)
def test_a_person_who_cannot_evaluate_is_a_400_naming_user(api_json, opened, personas, user):
    before = database_state()
    response = api_json("officer").post(url(opened, "evaluation/evaluators/"), {"user": user})
    api_refused(response, "user")
    assert database_state() == before


@pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
def test_only_an_officer_appoints(api_json, opened, username):
    before = database_state()
    response = api_json(username).post(url(opened, "evaluation/evaluators/"), {"user": "evaluator"})
    assert response.status_code == 403
    assert database_state() == before


def test_appointing_before_the_opening_is_a_409(api_json, published):
    response = api_json("officer").post(
        url(published, "evaluation/evaluators/"), {"user": "evaluator"}
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "not_under_evaluation"


def test_an_evaluator_declares_and_may_then_score(api_json, responsive, personas):
    client = api_json("evaluator")
    declaration = url(responsive, "evaluation/declaration/")
    before = client.get(declaration).json()
    assert before["declared"] is False and before["answers"] == []
    assert {b["name"] for b in before["bidders"]} == {
        "Acme Traffic Systems",
        "Beacon Safety Technologies",
    }
    assert client.get(url(responsive, "evaluation/sheet/")).status_code == 404

    body = {
        "conflicts": {str(b["id"]): False for b in before["bidders"]},
        "typed_name": "evan  LOWE",
        "note": "",
    }
    made = client.post(declaration, body)
    assert made.status_code == 201, made.content
    assert made.json()["cleared"] is True and made.json()["declared_at"]
    sheet = client.get(url(responsive, "evaluation/sheet/"))
    assert sheet.status_code == 200
    shown = sheet.json()
    assert [b["total"] for b in shown["bids"]] == ["4200.00", "4500.00"]
    assert shown["to_score"] == 2 and shown["status"] == "draft"
    assert client.post(declaration, body).status_code == 409


@pytest.mark.parametrize(
    ("change", "attr"),
    [
        ({"conflicts": {}}, "conflicts.{acme}"),
        ({"conflicts": "no"}, "conflicts"),
        ({"conflicts": {"{acme}": "false", "{beacon}": False}}, "conflicts.{acme}"),
        ({"conflicts": {"{acme}": False, "{beacon}": False, "999999": False}}, "conflicts.999999"),
        ({"typed_name": "Someone Else"}, "typed_name"),
        ({"typed_name": ""}, "typed_name"),
        ({"typed_name": ["Evan Lowe"]}, "typed_name"),
        ({"note": "x" * 2001}, "note"),
    ],
)
def test_a_bad_declaration_names_the_field_and_changes_nothing(api_json, responsive, change, attr):
    ids = {"acme": responsive.acme.vendor_id, "beacon": responsive.beacon.vendor_id}

    def filled(value):
        if isinstance(value, dict):
            return {key.format(**ids): answer for key, answer in value.items()}
        return value

    body = {"conflicts": {str(ids["acme"]): False, str(ids["beacon"]): False}}
    body |= {"typed_name": "Evan Lowe"} | {key: filled(value) for key, value in change.items()}
    before = database_state()
    response = api_json("evaluator").post(url(responsive, "evaluation/declaration/"), body)
    api_refused(response, attr.format(**ids))
    assert database_state() == before
    assert not ConflictDeclaration.objects.exists()


def test_a_declared_conflict_removes_the_evaluator_and_the_officer_reads_it(
    api_json, responsive, personas
):
    client = api_json("evaluator")
    body = {
        "conflicts": {
            str(responsive.acme.vendor_id): False,
            str(responsive.beacon.vendor_id): True,
        },
        "typed_name": "Evan Lowe",
        "note": "My brother works at Beacon.",
    }
    made = client.post(url(responsive, "evaluation/declaration/"), body)
    assert made.status_code == 201
    assert made.json()["cleared"] is False
    assert not selectors.is_evaluator(personas["evaluator"], responsive)
    # Their own declaration stays readable to them; the bids do not.
    mine = client.get(url(responsive, "evaluation/declaration/")).json()
    assert {a["name"]: a["conflict"] for a in mine["answers"]} == {
        "Acme Traffic Systems": False,
        "Beacon Safety Technologies": True,
    }
    assert client.get(url(responsive, "evaluation/sheet/")).status_code == 404
    conflicts = api_json("officer").get(url(responsive, "evaluation/conflicts/")).json()["results"]
    assert [(c["evaluator"], c["vendor"], c["note"]) for c in conflicts] == [
        ("evaluator", "Beacon Safety Technologies", "My brother works at Beacon.")
    ]
    assert api_json("officer").get(url(responsive, "evaluation/evaluators/")).json()["count"] == 0
    # And they cannot be appointed again.
    again = api_json("officer").post(
        url(responsive, "evaluation/evaluators/"), {"user": "evaluator"}
    )
    api_refused(again, "user")


# --- responsiveness -------------------------------------------------------------------------


def test_the_officer_decides_responsiveness_with_the_datas_proposals(api_json, granted):
    officer = api_json("officer")
    rows = officer.get(url(granted, "evaluation/bids/")).json()["results"]
    assert [(r["vendor"], r["total"], r["responsive"]) for r in rows] == [
        ("Beacon Safety Technologies", "4200.00", None),
        ("Acme Traffic Systems", "4500.00", None),
    ]
    proposals = {r["vendor"]: [p["reason"] for p in r["proposals"]] for r in rows}
    expected = selectors.responsiveness_proposals(granted)
    assert proposals["Acme Traffic Systems"] == expected[granted.acme.pk]

    target = url(granted, f"evaluation/bids/{granted.beacon.pk}/responsiveness/")
    decided = officer.post(target, {"responsive": False, "reason": "other", "note": "Late bond."})
    assert decided.status_code == 200, decided.content
    row = decided.json()
    assert (row["status"], row["responsive"], row["reason"]) == ("non_responsive", False, "other")
    assert row["decided_by"] == "officer"
    changed = officer.post(target, {"responsive": True})
    assert changed.json()["responsive"] is True and changed.json()["reason"] == ""
    assert api_json("head.trn").get(url(granted, "evaluation/bids/")).status_code == 200
    assert api_json("evaluator").get(url(granted, "evaluation/bids/")).status_code == 404


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"responsive": False}, "reason"),
        ({"responsive": False, "reason": "bribery"}, "reason"),
        ({"responsive": False, "reason": "other"}, "note"),
        ({"responsive": "no", "reason": "other", "note": "x"}, "responsive"),
        ({"responsive": None}, "responsive"),
        ({"responsive": False, "reason": ["other"]}, "reason"),
    ],
)
def test_a_bad_responsiveness_decision_names_the_field_and_changes_nothing(
    api_json, granted, body, attr
):
    before = database_state()
    target = url(granted, f"evaluation/bids/{granted.acme.pk}/responsiveness/")
    api_refused(api_json("officer").post(target, body), attr)
    assert database_state() == before
    assert Bid.objects.get(pk=granted.acme.pk).status == "opened"


def test_only_the_officer_decides_responsiveness_of_an_opened_bid_here(api_json, granted, personas):
    before = database_state()
    target = url(granted, f"evaluation/bids/{granted.acme.pk}/responsiveness/")
    assert api_json("head.psd").post(target, {"responsive": True}).status_code == 403
    elsewhere = url(granted, "evaluation/bids/999999/responsiveness/")
    api_refused(api_json("officer").post(elsewhere, {"responsive": True}), "bid")
    assert database_state() == before


# --- scoring --------------------------------------------------------------------------------


def score(solicitation, criterion, points, *, bid=None):
    bid = bid or solicitation.acme
    return {"scores": [{"bid": bid.pk, "criterion": criterion, "points": points}]}


@pytest.mark.parametrize("points", [101, -1, "x", 1.5, "", None, True, [], 10**30, "50.5"])
def test_points_out_of_range_or_not_whole_name_the_entry_and_save_nothing(
    api_json, cleared, points
):
    client = api_json("evaluator")
    sheet = url(cleared, "evaluation/sheet/")
    client.patch(sheet, score(cleared, cleared.technical.pk, 80))
    before, saved = database_state(), scores_of(cleared)

    # A valid score alongside the bad one is not saved either.
    body = score(cleared, cleared.technical.pk, points)
    body["scores"].insert(
        0, {"bid": cleared.beacon.pk, "criterion": cleared.technical.pk, "points": 70}
    )
    api_refused(client.patch(sheet, body), "scores.1.points")
    assert database_state() == before
    assert scores_of(cleared) == saved


def test_a_non_responsive_bid_or_the_price_criterion_is_not_scored(api_json, cleared, actor):
    services.bid_responsiveness_set(
        actor=actor("officer"),
        solicitation=cleared,
        bid=cleared.beacon,
        responsive=False,
        reason="document_missing",
    )
    client = api_json("evaluator")
    sheet = url(cleared, "evaluation/sheet/")
    price = cleared.criteria.get(is_price=True).pk
    before = database_state()

    body = score(cleared, cleared.technical.pk, 50, bid=cleared.beacon)
    api_refused(client.patch(sheet, body), "scores.0.bid")
    api_refused(client.patch(sheet, score(cleared, price, 50)), "scores.0.criterion")
    api_refused(client.patch(sheet, {"scores": "all 90"}), "scores")
    api_refused(client.patch(sheet, {"scores": [7]}), "scores.0")
    assert database_state() == before
    # The sheet no longer offers the non-responsive bid.
    assert [b["vendor"] for b in client.get(sheet).json()["bids"]] == ["Acme Traffic Systems"]


def test_an_incomplete_sheet_is_not_submitted_and_a_submitted_one_is_locked(api_json, cleared):
    client = api_json("evaluator")
    sheet = url(cleared, "evaluation/sheet/")
    client.patch(sheet, score(cleared, cleared.technical.pk, 80))
    before = database_state()
    refused = api_refused(client.post(f"{sheet}submission/"), "scores")
    assert refused["errors"][0]["code"] == "incomplete"
    assert database_state() == before

    client.patch(sheet, score(cleared, cleared.technical.pk, 60, bid=cleared.beacon))
    assert client.post(f"{sheet}submission/").status_code == 200
    locked = client.patch(sheet, score(cleared, cleared.technical.pk, 10))
    assert locked.status_code == 409
    assert locked.json()["errors"][0]["code"] == "sheet_submitted"
    assert ScoreSheet.objects.get().status == "submitted"


def test_the_officer_closes_once_done_and_reopens_with_a_reason(api_json, cleared, actor):
    officer = api_json("officer")
    refused = officer.post(url(cleared, "evaluation/close/"))
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "evaluation_incomplete"

    evaluator = api_json("evaluator")
    sheet = url(cleared, "evaluation/sheet/")
    for bid, points in ((cleared.acme, 90), (cleared.beacon, 60)):
        evaluator.patch(sheet, score(cleared, cleared.technical.pk, points, bid=bid))
    evaluator.post(f"{sheet}submission/")
    assert api_json("head.trn").post(url(cleared, "evaluation/close/")).status_code == 403
    closed = officer.post(url(cleared, "evaluation/close/"))
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "closed" and closed.json()["moves"] == ["reopen"]

    before = database_state()
    api_refused(officer.post(url(cleared, "evaluation/reopen/"), {"reason": " "}), "reason")
    assert database_state() == before
    reopened = officer.post(url(cleared, "evaluation/reopen/"), {"reason": "Site visit."})
    assert reopened.status_code == 200
    assert (reopened.json()["round"], reopened.json()["reopened_reason"]) == (2, "Site visit.")
    assert evaluator.get(sheet).json()["status"] == "draft"  # returned to its evaluator


# --- the sweep and the query counts ---------------------------------------------------------

WEIRD = [None, "", "\x00", "x" * 30_000, -1, 1.5, 1e308, 10**40, "NaN", True, [], [None], {}]


def test_every_evaluation_write_takes_weird_values_without_a_500(api_json, cleared):
    technical, acme = cleared.technical.pk, cleared.acme.pk
    targets = [
        ("officer", "post", "evaluation/evaluators/", {"user": "evaluator"}),
        ("officer", "post", f"evaluation/bids/{acme}/responsiveness/", {"responsive": True}),
        ("evaluator", "post", "evaluation/declaration/", {"conflicts": {}, "typed_name": "E"}),
        (
            "evaluator",
            "patch",
            "evaluation/sheet/",
            {"scores": [{"bid": acme, "criterion": technical, "points": 1, "comment": ""}]},
        ),
        ("officer", "post", "evaluation/reopen/", {"reason": "r"}),
    ]
    for username, method, tail, body in targets:
        client = api_json(username)
        for name in body:
            for value in WEIRD:
                mutated = body | {name: value}
                response = getattr(client, method)(url(cleared, tail), mutated)
                assert response.status_code < 500, (tail, name, value)
                if response.status_code >= 400:
                    assert set(response.json()) == {"type", "errors"}
        if "scores" in body:
            for field in ("bid", "criterion", "points", "comment"):
                for value in WEIRD:
                    entry = body["scores"][0] | {field: value}
                    response = client.patch(url(cleared, tail), {"scores": [entry]})
                    assert response.status_code < 500, (field, value)


@pytest.fixture
def few_and_many(actor, departments, personas):
    companies = bidding_companies(110)
    few = build_opened_with(actor, departments, companies[:10])
    many = build_opened_with(actor, departments, companies[10:])
    return few, many


def test_query_counts_do_not_grow_with_the_bids(api_json, actor, personas, few_and_many):
    few, many = few_and_many
    officer, evaluator = api_json("officer"), api_json("evaluator")
    for solicitation in (few, many):
        evaluate_every_bid(actor, personas, solicitation, close=False)
    # Each list: the actor, the solicitation, the rows, the count; the committee: four
    # queries for the criteria, the sheets, the bids and the scores whatever their number.
    for client, tail in [
        (officer, "evaluation/"),
        (officer, "evaluation/evaluators/"),
        (officer, "evaluation/conflicts/"),
        (officer, "evaluation/bids/"),
        (officer, "evaluation/committee/"),
        (evaluator, "evaluation/committee/"),
        (evaluator, "evaluation/sheet/"),
        (evaluator, "evaluation/declaration/"),
    ]:
        assert queries_for_get(client, url(few, tail)) == queries_for_get(
            client, url(many, tail)
        ), tail
    assert len(api_json("officer").get(url(many, "evaluation/committee/")).json()["rows"]) == 100
