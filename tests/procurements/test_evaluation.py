"""The joint evaluation through its services and selectors (issue 12, "What it must show"):
who may be appointed an evaluator and by whom, the conflict-of-interest declaration, who sees
bids and scores (no grant, no declaration, a conflict, another city: nothing), the officer's
responsiveness decisions and what the data proposes, the score sheets, and closing and
reopening the evaluation. Every refusal names the field at fault and changes nothing."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from departments.models import Membership
from p3hub.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationErrors,
    ValidationFailed,
)
from p3hub.models import AuditEvent, OutboundEmail
from procurements import selectors, services
from procurements.models import (
    Bid,
    ConflictDeclaration,
    Evaluation,
    NonResponsive,
    Score,
    ScoreSheet,
    Solicitation,
)
from procurements.services import opening
from tests.factories import (
    build_cameras,
    build_opened,
    build_published,
    build_scored,
    declare_no_conflict,
    in_days,
    insurance,
    submitted_bid,
)
from tests.helpers import database_state
from vendors import services as vendor_services
from vendors.actor import vendor_actor_for
from vendors.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(actor, departments, personas):
    return build_opened(actor, departments, personas)


@pytest.fixture
def scored(actor, departments, personas):
    return build_scored(actor, departments, personas)


@pytest.fixture
def company(personas):
    return lambda username: vendor_actor_for(personas[username])


def refusals(error) -> dict[str, str]:
    """Each field a refusal names, with its message."""
    errors = error.errors if isinstance(error, ValidationErrors) else [error]
    return {each.field: each.message for each in errors}


def grant(actor, solicitation, user, *, by: str = "officer"):
    return services.evaluator_grant(actor=actor(by), solicitation=solicitation, user=user)


def both_responsive(actor, solicitation) -> None:
    for bid in (solicitation.acme, solicitation.beacon):
        services.bid_responsiveness_set(
            actor=actor("officer"), solicitation=solicitation, bid=bid, responsive=True
        )


def appointed_and_cleared(actor, personas, solicitation, username: str = "evaluator"):
    """`username` appointed by the officer and declared free of conflicts: their actor."""
    grant(actor, solicitation, personas[username])
    evaluator = actor(username)
    declare_no_conflict(evaluator, solicitation)
    return evaluator


def technical(solicitation):
    return solicitation.criteria.get(is_price=False)


def scores_for(solicitation, acme: int, beacon: int) -> list[dict]:
    criterion = technical(solicitation)
    return [
        {"bid": solicitation.acme.pk, "criterion": criterion.pk, "points": acme},
        {"bid": solicitation.beacon.pk, "criterion": criterion.pk, "points": beacon},
    ]


def score_and_submit(evaluator, solicitation, acme: int = 90, beacon: int = 60):
    services.score_sheet_save(
        actor=evaluator, solicitation=solicitation, scores=scores_for(solicitation, acme, beacon)
    )
    return services.score_sheet_submit(actor=evaluator, solicitation=solicitation)


def status_of(solicitation) -> str:
    return Solicitation.objects.get(pk=solicitation.pk).status


# --- appointing evaluators ------------------------------------------------------------------


class TestGrants:
    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_appoints(self, actor, personas, opened, username):
        before = database_state()
        with pytest.raises(PermissionDenied):
            grant(actor, opened, personas["evaluator"], by=username)
        assert database_state() == before
        assert not selectors.is_evaluator(personas["evaluator"], opened)

    @pytest.mark.parametrize("username", ["vendor.acme", "officer.lakeside"])
    def test_only_a_member_of_the_municipality_can_be_appointed(
        self, actor, personas, opened, username
    ):
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            grant(actor, opened, personas[username])
        assert refused.value.field == "user"
        assert database_state() == before

    @pytest.mark.parametrize("deactivated", ["membership", "account"])
    def test_an_inactive_person_cannot_be_appointed(self, actor, personas, opened, deactivated):
        evaluator = personas["evaluator"]
        if deactivated == "membership":
            Membership.objects.filter(user=evaluator).update(is_active=False)
        else:
            type(evaluator).objects.filter(pk=evaluator.pk).update(is_active=False)
            evaluator.refresh_from_db()
        with pytest.raises(ValidationFailed) as refused:
            grant(actor, opened, evaluator)
        assert refused.value.field == "user"
        assert not selectors.is_evaluator(evaluator, opened)

    @pytest.mark.parametrize("user", [None, "evaluator", 7])
    def test_anything_but_a_person_is_refused_naming_the_user(self, actor, opened, user):
        with pytest.raises(ValidationFailed) as refused:
            services.evaluator_grant(actor=actor("officer"), solicitation=opened, user=user)
        assert refused.value.field == "user"

    def test_the_officer_cannot_appoint_themselves(self, actor, personas, opened):
        with pytest.raises(ValidationFailed) as refused:
            grant(actor, opened, personas["officer"])
        assert refused.value.field == "user"

    def test_not_twice(self, actor, personas, opened):
        grant(actor, opened, personas["evaluator"])
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            grant(actor, opened, personas["evaluator"])
        assert refused.value.field == "user"
        assert database_state() == before

    def test_the_first_appointment_starts_the_evaluation_audited_and_e_mailed(
        self, actor, personas, opened, django_capture_on_commit_callbacks
    ):
        assert opened.status == "opened"
        evaluator = personas["evaluator"]
        with django_capture_on_commit_callbacks(execute=True):
            grant(actor, opened, evaluator)
        assert status_of(opened) == "under_evaluation"
        evaluation = Evaluation.objects.get(solicitation=opened)
        assert (evaluation.status, evaluation.round) == ("open", 1)
        assert selectors.is_evaluator(evaluator, opened)
        assert not selectors.is_cleared(evaluator, opened)  # not before declaring
        granted = AuditEvent.objects.get(verb="evaluator.grant")
        assert granted.after == {"evaluator": "evaluator"}
        assert granted.actor == personas["officer"]
        assert AuditEvent.objects.filter(verb="solicitation.evaluate").count() == 1
        told = OutboundEmail.objects.get(
            key=f"evaluator-appointed:{opened.pk}:{evaluator.pk}:{evaluator.pk}"
        )
        assert told.to == [evaluator.email]
        # A second evaluator does not start the evaluation again.
        grant(actor, opened, personas["head.psd"])
        assert AuditEvent.objects.filter(verb="solicitation.evaluate").count() == 1
        assert AuditEvent.objects.filter(verb="evaluator.grant").count() == 2

    def test_not_before_the_opening(self, actor, departments, personas):
        published = build_published(actor, departments)
        with pytest.raises(InvalidTransition) as refused:
            grant(actor, published, personas["evaluator"])
        assert "once the bids are opened" in refused.value.message
        assert not Evaluation.objects.filter(solicitation=published).exists()

    def test_another_citys_officer_finds_nothing(self, actor, personas, opened):
        with pytest.raises(NotFound):
            services.evaluator_grant(
                actor=actor("officer.lakeside", "lakeside"),
                solicitation=opened,
                user=personas["officer.lakeside"],
            )

    def test_someone_who_declared_a_conflict_cannot_be_appointed_again(
        self, actor, personas, opened
    ):
        grant(actor, opened, personas["evaluator"])
        services.declaration_submit(
            actor=actor("evaluator"),
            solicitation=opened,
            conflicts={opened.acme.vendor_id: False, opened.beacon.vendor_id: True},
            typed_name="Evan Lowe",
        )
        with pytest.raises(ValidationFailed) as refused:
            grant(actor, opened, personas["evaluator"])
        assert refused.value.field == "user"
        assert "Beacon Safety Technologies" in refused.value.message
        assert not selectors.is_evaluator(personas["evaluator"], opened)

    def test_a_removed_evaluator_loses_their_draft_and_sees_nothing(self, actor, personas, opened):
        both_responsive(actor, opened)
        evaluator = appointed_and_cleared(actor, personas, opened)
        services.score_sheet_save(
            actor=evaluator, solicitation=opened, scores=scores_for(opened, 70, 70)
        )
        services.evaluator_revoke(
            actor=actor("officer"), solicitation=opened, user=personas["evaluator"]
        )
        assert not selectors.is_cleared(personas["evaluator"], opened)
        assert not ScoreSheet.objects.filter(solicitation=opened).exists()
        assert AuditEvent.objects.filter(verb="evaluator.revoke").count() == 1
        with pytest.raises(NotFound):
            services.score_sheet_save(actor=evaluator, solicitation=opened, scores=[])
        with pytest.raises(NotFound):  # removing them again: nobody to remove
            services.evaluator_revoke(
                actor=actor("officer"), solicitation=opened, user=personas["evaluator"]
            )


# --- the conflict-of-interest declaration ---------------------------------------------------


class TestDeclarations:
    @pytest.fixture
    def appointed(self, actor, personas, opened):
        grant(actor, opened, personas["evaluator"])
        return opened

    def declare(self, actor, solicitation, conflicts, typed_name="Evan Lowe"):
        return services.declaration_submit(
            actor=actor("evaluator"),
            solicitation=solicitation,
            conflicts=conflicts,
            typed_name=typed_name,
        )

    def test_every_bidder_is_answered_with_yes_or_no(self, actor, appointed):
        acme, beacon = appointed.acme.vendor_id, appointed.beacon.vendor_id
        stranger = 987_654
        before = database_state()
        with pytest.raises(ValidationErrors) as refused:
            # Beacon unanswered, Acme answered "no" in words, a company that did not bid.
            self.declare(actor, appointed, {str(acme): "no", stranger: False}, typed_name="X")
        assert set(refusals(refused.value)) == {
            f"conflicts.{acme}",
            f"conflicts.{beacon}",
            f"conflicts.{stranger}",
            "typed_name",
        }
        assert database_state() == before
        assert not selectors.has_declared(actor("evaluator").user, appointed)

    @pytest.mark.parametrize("answer", [None, 0, 1, "false", "", []])
    def test_an_answer_must_be_true_or_false(self, actor, appointed, answer):
        acme, beacon = appointed.acme.vendor_id, appointed.beacon.vendor_id
        with pytest.raises(ValidationFailed) as refused:
            self.declare(actor, appointed, {acme: answer, beacon: False})
        assert refused.value.field == f"conflicts.{acme}"
        assert not ConflictDeclaration.objects.exists()

    @pytest.mark.parametrize("conflicts", [None, [], "none", [(1, False)]])
    def test_answers_not_given_per_bidder_are_refused(self, actor, appointed, conflicts):
        with pytest.raises(ValidationFailed) as refused:
            self.declare(actor, appointed, conflicts)
        assert refused.value.field == "conflicts"

    @pytest.mark.parametrize("typed_name", ["", "   ", "Evan", "evaluator", "Evan Lowe Jr", None])
    def test_the_typed_name_must_be_the_evaluators(self, actor, appointed, typed_name):
        no_conflict = {appointed.acme.vendor_id: False, appointed.beacon.vendor_id: False}
        with pytest.raises(ValidationFailed) as refused:
            self.declare(actor, appointed, no_conflict, typed_name=typed_name)
        assert refused.value.field == "typed_name"
        assert not ConflictDeclaration.objects.exists()

    def test_no_conflict_with_anyone_clears_the_evaluator_once(self, actor, personas, appointed):
        no_conflict = {str(appointed.acme.vendor_id): False, appointed.beacon.vendor_id: False}
        # Case and spacing are not what a signature is about.
        declared = self.declare(actor, appointed, no_conflict, typed_name="  evan   LOWE ")
        assert len(declared) == 2 and all(d.declared_at and not d.has_conflict for d in declared)
        assert selectors.is_cleared(personas["evaluator"], appointed)
        assert AuditEvent.objects.get(verb="evaluator.declare").after == {"bidders": 2}
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            self.declare(actor, appointed, no_conflict)
        assert refused.value.code == "declared"
        assert database_state() == before

    def test_a_conflict_removes_the_evaluator_records_it_and_tells_the_officer(
        self, actor, personas, appointed, django_capture_on_commit_callbacks
    ):
        conflicts = {appointed.acme.vendor_id: True, appointed.beacon.vendor_id: False}
        evaluator, officer = personas["evaluator"], personas["officer"]
        with django_capture_on_commit_callbacks(execute=True):
            self.declare(actor, appointed, conflicts)
        assert not selectors.is_evaluator(evaluator, appointed)
        assert not selectors.is_cleared(evaluator, appointed)
        assert selectors.has_declared(evaluator, appointed)
        assert [d.vendor.name for d in selectors.conflicted_evaluators_of(appointed)] == [
            "Acme Traffic Systems"
        ]
        assert selectors.evaluators_of(appointed) == []
        event = AuditEvent.objects.get(verb="evaluator.conflict")
        assert event.after == {"with": ["Acme Traffic Systems"]}
        assert not AuditEvent.objects.filter(verb="evaluator.declare").exists()
        told = OutboundEmail.objects.get(
            key=f"evaluator-conflict:{appointed.pk}:{evaluator.pk}:{officer.pk}"
        )
        assert told.to == [officer.email]
        assert "Acme Traffic Systems" in told.body and "Evan Lowe" in told.body
        # Removed: declaring again, or scoring, finds nothing.
        with pytest.raises(NotFound):
            self.declare(actor, appointed, conflicts)
        with pytest.raises(NotFound):
            services.score_sheet_save(actor=actor("evaluator"), solicitation=appointed, scores=[])

    def test_someone_not_appointed_finds_nothing(self, actor, opened):
        with pytest.raises(NotFound):
            self.declare(actor, opened, {opened.acme.vendor_id: False})
        assert not ConflictDeclaration.objects.exists()

    def test_an_evaluator_of_another_city_finds_nothing(self, actor, appointed):
        with pytest.raises(NotFound):
            services.declaration_submit(
                actor=actor("officer.lakeside", "lakeside"),
                solicitation=appointed,
                conflicts={appointed.acme.vendor_id: False, appointed.beacon.vendor_id: False},
                typed_name="Lena Lake",
            )
        assert not ConflictDeclaration.objects.exists()


# --- who sees bids and scores ----------------------------------------------------------------


class TestVisibility:
    def test_only_a_cleared_evaluator_may_see_the_bids(self, actor, personas, opened):
        evaluator = personas["evaluator"]
        assert not selectors.is_cleared(evaluator, opened)  # no grant
        grant(actor, opened, evaluator)
        assert not selectors.is_cleared(evaluator, opened)  # not declared
        declare_no_conflict(actor("evaluator"), opened)
        assert selectors.is_cleared(evaluator, opened)
        # A colleague who declared a conflict is not.
        grant(actor, opened, personas["head.trn"])
        services.declaration_submit(
            actor=actor("head.trn"),
            solicitation=opened,
            conflicts={opened.acme.vendor_id: False, opened.beacon.vendor_id: True},
            typed_name="Tomas Reyes",
        )
        assert not selectors.is_cleared(personas["head.trn"], opened)

    def test_an_evaluator_who_has_not_declared_cannot_score(self, actor, personas, opened):
        both_responsive(actor, opened)
        grant(actor, opened, personas["evaluator"])
        with pytest.raises(PermissionDenied):
            services.score_sheet_save(
                actor=actor("evaluator"), solicitation=opened, scores=scores_for(opened, 1, 1)
            )
        assert not ScoreSheet.objects.exists()

    def test_evaluators_see_the_committee_only_after_submitting_their_own_sheet(
        self, actor, personas, opened
    ):
        """Two evaluators: the first submits, the second is drafting. The committee counts
        the submitted sheet only; the second sees it only once theirs is in too."""
        both_responsive(actor, opened)
        first = appointed_and_cleared(actor, personas, opened)
        second = appointed_and_cleared(actor, personas, opened, "head.trn")
        score_and_submit(first, opened, acme=90, beacon=60)
        services.score_sheet_save(
            actor=second, solicitation=opened, scores=scores_for(opened, 10, 100)
        )

        committee = selectors.committee_of(opened)
        assert [person.username for person in committee.evaluators] == ["evaluator"]
        by_vendor = {row.bid.vendor.name: row.result.criteria[0] for row in committee.rows}
        evaluator_pk = personas["evaluator"].pk
        assert dict(by_vendor["Acme Traffic Systems"].scores) == {evaluator_pk: 90}
        assert dict(by_vendor["Beacon Safety Technologies"].scores) == {evaluator_pk: 60}
        assert selectors.may_see_committee(first, opened)

        services.score_sheet_submit(actor=second, solicitation=opened)
        committee = selectors.committee_of(opened)
        assert {person.username for person in committee.evaluators} == {"evaluator", "head.trn"}
        acme = next(row for row in committee.rows if row.bid == opened.acme)
        assert str(acme.result.criteria[0].average) == "50.00"

    def test_a_plain_evaluator_sees_no_scores_before_their_own_submission(
        self, actor, personas, opened
    ):
        both_responsive(actor, opened)
        colleague = appointed_and_cleared(actor, personas, opened, "head.psd")
        score_and_submit(colleague, opened)
        grant(actor, opened, personas["evaluator"])
        evaluator = actor("evaluator")
        assert not selectors.may_see_committee(evaluator, opened)  # appointed only
        declare_no_conflict(evaluator, opened)
        assert not selectors.may_see_committee(evaluator, opened)  # cleared, nothing scored
        services.score_sheet_save(
            actor=evaluator, solicitation=opened, scores=scores_for(opened, 80, 80)
        )
        assert not selectors.may_see_committee(evaluator, opened)  # a draft
        sheet = selectors.sheet_of(personas["evaluator"], opened)
        assert [score.points for score in sheet.scores.all()] == [80, 80]  # their own, yes
        services.score_sheet_submit(actor=evaluator, solicitation=opened)
        assert selectors.may_see_committee(evaluator, opened)

    def test_the_officer_and_the_participating_heads_see_the_committee(self, actor, opened):
        for username in ("officer", "head.trn", "head.psd"):
            assert selectors.may_see_committee(actor(username), opened), username
        assert not selectors.may_see_committee(actor("admin"), opened)

    def test_another_citys_staff_see_nothing_and_reach_nothing(self, actor, personas, opened):
        both_responsive(actor, opened)
        lakeside = {
            name: actor(name, "lakeside") for name in ("officer.lakeside", "admin.lakeside")
        }
        for outsider in lakeside.values():
            assert not selectors.may_see_committee(outsider, opened)
        officer = lakeside["officer.lakeside"]
        attempts = [
            lambda: services.bid_responsiveness_set(
                actor=officer, solicitation=opened, bid=opened.acme, responsive=False
            ),
            lambda: services.score_sheet_save(actor=officer, solicitation=opened, scores=[]),
            lambda: services.score_sheet_submit(actor=officer, solicitation=opened),
            lambda: services.evaluation_close(actor=officer, solicitation=opened),
            lambda: services.evaluation_reopen(actor=officer, solicitation=opened, reason="x"),
            lambda: services.evaluator_revoke(
                actor=officer, solicitation=opened, user=personas["evaluator"]
            ),
        ]
        before = database_state()
        for attempt in attempts:
            with pytest.raises(NotFound):
                attempt()
        assert database_state() == before


# --- responsiveness ---------------------------------------------------------------------------


def open_the_bids(actor, solicitation) -> Solicitation:
    """The deadline and the opening time past by the database clock, the bids opened."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2), opening_at=Now() - dt.timedelta(minutes=1)
    )
    opening.opening_start(actor=actor("officer"), solicitation=solicitation)
    opening.opening_run(solicitation.pk)
    return Solicitation.objects.get(pk=solicitation.pk)


