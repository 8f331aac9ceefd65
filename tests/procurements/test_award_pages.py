"""The award in the pages (issue 12, item 4): the officer proposes from the award page (the
top-ranked bid preselected, any other only with a justification); each head approves or
rejects their department's exact amount from the approval inbox, never another's; the public
reads the notice once published and nothing of the scores; each bidder reads its own rank and
scores, never another's, and may protest during the protest period; the officer upholds or
denies. Another city's staff and a company that did not bid get 404."""

import datetime as dt
from urllib.parse import quote_from_bytes

import pytest
from django.db.models.functions import Now
from django.urls import reverse

from procurements import services
from procurements.models import Award, AwardShare, Bid, Protest, Solicitation
from procurements.services import opening
from tests.factories import (
    bidding_companies,
    build_published,
    build_scored,
    declare_no_conflict,
    submitted_bid,
)
from tests.helpers import (
    database_state,
    error_at,
    page_text,
    post_refused,
    queries_for_get,
    typed_value,
)
from tests.test_no_500 import FORM_VALUES, audit_count
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

ACME, BEACON = "Acme Traffic Systems", "Beacon Safety Technologies"
# Acme: cameras 4 x 1,000.00 shared 50/50, sensors 2 x 250.00 all TRN.
TRN_AMOUNT, PSD_AMOUNT, TOTAL = "$2,500.00", "$2,000.00", "$4,500.00"
# The committee's scores (tests/factories.build_scored): what only the bidder itself may read.
ACME_SCORES, BEACON_SCORES = ("91.33", "37.33"), ("76.00", "40.00")
STAFF = ["officer", "head.trn", "head.psd", "evaluator", "admin"]


def page(solicitation, name: str = "award") -> str:
    return reverse(name, args=[solicitation.municipality.slug, solicitation.reference])


def decision_url(award, department, move: str) -> str:
    solicitation = award.solicitation
    return reverse(
        f"award-share-{move}",
        args=["riverton", solicitation.reference, award.number, department.pk],
    )


def signed_in(client, personas, username):
    client.force_login(personas[username])
    return client


def radio_checked(response, element_id: str) -> bool:
    html = response.content.decode()
    start = html.index(f'id="{element_id}"')
    tag = html[html.rindex("<input", 0, start) : html.index(">", start)]
    return " checked" in tag


