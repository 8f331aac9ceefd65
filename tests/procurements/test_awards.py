"""The award through its services (issue 12, "What it must show"): proposing it (only once
the evaluation is closed, only a responsive bid, the top-ranked one or another with a
justification), each department head deciding their own department's exact amount and no
other (invariants 5 and 11), publishing only with every current approval (approvals never
carry over to a new proposal or evaluation round), the amounts priced at the awarded unit
prices summing exactly for every split method (Hypothesis), the notice's e-mails, protests in
the period by the database clock, and the award recorded final once."""

import datetime as dt
import itertools
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db.models.functions import Now
from hypothesis import given, settings
from hypothesis import strategies as st

from departments import services as department_services
from p3hub.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from p3hub.models import AuditEvent, OutboundEmail
from p3hub.money import allocate
from procurements import allocation, selectors, services
from procurements.allocation import BasisLine, compute_awarded, result_adds_up
from procurements.models import Award, AwardShare, NonResponsive, Protest, ScoreSheet
from procurements.services import award_notices
from tests.factories import (
    bidding_companies,
    build_opened,
    build_published,
    build_scored,
    declare_no_conflict,
)
from tests.helpers import database_state
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


@pytest.fixture
def company(personas):
    return lambda username: vendor_actor_for(personas[username])


def propose(actor, solicitation, bid=None, *, by="officer", justification=""):
    return services.award_propose(
        actor=actor(by),
        solicitation=solicitation,
        bid=solicitation.acme if bid is None else bid,
        justification=justification,
    )


def decide(actor, departments, award, code, *, by=None, reason=None):
    """The head of `code` (or `by`) approves its amount, or rejects it with `reason`."""
    who = actor(by or f"head.{code.lower()}")
    if reason is None:
        return services.award_share_approve(actor=who, award=award, department=departments[code])
    return services.award_share_reject(
        actor=who, award=award, department=departments[code], reason=reason
    )


def published_award(actor, departments, solicitation) -> Award:
    award = propose(actor, solicitation)
    decide(actor, departments, award, "TRN")
    decide(actor, departments, award, "PSD")
    return Award.objects.get(pk=award.pk)


def rescore_and_close(actor, solicitation) -> None:
    """After a reopening: the evaluator hands the returned sheet in again, the officer closes."""
    services.score_sheet_submit(actor=actor("evaluator"), solicitation=solicitation)
    services.evaluation_close(actor=actor("officer"), solicitation=solicitation)


def build_scored_beacon_non_responsive(actor, departments, personas):
    """build_opened with Acme responsive and Beacon not (its insurance had expired), Acme
    scored by `evaluator`, the evaluation closed."""
    solicitation = build_opened(actor, departments, personas)
    officer = actor("officer")
    services.bid_responsiveness_set(
        actor=officer, solicitation=solicitation, bid=solicitation.acme, responsive=True
    )
    services.bid_responsiveness_set(
        actor=officer,
        solicitation=solicitation,
        bid=solicitation.beacon,
        responsive=False,
        reason=NonResponsive.INSURANCE,
    )
    services.evaluator_grant(actor=officer, solicitation=solicitation, user=personas["evaluator"])
    evaluator = actor("evaluator")
    declare_no_conflict(evaluator, solicitation)
    technical = solicitation.criteria.get(is_price=False)
    services.score_sheet_save(
        actor=evaluator,
        solicitation=solicitation,
        scores=[{"bid": solicitation.acme.pk, "criterion": technical.pk, "points": 75}],
    )
    services.score_sheet_submit(actor=evaluator, solicitation=solicitation)
    services.evaluation_close(actor=officer, solicitation=solicitation)
    solicitation.refresh_from_db()
    return solicitation


def make_past(award: Award, field: str = "protest_ends_at") -> None:
    """The protest period over a second ago by the database clock."""
    Award.objects.filter(pk=award.pk).update(**{field: Now() - dt.timedelta(seconds=1)})


# --- proposing ------------------------------------------------------------------------------------


