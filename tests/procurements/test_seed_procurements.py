"""The demo seed's solicitations (DESIGN.md 8, issues 4 and 11): one published joint
solicitation with Beacon's draft bid, one opened with both companies' bids, one awaiting
approval, made through the services, and a second seed changes nothing."""

import io

import pytest
from django.core.management import call_command

from departments.tenancy import tenant_actor_for
from p3hub.audit import audit_chain_keys, audit_chain_verify
from p3hub.models import AuditEvent
from procurements import selectors
from procurements.demo import CAMERAS, PREEMPTION, STREETLIGHTS, STUDY
from procurements.models import Bid, Solicitation
from tests.helpers import every_row_count

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())


def test_the_cameras_are_published_with_both_approvals():
    seed()
    cameras = Solicitation.objects.get(municipality__slug="riverton", title=CAMERAS)
    assert cameras.status == Solicitation.Status.PUBLISHED
    assert cameras.lead_department.code == "TRN"
    assert cameras.bids_due_at > cameras.published_at
    lines = {item.description: item for item in cameras.line_items.all()}
    assert (lines["Traffic camera"].quantity, lines["Speed sensor"].quantity) == (4, 2)
    assert set(cameras.criteria.values_list("name", "weight")) == {
        ("Price", 40),
        ("Technical approach", 60),
    }
    split = selectors.current_split_of(cameras)
    assert (split.method, split.status) == ("line_item", "approved")
    assert split.result["departments"] == {"PSD": 500_000, "TRN": 740_000}
    decided = {
        (d.department.code, d.decided_by.username) for d in split.shares.exclude(status="pending")
    }
    assert decided == {("TRN", "head.trn"), ("PSD", "head.psd")}
    assert cameras in selectors.solicitations_public()


def test_beacon_has_a_draft_on_the_cameras_and_nobody_sees_a_price():
    seed()
    cameras = Solicitation.objects.get(municipality__slug="riverton", title=CAMERAS)
    drafts = Bid.objects.filter(solicitation=cameras)
    assert [(bid.vendor.name, bid.status) for bid in drafts] == [
        ("Beacon Safety Technologies", "draft")
    ]
    assert drafts.get().total_minor is None and cameras.opened_at is None


def test_the_streetlights_were_opened_with_both_bids_in_the_tabulation():
    seed()
    lights = Solicitation.objects.get(municipality__slug="riverton", title=STREETLIGHTS)
    assert lights.status == Solicitation.Status.OPENED
    assert lights.bids_due_at < lights.opened_at
    table = selectors.tabulation_of(lights)
    assert [row.vendor_name for row in table.rows] == [
        "Acme Traffic Systems",  # 120 x 398.00 + 12 x 870.00 = 58,200.00
        "Beacon Safety Technologies",  # 120 x 405.50 + 12 x 815.00 = 58,440.00
    ]
    assert [row.total_minor for row in table.rows] == [5_820_000, 5_844_000]
    assert all(row.receipt_matches for row in table.rows)
    assert lights.municipality.bid_tabulation_public


def test_the_study_awaits_head_trn_with_an_in_kind_contribution(personas):
    seed()
    study = Solicitation.objects.get(municipality__slug="riverton", title=STUDY)
    assert study.status == Solicitation.Status.IN_APPROVAL
    split = selectors.current_split_of(study)
    assert (split.method, split.status) == ("percentage", "proposed")
    assert split.in_kind_contributor == "Acme Traffic Systems"
    assert split.in_kind_minor == 1_000_000
    assert split.result["departments"] == {"PSD": 7_200_000, "TRN": 10_800_000}
    assert {d.department.code for d in split.shares.exclude(status="pending")} == {"PSD"}
    waiting = selectors.approvals_pending_for(tenant_actor_for(personas["head.trn"], "riverton"))
    assert [share.version.solicitation.title for share in waiting] == [STUDY]
    assert study not in selectors.solicitations_public()


def test_seeding_twice_changes_nothing_and_the_audit_trail_verifies():
    seed()
    counts = every_row_count()
    events = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))

    seed()

    assert every_row_count() == counts
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == events
    assert all(audit_chain_verify(key) is None for key in audit_chain_keys())


def test_the_preemption_was_scored_by_the_evaluator_awarded_at_acmes_prices_and_is_final():
    seed()
    preemption = Solicitation.objects.get(municipality__slug="riverton", title=PREEMPTION)
    assert preemption.status == Solicitation.Status.AWARDED
    award = selectors.award_public(preemption)
    assert award.status == "final" and award.top_ranked
    assert award.bid.vendor.name == "Acme Traffic Systems"
    # 8 receivers at 3,050.00 shared 6/2, 30 emitters at 690.00 for PSD.
    assert award.total_minor == 4_510_000
    assert {s.department.code: s.amount_minor for s in award.shares.all()} == {
        "TRN": 1_830_000,
        "PSD": 2_680_000,
    }
    assert {s.decided_by.username for s in award.shares.all()} == {"head.trn", "head.psd"}
    committee = selectors.committee_of(preemption)
    assert [row.bid.vendor.name for row in committee.rows] == [
        "Acme Traffic Systems",
        "Beacon Safety Technologies",
    ]
    assert [person.username for person in committee.evaluators] == ["evaluator"]
    assert str(committee.rows[0].result.total) == "89.37"