def award_rows() -> list:
    """What a refused decision must leave as it was: every award, amount and protest."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (Award, AwardShare, Protest, Bid, Solicitation)
    ]


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


@pytest.fixture
def proposed(scored, actor):
    return services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)


def publish(award, actor, departments) -> Award:
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"), award=award, department=departments[code]
        )
    award.refresh_from_db()
    return award


@pytest.fixture
def published(proposed, actor, departments):
    return publish(proposed, actor, departments)


def protest_by(personas, award, username="vendor.beacon", reasons="Our price was lower."):
    company = vendor_actor_for(personas[username])
    return services.protest_file(actor=company, award=award, reasons=reasons)


class TestTheStaffPage:
    def test_the_officer_proposes_the_top_ranked_bid_which_is_preselected(
        self, client, personas, scored
    ):
        signed_in(client, personas, "officer")
        form = client.get(page(scored))
        text = page_text(form)
        assert "Propose the award" in text
        assert f"{ACME} · rank 1 · total score 91.33 · {TOTAL}" in text
        assert f"{BEACON} · rank 2 · total score 76.00 · $4,200.00" in text
        assert radio_checked(form, "id_propose-bid_0")  # Acme, ranked first
        assert not radio_checked(form, "id_propose-bid_1")

        response = client.post(page(scored, "award-propose"), {"bid": scored.acme.pk})
        assert (response.status_code, response["Location"]) == (302, page(scored))
        award = Award.objects.get(solicitation=scored)
        assert award.top_ranked and award.bid_id == scored.acme.pk
        text = page_text(client.get(page(scored)))
        assert f"Award 1: {ACME}" in text and "Awaiting the departments" in text
        assert f"Transportation (TRN) {TRN_AMOUNT} Awaiting the head" in text
        assert f"Public Safety (PSD) {PSD_AMOUNT} Awaiting the head" in text
        assert "The top-ranked bid" in text
        assert "Propose the award" not in text

    def test_another_bid_needs_a_justification_and_the_choice_is_kept(
        self, client, personas, scored
    ):
        signed_in(client, personas, "officer")
        before = database_state()
        shown = post_refused(client, page(scored, "award-propose"), {"bid": scored.beacon.pk})
        assert error_at(shown, "id_propose-justification") == "This field is required."
        assert radio_checked(shown, "id_propose-bid_1")  # Beacon, as chosen
        assert not radio_checked(shown, "id_propose-bid_0")
        assert page_text(shown).startswith("Error:")
        assert database_state() == before and not Award.objects.exists()

        reason = "Beacon's lower price fits the grant; the technical gap is small."
        client.post(
            page(scored, "award-propose"), {"bid": scored.beacon.pk, "justification": reason}
        )
        award = Award.objects.get(solicitation=scored)
        assert not award.top_ranked and award.justification == reason
        assert reason in page_text(client.get(page(scored)))

    @pytest.mark.parametrize("bid", ["", "abc", "99999999999999999999", "-1"])
    def test_a_bid_that_is_not_a_responsive_one_of_this_solicitation_is_refused(
        self, client, personas, scored, bid
    ):
        signed_in(client, personas, "officer")
        before = database_state()
        shown = post_refused(client, page(scored, "award-propose"), {"bid": bid})
        assert error_at(shown, "id_propose-bid") in {
            "Choose the bid to award.",
            "Only a responsive bid of this solicitation can be awarded.",
        }
        assert database_state() == before

    @pytest.mark.parametrize("username", ["head.trn", "head.psd", "evaluator", "admin"])
    def test_only_the_officer_is_offered_the_proposal(self, client, personas, scored, username):
        signed_in(client, personas, username)
        assert "Propose the award" not in page_text(client.get(page(scored)))
        before = database_state()
        response = client.post(page(scored, "award-propose"), {"bid": scored.acme.pk})
        assert response.status_code == 403
        assert database_state() == before

    @pytest.mark.parametrize("username", STAFF)
    def test_staff_see_each_departments_amount_and_its_heads_decision(
        self, client, personas, proposed, actor, departments, username
    ):
        services.award_share_approve(
            actor=actor("head.trn"), award=proposed, department=departments["TRN"]
        )
        signed_in(client, personas, username)
        text = page_text(client.get(page(proposed.solicitation)))
        assert f"Transportation (TRN) {TRN_AMOUNT} Approved by" in text
        assert f"Public Safety (PSD) {PSD_AMOUNT} Awaiting the head" in text
        assert f"Awarded total {TOTAL}" in text

    def test_a_rejected_award_goes_to_the_history_with_the_heads_reason(
        self, client, personas, proposed, actor, departments
    ):
        services.award_share_reject(
            actor=actor("head.psd"), award=proposed, department=departments["PSD"], reason="Over"
        )
        signed_in(client, personas, "officer")
        text = page_text(client.get(page(proposed.solicitation)))
        assert f"Award 1 : {ACME}, {TOTAL} Rejected “Over”" in text
        assert "The evaluation is open (round 2)" in text
        assert "PSD rejected award 1: Over" in text

    @pytest.mark.parametrize("username", ["officer.lakeside", "vendor.acme"])
    def test_outsiders_get_404(self, client, personas, published, username):
        protest = protest_by(personas, published)
        signed_in(client, personas, username)
        solicitation = published.solicitation
        before = award_rows()
        assert client.get(page(solicitation)).status_code == 404
        post = client.post(page(solicitation, "award-propose"), {"bid": published.bid_id})
        assert post.status_code == 404
        resolve = reverse("protest-resolve", args=["riverton", solicitation.reference, protest.pk])
        assert client.post(resolve, {"resolution": "x", "upheld": "true"}).status_code == 404
        assert award_rows() == before


class TestProtestsOnTheStaffPage:
    def resolve_url(self, protest) -> str:
        solicitation = protest.award.solicitation
        return reverse("protest-resolve", args=["riverton", solicitation.reference, protest.pk])

    def test_the_officer_denies_a_protest_with_reasons(self, client, personas, published):
        protest = protest_by(personas, published)
        signed_in(client, personas, "officer")
        text = page_text(client.get(page(published.solicitation)))
        assert f"{BEACON} Open" in text and "Our price was lower." in text
        assert "Record the decision" in text

        prefix = f"protest-{protest.pk}"
        response = client.post(
            self.resolve_url(protest),
            {f"{prefix}-upheld": "false", f"{prefix}-resolution": "Quality weighs 60%."},
        )
        assert response.status_code == 302
        protest.refresh_from_db()
        assert protest.status == "denied" and protest.resolution == "Quality weighs 60%."
        text = page_text(client.get(page(published.solicitation)))
        assert "Denied by" in text and "“Quality weighs 60%.”" in text

    def test_a_blank_resolution_is_refused_and_the_decision_kept(self, client, personas, published):
        protest = protest_by(personas, published)
        signed_in(client, personas, "officer")
        prefix = f"protest-{protest.pk}"
        before = database_state()
        shown = post_refused(client, self.resolve_url(protest), {f"{prefix}-upheld": "true"})
        assert error_at(shown, f"id_{prefix}-resolution") == "This field is required."
        assert radio_checked(shown, f"id_{prefix}-upheld_1")  # Uphold, as chosen
        assert database_state() == before

    def test_upholding_withdraws_the_award_and_reopens_the_evaluation(
        self, client, personas, published
    ):
        protest = protest_by(personas, published)
        signed_in(client, personas, "officer")
        prefix = f"protest-{protest.pk}"
        client.post(
            self.resolve_url(protest),
            {f"{prefix}-upheld": "true", f"{prefix}-resolution": "The price formula was wrong."},
        )
        text = page_text(client.get(page(published.solicitation)))
        assert "Withdrawn" in text and "Protest of Beacon Safety Technologies: upheld" in text
        assert "The evaluation is open (round 2)" in text
        client.logout()
        public = page(published.solicitation, "solicitation-award")
        assert client.get(public).status_code == 404

    @pytest.mark.parametrize("username", ["head.trn", "evaluator"])
    def test_only_the_officer_resolves(self, client, personas, published, username):
        protest = protest_by(personas, published)
        signed_in(client, personas, username)
        assert "Record the decision" not in page_text(client.get(page(published.solicitation)))
        prefix = f"protest-{protest.pk}"
        before = database_state()
        response = client.post(
            self.resolve_url(protest), {f"{prefix}-upheld": "false", f"{prefix}-resolution": "No"}
        )
        assert response.status_code == 403
        assert database_state() == before


class TestTheApprovalInbox:
    def inbox(self, client) -> str:
        return page_text(client.get(reverse("approval-inbox", args=["riverton"])))

    @pytest.mark.parametrize(
        ("username", "amount"), [("head.trn", TRN_AMOUNT), ("head.psd", PSD_AMOUNT)]
    )
    def test_each_head_sees_their_departments_exact_amount(
        self, client, personas, proposed, username, amount
    ):
        signed_in(client, personas, username)
        response = client.get(reverse("approval-inbox", args=["riverton"]))
        text = page_text(response)
        reference = proposed.solicitation.reference
        assert "Award amounts awaiting your decision (1)" in text
        assert f"{reference} · award 1" in text
        assert f"Proposed to {ACME} for {TOTAL}" in text
        assert f"pays {amount}" in text
        assert page(proposed.solicitation) in response.content.decode()

    def test_both_heads_approve_and_the_notice_is_published(
        self, client, personas, proposed, departments
    ):
        signed_in(client, personas, "head.trn")
        response = client.post(decision_url(proposed, departments["TRN"], "approve"), follow=True)
        assert "You approved the TRN amount of award 1" in page_text(response)
        assert "Award amounts awaiting" not in page_text(response)
        assert Award.objects.get(pk=proposed.pk).status == "proposed"

        signed_in(client, personas, "head.psd")
        response = client.post(decision_url(proposed, departments["PSD"], "approve"), follow=True)
        assert "the award notice is published" in page_text(response)
        assert Award.objects.get(pk=proposed.pk).status == "published"

    def test_a_head_cannot_approve_the_other_departments_amount(
        self, client, personas, proposed, departments
    ):
        signed_in(client, personas, "head.trn")
        before, rows = database_state(), award_rows()
        prefix = f"award-reject-{proposed.pk}-{departments['PSD'].pk}"
        for move in ("approve", "reject"):
            response = client.post(
                decision_url(proposed, departments["PSD"], move), {f"{prefix}-reason": "Not ours"}
            )
            assert response.status_code == 403
            assert "Only the head of PSD may decide for it." in page_text(response)
        assert database_state() == before and award_rows() == rows
        assert set(AwardShare.objects.values_list("status", flat=True)) == {"pending"}

    def test_a_rejection_needs_a_reason_and_then_returns_to_evaluation(
        self, client, personas, proposed, departments
    ):
        signed_in(client, personas, "head.psd")
        url = decision_url(proposed, departments["PSD"], "reject")
        prefix = f"award-reject-{proposed.pk}-{departments['PSD'].pk}"
        before = database_state()
        shown = post_refused(client, url, {f"{prefix}-reason": "   "})
        assert error_at(shown, f"id_reason-{prefix}-reason") == "This field is required."
        assert database_state() == before

        response = client.post(url, {f"{prefix}-reason": "Over our budget."}, follow=True)
        assert "returns to evaluation" in page_text(response)
        assert Award.objects.get(pk=proposed.pk).status == "rejected"

    def test_the_cost_split_part_is_still_there(self, client, personas, proposed):
        signed_in(client, personas, "head.trn")
        text = self.inbox(client)
        assert "Awaiting your decision" in text and "Recently decided" in text


class TestThePublicNotice:
    def test_nothing_before_the_publication(self, client, proposed):
        solicitation = proposed.solicitation
        assert client.get(page(solicitation, "solicitation-award")).status_code == 404
        public = client.get(page(solicitation, "solicitation-public"))
        assert page(solicitation, "solicitation-award") not in public.content.decode()

    def test_the_notice_says_who_how_much_and_each_share_and_nothing_of_the_scores(
        self, client, published
    ):
        solicitation = published.solicitation
        response = client.get(page(solicitation, "solicitation-award"))
        assert response.status_code == 200
        text = page_text(response)
        assert f"Awarded to {ACME}" in text and f"Awarded total {TOTAL}" in text
        assert f"Transportation (TRN) {TRN_AMOUNT}" in text
        assert f"Public Safety (PSD) {PSD_AMOUNT}" in text
        assert "Protest period Ends" in text
        for secret in (*ACME_SCORES, *BEACON_SCORES, BEACON, "4,200.00", "rank"):
            assert secret not in text, secret
        public = client.get(page(solicitation, "solicitation-public"))
        assert page(solicitation, "solicitation-award") in public.content.decode()

    def test_final_once_the_period_ended(self, client, published):
        Award.objects.filter(pk=published.pk).update(
            protest_ends_at=Now() - dt.timedelta(seconds=1)
        )
        services.awards_finalize_due()
        text = page_text(client.get(page(published.solicitation, "solicitation-award")))
        assert "Status Final since" in text

    def test_the_justification_of_another_bid_is_published(
        self, client, scored, actor, departments
    ):
        reason = "The lower price fits the grant."
        award = services.award_propose(
            actor=actor("officer"), solicitation=scored, bid=scored.beacon, justification=reason
        )
        publish(award, actor, departments)
        text = page_text(client.get(page(scored, "solicitation-award")))
        assert "Not the top-ranked bid" in text and reason in text
        assert f"Awarded to {BEACON}" in text


class TestTheBiddersPage:
    def test_the_other_bidder_sees_its_rank_and_scores_not_the_winners(
        self, client, personas, published
    ):
        solicitation = published.solicitation
        signed_in(client, personas, "vendor.beacon")
        portal = client.get(page(solicitation, "vendor-solicitation"))
        assert page(solicitation, "vendor-award") in portal.content.decode()
        text = page_text(client.get(page(solicitation, "vendor-award")))
        assert "Your bid ranked 2 of 2 responsive bids" in text
        assert "Technical approach (weight 60) 60" in text
        assert "Price score 40.00" in text and "Total score 76.00" in text
        assert f"Awarded to {ACME}" in text and f"Awarded total {TOTAL}" in text
        for secret in ACME_SCORES:
            assert secret not in text, secret
        assert "Protest the award" in text and "File the protest" in text

    def test_the_winner_sees_its_rank_and_scores(self, client, personas, published):
        signed_in(client, personas, "vendor.acme")
        bid = client.get(reverse("vendor-bid", args=[published.bid_id]))
        assert page(published.solicitation, "vendor-award") in bid.content.decode()
        text = page_text(client.get(page(published.solicitation, "vendor-award")))
        assert "Your company\N{RIGHT SINGLE QUOTATION MARK}s bid was awarded." in text
        assert "Your bid ranked 1 of 2" in text and "Total score 91.33" in text
        for secret in BEACON_SCORES:
            assert secret not in text, secret

    def test_a_company_that_did_not_bid_gets_404(self, client, published):
        (stranger,) = bidding_companies(1, prefix="Stranger")
        client.force_login(stranger.user)
        solicitation = published.solicitation
        assert client.get(page(solicitation, "vendor-award")).status_code == 404
        before = award_rows()
        response = client.post(page(solicitation, "vendor-protest"), {"reasons": "Unfair."})
        assert response.status_code == 404
        assert award_rows() == before
        # Its portal page links to the public notice instead.
        portal = client.get(page(solicitation, "vendor-solicitation"))
        assert page(solicitation, "solicitation-award") in portal.content.decode()

    def test_nothing_before_the_publication(self, client, personas, proposed):
        signed_in(client, personas, "vendor.beacon")
        assert client.get(page(proposed.solicitation, "vendor-award")).status_code == 404
        assert client.post(page(proposed.solicitation, "vendor-protest")).status_code == 404

    def test_a_protest_is_filed_and_its_resolution_shown(self, client, personas, published, actor):
        solicitation = published.solicitation
        signed_in(client, personas, "vendor.beacon")
        response = client.post(
            page(solicitation, "vendor-protest"), {"reasons": "The price formula favours Acme."}
        )
        assert response.status_code == 302
        protest = Protest.objects.get()
        assert protest.vendor.name == BEACON and protest.status == "open"
        services.protest_resolve(
            actor=actor("officer"), protest=protest, upheld=False, resolution="It does not."
        )
        text = page_text(client.get(page(solicitation, "vendor-award")))
        assert "“The price formula favours Acme.”" in text
        assert "Denied" in text and "Decision: It does not." in text
        assert "File the protest" in text  # decided: the company may protest again

    def test_a_second_open_protest_is_refused_with_what_was_typed(
        self, client, personas, published
    ):
        protest_by(personas, published)
        signed_in(client, personas, "vendor.beacon")
        before = database_state()
        typed = "And the sensors were priced twice."
        shown = post_refused(
            client, page(published.solicitation, "vendor-protest"), {"reasons": typed}
        )
        assert error_at(shown, "id_protest-reasons") == (
            "Your company already has an open protest on this award."
        )
        assert typed_value(shown, "id_protest-reasons") == typed
        again = page_text(client.get(page(published.solicitation, "vendor-award")))
        assert "protest is open" in again and "File the protest" not in again
        assert database_state() == before

    def test_a_protest_after_the_period_is_refused_and_changes_nothing(
        self, client, personas, published
    ):
        Award.objects.filter(pk=published.pk).update(
            protest_ends_at=Now() - dt.timedelta(seconds=1)
        )
        signed_in(client, personas, "vendor.beacon")
        url = page(published.solicitation, "vendor-award")
        assert "File the protest" not in page_text(client.get(url))
        before = database_state()
        shown = post_refused(
            client, page(published.solicitation, "vendor-protest"), {"reasons": "Late."}
        )
        assert error_at(shown, "id_protest-reasons") == (
            "The protest period has ended: protests are no longer accepted."
        )
        assert "Your protest was not filed." in page_text(shown)
        assert database_state() == before and not Protest.objects.exists()


# --- hostile input ----------------------------------------------------------------------------


def encoded(fields: dict) -> bytes:
    def part(value) -> str:
        return quote_from_bytes(value if isinstance(value, bytes) else str(value).encode())

    return "&".join(f"{part(k)}={part(v)}" for k, v in fields.items()).encode()


def propose_form(scored, actor, departments, personas):
    # The first value accepted proposes the award; the later ones are refused as pending.
    return "officer", page(scored, "award-propose"), {"bid": "", "justification": ""}


def proposed_award(scored, actor) -> Award:
    return services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)


def reject_form(scored, actor, departments, personas):
    award = proposed_award(scored, actor)
    prefix = f"award-reject-{award.pk}-{departments['PSD'].pk}"
    return "head.psd", decision_url(award, departments["PSD"], "reject"), {f"{prefix}-reason": ""}


def protest_form(scored, actor, departments, personas):
    publish(proposed_award(scored, actor), actor, departments)
    return "vendor.beacon", page(scored, "vendor-protest"), {"reasons": ""}


def resolve_form(scored, actor, departments, personas):
    protest = protest_by(personas, publish(proposed_award(scored, actor), actor, departments))
    url = reverse("protest-resolve", args=["riverton", scored.reference, protest.pk])
    prefix = f"protest-{protest.pk}"
    return "officer", url, {f"{prefix}-upheld": "false", f"{prefix}-resolution": ""}


@pytest.mark.parametrize("form", [propose_form, reject_form, protest_form, resolve_form])
def test_every_award_form_takes_every_hostile_value_without_a_500(
    client, personas, actor, departments, scored, form
):
    username, url, fields = form(scored, actor, departments, personas)
    signed_in(client, personas, username)
    for field in fields:
        for value in FORM_VALUES:
            before = audit_count()
            response = client.post(
                url,
                encoded({**fields, field: value}),
                content_type="application/x-www-form-urlencoded",
            )
            assert response.status_code < 500, (url, field, value[:30])
            if response.status_code != 302:  # refused: at its page again, or 4xx
                assert audit_count() == before, (url, field, "changed on a refusal")


# --- query counts -----------------------------------------------------------------------------


def proposed_with_bids(actor, departments, personas, companies) -> Award:
    """The cameras bid on by Acme (ranked first), Beacon and `companies`, every bid opened,
    responsive and scored, the evaluation closed and the award proposed to Acme."""
    solicitation = build_published(actor, departments)
    acme = submitted_bid(
        vendor_actor_for(personas["vendor.acme"]), solicitation, {"1": "1000.00", "2": "250.00"}
    )
    for company in [vendor_actor_for(personas["vendor.beacon"]), *companies]:
        submitted_bid(company, solicitation, {"1": "1100.00", "2": "300.00"})
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    officer = actor("officer")
    opening.opening_start(actor=officer, solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    solicitation.refresh_from_db()
    bids = list(solicitation.bids.all())
    for bid in bids:
        services.bid_responsiveness_set(
            actor=officer, solicitation=solicitation, bid=bid, responsive=True
        )
    evaluator = actor("evaluator")
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=personas["evaluator"])
    declare_no_conflict(evaluator, solicitation)
    technical = solicitation.criteria.get(is_price=False)
    services.score_sheet_save(
        actor=evaluator,
        solicitation=solicitation,
        scores=[
            {"bid": bid.pk, "criterion": technical.pk, "points": 90 if bid.pk == acme.pk else 50}
            for bid in bids
        ],
    )
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    services.evaluation_close(actor=officer, solicitation=solicitation)
    return services.award_propose(actor=officer, solicitation=solicitation, bid=acme.pk)


def test_query_counts_do_not_grow_with_the_bids(client, personas, actor, departments):
    """The approval inbox with an award amount pending, the public notice and the bidder's
    page: an award among 10 bids costs the same queries as one among 100."""
    companies = bidding_companies(98)
    inbox = reverse("approval-inbox", args=["riverton"])
    head = signed_in(client, personas, "head.trn")
    few = proposed_with_bids(actor, departments, personas, companies[:8])
    with_few = queries_for_get(head, inbox)
    services.award_share_approve(actor=actor("head.trn"), award=few, department=departments["TRN"])
    many = proposed_with_bids(actor, departments, personas, companies)
    assert Bid.objects.filter(solicitation=many.solicitation).count() == 100
    assert queries_for_get(head, inbox) == with_few

    services.award_share_approve(actor=actor("head.trn"), award=many, department=departments["TRN"])
    for award in (few, many):
        services.award_share_approve(
            actor=actor("head.psd"), award=award, department=departments["PSD"]
        )
    client.logout()
    public = "solicitation-award"
    assert queries_for_get(client, page(few.solicitation, public)) == queries_for_get(
        client, page(many.solicitation, public)
    )
    client.force_login(companies[0].user)
    mine = "vendor-award"
    assert queries_for_get(client, page(few.solicitation, mine)) == queries_for_get(
        client, page(many.solicitation, mine)
    )
