"""Services of solicitations and cost splits against invariants 4, 5, 6 and 10 (DESIGN.md 5).

Personas of DESIGN.md 8: `officer`, `head.trn`, `head.psd`, `evaluator` (a member of TRN),
`admin` (tenant admin), and `officer.lakeside`, the other city's officer, acting on riverton's
objects. Every refusal must leave the database exactly as it was: same rows, same audit log.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import Department, Membership
from departments.tenancy import tenant_actor_for
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from p3hub.models import AuditEvent
from p3hub.money import format_money
from procurements import selectors, services
from procurements.models import (
    CostSplitVersion,
    Solicitation,
)
from tests.factories import DepartmentFactory, MembershipFactory, future, line_item_split
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

Status = Solicitation.Status


def propose(actor, solicitation, inputs=None, method="line_item", **extra) -> CostSplitVersion:
    return services.cost_split_propose(
        actor=actor("officer"),
        solicitation=solicitation,
        method=method,
        inputs=inputs if inputs is not None else line_item_split(solicitation),
        **extra,
    )


def approve(actor, departments, version, *codes):
    for code in codes:
        services.share_approve(
            actor=actor(f"head.{code.lower()}"), version=version, department=departments[code]
        )


def status_of(solicitation) -> str:
    solicitation.refresh_from_db()
    return solicitation.status


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def approved(actor, departments, cameras):
    """The cameras solicitation with version 1 approved by both heads."""
    version = propose(actor, cameras)
    approve(actor, departments, version, "TRN", "PSD")
    assert status_of(cameras) == Status.APPROVED
    cameras.version = version
    return cameras


# --- invariant 4: publish only the current, fully approved, whole split ---------------------


def test_publish_before_every_department_approved_is_refused(actor, departments, cameras):
    officer = actor("officer")
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=officer, solicitation=cameras)  # draft, no split
    version = propose(actor, cameras)
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=officer, solicitation=cameras)
    approve(actor, departments, version, "TRN")
    before = database_state()
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=officer, solicitation=cameras)
    assert database_state() == before
    assert status_of(cameras) == Status.IN_APPROVAL


def test_old_approvals_do_not_count_after_a_line_item_edit(actor, departments, approved):
    officer, old = actor("officer"), approved.version
    # When the officer edits a line after both heads approved
    services.line_item_update(actor=officer, item=approved.camera, quantity=Decimal(5))
    # then version 1 is superseded and version 2 starts with no decisions at all
    old.refresh_from_db()
    assert old.status == CostSplitVersion.Status.SUPERSEDED
    new = selectors.current_split_of(approved)
    assert (new.number, new.status, new.shares.exclude(status="pending").count()) == (
        2,
        "proposed",
        0,
    )
    assert new.basis[0]["quantity"] == "5.000"
    assert new.result["departments"] == {"PSD": 625_000, "TRN": 865_000}
    assert status_of(approved) == Status.IN_APPROVAL
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=officer, solicitation=approved)
    # and the old version cannot be decided any more
    with pytest.raises(InvalidTransition):
        approve(actor, departments, old, "TRN")
    # Only approvals of version 2 publish it.
    approve(actor, departments, new, "PSD", "TRN")
    services.solicitation_publish(actor=officer, solicitation=approved)
    assert status_of(approved) == Status.PUBLISHED


def test_an_added_line_is_charged_to_the_lead_department_in_a_new_version(
    actor, departments, approved
):
    services.line_item_add(
        actor=actor("officer"),
        solicitation=approved,
        description="Pole",
        quantity="1",
        estimated_unit_price="100.00",
    )
    new = selectors.current_split_of(approved)
    assert new.number == 2 and not new.shares.exclude(status="pending").exists()
    assert new.result["departments"] == {"PSD": 500_000, "TRN": 750_000}


def test_a_removed_line_is_dropped_from_the_rebuilt_version(actor, departments, approved):
    services.line_item_remove(actor=actor("officer"), item=approved.sensor)
    new = selectors.current_split_of(approved)
    assert new.number == 2 and list(new.inputs["lines"]) == [str(approved.camera.pk)]
    assert new.result["departments"] == {"PSD": 500_000, "TRN": 500_000}


def test_an_edit_the_old_inputs_no_longer_fit_waits_for_a_new_proposal(actor, departments, cameras):
    quantities = {
        "quantities": {
            str(cameras.camera.pk): {"TRN": "2", "PSD": "2"},
            str(cameras.sensor.pk): {"TRN": "2"},
        }
    }
    version = propose(actor, cameras, quantities, method="quantity")
    approve(actor, departments, version, "TRN", "PSD")
    services.line_item_update(actor=actor("officer"), item=cameras.camera, quantity="6")
    version.refresh_from_db()
    assert version.status == CostSplitVersion.Status.SUPERSEDED
    assert selectors.current_split_of(cameras) is None
    assert status_of(cameras) == Status.IN_APPROVAL
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=actor("officer"), solicitation=cameras)


def test_a_department_joining_after_approval_supersedes_the_split(actor, departments, approved):
    other = DepartmentFactory(municipality=departments["TRN"].municipality, code="FIN")
    invitation = services.participation_invite(
        actor=actor("officer"), solicitation=approved, department=other
    )
    # An open invitation alone changes no share, but it blocks publishing: once published,
    # the department could never answer.
    assert status_of(approved) == Status.APPROVED
    with pytest.raises(ValidationFailed) as refused:
        services.solicitation_publish(actor=actor("officer"), solicitation=approved)
    assert refused.value.field == "departments"
    # head.trn is no one of FIN: only FIN's people answer for it
    with pytest.raises(PermissionDenied):
        services.participation_join(actor=actor("head.trn"), participation=invitation)
    fin_member = MembershipFactory(
        municipality=other.municipality, department=other, role=Membership.Role.MEMBER
    )
    services.participation_join(
        actor=tenant_actor_for(fin_member.user, "riverton"), participation=invitation
    )
    approved.version.refresh_from_db()
    assert approved.version.status == CostSplitVersion.Status.SUPERSEDED
    assert selectors.current_split_of(approved) is None
    assert status_of(approved) == Status.IN_APPROVAL
    shares = {"percentages": {"TRN": "50", "PSD": "30", "FIN": "20"}}
    assert propose(actor, approved, shares, "percentage").departments.count() == 3


def test_shares_off_by_one_cent_or_a_ten_thousandth_percent_are_refused(actor, cameras):
    before = database_state()
    for method, inputs, field in [
        ("fixed", {"amounts": {"TRN": "7,400.00", "PSD": "4,999.99"}}, "amounts"),
        ("fixed", {"amounts": {"TRN": "7,400.01", "PSD": "5,000.00"}}, "amounts"),
        ("percentage", {"percentages": {"TRN": "59.9999", "PSD": "40"}}, "percentages"),
        ("percentage", {"percentages": {"TRN": "60.0001", "PSD": "40"}}, "percentages"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            propose(actor, cameras, inputs, method=method)
        assert refused.value.field == field
    assert database_state() == before
    exact = propose(actor, cameras, {"amounts": {"TRN": "$7,400", "PSD": 5000}}, "fixed")
    assert exact.result["departments"] == {"PSD": 500_000, "TRN": 740_000}


def test_a_fixed_total_that_misses_says_so_in_money(actor, cameras):
    with pytest.raises(ValidationFailed) as refused:
        propose(actor, cameras, {"amounts": {"TRN": "7400", "PSD": "4999.99"}}, method="fixed")
    assert refused.value.message == (
        f"Fixed amounts total {format_money(1_239_999, 'USD')}; they must total exactly "
        f"{format_money(1_240_000, 'USD')}."
    )


# --- invariant 5: only the head of a department decides for it ------------------------------


@pytest.mark.parametrize(
    ("username", "code"),
    [
        ("head.psd", "TRN"),
        ("head.trn", "PSD"),
        ("evaluator", "TRN"),  # a member of TRN, not its head
        ("officer", "TRN"),
        ("admin", "TRN"),
        ("admin", "PSD"),
    ],
)
def test_nobody_but_the_head_decides_for_a_department(actor, departments, cameras, username, code):
    version = propose(actor, cameras)
    before = database_state()
    with pytest.raises(PermissionDenied):
        services.share_approve(actor=actor(username), version=version, department=departments[code])
    with pytest.raises(PermissionDenied):
        services.share_reject(
            actor=actor(username), version=version, department=departments[code], reason="No."
        )
    assert database_state() == before


def test_deciding_twice_is_refused(actor, departments, cameras):
    version = propose(actor, cameras)
    approve(actor, departments, version, "TRN")
    before = database_state()
    with pytest.raises(InvalidTransition) as refused:
        approve(actor, departments, version, "TRN")
    assert refused.value.message == "TRN has already decided on version 1."
    with pytest.raises(InvalidTransition):
        services.share_reject(
            actor=actor("head.trn"), version=version, department=departments["TRN"], reason="x"
        )
    assert database_state() == before


def test_a_superseded_or_rejected_version_cannot_be_decided(actor, departments, cameras):
    first = propose(actor, cameras)
    second = propose(actor, cameras, {"percentages": {"TRN": "50", "PSD": "50"}}, "percentage")
    with pytest.raises(InvalidTransition):
        approve(actor, departments, first, "TRN")
    services.share_reject(
        actor=actor("head.psd"),
        version=second,
        department=departments["PSD"],
        reason="PSD pays for half the sensors it does not use.",
    )
    second.refresh_from_db()
    assert second.status == CostSplitVersion.Status.REJECTED
    assert status_of(cameras) == Status.IN_APPROVAL
    before = database_state()
    with pytest.raises(InvalidTransition):
        approve(actor, departments, second, "TRN")
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=actor("officer"), solicitation=cameras)
    assert database_state() == before
    # The officer proposes again; version 3 starts fresh.
    third = propose(actor, cameras)
    assert third.number == 3 and not third.shares.exclude(status="pending").exists()


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_rejection_needs_a_reason(actor, departments, cameras, reason):
    version = propose(actor, cameras)
    before = database_state()
    with pytest.raises(ValidationFailed) as refused:
        services.share_reject(
            actor=actor("head.trn"), version=version, department=departments["TRN"], reason=reason
        )
    assert refused.value.field == "reason"
    assert database_state() == before


def test_cancelling_before_award_needs_a_reason_and_empties_the_inbox(actor, cameras):
    propose(actor, cameras)
    assert selectors.approvals_pending_for(actor("head.trn")).count() == 1
    with pytest.raises(ValidationFailed) as refused:
        services.solicitation_cancel(actor=actor("officer"), solicitation=cameras, reason=" ")
    assert refused.value.field == "reason"
    services.solicitation_cancel(
        actor=actor("officer"), solicitation=cameras, reason="Budget moved to next year."
    )
    cameras.refresh_from_db()
    assert (cameras.status, cameras.cancel_reason) == ("cancelled", "Budget moved to next year.")
    assert selectors.approvals_pending_for(actor("head.trn")).count() == 0
    with pytest.raises(InvalidTransition):
        services.solicitation_cancel(actor=actor("officer"), solicitation=cameras, reason="Again")


def test_a_published_solicitation_can_be_cancelled(actor, approved):
    services.solicitation_publish(actor=actor("officer"), solicitation=approved)
    services.solicitation_cancel(actor=actor("officer"), solicitation=approved, reason="Recalled")
    assert status_of(approved) == Status.CANCELLED


def test_an_awarded_solicitation_cannot_be_cancelled(actor, cameras):
    Solicitation.objects.filter(pk=cameras.pk).update(status=Status.AWARDED)
    with pytest.raises(InvalidTransition):
        services.solicitation_cancel(actor=actor("officer"), solicitation=cameras, reason="Late")


@pytest.mark.parametrize("username", ["head.trn", "evaluator", "admin"])
def test_only_officers_write_solicitations(actor, departments, cameras, username):
    before = database_state()
    with pytest.raises(PermissionDenied):
        services.solicitation_create(
            actor=actor(username), kind="RFP", title="x", lead_department=departments["TRN"]
        )
    with pytest.raises(PermissionDenied):
        propose(lambda _: actor(username), cameras)
    with pytest.raises(PermissionDenied):
        services.solicitation_cancel(actor=actor(username), solicitation=cameras, reason="x")
    assert database_state() == before


# --- the other city's officer: everything is NotFound -----------------------------------------


def lakeside_attempts(cameras, departments, version):
    upload = SimpleUploadedFile("spec.pdf", b"%PDF-1.4 spec")
    invitation = cameras.participations.get(department=departments["PSD"])
    return {
        "update": lambda a: services.solicitation_update(
            actor=a, solicitation=cameras, title="Mine"
        ),
        "line_item_add": lambda a: services.line_item_add(
            actor=a,
            solicitation=cameras,
            description="x",
            quantity=1,
            estimated_unit_price="0.01",
        ),
        "line_item_update": lambda a: services.line_item_update(
            actor=a, item=cameras.camera, quantity=9
        ),
        "line_item_remove": lambda a: services.line_item_remove(actor=a, item=cameras.sensor),
        "criteria_set": lambda a: services.criteria_set(
            actor=a,
            solicitation=cameras,
            criteria=[{"name": "Price", "weight": 100, "is_price": True}],
        ),
        "participation_join": lambda a: services.participation_join(
            actor=a, participation=invitation
        ),
        "participation_withdraw": lambda a: services.participation_withdraw(
            actor=a, participation=invitation
        ),
        "document_add": lambda a: services.document_add(
            actor=a, solicitation=cameras, title="Spec", file=upload
        ),
        "preview": lambda a: services.cost_split_preview(
            actor=a, solicitation=cameras, method="line_item", inputs=line_item_split(cameras)
        ),
        "propose": lambda a: services.cost_split_propose(
            actor=a, solicitation=cameras, method="line_item", inputs=line_item_split(cameras)
        ),
        "approve": lambda a: services.share_approve(
            actor=a, version=version, department=departments["TRN"]
        ),
        "reject": lambda a: services.share_reject(
            actor=a, version=version, department=departments["TRN"], reason="Mine"
        ),
        "publish": lambda a: services.solicitation_publish(actor=a, solicitation=cameras),
        "cancel": lambda a: services.solicitation_cancel(
            actor=a, solicitation=cameras, reason="Mine"
        ),
        "get": lambda a: selectors.solicitation_get_for(a, cameras.reference),
    }


def test_the_other_citys_officer_finds_nothing(actor, departments, cameras):
    version = propose(actor, cameras)
    outsider = actor("officer.lakeside", "lakeside")
    before = database_state()
    for name, attempt in lakeside_attempts(cameras, departments, version).items():
        with pytest.raises(NotFound):
            attempt(outsider)
            pytest.fail(f"{name} went through")
    assert database_state() == before
    assert not selectors.solicitations_for(outsider).exists()
    assert not selectors.approvals_pending_for(outsider).exists()
    # Riverton's department is not a choice in lakeside either: bad input, named.
    with pytest.raises(ValidationFailed) as refused:
        services.solicitation_create(
            actor=outsider, kind="RFP", title="x", lead_department=departments["TRN"]
        )
    assert refused.value.field == "lead_department"
    assert database_state() == before


# --- audit: every service records its event in the solicitation's history ------------------


def test_every_service_writes_its_audit_event(actor, departments, cameras):
    officer = actor("officer")
    fin = DepartmentFactory(municipality=departments["TRN"].municipality, code="FIN")
    steps = [
        (
            "solicitation.update",
            lambda: services.solicitation_update(
                actor=officer, solicitation=cameras, description="Four corners."
            ),
        ),
        (
            "line_item.add",
            lambda: services.line_item_add(
                actor=officer,
                solicitation=cameras,
                description="Pole",
                quantity=1,
                estimated_unit_price="50.00",
            ),
        ),
        (
            "line_item.update",
            lambda: services.line_item_update(actor=officer, item=cameras.sensor, unit="pair"),
        ),
        (
            "line_item.remove",
            lambda: services.line_item_remove(
                actor=officer, item=cameras.line_items.get(description="Pole")
            ),
        ),
        (
            "criteria.set",
            lambda: services.criteria_set(
                actor=officer,
                solicitation=cameras,
                criteria=[
                    {"name": "Price", "weight": 30, "is_price": True},
                    {"name": "Quality", "weight": 70},
                ],
            ),
        ),
        (
            "participation.invite",
            lambda: services.participation_invite(
                actor=officer, solicitation=cameras, department=fin
            ),
        ),
        (
            "participation.withdraw",
            lambda: services.participation_withdraw(
                actor=officer, participation=cameras.participations.get(department=fin)
            ),
        ),
        (
            "document.add",
            lambda: services.document_add(
                actor=officer,
                solicitation=cameras,
                title="Drawings",
                file=SimpleUploadedFile("d.pdf", b"%PDF-1.4 d"),
            ),
        ),
        ("cost_split.propose", lambda: propose(actor, cameras)),
        (
            "cost_split.reject",
            lambda: services.share_reject(
                actor=actor("head.psd"),
                version=selectors.current_split_of(cameras),
                department=departments["PSD"],
                reason="Too much",
            ),
        ),
        ("cost_split.propose", lambda: propose(actor, cameras)),
        (
            "cost_split.approve",
            lambda: approve(actor, departments, selectors.current_split_of(cameras), "TRN", "PSD"),
        ),
        (
            "solicitation.publish",
            lambda: services.solicitation_publish(actor=officer, solicitation=cameras),
        ),
        (
            "solicitation.cancel",
            lambda: services.solicitation_cancel(
                actor=officer, solicitation=cameras, reason="Recalled"
            ),
        ),
    ]
    for verb, step in steps:
        seen = AuditEvent.objects.count()
        step()
        latest = selectors.solicitation_history(cameras).first()
        assert AuditEvent.objects.count() > seen, verb
        assert verb in set(
            selectors.solicitation_history(cameras)[
                : AuditEvent.objects.count() - seen
            ].values_list("verb", flat=True)
        ), (verb, latest.verb)
    verbs = set(selectors.solicitation_history(cameras).values_list("verb", flat=True))
    assert {"solicitation.create", "participation.join"} <= verbs


# --- bad input: ValidationFailed naming the field, and nothing changed -----------------------

NAIVE = dt.datetime(2030, 1, 1, 12, 0)  # no tzinfo: the point of the test


def create(actor, departments, **overrides):
    fields = {
        "kind": "RFP",
        "title": "Signal cabinets",
        "lead_department": departments["TRN"],
        "publish_at": future(1),
        "questions_due_at": future(5),
        "bids_due_at": future(10),
        "opening_at": future(11),
    } | overrides
    return services.solicitation_create(actor=actor("officer"), **fields)


def add_line(actor, cameras, **overrides):
    fields = {
        "description": "Cabinet",
        "quantity": Decimal("2"),
        "estimated_unit_price": "1,000.00",
    } | overrides
    return services.line_item_add(actor=actor("officer"), solicitation=cameras, **fields)


def criteria(actor, cameras, given):
    return services.criteria_set(actor=actor("officer"), solicitation=cameras, criteria=given)


BAD_INPUT = {
    # solicitation_create
    "bids before questions": (lambda a, d, c: create(a, d, bids_due_at=future(4)), "bids_due_at"),
    "opening before bids": (lambda a, d, c: create(a, d, opening_at=future(9)), "opening_at"),
    "naive datetime": (lambda a, d, c: create(a, d, publish_at=NAIVE), "publish_at"),
    "date, not datetime": (
        lambda a, d, c: create(a, d, bids_due_at=dt.date(2030, 1, 1)),
        "bids_due_at",
    ),
    "no title": (lambda a, d, c: create(a, d, title="  "), "title"),
    "title too long": (lambda a, d, c: create(a, d, title="x" * 201), "title"),
    "title not text": (lambda a, d, c: create(a, d, title=12), "title"),
    "description too long": (lambda a, d, c: create(a, d, description="x" * 20_001), "description"),
    "unknown kind": (lambda a, d, c: create(a, d, kind="RFI"), "kind"),
    "no department": (lambda a, d, c: create(a, d, lead_department=None), "lead_department"),
    "department by pk": (
        lambda a, d, c: create(a, d, lead_department=d["TRN"].pk),
        "lead_department",
    ),
    "other city's department": (
        lambda a, d, c: create(
            a, d, lead_department=Department.objects.get(municipality__slug="lakeside")
        ),
        "lead_department",
    ),
    "inactive department": (
        lambda a, d, c: create(a, d, lead_department=d["OLD"]),
        "lead_department",
    ),
    # solicitation_update
    "update: dates out of order": (
        lambda a, d, c: services.solicitation_update(
            actor=a("officer"), solicitation=c, questions_due_at=future(30)
        ),
        "bids_due_at",
    ),
    "update: naive": (
        lambda a, d, c: services.solicitation_update(
            actor=a("officer"), solicitation=c, opening_at=NAIVE
        ),
        "opening_at",
    ),
    # line items
    "negative quantity": (lambda a, d, c: add_line(a, c, quantity=Decimal(-1)), "quantity"),
    "zero quantity": (lambda a, d, c: add_line(a, c, quantity=0), "quantity"),
    "huge quantity": (lambda a, d, c: add_line(a, c, quantity="1E+30"), "quantity"),
    "four decimals": (lambda a, d, c: add_line(a, c, quantity="1.0001"), "quantity"),
    "float quantity": (lambda a, d, c: add_line(a, c, quantity=1.5), "quantity"),
    "quantity not a number": (lambda a, d, c: add_line(a, c, quantity="two"), "quantity"),
    "NaN quantity": (lambda a, d, c: add_line(a, c, quantity="NaN"), "quantity"),
    "negative price": (
        lambda a, d, c: add_line(a, c, estimated_unit_price="-0.01"),
        "estimated_unit_price",
    ),
    "price over the limit": (
        lambda a, d, c: add_line(a, c, estimated_unit_price="10,000,000,000,000.01"),
        "estimated_unit_price",
    ),
    "float price": (
        lambda a, d, c: add_line(a, c, estimated_unit_price=2500.0),
        "estimated_unit_price",
    ),
    "price not an amount": (
        lambda a, d, c: add_line(a, c, estimated_unit_price="2,5"),
        "estimated_unit_price",
    ),
    "fractions of a cent": (
        lambda a, d, c: add_line(a, c, estimated_unit_price="2500.001"),
        "estimated_unit_price",
    ),
    "line amount too large": (
        lambda a, d, c: add_line(a, c, quantity=10**6, estimated_unit_price="10,000,000,000"),
        "estimated_unit_price",
    ),
    "no description": (lambda a, d, c: add_line(a, c, description=""), "description"),
    "description 301": (lambda a, d, c: add_line(a, c, description="x" * 301), "description"),
    "unit too long": (lambda a, d, c: add_line(a, c, unit="x" * 31), "unit"),
    "site too long": (lambda a, d, c: add_line(a, c, site="x" * 201), "site"),
    "update: zero quantity": (
        lambda a, d, c: services.line_item_update(actor=a("officer"), item=c.camera, quantity=0),
        "quantity",
    ),
    # criteria
    "weights total 90": (
        lambda a, d, c: criteria(
            a,
            c,
            [{"name": "Price", "weight": 40, "is_price": True}, {"name": "Tech", "weight": 50}],
        ),
        "criteria",
    ),
    "two price criteria": (
        lambda a, d, c: criteria(
            a,
            c,
            [
                {"name": "Price", "weight": 40, "is_price": True},
                {"name": "Cost", "weight": 60, "is_price": True},
            ],
        ),
        "criteria",
    ),
    "no price criterion": (
        lambda a, d, c: criteria(a, c, [{"name": "Tech", "weight": 100}]),
        "criteria",
    ),
    "no criteria": (lambda a, d, c: criteria(a, c, []), "criteria"),
    "float weight": (
        lambda a, d, c: criteria(
            a,
            c,
            [{"name": "Price", "weight": 40.0, "is_price": True}, {"name": "Tech", "weight": 60}],
        ),
        "criteria.0.weight",
    ),
    "criterion name too long": (
        lambda a, d, c: criteria(a, c, [{"name": "x" * 121, "weight": 100, "is_price": True}]),
        "criteria.0.name",
    ),
    "criterion description too long": (
        lambda a, d, c: criteria(
            a, c, [{"name": "Price", "weight": 100, "is_price": True, "description": "x" * 2001}]
        ),
        "criteria.0.description",
    ),
    # participation
    "invite another city's department": (
        lambda a, d, c: services.participation_invite(
            actor=a("officer"),
            solicitation=c,
            department=Department.objects.get(municipality__slug="lakeside"),
        ),
        "department",
    ),
    "invite an inactive department": (
        lambda a, d, c: services.participation_invite(
            actor=a("officer"), solicitation=c, department=d["OLD"]
        ),
        "department",
    ),
    "invite twice": (
        lambda a, d, c: services.participation_invite(
            actor=a("officer"), solicitation=c, department=d["PSD"]
        ),
        "department",
    ),
    "remove the lead": (
        lambda a, d, c: services.participation_withdraw(
            actor=a("officer"), participation=c.participations.get(department=d["TRN"])
        ),
        "department",
    ),
    # cost split
    "percentages 99.9999": (
        lambda a, d, c: propose(
            a, c, {"percentages": {"TRN": "59.9999", "PSD": "40"}}, "percentage"
        ),
        "percentages",
    ),
    "float percentage": (
        lambda a, d, c: propose(a, c, {"percentages": {"TRN": 60.0, "PSD": 40}}, "percentage"),
        "percentages.TRN",
    ),
    "unknown department in split": (
        lambda a, d, c: propose(
            a, c, {"percentages": {"TRN": "60", "PSD": "30", "FIN": "10"}}, "percentage"
        ),
        "percentages",
    ),
    "missing line": (
        lambda a, d, c: propose(a, c, {"lines": {str(c.camera.pk): {"TRN": "100"}}}),
        "lines." + "{sensor}",
    ),
    "inputs not an object": (lambda a, d, c: propose(a, c, ["TRN", "PSD"]), "inputs"),
    "unknown method": (lambda a, d, c: propose(a, c, {}, "by_mood"), "method"),
    "in-kind over the total": (
        lambda a, d, c: propose(a, c, in_kind_amount="12,400.01", in_kind_contributor="Acme"),
        "in_kind_amount",
    ),
    "negative in-kind": (
        lambda a, d, c: propose(a, c, in_kind_amount="-1", in_kind_contributor="Acme"),
        "in_kind_amount",
    ),
    "float in-kind": (
        lambda a, d, c: propose(a, c, in_kind_amount=100.0, in_kind_contributor="Acme"),
        "in_kind_amount",
    ),
    "in-kind from nobody": (
        lambda a, d, c: propose(a, c, in_kind_amount="100"),
        "in_kind_contributor",
    ),
    "contributor too long": (
        lambda a, d, c: propose(a, c, in_kind_amount="100", in_kind_contributor="x" * 201),
        "in_kind_contributor",
    ),
    "note too long": (lambda a, d, c: propose(a, c, note="x" * 5001), "note"),
    # cancel, documents
    "cancel without reason": (
        lambda a, d, c: services.solicitation_cancel(actor=a("officer"), solicitation=c, reason=""),
        "reason",
    ),
    "cancel reason too long": (
        lambda a, d, c: services.solicitation_cancel(
            actor=a("officer"), solicitation=c, reason="x" * 5001
        ),
        "reason",
    ),
    "document without title": (
        lambda a, d, c: services.document_add(
            actor=a("officer"),
            solicitation=c,
            title="",
            file=SimpleUploadedFile("a.pdf", b"%PDF"),
        ),
        "title",
    ),
}


@pytest.fixture
def with_inactive(departments):
    old = DepartmentFactory(
        municipality=departments["TRN"].municipality, code="OLD", is_active=False
    )
    return departments | {"OLD": old}


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=str)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    actor, with_inactive, cameras, case
):
    attempt, field = BAD_INPUT[case]
    field = field.format(sensor=cameras.sensor.pk)
    before = database_state()
    with pytest.raises(ValidationFailed) as refused:
        attempt(actor, with_inactive, cameras)
    assert refused.value.field == field, refused.value.message
    assert database_state() == before


def test_bad_input_in_approval_changes_nothing_either(actor, departments, approved):
    """A refused line-item edit of an approved solicitation keeps version 1 and its approvals."""
    before = database_state()
    with pytest.raises(ValidationFailed):
        services.line_item_update(actor=actor("officer"), item=approved.camera, quantity=-4)
    assert database_state() == before
    assert status_of(approved) == Status.APPROVED


def test_references_count_per_municipality_and_year(actor, departments, cameras):
    second = create(actor, departments)
    year = cameras.reference.split("-")[1]
    assert cameras.reference == f"RIV-{year}-0001"
    assert second.reference == f"RIV-{year}-0002"
