"""The procurement API end to end: the issue's story, then each resource's behaviour."""

import datetime as dt
from decimal import Decimal

import pytest

from p3hub.models import AuditEvent
from procurements.models import CostSplitVersion, LineItem, Solicitation
from tests.factories import future, line_item_split
from tests.helpers import url

pytestmark = pytest.mark.django_db

API = "/api/v1/riverton"


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def iso(days: int) -> str:
    return future(days).isoformat()


@pytest.fixture
def api_as(api_as):
    """The shared fixture, sending JSON bodies by default (the API parses JSON only)."""

    def client_for(username):
        client = api_as(username)
        client.default_format = "json"
        return client

    return client_for


# --- the story --------------------------------------------------------------------------------


def test_story_from_draft_to_the_public_list_through_the_api(
    api_as, mailoutbox, django_capture_on_commit_callbacks
):
    officer, head_trn, head_psd = api_as("officer"), api_as("head.trn"), api_as("head.psd")

    # Given the officer opens a joint solicitation led by Transportation
    created = ok(
        officer.post(
            f"{API}/solicitations/",
            {
                "kind": "RFP",
                "title": "Intersection cameras at Main St & Elm St",
                "description": "Cameras and speed sensors at one intersection.",
                "lead_department": "TRN",
                "publish_at": iso(1),
                "questions_due_at": iso(10),
                "bids_due_at": iso(20),
                "opening_at": iso(21),
            },
        ),
        201,
    )
    reference = created["reference"]
    assert reference.startswith("RIV-") and created["status"] == "draft"
    assert created["departments"] == ["TRN"]

    # with a camera and a speed sensor, priced in dollars
    camera = ok(
        officer.post(
            url(reference, "line-items/"),
            {
                "description": "Traffic camera",
                "quantity": 4,
                "site": "Main St & Elm St",
                "estimated_unit_price": "2500.00",
            },
        ),
        201,
    )
    sensor = ok(
        officer.post(
            url(reference, "line-items/"),
            {"description": "Speed sensor", "quantity": "2", "estimated_unit_price": "1200.00"},
        ),
        201,
    )
    assert (camera["estimated_unit_price"], camera["amount"]) == ("2500.00", "10000.00")

    # criteria, and Public Safety invited; its head joins
    ok(
        officer.put(
            url(reference, "criteria/"),
            {
                "criteria": [
                    {"name": "Price", "weight": 40, "is_price": True},
                    {"name": "Technical approach", "weight": 60},
                ]
            },
        )
    )
    invitation = ok(officer.post(url(reference, "participations/"), {"department": "PSD"}), 201)
    assert invitation["status"] == "invited"
    joined = ok(head_psd.post(url(reference, f"participations/{invitation['id']}/join/")))
    assert joined["status"] == "joined"

    # When the officer previews camera 50/50, sensor 100% TRN: nothing is saved
    split = {
        "method": "line_item",
        "inputs": {
            "lines": {
                str(camera["id"]): {"TRN": "50", "PSD": "50"},
                str(sensor["id"]): {"TRN": "100"},
            }
        },
    }
    preview = ok(officer.post(url(reference, "cost-split-versions/preview/"), split))
    assert {d["department"]: d["amount"] for d in preview["table"]["departments"]} == {
        "PSD": "5000.00",
        "TRN": "7400.00",
    }
    assert preview["table"]["total"] == "12400.00"
    assert not CostSplitVersion.objects.filter(solicitation__reference=reference).exists()

    # and proposes it; both heads find it in their inbox with their share
    with django_capture_on_commit_callbacks(execute=True):
        version = ok(officer.post(url(reference, "cost-split-versions/"), split), 201)
    assert (version["number"], version["status"]) == (1, "proposed")
    assert len(mailoutbox) == 2

    def inbox():  # the demo seed may have a solicitation awaiting approval too
        rows = ok(head_trn.get(f"{API}/approvals/"))["results"]
        return [(a["department"], a["amount"]) for a in rows if a["solicitation"] == reference]

    assert inbox() == [("TRN", "7400.00")]

    # Then both heads approve, the officer publishes
    ok(head_trn.post(url(reference, "cost-split-versions/1/approve/"), {"department": "TRN"}))
    approved = ok(
        head_psd.post(url(reference, "cost-split-versions/1/approve/"), {"department": "PSD"})
    )
    assert approved["status"] == "approved"
    assert inbox() == []
    # (its publish date is tomorrow: it is scheduled, and nobody outside sees it yet)
    scheduled = ok(officer.post(url(reference, "publish/")))
    assert scheduled["status"] == "scheduled"
    assert scheduled["status_display"].startswith("Scheduled for ")
    assert scheduled["publish_at"] == created["publish_at"]  # kept as entered
    anonymous = api_as(None)
    ok(anonymous.get(f"/api/v1/public/solicitations/riverton/{reference}/"), 404)

    # When the database clock passes the publish date (no worker has run)
    Solicitation.objects.filter(reference=reference).update(
        publish_at=future(-1), published_at=future(-1)
    )

    # an anonymous visitor finds it in the public API, without the split internals
    listed = ok(anonymous.get("/api/v1/public/solicitations/", {"q": "Main St & Elm"}))
    assert reference in [s["reference"] for s in listed["results"]]
    mine = ok(anonymous.get("/api/v1/public/solicitations/", {"q": reference}))["results"]
    assert [(s["municipality"], s["reference"]) for s in mine] == [("riverton", reference)]
    detail = ok(anonymous.get(f"/api/v1/public/solicitations/riverton/{reference}/"))
    assert (detail["status"], detail["status_display"]) == ("published", "Published")
    assert [d["code"] for d in detail["departments"]] == ["PSD", "TRN"]
    assert [i["description"] for i in detail["line_items"]] == ["Traffic camera", "Speed sensor"]
    assert "table" not in detail and "estimated_unit_price" not in detail["line_items"][0]

    # and the history tells the whole story, newest first
    verbs = [e["verb"] for e in ok(officer.get(url(reference, "history/")))["results"]]
    assert verbs[0] == "solicitation.schedule" and verbs[-1] == "solicitation.create"
    assert {
        "cost_split.propose",
        "share.approve",
        "cost_split.approve",
        "participation.join",
    } <= set(verbs)