class TestResponsiveness:
    def decide(self, actor, solicitation, bid, username="officer", **decision):
        return services.bid_responsiveness_set(
            actor=actor(username), solicitation=solicitation, bid=bid, **decision
        )

    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_decides(self, actor, opened, username):
        before = database_state()
        with pytest.raises(PermissionDenied):
            self.decide(actor, opened, opened.acme, username, responsive=True)
        assert database_state() == before

    @pytest.mark.parametrize(
        ("decision", "field"),
        [
            ({"responsive": False}, "reason"),
            ({"responsive": False, "reason": "too_expensive"}, "reason"),
            ({"responsive": False, "reason": NonResponsive.OTHER}, "note"),
            ({"responsive": False, "reason": NonResponsive.OTHER, "note": "   "}, "note"),
            ({"responsive": "no", "reason": NonResponsive.DOCUMENT}, "responsive"),
            ({"responsive": None}, "responsive"),
        ],
    )
    def test_a_non_responsive_bid_needs_a_reason_from_the_list(
        self, actor, opened, decision, field
    ):
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            self.decide(actor, opened, opened.acme, **decision)
        assert refused.value.field == field
        assert database_state() == before
        assert Bid.objects.get(pk=opened.acme.pk).status == "opened"
        assert status_of(opened) == "opened"  # nothing started either

    @pytest.mark.parametrize("bid", [None, "1", 987_654, True])
    def test_only_an_opened_bid_of_this_solicitation(self, actor, opened, bid):
        with pytest.raises(ValidationFailed) as refused:
            self.decide(actor, opened, bid, responsive=True)
        assert refused.value.field == "bid"

    def test_a_bid_of_another_solicitation_is_refused(self, actor, departments, personas, opened):
        other = build_opened(actor, departments, personas)
        with pytest.raises(ValidationFailed) as refused:
            self.decide(actor, opened, other.acme, responsive=True)
        assert refused.value.field == "bid"

    def test_the_officer_decides_with_a_reason_and_may_change_their_mind(self, actor, opened):
        bid = self.decide(
            actor,
            opened,
            opened.beacon,
            responsive=False,
            reason=NonResponsive.OTHER,
            note="Bid bond missing.",
        )
        assert (bid.status, bid.responsiveness_reason) == ("non_responsive", "other")
        assert bid.responsiveness_note == "Bid bond missing."
        assert status_of(opened) == "under_evaluation"
        event = AuditEvent.objects.get(verb="bid.non_responsive")
        assert event.after["reason"] == "other"
        bid = self.decide(actor, opened, opened.beacon, responsive=True, note="ignored")
        assert (bid.status, bid.responsiveness_reason, bid.responsiveness_note) == (
            "responsive",
            "",
            "",
        )

    def test_another_reason_for_a_non_responsive_bid_replaces_the_first_in_one_step(
        self, actor, opened
    ):
        self.decide(actor, opened, opened.beacon, responsive=False, reason=NonResponsive.DOCUMENT)
        bid = self.decide(
            actor,
            opened,
            opened.beacon,
            responsive=False,
            reason=NonResponsive.OTHER,
            note="Bid bond missing.",
        )
        assert (bid.status, bid.responsiveness_reason) == ("non_responsive", "other")
        events = AuditEvent.objects.filter(verb="bid.non_responsive").order_by("seq")
        assert [e.after["reason"] for e in events] == ["document_missing", "other"]
        assert events.last().before == {"status": "non_responsive", "reason": "document_missing"}

    def test_the_data_proposes_an_unacknowledged_addendum_and_an_expired_insurance(
        self, actor, departments, personas, company
    ):
        """Both companies bid, then an addendum (text only, so the bids stand) is published:
        Acme acknowledges it, Beacon does not. Acme's insurance is valid on the deadline;
        Beacon's expired before it."""
        solicitation = build_published(actor, departments)
        acme, beacon = company("vendor.acme"), company("vendor.beacon")
        bids = {
            "acme": submitted_bid(acme, solicitation, {"1": "1000.00", "2": "250.00"}),
            "beacon": submitted_bid(beacon, solicitation, {"1": "900.00", "2": "300.00"}),
        }
        addendum = services.addendum_publish(
            actor=actor("officer"),
            solicitation=solicitation,
            title="Site visit",
            text="Tuesday at 10.",
        )
        services.addendum_acknowledge(actor=acme, addendum=addendum)
        assert set(Bid.objects.values_list("status", flat=True)) == {"submitted"}
        for insured in (acme, beacon):
            vendor_services.certificate_add(actor=insured, **insurance(expires_on=in_days(200)))
        # Beacon's certificate ran out two days before the deadline (uploads refuse a past date).
        Certificate.objects.filter(vendor=beacon.vendor).update(expires_on=in_days(-2))
        opened = open_the_bids(actor, solicitation)

        proposals = selectors.responsiveness_proposals(opened)

        assert proposals == {
            bids["acme"].pk: [],
            bids["beacon"].pk: [NonResponsive.ADDENDUM, NonResponsive.INSURANCE],
        }

    def test_insurance_is_judged_on_the_deadlines_day_not_today(self, actor, opened, company):
        """Insurance that lapsed after the deadline was valid when it counted; a removed
        certificate does not count at all; no certificate is proposed as expired."""
        acme, beacon = company("vendor.acme"), company("vendor.beacon")
        Solicitation.objects.filter(pk=opened.pk).update(bids_due_at=Now() - dt.timedelta(days=10))
        opened.refresh_from_db()
        vendor_services.certificate_add(actor=acme, **insurance(expires_on=in_days(200)))
        Certificate.objects.filter(vendor=acme.vendor).update(expires_on=in_days(-5))
        vendor_services.certificate_add(actor=beacon, **insurance(expires_on=in_days(200)))
        Certificate.objects.filter(vendor=beacon.vendor).update(removed_at=Now())

        proposals = selectors.responsiveness_proposals(opened)

        assert proposals[opened.acme.pk] == []
        assert proposals[opened.beacon.pk] == [NonResponsive.INSURANCE]

    def test_non_responsive_bids_are_neither_scored_nor_ranked(self, actor, personas, opened):
        self.decide(actor, opened, opened.acme, responsive=True)
        self.decide(actor, opened, opened.beacon, responsive=False, reason=NonResponsive.DOCUMENT)
        evaluator = appointed_and_cleared(actor, personas, opened)
        with pytest.raises(ValidationFailed) as refused:
            services.score_sheet_save(
                actor=evaluator, solicitation=opened, scores=scores_for(opened, 80, 80)
            )
        assert refused.value.field == "scores.1.bid"
        criterion = technical(opened)
        services.score_sheet_save(
            actor=evaluator,
            solicitation=opened,
            scores=[{"bid": opened.acme.pk, "criterion": criterion.pk, "points": 80}],
        )
        services.score_sheet_submit(actor=evaluator, solicitation=opened)  # complete: Acme only
        committee = selectors.committee_of(opened)
        assert [row.bid for row in committee.rows] == [opened.acme]
        assert committee.non_responsive == [opened.beacon]
        assert committee.rows[0].rank == 1

    def test_a_bid_found_responsive_late_returns_the_sheets_that_never_scored_it(
        self, actor, personas, opened
    ):
        """Beacon first found non-responsive, the evaluator hands in a sheet scoring Acme
        alone; the officer then finds Beacon responsive after all. That sheet goes back to
        its evaluator: the evaluation cannot close on a ranking Beacon was never scored in."""
        self.decide(actor, opened, opened.acme, responsive=True)
        self.decide(actor, opened, opened.beacon, responsive=False, reason=NonResponsive.DOCUMENT)
        evaluator = appointed_and_cleared(actor, personas, opened)
        criterion = technical(opened)
        services.score_sheet_save(
            actor=evaluator,
            solicitation=opened,
            scores=[{"bid": opened.acme.pk, "criterion": criterion.pk, "points": 80}],
        )
        services.score_sheet_submit(actor=evaluator, solicitation=opened)

        self.decide(actor, opened, opened.beacon, responsive=True)

        sheet = ScoreSheet.objects.get()
        assert (sheet.status, sheet.submitted_at) == ("draft", None)
        assert services.evaluation_close_blockers(opened) == [
            "wait for the score sheets of Evan Lowe"
        ]
        score_and_submit(evaluator, opened)
        assert services.evaluation_close_blockers(opened) == []

    def test_a_bid_found_non_responsive_late_leaves_complete_sheets_alone(
        self, actor, personas, opened
    ):
        both_responsive(actor, opened)
        score_and_submit(appointed_and_cleared(actor, personas, opened), opened)
        self.decide(actor, opened, opened.beacon, responsive=False, reason=NonResponsive.DOCUMENT)
        assert ScoreSheet.objects.get().status == "submitted"
        assert [row.bid for row in selectors.committee_of(opened).rows] == [opened.acme]


