"""Every lifecycle is one table (DESIGN.md 4, STYLE.md 3): each test here walks a table, trying
every allowed move from every state and every refused one, and proves that no code outside
p3hub/lifecycle.py assigns a status.

A row is put in a state for the test with a plain UPDATE (the set-up, not the system under
test); the move then goes through `Lifecycle.apply`, as every service does.
"""

import ast
from pathlib import Path

import pytest

from departments.tenancy import SystemActor
from p3hub.audit import Verb
from p3hub.errors import InvalidTransition, PermissionDenied
from p3hub.lifecycle import Lifecycle
from p3hub.models import AuditEvent
from procurements.models import (
    Award,
    AwardShare,
    Bid,
    CostSplitShare,
    CostSplitVersion,
    Evaluation,
    Participation,
    Protest,
    ScoreSheet,
    Solicitation,
)
from procurements.services import cost_split_propose
from tests.factories import line_item_split
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

S, P, V, H = (
    Solicitation.Status,
    Participation.Status,
    CostSplitVersion.Status,
    CostSplitShare.Status,
)

# The tables as DESIGN.md 4 tells them; the code must say exactly this.
EXPECTED = {
    Solicitation: {
        S.DRAFT: {S.IN_APPROVAL, S.CANCELLED},
        S.IN_APPROVAL: {S.APPROVED, S.CANCELLED},
        S.APPROVED: {S.IN_APPROVAL, S.SCHEDULED, S.PUBLISHED, S.CANCELLED},
        S.SCHEDULED: {S.PUBLISHED, S.CANCELLED},
        S.PUBLISHED: {S.CLOSED, S.CANCELLED},
        S.CLOSED: {S.OPENED, S.CANCELLED},
        S.OPENED: {S.UNDER_EVALUATION, S.CANCELLED},
        S.UNDER_EVALUATION: {S.AWARDED, S.CANCELLED},
        S.AWARDED: {S.UNDER_EVALUATION},  # an upheld protest
        S.CANCELLED: set(),
    },
    Participation: {
        P.INVITED: {P.JOINED, P.DECLINED, P.WITHDRAWN},
        P.JOINED: {P.WITHDRAWN},
        P.DECLINED: {P.WITHDRAWN},
        P.WITHDRAWN: {P.INVITED},
    },
    CostSplitVersion: {
        V.PROPOSED: {V.APPROVED, V.REJECTED, V.SUPERSEDED},
        V.APPROVED: {V.SUPERSEDED},
        V.REJECTED: set(),
        V.SUPERSEDED: set(),
    },
    CostSplitShare: {
        H.PENDING: {H.APPROVED, H.REJECTED},
        H.APPROVED: set(),
        H.REJECTED: set(),
    },
}
B, E, SS, A, AS, PR = (
    Bid.Status,
    Evaluation.Status,
    ScoreSheet.Status,
    Award.Status,
    AwardShare.Status,
    Protest.Status,
)
# The lifecycles of the bids, the evaluation and the award (issue 11 and 12): their moves are
# walked by their own services' tests (tests/procurements/test_evaluation.py, test_awards.py).
EXPECTED_AFTER_OPENING = {
    Bid: {
        B.DRAFT: {B.SUBMITTED, B.WITHDRAWN},
        B.SUBMITTED: {B.WITHDRAWN, B.NEEDS_RESUBMISSION, B.OPENED},
        B.NEEDS_RESUBMISSION: {B.SUBMITTED, B.WITHDRAWN},
        B.WITHDRAWN: set(),
        B.OPENED: {B.RESPONSIVE, B.NON_RESPONSIVE},
        B.RESPONSIVE: {B.NON_RESPONSIVE},
        B.NON_RESPONSIVE: {B.RESPONSIVE},
    },
    Evaluation: {E.OPEN: {E.CLOSED}, E.CLOSED: {E.OPEN}},
    ScoreSheet: {SS.DRAFT: {SS.SUBMITTED}, SS.SUBMITTED: {SS.DRAFT}},
    Award: {
        A.PROPOSED: {A.APPROVED, A.REJECTED, A.ANNULLED},
        A.APPROVED: {A.PUBLISHED, A.ANNULLED},
        A.REJECTED: set(),
        A.PUBLISHED: {A.FINAL, A.ANNULLED},
        A.FINAL: set(),
        A.ANNULLED: set(),
    },
    AwardShare: {
        AS.PENDING: {AS.APPROVED, AS.REJECTED},
        AS.APPROVED: set(),
        AS.REJECTED: set(),
    },
    Protest: {
        PR.OPEN: {PR.UPHELD, PR.DENIED, PR.MOOT},
        PR.UPHELD: set(),
        PR.DENIED: set(),
        PR.MOOT: set(),
    },
}
TABLES = {**EXPECTED, **EXPECTED_AFTER_OPENING}
LIFECYCLES = [model.lifecycle for model in TABLES]