# --- solicitations ------------------------------------------------------------------------


def test_naive_dates_are_the_municipality_local_time_and_come_back_local(api_as, personas):
    body = {
        "kind": "IFB",
        "title": "Road salt",
        "lead_department": "trn",
        "bids_due_at": "2030-01-15T14:00:00",
        "opening_at": "2030-01-15T15:00:00-06:00",
    }

    created = ok(api_as("officer").post(f"{API}/solicitations/", body), 201)

    stored = Solicitation.objects.get(reference=created["reference"])
    # Riverton is America/Chicago: 14:00 local in January is 20:00 UTC.
    assert stored.bids_due_at == dt.datetime(2030, 1, 15, 20, 0, tzinfo=dt.UTC)
    assert created["bids_due_at"] == "2030-01-15T14:00:00-06:00"
    assert created["lead_department"] == "TRN"


def test_list_filters(api_as, cameras, actor, departments):
    from procurements import services

    paper = services.solicitation_create(
        actor=actor("officer"), kind="RFQ", title="Paper", lead_department=departments["PSD"]
    )
    ours = {cameras.reference, paper.reference}  # the demo seed may hold others
    client = api_as("evaluator")

    def references(**params):
        page = ok(client.get(f"{API}/solicitations/", params))["results"]
        return [s["reference"] for s in page if s["reference"] in ours]

    assert references() == [paper.reference, cameras.reference]
    assert references(kind="RFP") == [cameras.reference]
    assert references(status="draft", q="camera") == [cameras.reference]
    assert references(q=cameras.reference) == [cameras.reference]
    assert references(department="PSD") == [paper.reference, cameras.reference]
    assert references(department="trn") == [cameras.reference]
    assert references(lead_department="psd") == [paper.reference]
    assert references(status="published") == []