class TestProposing:
    def test_not_before_the_evaluation_closes(self, actor, departments, personas):
        opened = build_opened(actor, departments, personas)
        services.bid_responsiveness_set(
            actor=actor("officer"), solicitation=opened, bid=opened.acme, responsive=True
        )
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            propose(actor, opened)
        assert refused.value.code == "evaluation_open"
        assert database_state() == before

    def test_not_on_a_solicitation_whose_bids_are_not_opened(self, actor, departments):
        published = build_published(actor, departments)
        with pytest.raises(InvalidTransition) as refused:
            services.award_propose(actor=actor("officer"), solicitation=published, bid=1)
        assert refused.value.code == "not_under_evaluation"
        assert not Award.objects.exists()

    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_proposes(self, actor, scored, username):
        with pytest.raises(PermissionDenied):
            propose(actor, scored, by=username)
        assert not Award.objects.exists()

    def test_another_citys_officer_finds_nothing(self, actor, scored):
        with pytest.raises(NotFound):
            services.award_propose(
                actor=actor("officer.lakeside", "lakeside"), solicitation=scored, bid=scored.acme
            )

    def test_a_non_responsive_bid_cannot_be_awarded(self, actor, departments, personas):
        solicitation = build_scored_beacon_non_responsive(actor, departments, personas)
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            propose(actor, solicitation, solicitation.beacon, justification="Cheaper.")
        assert refused.value.field == "bid"
        assert database_state() == before

    @pytest.mark.parametrize("bid", [None, "1", 987_654, True, 1.0])
    def test_the_bid_must_be_one_of_this_solicitation(self, actor, scored, bid):
        with pytest.raises(ValidationFailed) as refused:
            services.award_propose(actor=actor("officer"), solicitation=scored, bid=bid)
        assert refused.value.field == "bid"

    def test_a_bid_of_another_solicitation_cannot_be_awarded(
        self, actor, departments, personas, scored
    ):
        other = build_opened(actor, departments, personas)
        with pytest.raises(ValidationFailed) as refused:
            propose(actor, scored, other.acme)
        assert refused.value.field == "bid"

    def test_a_bid_other_than_the_top_ranked_needs_a_justification(self, actor, scored):
        with pytest.raises(ValidationFailed) as refused:
            propose(actor, scored, scored.beacon, justification="  ")
        assert refused.value.field == "justification"
        assert not Award.objects.exists()

        award = propose(actor, scored, scored.beacon, justification="Acme cannot deliver.")
        assert not award.top_ranked and award.justification == "Acme cannot deliver."
        # Beacon: 4 x 900.00 shared 50/50, 2 x 300.00 all TRN.
        assert award.total_minor == 420_000
        assert award.result["departments"] == {"PSD": 180_000, "TRN": 240_000}

    def test_the_top_ranked_bid_needs_none_and_the_proposal_is_recorded(
        self, actor, personas, scored, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            award = propose(actor, scored)
        assert (award.number, award.status, award.top_ranked) == (1, "proposed", True)
        assert award.evaluation_round == 1 and award.proposed_by == personas["officer"]
        assert [row["vendor"] for row in award.ranking["rows"]] == [
            "Acme Traffic Systems",
            "Beacon Safety Technologies",
        ]
        shares = {s.department.code: (s.amount_minor, s.status) for s in award.shares.all()}
        assert shares == {"PSD": (200_000, "pending"), "TRN": (250_000, "pending")}
        assert AuditEvent.objects.get(verb="award.propose").after["total_minor"] == 450_000
        for code in ("TRN", "PSD"):
            head = personas[f"head.{code.lower()}"]
            share = award.shares.get(department__code=code)
            email = OutboundEmail.objects.get(
                key=f"award-proposed:{award.pk}:{share.department_id}:{head.pk}"
            )
            assert email.to == [head.email]
        with pytest.raises(InvalidTransition) as refused:
            propose(actor, scored)
        assert refused.value.code == "award_pending"


# --- the departments' decisions ------------------------------------------------------------------


class TestDecisions:
    @pytest.fixture
    def award(self, actor, scored):
        return propose(actor, scored)

    @pytest.mark.parametrize(
        ("username", "code"),
        [("head.trn", "PSD"), ("head.psd", "TRN"), ("officer", "TRN"), ("evaluator", "TRN")],
    )
    def test_only_the_departments_head_decides_its_amount(
        self, actor, departments, award, username, code
    ):
        """Invariant 5: a head approves or rejects no other department's amount."""
        before = database_state()
        with pytest.raises(PermissionDenied) as refused:
            decide(actor, departments, award, code, by=username)
        assert f"Only the head of {code}" in refused.value.message
        with pytest.raises(PermissionDenied):
            decide(actor, departments, award, code, by=username, reason="Not ours.")
        assert database_state() == before
        assert set(award.shares.values_list("status", flat=True)) == {"pending"}

    def test_a_department_paying_nothing_is_refused_naming_it(self, actor, personas, award):
        from departments.models import Department

        lakeside_works = Department.objects.get(code="PWD")
        with pytest.raises(ValidationFailed) as refused:
            services.award_share_approve(
                actor=actor("head.trn"), award=award, department=lakeside_works
            )
        assert refused.value.field == "department"
        with pytest.raises(ValidationFailed) as refused:
            services.award_share_approve(actor=actor("head.trn"), award=award, department="TRN")
        assert refused.value.field == "department"

    def test_another_citys_staff_find_nothing(self, actor, departments, award):
        with pytest.raises(NotFound):
            services.award_share_approve(
                actor=actor("officer.lakeside", "lakeside"),
                award=award,
                department=departments["TRN"],
            )

    def test_whoever_proposed_the_award_approves_no_amount_of_it(
        self, actor, departments, personas, scored
    ):
        """Four eyes (invariant 11): head.trn is made an officer too and proposes."""
        department_services.membership_grant(
            actor=actor("admin"), user=personas["head.trn"], role="officer"
        )
        award = propose(actor, scored, by="head.trn")
        share = award.shares.get(department__code="TRN")
        assert "approve" not in AwardShare.lifecycle.open_names(share, actor("head.trn"))
        assert "reject" in AwardShare.lifecycle.open_names(share, actor("head.trn"))
        with pytest.raises(PermissionDenied) as refused:
            decide(actor, departments, award, "TRN")
        assert "You proposed this award" in refused.value.message
        assert AwardShare.objects.get(pk=share.pk).status == "pending"
        # The other department's head is not the proposer.
        decide(actor, departments, award, "PSD")
        assert Award.objects.get(pk=award.pk).status == "proposed"

    def test_a_rejection_needs_a_reason(self, actor, departments, award):
        with pytest.raises(ValidationFailed) as refused:
            decide(actor, departments, award, "PSD", reason="")
        assert refused.value.field == "reason"
        assert Award.objects.get(pk=award.pk).status == "proposed"

    def test_a_decided_amount_is_not_decided_again(self, actor, departments, award):
        decide(actor, departments, award, "TRN")
        with pytest.raises(InvalidTransition):
            decide(actor, departments, award, "TRN")
        with pytest.raises(InvalidTransition):
            decide(actor, departments, award, "TRN", reason="Changed my mind.")
        assert award.shares.get(department__code="TRN").status == "approved"

    def test_a_rejection_reopens_the_evaluation_and_tells_the_officer(
        self, actor, departments, personas, scored, award, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            decide(actor, departments, award, "PSD", reason="Over budget.")
        award.refresh_from_db()
        assert (award.status, award.reason) == ("rejected", "Over budget.")
        evaluation = selectors.evaluation_of(scored)
        assert (evaluation.status, evaluation.round) == ("open", 2)
        assert ScoreSheet.objects.get().status == "draft"
        assert OutboundEmail.objects.filter(
            key=f"award-rejected:{award.pk}:{personas['officer'].pk}"
        ).exists()
        # The other head can no longer decide on it.
        with pytest.raises(InvalidTransition) as refused:
            decide(actor, departments, award, "TRN")
        assert refused.value.code == "award_not_open"


# --- publishing -----------------------------------------------------------------------------------


class TestPublishing:
    def test_not_before_every_department_approved(self, actor, departments, scored):
        award = propose(actor, scored)
        with pytest.raises(InvalidTransition):
            services.award_publish(actor=actor("officer"), award=award)
        decide(actor, departments, award, "TRN")
        before = database_state()
        with pytest.raises(InvalidTransition):
            services.award_publish(actor=actor("officer"), award=award)
        assert database_state() == before
        assert Award.objects.get(pk=award.pk).status == "proposed"
        assert selectors.award_shares_pending_for(actor("head.psd")).get().award == award
        assert not selectors.award_shares_pending_for(actor("head.trn")).exists()

    def test_the_last_approval_publishes_with_the_protest_period(self, actor, departments, scored):
        award = published_award(actor, departments, scored)
        assert award.status == "published"
        days = scored.municipality.protest_period_days
        assert award.protest_ends_at - award.published_at == dt.timedelta(days=days)
        scored.refresh_from_db()
        assert scored.status == "awarded"
        assert selectors.award_public(scored) == award
        verbs = list(
            AuditEvent.objects.filter(verb__startswith="award").values_list("verb", flat=True)
        )
        assert verbs == [
            "award.propose",
            "award_share.approve",
            "award_share.approve",
            "award.approve",
            "award.publish",
        ]

    def test_old_approvals_do_not_count_after_a_rejection(self, actor, departments, scored):
        """TRN approves proposal 1, PSD rejects it: the evaluation is reopened. Proposal 2,
        after the committee closes again, needs TRN's approval afresh."""
        first = propose(actor, scored)
        decide(actor, departments, first, "TRN")
        decide(actor, departments, first, "PSD", reason="Wrong fund.")
        rescore_and_close(actor, scored)

        second = propose(actor, scored)

        assert (second.number, second.evaluation_round) == (2, 2)
        assert set(second.shares.values_list("status", flat=True)) == {"pending"}
        decide(actor, departments, second, "PSD")
        assert Award.objects.get(pk=second.pk).status == "proposed"
        with pytest.raises(InvalidTransition):
            services.award_publish(actor=actor("officer"), award=second)
        with pytest.raises(InvalidTransition):  # nor the first, TRN's approval and all
            services.award_publish(actor=actor("officer"), award=first)
        decide(actor, departments, second, "TRN")
        assert Award.objects.get(pk=second.pk).status == "published"
        assert Award.objects.get(pk=first.pk).status == "rejected"

    def test_an_award_of_an_earlier_round_is_never_published(self, actor, departments, scored):
        """The officer reopens while proposal 1 awaits PSD: it is withdrawn. Even were its
        rows to read approved by everyone, it belongs to round 1 and the evaluation is in
        round 2: publishing it is refused."""
        award = propose(actor, scored)
        decide(actor, departments, award, "TRN")
        services.evaluation_reopen(
            actor=actor("officer"), solicitation=scored, reason="A score was mistyped."
        )
        award.refresh_from_db()
        assert award.status == "annulled" and award.reason == "A score was mistyped."
        with pytest.raises(InvalidTransition):
            services.award_publish(actor=actor("officer"), award=award)
        with pytest.raises(InvalidTransition):  # its amounts are no longer decided
            decide(actor, departments, award, "PSD")

        rescore_and_close(actor, scored)
        Award.objects.filter(pk=award.pk).update(status=Award.Status.APPROVED)
        AwardShare.objects.filter(award=award).update(status=AwardShare.Status.APPROVED)
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            services.award_publish(actor=actor("officer"), award=award)
        assert refused.value.code == "award_not_approved"
        assert database_state() == before

    def test_a_published_award_is_withdrawn_only_by_an_upheld_protest(
        self, actor, departments, scored
    ):
        award = published_award(actor, departments, scored)
        before = database_state()
        with pytest.raises(InvalidTransition):
            services.evaluation_reopen(
                actor=actor("officer"), solicitation=scored, reason="Second thoughts."
            )
        with pytest.raises(InvalidTransition):
            propose(actor, scored, scored.beacon, justification="Cheaper after all.")
        assert database_state() == before
        assert Award.objects.get(pk=award.pk).status == "published"

    def test_amounts_that_no_longer_add_up_are_not_published(self, actor, departments, scored):
        award = propose(actor, scored)
        decide(actor, departments, award, "TRN")
        AwardShare.objects.filter(award=award, department__code="PSD").update(amount_minor=1)
        with pytest.raises(InvalidTransition) as refused:
            decide(actor, departments, award, "PSD")
        assert refused.value.code == "award_not_whole"
        assert Award.objects.get(pk=award.pk).status == "proposed"


# --- the amounts at the awarded prices (Hypothesis) ----------------------------------------------

CODES = st.lists(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=4),
    min_size=1,
    max_size=8,
    unique=True,
)
PRICES = st.integers(0, 10**8)  # up to a million in cents


def partition(draw, whole: int, parts: int) -> list[int]:
    """`whole` cut into `parts` non-negative integers that add up to it exactly."""
    cuts = sorted(draw(st.lists(st.integers(0, whole), min_size=parts - 1, max_size=parts - 1)))
    return [b - a for a, b in itertools.pairwise([0, *cuts, whole])]


def total_of(lines) -> int:
    return sum(line.amount_minor for line in lines)


@st.composite
def awarded_case(draw, method: str):
    """Line items with estimated unit prices the split was approved on, the same lines at
    the awarded unit prices, departments, the approved inputs and in-kind part (which may
    exceed the awarded total)."""
    estimated = [
        BasisLine(
            id=100 + index,
            description=f"line {index}",
            quantity=Decimal(draw(st.integers(1, 10**7))).scaleb(-3),
            unit_price_minor=draw(PRICES),
        )
        for index in range(draw(st.integers(1, 12)))
    ]
    awarded = [replace(line, unit_price_minor=draw(PRICES)) for line in estimated]
    codes = draw(CODES)
    estimate = total_of(estimated)
    in_kind = draw(st.one_of(st.just(0), st.integers(0, estimate)))

    def percentages() -> dict[str, str]:
        units = partition(draw, allocation.PERCENT_UNITS, len(codes))
        return {c: str(Decimal(u).scaleb(-4)) for c, u in zip(codes, units, strict=True) if u}

    def quantities(line: BasisLine) -> dict[str, str]:
        units = partition(draw, int(line.quantity.scaleb(3)), len(codes))
        return {c: str(Decimal(u).scaleb(-3)) for c, u in zip(codes, units, strict=True)}

    if method == allocation.PERCENTAGE:
        inputs = {"percentages": {code: "0" for code in codes} | percentages()}
    elif method == allocation.FIXED:
        amounts = partition(draw, estimate - in_kind, len(codes))
        inputs = {"amounts": dict(zip(codes, amounts, strict=True))}
    elif method == allocation.LINE_ITEM:
        inputs = {"lines": {str(line.id): percentages() for line in estimated}}
    else:
        inputs = {"quantities": {str(line.id): quantities(line) for line in estimated}}
    return awarded, codes, inputs, in_kind


def assert_whole_at_the_awarded_prices(result, awarded, codes, in_kind) -> None:
    total = total_of(awarded)
    taken_in_kind = min(in_kind, total)
    assert (result.total_minor, result.in_kind_minor) == (total, taken_in_kind)
    assert set(result.departments) == set(codes)
    assert all(type(amount) is int and amount >= 0 for amount in result.departments.values())
    assert sum(result.departments.values()) == total - taken_in_kind
    for row, line in zip(result.lines, awarded, strict=True):
        assert row["amount"] == line.amount_minor
        assert row["in_kind"] + sum(row["shares"].values()) == row["amount"]
    assert result_adds_up(result.as_json())


def reversed_mappings(value):
    if isinstance(value, dict):
        return {key: reversed_mappings(value[key]) for key in reversed(list(value))}
    return value


def awarded_split(method, awarded, codes, inputs, in_kind):
    return compute_awarded(
        method=method, lines=awarded, departments=codes, inputs=inputs, in_kind_minor=in_kind
    )


HYPOTHESIS = settings(max_examples=150, deadline=None)


@HYPOTHESIS
@pytest.mark.parametrize("method", allocation.METHODS)
@given(data=st.data())
def test_the_departments_amounts_sum_exactly_to_the_awarded_total(method, data):
    awarded, codes, inputs, in_kind = data.draw(awarded_case(method))

    result = awarded_split(method, awarded, codes, inputs, in_kind)

    assert_whole_at_the_awarded_prices(result, awarded, codes, in_kind)
    again = awarded_split(
        method, awarded, list(reversed(codes)), reversed_mappings(inputs), in_kind
    )
    assert again.as_json() == result.as_json()
    payable = result.payable_minor
    if method == allocation.FIXED:
        # Amounts agreed on the estimate become each department's proportion of the award.
        agreed = inputs["amounts"]
        weights = agreed if any(agreed.values()) else dict.fromkeys(agreed, 1)
        assert result.departments == allocate(payable, weights)
    elif method == allocation.PERCENTAGE:
        weights = {c: int(Decimal(v).scaleb(4)) for c, v in inputs["percentages"].items()}
        assert result.departments == allocate(payable, weights)


def test_the_cameras_by_quantity_at_acmes_prices():
    """TRN needs three cameras and both sensors, PSD one camera: at Acme's 1,000.00 and
    250.00 that is 3,500.00 and 1,000.00; a 500.00 in-kind part comes off in proportion."""
    camera = BasisLine(id=1, description="camera", quantity=Decimal(4), unit_price_minor=100_000)
    sensor = BasisLine(id=2, description="sensor", quantity=Decimal(2), unit_price_minor=25_000)
    inputs = {"quantities": {"1": {"TRN": "3", "PSD": "1"}, "2": {"TRN": "2"}}}
    plain = awarded_split(allocation.QUANTITY, [camera, sensor], ["TRN", "PSD"], inputs, 0)
    assert plain.departments == {"PSD": 100_000, "TRN": 350_000}
    donated = awarded_split(allocation.QUANTITY, [camera, sensor], ["TRN", "PSD"], inputs, 50_000)
    assert sum(donated.departments.values()) == 400_000


def test_fixed_amounts_agreed_on_the_estimate_follow_the_award_in_proportion():
    camera = BasisLine(id=1, description="camera", quantity=Decimal(4), unit_price_minor=100_000)
    sensor = BasisLine(id=2, description="sensor", quantity=Decimal(2), unit_price_minor=25_000)
    inputs = {"amounts": {"TRN": 740_000, "PSD": 500_000}}  # of the 12,400.00 estimate
    result = awarded_split(allocation.FIXED, [camera, sensor], ["TRN", "PSD"], inputs, 0)
    assert result.departments == {"PSD": 181_452, "TRN": 268_548}
    # An in-kind part larger than the whole award leaves the departments nothing to pay.
    covered = awarded_split(allocation.FIXED, [camera, sensor], ["TRN", "PSD"], inputs, 10**6)
    assert covered.in_kind_minor == 450_000 and covered.departments == {"PSD": 0, "TRN": 0}


# --- the notice's e-mails -------------------------------------------------------------------------


class TestNoticeEmails:
    def bidder_email(self, award, bid, person) -> OutboundEmail:
        return OutboundEmail.objects.get(key=f"award-published:{award.pk}:bid:{bid.pk}:{person.pk}")

    def test_the_winner_and_the_runner_up_with_its_rank_and_scores(
        self, actor, departments, personas, scored, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            award = published_award(actor, departments, scored)
        won = self.bidder_email(award, scored.acme, personas["vendor.acme"])
        assert won.to == [personas["vendor.acme"].email]
        assert won.subject.startswith("Your bid won")
        assert "is awarded the contract for" in won.body
        lost = self.bidder_email(award, scored.beacon, personas["vendor.beacon"])
        assert lost.to == [personas["vendor.beacon"].email]
        assert "awarded to Acme Traffic Systems" in lost.body
        assert "ranked 2 of 2" in lost.body
        assert "total score of 76.00" in lost.body and "price 40.00" in lost.body
        assert "- Technical approach: 60.00" in lost.body  # each criterion's average
        staff = OutboundEmail.objects.filter(key__startswith=f"award-published:{award.pk}:staff:")
        assert sorted(email.to[0] for email in staff) == sorted(
            personas[name].email for name in ("officer", "head.trn", "head.psd")
        )
        # Told once, however often the notice is sent.
        assert award_notices.notify_award_published(award) == 0
        assert (
            OutboundEmail.objects.filter(key__startswith=f"award-published:{award.pk}").count() == 5
        )

    def test_a_non_responsive_bidder_is_told_why(
        self, actor, departments, personas, django_capture_on_commit_callbacks
    ):
        solicitation = build_scored_beacon_non_responsive(actor, departments, personas)
        with django_capture_on_commit_callbacks(execute=True):
            award = published_award(actor, departments, solicitation)
        told = self.bidder_email(award, solicitation.beacon, personas["vendor.beacon"])
        assert "not responsive" in told.body
        assert NonResponsive.INSURANCE.label in told.body
        assert "ranked" not in told.body


# --- protests -------------------------------------------------------------------------------------


class TestProtests:
    @pytest.fixture
    def award(self, actor, departments, scored):
        return published_award(actor, departments, scored)

    def protest(self, company, award, username="vendor.beacon", reasons="Our price was lower."):
        return services.protest_file(actor=company(username), award=award, reasons=reasons)

    def resolve(self, actor, protest, upheld, resolution="Considered.", by="officer"):
        return services.protest_resolve(
            actor=actor(by), protest=protest, upheld=upheld, resolution=resolution
        )

    def test_only_a_bidder_whose_bid_was_opened(self, award):
        stranger = bidding_companies(1, prefix="Stranger")[0]
        with pytest.raises(NotFound):
            services.protest_file(actor=stranger, award=award, reasons="We would have bid.")
        assert not Protest.objects.exists()

    def test_nothing_to_protest_before_the_notice(self, actor, company, scored):
        award = propose(actor, scored)
        with pytest.raises(NotFound):
            self.protest(company, award)

    def test_not_after_the_period_by_the_database_clock(self, company, award):
        make_past(award)
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            self.protest(company, award)
        assert (refused.value.field, refused.value.code) == ("reasons", "protest_period_over")
        assert database_state() == before
        assert not Protest.objects.exists()

    def test_reasons_are_required(self, company, award):
        with pytest.raises(ValidationFailed) as refused:
            self.protest(company, award, reasons="  ")
        assert refused.value.field == "reasons"

    def test_one_open_protest_per_company(
        self, actor, personas, company, award, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            protest = self.protest(company, award)
        officer = personas["officer"]
        assert OutboundEmail.objects.filter(key=f"protest-filed:{protest.pk}:{officer.pk}").exists()
        assert AuditEvent.objects.get(verb="protest.file").after["vendor"] == (
            "Beacon Safety Technologies"
        )
        with pytest.raises(ValidationFailed) as refused:
            self.protest(company, award, reasons="And another thing.")
        assert refused.value.field == "reasons"
        # The winner may protest too (it bid), separately.
        self.protest(company, award, username="vendor.acme", reasons="The notice misspells us.")
        assert Protest.objects.filter(status="open").count() == 2
        # Once denied, the company may file again while the period runs.
        self.resolve(actor, protest, upheld=False)
        self.protest(company, award, reasons="New facts.")
        assert award_notices.notify_protest_filed(protest) == 0  # told once

    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_resolves(self, actor, company, award, username):
        protest = self.protest(company, award)
        with pytest.raises(PermissionDenied):
            self.resolve(actor, protest, upheld=True, by=username)
        assert Protest.objects.get(pk=protest.pk).status == "open"

    @pytest.mark.parametrize(
        ("upheld", "resolution", "field"),
        [("yes", "Fine.", "upheld"), (None, "Fine.", "upheld"), (True, "", "resolution")],
    )
    def test_a_resolution_needs_a_decision_and_reasons(
        self, actor, company, award, upheld, resolution, field
    ):
        protest = self.protest(company, award)
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            self.resolve(actor, protest, upheld=upheld, resolution=resolution)
        assert refused.value.field == field
        assert database_state() == before

    def test_upheld_withdraws_the_award_and_reopens_the_evaluation(
        self, actor, personas, company, scored, award, django_capture_on_commit_callbacks
    ):
        protest = self.protest(company, award)
        with django_capture_on_commit_callbacks(execute=True):
            self.resolve(actor, protest, upheld=True, resolution="Price was mis-scored.")
        protest.refresh_from_db()
        assert (protest.status, protest.resolution) == ("upheld", "Price was mis-scored.")
        assert protest.resolved_by == personas["officer"] and protest.resolved_at
        award.refresh_from_db()
        assert award.status == "annulled"
        scored.refresh_from_db()
        assert scored.status == "under_evaluation"
        evaluation = selectors.evaluation_of(scored)
        assert (evaluation.status, evaluation.round) == ("open", 2)
        assert "Price was mis-scored." in evaluation.reopened_reason
        assert ScoreSheet.objects.get().status == "draft"
        with pytest.raises(NotFound):
            selectors.award_public(scored)
        beacon_user = personas["vendor.beacon"]
        assert OutboundEmail.objects.filter(
            key=f"protest-resolved:{protest.pk}:{beacon_user.pk}"
        ).exists()
        assert award_notices.notify_protest_resolved(protest) == 0
        with pytest.raises(InvalidTransition):  # resolved once
            self.resolve(actor, protest, upheld=False)
        # Back in evaluation, a new award can follow.
        rescore_and_close(actor, scored)
        assert propose(actor, scored).number == 2

    def test_upholding_one_closes_the_other_open_protests_of_the_withdrawn_award(
        self, actor, personas, company, award, django_capture_on_commit_callbacks
    ):
        beacon = self.protest(company, award)
        acme = self.protest(company, award, username="vendor.acme", reasons="Misspelt.")
        with django_capture_on_commit_callbacks(execute=True):
            self.resolve(actor, beacon, upheld=True, resolution="Price was mis-scored.")
        acme.refresh_from_db()
        assert acme.status == "moot" and acme.resolved_by == personas["officer"]
        assert "protest of Beacon Safety Technologies was upheld" in acme.resolution
        assert AuditEvent.objects.filter(verb="protest.moot").count() == 1
        acme_user = personas["vendor.acme"]
        assert OutboundEmail.objects.filter(
            key=f"protest-resolved:{acme.pk}:{acme_user.pk}"
        ).exists()

    def test_denied_is_recorded_and_the_award_stands(self, actor, company, scored, award):
        protest = self.protest(company, award)
        self.resolve(actor, protest, upheld=False, resolution="Quality counts 60%.")
        protest.refresh_from_db()
        assert (protest.status, protest.resolution) == ("denied", "Quality counts 60%.")
        assert Award.objects.get(pk=award.pk).status == "published"
        assert AuditEvent.objects.get(verb="protest.deny").after["vendor"] == (
            "Beacon Safety Technologies"
        )

    def test_an_open_protest_holds_the_award_back_from_final(self, actor, company, award):
        protest = self.protest(company, award)
        make_past(award)
        assert services.awards_finalize_due() == 0
        assert Award.objects.get(pk=award.pk).status == "published"
        self.resolve(actor, protest, upheld=False)
        assert services.awards_finalize_due() == 1
        assert Award.objects.get(pk=award.pk).status == "final"


# --- final ----------------------------------------------------------------------------------------


class TestFinal:
    def test_not_before_the_period_ends(self, actor, departments, scored):
        award = published_award(actor, departments, scored)
        assert services.awards_finalize_due() == 0
        assert Award.objects.get(pk=award.pk).status == "published"

    def test_recorded_once_however_often_the_sweep_runs(
        self, actor, departments, personas, scored, django_capture_on_commit_callbacks
    ):
        award = published_award(actor, departments, scored)
        make_past(award)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.awards_finalize_due() == 1
        before = database_state()
        assert services.awards_finalize_due() == 0
        assert database_state() == before
        award.refresh_from_db()
        assert award.status == "final" and award.final_at >= award.protest_ends_at
        assert AuditEvent.objects.filter(verb="award.final").count() == 1
        told = OutboundEmail.objects.filter(key__startswith=f"award-final:{award.pk}:")
        assert sorted(email.to[0] for email in told) == sorted(
            personas[name].email for name in ("officer", "head.trn", "head.psd", "vendor.acme")
        )
        # Final: no protest is accepted any more.
        with pytest.raises(ValidationFailed) as refused:
            services.protest_file(
                actor=vendor_actor_for(personas["vendor.beacon"]), award=award, reasons="Late."
            )
        assert refused.value.field == "reasons"
