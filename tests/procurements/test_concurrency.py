"""Races on PostgreSQL (DESIGN.md 5.4, issue 4): approvals, an edit and a publish at once must
never let a superseded version's approvals publish the solicitation; officers creating at once
never share a reference number. Real threads, each with its own database connection."""

from collections.abc import Callable
from decimal import Decimal

import pytest

from p3hub.errors import ApplicationError, InvalidTransition
from procurements import selectors, services
from procurements.models import CostSplitVersion, Solicitation
from procurements.services.cost_splits import basis_of
from tests.factories import build_cameras, line_item_split
from tests.helpers import race, require_postgresql

pytestmark = pytest.mark.django_db(transaction=True)

Status = Solicitation.Status
ROUNDS = 6


def assert_consistent(solicitation, outcomes) -> None:
    """After the race: published or approved only on a current version both heads approved,
    computed on the line items as they are; otherwise a fresh version with no decided shares."""
    solicitation.refresh_from_db()
    current = selectors.current_split_of(solicitation)
    decided = {s.department.code: s.status for s in current.shares.exclude(status="pending")}
    if solicitation.status in (Status.APPROVED, Status.PUBLISHED):
        assert current.status == CostSplitVersion.Status.APPROVED
        assert decided == {"TRN": "approved", "PSD": "approved"}
        assert current.basis == basis_of(solicitation)
    else:
        assert solicitation.status == Status.IN_APPROVAL
        assert (current.number, current.status, decided) == (2, "proposed", {})
        assert current.basis == basis_of(solicitation)
        assert isinstance(outcomes["publish"], InvalidTransition)
    # The publish in the race went through only if the edit came too late to count.
    if not isinstance(outcomes["publish"], ApplicationError):
        assert solicitation.status == Status.PUBLISHED
        assert isinstance(outcomes["edit"], InvalidTransition)
    older = solicitation.split_versions.exclude(pk=current.pk)
    assert set(older.values_list("status", flat=True)) <= {"superseded"}


def publish_after(actor, solicitation) -> None:
    """Publishing once the race is over succeeds exactly when the solicitation is approved."""
    solicitation.refresh_from_db()
    if solicitation.status == Status.APPROVED:
        services.solicitation_publish(actor=actor("officer"), solicitation=solicitation)
        assert solicitation.__class__.objects.get(pk=solicitation.pk).status == Status.PUBLISHED
    elif solicitation.status == Status.IN_APPROVAL:
        with pytest.raises(InvalidTransition):
            services.solicitation_publish(actor=actor("officer"), solicitation=solicitation)


def proposed_cameras(actor, departments):
    solicitation = build_cameras(actor, departments)
    version = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=solicitation,
        method="line_item",
        inputs=line_item_split(solicitation),
    )
    return solicitation, version


def approvals(actor, departments, version) -> dict[str, Callable[[], object]]:
    def approve_for(code: str):
        head = actor(f"head.{code.lower()}")
        return lambda: services.share_approve(
            actor=head, version=version, department=departments[code]
        )

    return {code: approve_for(code) for code in ("TRN", "PSD")}


def edit(actor, item, quantity: int) -> Callable[[], object]:
    officer = actor("officer")
    return lambda: services.line_item_update(actor=officer, item=item, quantity=Decimal(quantity))


def publish(actor, solicitation) -> Callable[[], object]:
    officer = actor("officer")
    return lambda: services.solicitation_publish(actor=officer, solicitation=solicitation)


def test_approvals_an_edit_and_a_publish_racing_never_publish_stale_approvals(actor, departments):
    require_postgresql()
    for round_number in range(ROUNDS):
        solicitation, version = proposed_cameras(actor, departments)
        outcomes = race(
            approvals(actor, departments, version)
            | {
                "edit": edit(actor, solicitation.camera, 5 + round_number),
                "publish": publish(actor, solicitation),
            }
        )
        assert_consistent(solicitation, outcomes)
        publish_after(actor, solicitation)


def test_two_approvals_and_an_edit_racing(actor, departments):
    """The issue's race without the publish: the edit always wins in the end (it either comes
    first and the approvals are refused, or it supersedes what they approved)."""
    require_postgresql()
    for round_number in range(ROUNDS):
        solicitation, version = proposed_cameras(actor, departments)
        outcomes = race(
            approvals(actor, departments, version)
            | {"edit": edit(actor, solicitation.sensor, 3 + round_number)}
        )
        assert_consistent(solicitation, outcomes | {"publish": InvalidTransition("not run")})
        assert solicitation.status == Status.IN_APPROVAL
        publish_after(actor, solicitation)


def test_officers_creating_at_once_never_share_a_reference(actor):
    require_postgresql()
    officer = actor("officer.lakeside", "lakeside")
    lead = officer.municipality.departments.get(code="PWD")
    threads, each = 8, 5

    def create_several():
        return [
            services.solicitation_create(
                actor=officer, kind="IFB", title=f"Road salt {n}", lead_department=lead
            ).reference
            for n in range(each)
        ]

    outcomes = race({f"officer-{t}": create_several for t in range(threads)})
    references = [ref for refs in outcomes.values() for ref in refs]
    assert len(set(references)) == threads * each
    numbers = sorted(int(ref.rsplit("-", 1)[1]) for ref in references)
    assert numbers == list(range(1, threads * each + 1))
    stored = Solicitation.objects.filter(municipality=officer.municipality)
    assert sorted(stored.values_list("reference", flat=True)) == sorted(references)