def test_retrieve_shows_line_items_criteria_and_current_split(api_as, cameras, actor):
    from procurements import services

    services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )

    detail = ok(api_as("head.psd").get(url(cameras)))

    assert detail["estimated_total"] == "12400.00"
    assert [c["weight"] for c in detail["criteria"]] == [40, 60]
    assert detail["current_split"] == {"number": 1, "status": "proposed"}
    assert {p["department"]: p["status"] for p in detail["participations"]} == {
        "PSD": "joined",
        "TRN": "joined",
    }


def test_partial_update_and_cancel(api_as, cameras):
    officer = api_as("officer")

    changed = ok(officer.patch(url(cameras), {"title": "Cameras, phase 1"}))
    cancelled = ok(officer.post(url(cameras, "cancel/"), {"reason": "Budget withdrawn."}))

    assert changed["title"] == "Cameras, phase 1"
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Budget withdrawn.")
    again = officer.post(url(cameras, "cancel/"), {"reason": "Twice."})
    assert again.status_code == 409
    assert again.json()["errors"][0]["code"] == "invalid_transition"


# --- line items, criteria, participations -------------------------------------------------


def test_line_item_edit_and_remove(api_as, cameras):
    officer = api_as("officer")
    camera = url(cameras, f"line-items/{cameras.camera.pk}/")

    edited = ok(officer.patch(camera, {"estimated_unit_price": "2600.5"}))
    ok(officer.delete(url(cameras, f"line-items/{cameras.sensor.pk}/")), 204)

    assert edited["estimated_unit_price"] == "2600.50"
    assert edited["quantity"] == "4.000"
    assert list(LineItem.objects.filter(solicitation=cameras).values_list("pk", flat=True)) == [
        cameras.camera.pk
    ]


def test_participation_withdraw_and_decline(api_as, cameras, departments, personas):
    from departments.models import Department, Membership

    parks = Department.objects.create(
        municipality=departments["TRN"].municipality, code="PRK", name="Parks"
    )
    Membership.objects.create(
        user=personas["evaluator"], municipality=parks.municipality, role="member", department=parks
    )
    officer = api_as("officer")

    invited = ok(officer.post(url(cameras, "participations/"), {"department": "PRK"}), 201)
    declined = ok(
        api_as("evaluator").post(url(cameras, f"participations/{invited['id']}/decline/"))
    )
    psd = cameras.participations.get(department__code="PSD")
    ok(officer.delete(url(cameras, f"participations/{psd.pk}/")), 204)
    lead = cameras.participations.get(department__code="TRN")
    refused = officer.delete(url(cameras, f"participations/{lead.pk}/"))

    assert declined["status"] == "declined"
    assert refused.status_code == 400 and refused.json()["errors"][0]["attr"] == "department"
    statuses = ok(officer.get(url(cameras, "participations/")))["results"]
    assert {p["department"]: p["status"] for p in statuses} == {"PRK": "declined", "TRN": "joined"}