@pytest.mark.parametrize("model", list(TABLES), ids=lambda m: m.__name__)
def test_each_table_is_the_lifecycle_of_design_section_4(model):
    assert model.lifecycle.table == {k: frozenset(v) for k, v in TABLES[model].items()}
    assert model.lifecycle.model is model


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda lc: lc.noun)
def test_no_move_is_a_self_loop_and_every_verb_is_a_known_audit_verb(lifecycle):
    for transition in lifecycle.transitions:
        assert transition.target not in transition.sources, transition.name
        assert transition.verb in Verb.values, transition.verb


def test_a_table_with_a_self_loop_or_an_unknown_state_is_refused_at_import():
    from p3hub.lifecycle import Transition

    with pytest.raises(ValueError, match="must change the state"):
        Lifecycle(
            S,
            noun="x",
            transitions=[Transition("stay", frozenset({S.DRAFT}), S.DRAFT, verb="v", done="")],
        )
    with pytest.raises(ValueError, match="unknown states"):
        Lifecycle(
            S,
            noun="x",
            transitions=[Transition("go", frozenset({"limbo"}), S.DRAFT, verb="v", done="")],
        )


# --- walking every move from every state -------------------------------------------------------


@pytest.fixture
def rows(cameras, actor, departments):
    """One row of each lifecycle, with the actor that may ask for its offered moves and one
    that may not."""
    version = cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    psd = cameras.participations.get(department=departments["PSD"])
    share = version.shares.get(department=departments["PSD"])
    return {
        Solicitation: (cameras, actor("officer"), actor("head.psd")),
        Participation: (psd, None, actor("evaluator")),  # who depends on the move, below
        CostSplitVersion: (version, actor("officer"), actor("officer")),
        CostSplitShare: (share, actor("head.psd"), actor("head.trn")),
    }


def _allowed_actor(model, transition, rows, actor):
    """The persona whose `who` accepts this move (a service's own moves: the system)."""
    if not transition.offered:
        return SystemActor(rows[Solicitation][0].municipality)
    if model is Participation:
        return actor("head.psd") if transition.name in ("join", "decline") else actor("officer")
    return rows[model][1]


def _put_in(row, status: str):
    type(row)._default_manager.filter(pk=row.pk).update(status=status)
    row.refresh_from_db()
    if isinstance(row, Participation):
        row.solicitation = row.solicitation  # loaded for is_lead


CASES = [
    (model, status, transition.name)
    for model in EXPECTED
    for status in model.lifecycle.states.values
    for transition in model.lifecycle.transitions
]


@pytest.mark.parametrize(
    ("model", "status", "move"), CASES, ids=[f"{m.__name__}:{s}:{n}" for m, s, n in CASES]
)
def test_every_move_from_every_state(rows, actor, model, status, move):
    lifecycle = model.lifecycle
    transition = lifecycle[move]
    row = rows[model][0]
    _put_in(row, status)
    who = _allowed_actor(model, transition, rows, actor)
    before = database_state()
    events = AuditEvent.objects.count()

    if status in transition.sources:
        # Then the move is made, saved once and recorded with the old and the new status
        lifecycle.apply(row, move, actor=who)
        row.refresh_from_db()
        assert row.status == transition.target
        event = AuditEvent.objects.latest("seq")
        assert AuditEvent.objects.count() == events + 1
        assert event.verb == transition.verb
        assert event.before == {"status": status}
        assert event.after == {"status": transition.target}
        assert event.actor_label == ("system" if who.is_system else who.user.username)
    else:
        # Then the table refuses it with one code, and nothing changes
        with pytest.raises(InvalidTransition) as refused:
            lifecycle.apply(row, move, actor=who)
        assert refused.value.code == "invalid_transition"
        assert database_state() == before