# --- score sheets -----------------------------------------------------------------------------


class TestScoring:
    @pytest.fixture
    def scoring(self, actor, personas, opened):
        """Both bids responsive, the evaluator appointed and cleared: their actor."""
        both_responsive(actor, opened)
        return appointed_and_cleared(actor, personas, opened)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"points": 101}, "scores.0.points"),
            ({"points": -1}, "scores.0.points"),
            ({"points": "50.5"}, "scores.0.points"),
            ({"points": 50.0}, "scores.0.points"),  # a float has lost what was typed
            ({"points": None}, "scores.0.points"),
            ({"points": "lots"}, "scores.0.points"),
            ({"bid": None}, "scores.0.bid"),
            ({"bid": "acme"}, "scores.0.bid"),
            ({"criterion": 987_654}, "scores.0.criterion"),
            ({"bid": [1]}, "scores.0.bid"),  # not even hashable: still a 4xx
            ({"criterion": {"id": 1}}, "scores.0.criterion"),
            ({"comment": "x" * 2001}, "scores.0.comment"),
            ({"comment": 7}, "scores.0.comment"),
        ],
    )
    def test_a_bad_score_is_refused_naming_it_and_nothing_is_saved(
        self, scoring, opened, change, field
    ):
        entries = scores_for(opened, 50, 50)
        entries[0] |= change
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            services.score_sheet_save(actor=scoring, solicitation=opened, scores=entries)
        assert refused.value.field == field
        assert database_state() == before
        assert not ScoreSheet.objects.exists() and not Score.objects.exists()

    def test_the_price_criterion_and_another_solicitations_are_not_scored_by_hand(
        self, scoring, actor, departments, opened
    ):
        price = opened.criteria.get(is_price=True)
        elsewhere = technical(build_cameras(actor, departments))
        entries = [
            {"bid": opened.acme.pk, "criterion": price.pk, "points": 50},
            {"bid": opened.acme.pk, "criterion": elsewhere.pk, "points": 50},
            {"bid": opened.beacon.pk, "criterion": technical(opened).pk, "points": 200},
            "fifty",
        ]
        with pytest.raises(ValidationErrors) as refused:
            services.score_sheet_save(actor=scoring, solicitation=opened, scores=entries)
        assert set(refusals(refused.value)) == {
            "scores.0.criterion",
            "scores.1.criterion",
            "scores.2.points",
            "scores.3",
        }
        assert "price is scored by formula" in refusals(refused.value)["scores.0.criterion"]
        assert not Score.objects.exists()

    def test_a_bid_scored_twice_on_one_criterion_is_refused(self, scoring, opened):
        entries = scores_for(opened, 50, 50)
        entries[1] = {**entries[0], "points": 60}
        with pytest.raises(ValidationFailed) as refused:
            services.score_sheet_save(actor=scoring, solicitation=opened, scores=entries)
        assert refused.value.field == "scores.1"

    @pytest.mark.parametrize("scores", [None, "90", {"bid": 1}])
    def test_scores_come_as_a_list(self, scoring, opened, scores):
        with pytest.raises(ValidationFailed) as refused:
            services.score_sheet_save(actor=scoring, solicitation=opened, scores=scores)
        assert refused.value.field == "scores"

    def test_saving_again_replaces_a_score_and_keeps_the_others(self, scoring, opened):
        services.score_sheet_save(
            actor=scoring, solicitation=opened, scores=scores_for(opened, 1, 2)
        )
        criterion = technical(opened)
        services.score_sheet_save(
            actor=scoring,
            solicitation=opened,
            scores=[
                {"bid": opened.acme.pk, "criterion": criterion.pk, "points": 99, "comment": "ok"}
            ],
        )
        stored = dict(Score.objects.values_list("bid_id", "points"))
        assert stored == {opened.acme.pk: 99, opened.beacon.pk: 2}

    def test_an_incomplete_sheet_cannot_be_submitted(self, scoring, opened):
        criterion = technical(opened)
        services.score_sheet_save(
            actor=scoring,
            solicitation=opened,
            scores=[{"bid": opened.acme.pk, "criterion": criterion.pk, "points": 70}],
        )
        with pytest.raises(ValidationFailed) as refused:
            services.score_sheet_submit(actor=scoring, solicitation=opened)
        assert (refused.value.field, refused.value.code) == ("scores", "incomplete")
        assert "1 still to score" in refused.value.message
        assert ScoreSheet.objects.get().status == "draft"

    def test_a_submitted_sheet_is_locked(self, scoring, opened, personas):
        score_and_submit(scoring, opened)
        sheet = ScoreSheet.objects.get()
        assert sheet.status == "submitted" and sheet.submitted_at is not None
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            services.score_sheet_save(
                actor=scoring, solicitation=opened, scores=scores_for(opened, 1, 1)
            )
        assert refused.value.code == "sheet_submitted"
        with pytest.raises(InvalidTransition):
            services.score_sheet_submit(actor=scoring, solicitation=opened)
        assert database_state() == before
        assert sorted(Score.objects.values_list("points", flat=True)) == [60, 90]
        assert AuditEvent.objects.filter(verb="score_sheet.submit").count() == 1
        assert OutboundEmail.objects.filter(
            key__startswith=f"sheet-submitted:{opened.pk}:{personas['evaluator'].pk}:1:"
        ).exists()


