"""The award's whole path through the services (issue 12): scored and closed, proposed to the
top-ranked bid, both heads approve their exact amounts at the awarded prices, the notice is
published with the protest period, a protest is denied, and the chronograph records the award
final once."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from p3hub.models import AuditEvent, OutboundEmail
from procurements import selectors, services, tasks
from procurements.models import Award, Solicitation
from tests.factories import build_scored
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


def test_the_committee_ranks_acme_first_on_quality_against_beacons_lower_price(scored):
    committee = selectors.committee_of(scored)
    assert [row.bid.vendor.name for row in committee.rows] == [
        "Acme Traffic Systems",
        "Beacon Safety Technologies",
    ]
    acme, beacon = committee.rows
    assert str(acme.result.price_score) == "37.33"  # 40 x 4,200 / 4,500
    assert str(beacon.result.price_score) == "40.00"
    assert str(acme.result.total) == "91.33" and str(beacon.result.total) == "76.00"


def test_the_award_is_priced_at_the_awarded_unit_prices_approved_published_and_final(
    scored, actor, departments, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award = services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)
    # Acme: cameras 4 x 1,000.00 shared 50/50, sensors 2 x 250.00 all TRN.
    assert award.total_minor == 450_000 and award.top_ranked
    assert award.result["departments"] == {"PSD": 200_000, "TRN": 250_000}
    assert OutboundEmail.objects.filter(key__startswith=f"award-proposed:{award.pk}").count() == 2

    services.award_share_approve(
        actor=actor("head.trn"), award=award, department=departments["TRN"]
    )
    assert Award.objects.get(pk=award.pk).status == "proposed"
    with django_capture_on_commit_callbacks(execute=True):
        services.award_share_approve(
            actor=actor("head.psd"), award=award, department=departments["PSD"]
        )
    award.refresh_from_db()
    assert award.status == "published" and award.protest_ends_at > award.published_at
    assert Solicitation.objects.get(pk=scored.pk).status == "awarded"
    assert (
        OutboundEmail.objects.filter(key__startswith=f"award-published:{award.pk}:bid:").count()
        == 2
    )

    beacon = vendor_actor_for(personas["vendor.beacon"])
    protest = services.protest_file(actor=beacon, award=award, reasons="Our price was lower.")
    services.protest_resolve(
        actor=actor("officer"), protest=protest, upheld=False, resolution="Quality counts 60%."
    )
    Award.objects.filter(pk=award.pk).update(protest_ends_at=Now() - dt.timedelta(seconds=1))
    assert tasks.chronograph.delay().get()["awards_final"] == 1
    assert tasks.chronograph.delay().get()["awards_final"] == 0
    assert Award.objects.get(pk=award.pk).status == "final"
    assert AuditEvent.objects.filter(verb="award.final").count() == 1


def test_a_rejected_amount_returns_the_solicitation_to_evaluation_with_the_reason(
    scored, actor, departments
):
    award = services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)
    services.award_share_reject(
        actor=actor("head.psd"), award=award, department=departments["PSD"], reason="Over budget."
    )
    evaluation = selectors.evaluation_of(scored)
    assert evaluation.status == "open" and evaluation.round == 2
    assert "Over budget." in evaluation.reopened_reason
    assert Award.objects.get(pk=award.pk).status == "rejected"
    assert selectors.award_current(scored) is None


def test_staff_tabulation_shows_prices_to_a_member_only_once_cleared_as_evaluator(
    actor, departments, personas, client, api_as
):
    """The staff bids page and API after the opening: officer and heads read the prices; a
    plain member (the demo's evaluator) only the count, until appointed and declared."""
    from departments.models import Municipality
    from tests.factories import build_opened, declare_no_conflict

    Municipality.objects.filter(slug="riverton").update(bid_tabulation_public=False)
    opened = build_opened(actor, departments, personas)
    page = f"/riverton/manage/solicitations/{opened.reference}/bids/"
    api = f"/api/v1/riverton/solicitations/{opened.reference}/bids/"

    def reads_prices(username: str) -> tuple[bool, bool]:
        client.force_login(personas[username])
        body = api_as(username).get(api)
        assert body.status_code == 200
        return "4,500.00" in client.get(page).content.decode(), "4500.00" in body.content.decode()

    assert reads_prices("officer") == (True, True)
    assert reads_prices("head.psd") == (True, True)
    assert reads_prices("evaluator") == (False, False)
    services.evaluator_grant(
        actor=actor("officer"), solicitation=opened, user=personas["evaluator"]
    )
    assert reads_prices("evaluator") == (False, False)  # appointed, not yet declared
    declare_no_conflict(actor("evaluator"), opened)
    assert reads_prices("evaluator") == (True, True)