OFFERED = [
    (model, transition.name)
    for model in EXPECTED
    for transition in model.lifecycle.transitions
    if transition.offered
]


@pytest.mark.parametrize(("model", "move"), OFFERED, ids=[f"{m.__name__}:{n}" for m, n in OFFERED])
def test_an_offered_move_refuses_the_wrong_actor_and_changes_nothing(rows, model, move):
    lifecycle = model.lifecycle
    row, _, wrong = rows[model]
    _put_in(row, next(iter(lifecycle[move].sources)))
    before = database_state()

    with pytest.raises(PermissionDenied):
        lifecycle.apply(row, move, actor=wrong)
    assert move not in lifecycle.open_names(row, wrong)
    assert database_state() == before


@pytest.mark.parametrize("model", list(EXPECTED), ids=lambda m: m.__name__)
def test_open_moves_are_the_offered_moves_from_the_current_state(rows, actor, model):
    lifecycle = model.lifecycle
    row = rows[model][0]
    for status in lifecycle.states.values:
        _put_in(row, status)
        for transition in lifecycle.transitions:
            who = _allowed_actor(model, transition, rows, actor)
            expected = transition.offered and status in transition.sources
            assert (transition.name in lifecycle.open_names(row, who)) == expected, (
                status,
                transition.name,
            )


def test_a_racing_second_move_finds_the_new_state(rows):
    # Given the in-memory row still says proposed while the database moved on
    version = rows[CostSplitVersion][0]
    stale = CostSplitVersion.objects.get(pk=version.pk)
    system = SystemActor(version.solicitation.municipality)
    CostSplitVersion.lifecycle.apply(version, "supersede", actor=system)

    # Then the table reads the locked row, not the stale copy, and refuses
    with pytest.raises(InvalidTransition):
        CostSplitVersion.lifecycle.apply(stale, "approve", actor=system)


# --- no status is set anywhere else ------------------------------------------------------------

APPS = ["p3hub", "departments", "vendors", "procurements", "contracts"]
WRITE_CALLS = {"create", "update", "get_or_create", "update_or_create", "bulk_update"}


def _status_writes(tree: ast.AST) -> list[int]:
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
            found.append(node.lineno)
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            owner = getattr(node.func, "value", None)
            by_lifecycle = getattr(owner, "attr", getattr(owner, "id", "")) == "lifecycle"
            if (
                name in WRITE_CALLS
                and not by_lifecycle
                and any(k.arg == "status" for k in node.keywords)
            ):
                found.append(node.lineno)
            if name == "setattr" and len(node.args) > 1:
                field = node.args[1]
                if isinstance(field, ast.Constant) and field.value == "status":
                    found.append(node.lineno)
    return found


def test_no_status_is_assigned_outside_the_lifecycle_helper():
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts or path == root / "p3hub" / "lifecycle.py":
                continue
            offenders += [
                f"{path.relative_to(root)}:{n}" for n in _status_writes(ast.parse(path.read_text()))
            ]
    assert offenders == []


def test_the_scan_would_find_a_status_assignment():
    planted = ast.parse(
        "row.status = 'x'\nModel.objects.filter().update(status='x')\nsetattr(row, 'status', 1)"
        "\nModel.lifecycle.create(status='x')"
    )
    assert _status_writes(planted) == [1, 2, 3]


def test_the_email_lifecycle_moves_without_an_audit_event(personas):
    from django.db import transaction

    from p3hub.mail import email_queue
    from p3hub.models import OutboundEmail

    assert OutboundEmail.lifecycle.table == {
        "queued": frozenset({"sent", "failed"}),
        "sent": frozenset(),
        "failed": frozenset(),
    }
    with transaction.atomic():
        email = email_queue(to=["a@example.org"], subject="s", body="b")
    events = AuditEvent.objects.count()
    with transaction.atomic():
        OutboundEmail.lifecycle.apply(email, "send", actor=None)
    assert (OutboundEmail.objects.get(pk=email.pk).status, AuditEvent.objects.count()) == (
        "sent",
        events,
    )
    with pytest.raises(InvalidTransition), transaction.atomic():
        OutboundEmail.lifecycle.apply(email, "fail", actor=None)