def test_split_versions_list_retrieve_and_reject(api_as, cameras, actor):
    officer = api_as("officer")
    split = {"method": "percentage", "inputs": {"percentages": {"TRN": "60", "PSD": "40"}}}
    ok(officer.post(url(cameras, "cost-split-versions/"), split), 201)

    rejected = ok(
        api_as("head.psd").post(
            url(cameras, "cost-split-versions/1/reject/"),
            {"department": "PSD", "reason": "Forty is too much."},
        )
    )
    versions = ok(officer.get(url(cameras, "cost-split-versions/")))["results"]
    one = ok(officer.get(url(cameras, "cost-split-versions/1/")))

    assert rejected["status"] == "rejected"
    assert [v["number"] for v in versions] == [1]
    assert one["shares"] == [
        {
            "department": "PSD",
            "amount": "4960.00",
            "status": "rejected",
            "fund_code": "",  # set on approval only
            "reason": "Forty is too much.",
            "decided_by": "head.psd",
            "decided_at": one["shares"][0]["decided_at"],
        },
        {
            "department": "TRN",
            "amount": "7440.00",
            "status": "pending",
            "fund_code": "",
            "reason": "",
            "decided_by": None,
            "decided_at": None,
        },
    ]
    assert {d["department"]: d["amount"] for d in one["table"]["departments"]} == {
        "PSD": "4960.00",
        "TRN": "7440.00",
    }
    assert ok(officer.get(url(cameras, "cost-split-versions/9/")), 404) is not None


def test_in_kind_contribution_is_not_paid_by_departments(api_as, cameras):
    body = {
        "method": "percentage",
        "inputs": {"percentages": {"TRN": "50", "PSD": "50"}},
        "in_kind": {
            "contributor": "Acme Traffic Systems",
            "description": "Year 1 maintenance",
            "amount": "2400.00",
        },
    }

    version = ok(api_as("officer").post(url(cameras, "cost-split-versions/"), body), 201)

    table = version["table"]
    assert (table["in_kind_amount"], table["payable"]) == ("2400.00", "10000.00")
    assert sum(Decimal(d["amount"]) for d in table["departments"]) == Decimal("10000.00")
    assert version["in_kind"] == {
        "amount": "2400.00",
        "contributor": "Acme Traffic Systems",
        "description": "Year 1 maintenance",
    }


def test_public_detail_hides_drafts_and_unknown_cities(api_as, cameras):
    anonymous = api_as(None)

    assert (
        anonymous.get(f"/api/v1/public/solicitations/riverton/{cameras.reference}/").status_code
        == 404
    )
    assert (
        anonymous.get(f"/api/v1/public/solicitations/nowhere/{cameras.reference}/").status_code
        == 404
    )
    listed = ok(anonymous.get("/api/v1/public/solicitations/", {"page_size": 200}))["results"]
    assert cameras.reference not in {s["reference"] for s in listed}


def test_history_is_recorded_on_every_write(api_as, cameras):
    officer = api_as("officer")
    before = AuditEvent.objects.count()

    ok(officer.patch(url(cameras), {"description": "More detail."}))

    assert AuditEvent.objects.count() == before + 1
    latest = ok(officer.get(url(cameras, "history/")))["results"][0]
    assert latest["verb"] == "solicitation.update" and latest["actor"] == "officer"


def test_the_api_tells_each_caller_the_moves_open_to_them(api_as, cameras, departments, personas):
    from departments.models import Department, Membership

    # Given Parks is invited, and the evaluator works in Parks
    parks = Department.objects.create(
        municipality=departments["TRN"].municipality, code="PRK", name="Parks"
    )
    Membership.objects.create(
        user=personas["evaluator"],
        municipality=parks.municipality,
        role="member",
        department=parks,
    )
    officer, evaluator = api_as("officer"), api_as("evaluator")
    ok(officer.post(url(cameras, "participations/"), {"department": "PRK"}), 201)

    def moves(client) -> tuple:
        detail = ok(client.get(url(cameras)))
        return detail["moves"], {p["department"]: p["moves"] for p in detail["participations"]}

    # Then the officer may cancel the draft and withdraw any department but the lead; the
    # evaluator may answer for Parks and nothing else; nobody may publish a draft.
    assert moves(officer) == (["cancel"], {"PRK": ["withdraw"], "PSD": ["withdraw"], "TRN": []})
    assert moves(evaluator) == ([], {"PRK": ["decline", "join"], "PSD": [], "TRN": []})