# --- closing and reopening --------------------------------------------------------------------


class TestClosing:
    def close(self, actor, solicitation, username="officer"):
        return services.evaluation_close(actor=actor(username), solicitation=solicitation)

    def test_closing_names_what_is_still_missing(self, actor, personas, opened):
        grant(actor, opened, personas["evaluator"])
        assert services.evaluation_close_blockers(opened) == [
            "decide the responsiveness of 2 more bid(s)",
            "find at least one bid responsive",
            "wait for the score sheets of Evan Lowe",
        ]
        with pytest.raises(InvalidTransition) as refused:
            self.close(actor, opened)
        assert refused.value.code == "evaluation_incomplete"
        assert "decide the responsiveness of 2 more bid(s)" in refused.value.message

        both_responsive(actor, opened)
        evaluator = actor("evaluator")
        declare_no_conflict(evaluator, opened)
        services.score_sheet_save(
            actor=evaluator, solicitation=opened, scores=scores_for(opened, 1, 1)
        )
        assert services.evaluation_close_blockers(opened) == [
            "wait for the score sheets of Evan Lowe"  # a draft is not a sheet handed in
        ]
        before = database_state()
        with pytest.raises(InvalidTransition):
            self.close(actor, opened)
        assert database_state() == before

    def test_closing_needs_an_evaluator_when_there_is_something_to_score(self, actor, opened):
        both_responsive(actor, opened)
        assert services.evaluation_close_blockers(opened) == ["appoint at least one evaluator"]

    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_closes_and_reopens(self, actor, scored, username):
        with pytest.raises(PermissionDenied):
            services.evaluation_reopen(actor=actor(username), solicitation=scored, reason="Redo.")
        assert selectors.evaluation_of(scored).status == "closed"

    def test_once_closed_nothing_is_scored_or_decided(self, actor, personas, scored):
        evaluation = selectors.evaluation_of(scored)
        assert evaluation.status == "closed" and evaluation.closed_at is not None
        before = database_state()
        attempts = [
            lambda: services.score_sheet_save(
                actor=actor("evaluator"), solicitation=scored, scores=scores_for(scored, 1, 1)
            ),
            lambda: services.bid_responsiveness_set(
                actor=actor("officer"),
                solicitation=scored,
                bid=scored.beacon,
                responsive=False,
                reason=NonResponsive.DOCUMENT,
            ),
            lambda: services.evaluator_grant(
                actor=actor("officer"), solicitation=scored, user=personas["head.psd"]
            ),
            lambda: services.evaluator_revoke(
                actor=actor("officer"), solicitation=scored, user=personas["evaluator"]
            ),
            lambda: self.close(actor, scored),
        ]
        for attempt in attempts:
            with pytest.raises(InvalidTransition):
                attempt()
        assert database_state() == before

    def test_reopening_needs_a_reason_and_returns_every_sheet_for_a_new_round(
        self, actor, personas, scored
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.evaluation_reopen(actor=actor("officer"), solicitation=scored, reason=" ")
        assert refused.value.field == "reason"

        services.evaluation_reopen(
            actor=actor("officer"), solicitation=scored, reason="Scores of Beacon disputed."
        )

        evaluation = selectors.evaluation_of(scored)
        assert (evaluation.status, evaluation.round) == ("open", 2)
        assert evaluation.reopened_reason == "Scores of Beacon disputed."
        sheet = ScoreSheet.objects.get()
        assert (sheet.status, sheet.submitted_at) == ("draft", None)
        assert AuditEvent.objects.filter(verb="score_sheet.return").count() == 1
        evaluator = actor("evaluator")
        assert not selectors.may_see_committee(evaluator, scored)  # theirs is a draft again
        # The scores stay on the sheet and may change; submitting again tells the officer
        # again (a new round, a new e-mail).
        score_and_submit(evaluator, scored, acme=50, beacon=95)
        assert selectors.may_see_committee(evaluator, scored)
        assert OutboundEmail.objects.filter(
            key__startswith=f"sheet-submitted:{scored.pk}:{personas['evaluator'].pk}:2:"
        ).exists()
        self.close(actor, scored)
        rows = selectors.committee_of(scored).rows
        assert [row.bid for row in rows] == [scored.beacon, scored.acme]

    def test_an_open_evaluation_cannot_be_reopened(self, actor, personas, opened):
        grant(actor, opened, personas["evaluator"])
        with pytest.raises(InvalidTransition):
            services.evaluation_reopen(actor=actor("officer"), solicitation=opened, reason="Why")
        assert selectors.evaluation_of(opened).round == 1
