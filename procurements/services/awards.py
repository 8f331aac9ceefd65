"""The award (issue 12): the officer proposes a bid once the evaluation is closed; the
approved cost split is priced at its unit prices and each participating department head
approves or rejects their department's exact amount; the last approval publishes the notice
and starts the protest period; bidders may protest in it; the chronograph records the award
final when the period ends with no open protest.

Lock order: solicitation, then award, then its shares (as for cost splits)."""

import datetime as dt

from django.db import transaction

from departments.models import Department
from departments.tenancy import SystemActor, TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import InvalidTransition, NotFound, ValidationFailed
from procurements import allocation, selectors
from procurements.models import (
    Award,
    AwardShare,
    Bid,
    CostSplitVersion,
    Evaluation,
    Protest,
    Solicitation,
)
from procurements.services import award_notices
from procurements.services.common import Status, lock_solicitation, require_officer
from procurements.services.cost_splits import _inputs_for_new_lines
from procurements.services.evaluation import COMMENT_LIMIT, reopen

REASON_LIMIT = 4000


def _require_closed_evaluation(solicitation: Solicitation) -> Evaluation:
    if solicitation.status != Status.UNDER_EVALUATION:
        label = solicitation.get_status_display().lower()
        raise InvalidTransition(
            f"This solicitation is {label}: only one under evaluation can be awarded.",
            code="not_under_evaluation",
        )
    evaluation = Evaluation.objects.filter(solicitation=solicitation).first()
    if evaluation is None or evaluation.is_open:
        raise InvalidTransition(
            "Close the evaluation (scores locked) before proposing the award.",
            code="evaluation_open",
        )
    return evaluation


def awarded_lines(solicitation: Solicitation, bid: Bid) -> list[allocation.BasisLine]:
    """The line items as they are, at the bid's unit prices (read from its opened content)."""
    prices = {
        str(line["position"]): line["unit_price_minor"] for line in bid.opened_content["lines"]
    }
    return [
        allocation.BasisLine(
            id=item.pk,
            description=item.description,
            quantity=item.quantity,
            unit_price_minor=prices[str(item.position)],
        )
        for item in solicitation.line_items.order_by("position", "id")
    ]


def price_split(solicitation: Solicitation, bid: Bid) -> tuple[CostSplitVersion, list, dict]:
    """The approved split version, the lines at the bid's prices and the allocation of them
    (procurements.allocation.compute_awarded), in minor units."""
    version = solicitation.split_versions.filter(status=CostSplitVersion.Status.APPROVED).first()
    if version is None:
        raise InvalidTransition("This solicitation has no approved cost split.", code="no_split")
    lines = awarded_lines(solicitation, bid)
    try:
        result = allocation.compute_awarded(
            method=version.method,
            lines=lines,
            departments=list(version.shares.values_list("department__code", flat=True)),
            inputs=_inputs_for_new_lines(version, solicitation),
            in_kind_minor=version.in_kind_minor,
        )
    except allocation.SplitError as error:
        raise InvalidTransition(
            f"The approved cost split cannot be priced at this bid: {error.message}",
            code="split_not_priceable",
        ) from None
    return version, lines, result.as_json()


def _basis_json(lines) -> list[dict]:
    return [
        {
            "id": line.id,
            "description": line.description,
            "quantity": str(line.quantity),
            "unit_price_minor": line.unit_price_minor,
        }
        for line in lines
    ]


@transaction.atomic
def award_propose(
    *, actor: TenantActor, solicitation: Solicitation, bid, justification: str = ""
) -> Award:
    """The officer proposes to award `bid`: the top-ranked one, or another with a written
    justification (published with the notice). Each participating department's head is asked
    to approve its exact amount of the split priced at the bid's unit prices."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    evaluation = _require_closed_evaluation(solicitation)
    if Award.objects.current().filter(solicitation=solicitation).exists():
        raise InvalidTransition(
            "An award is already proposed: wait for the departments' decision.",
            code="award_pending",
        )
    if not isinstance(bid, Bid | int) or isinstance(bid, bool):
        raise ValidationFailed("Choose the bid to award.", field="bid")
    pk = bid.pk if isinstance(bid, Bid) else bid
    bid = solicitation.bids.select_related("vendor").filter(pk=pk).first()
    if bid is None or bid.status != Bid.Status.RESPONSIVE:
        raise ValidationFailed(
            "Only a responsive bid of this solicitation can be awarded.", field="bid"
        )
    committee = selectors.committee_of(solicitation)
    top = committee.rows[0].bid.pk if committee.rows else None
    justification = clean_text(
        justification, field="justification", limit=REASON_LIMIT, required=bid.pk != top
    )
    version, lines, result = price_split(solicitation, bid)
    award = Award.objects.create(
        solicitation=solicitation,
        number=(
            solicitation.awards.order_by("-number").values_list("number", flat=True).first() or 0
        )
        + 1,
        bid=bid,
        top_ranked=bid.pk == top,
        justification=justification,
        split_version=version,
        basis=_basis_json(lines),
        result=result,
        total_minor=result["total_minor"],
        in_kind_minor=result["in_kind_minor"],
        ranking=committee.as_json(),
        evaluation_round=evaluation.round,
        proposed_by=actor.user,
        proposed_at=db_now(),
    )
    fund_codes = dict(version.shares.values_list("department__code", "fund_code"))
    departments = Department.objects.filter(
        code__in=result["departments"], municipality=actor.municipality
    )
    AwardShare.objects.bulk_create(
        AwardShare(
            award=award,
            department=department,
            amount_minor=result["departments"][department.code],
            fund_code=fund_codes.get(department.code, ""),
        )
        for department in departments
    )
    actor.audit(
        Verb.AWARD_PROPOSE,
        solicitation,
        after={
            "award": award.number,
            "bid": bid.pk,
            "vendor": bid.vendor.name,
            "total_minor": award.total_minor,
            "departments": result["departments"],
            "top_ranked": award.top_ranked,
        },
    )
    award_notices.notify_award_proposed(award)
    return award


def _lock_share(actor: TenantActor, award: Award, department) -> tuple[Award, AwardShare]:
    solicitation = lock_solicitation(actor, award.solicitation)
    # of=("self",): the default orderings join the solicitation and the department, which a
    # plain FOR UPDATE would lock too (lock_solicitation says why).
    award = (
        Award.objects.select_for_update(of=("self",))
        .filter(pk=award.pk, solicitation=solicitation)
        .first()
    )
    if award is None:
        raise NotFound("Not found.")
    award.solicitation = solicitation
    if not isinstance(department, Department):
        raise ValidationFailed("No such department.", field="department")
    share = award.shares.select_for_update(of=("self",)).filter(department=department).first()
    if share is None:
        raise ValidationFailed(f"{department.code} pays no part of this award.", field="department")
    share.award = award
    return award, share


def _decide(actor, award, department, move: str, *, reason: str = "") -> AwardShare:
    award, share = _lock_share(actor, award, department)
    AwardShare.lifecycle.check_actor(share, move, actor)
    if award.status != Award.Status.PROPOSED:
        raise InvalidTransition(
            f"Award {award.number} is {award.get_status_display().lower()}: only the current "
            "proposal can be decided.",
            code="award_not_open",
        )
    AwardShare.lifecycle.apply(
        share,
        move,
        actor=actor,
        changes={"reason": reason, "decided_by": actor.user, "decided_at": db_now()},
        details={
            "award": award.number,
            "department": share.department.code,
            "amount_minor": share.amount_minor,
            **({"reason": reason} if reason else {}),
        },
    )
    return share


@transaction.atomic
def award_share_approve(*, actor: TenantActor, award: Award, department: Department) -> AwardShare:
    """The head of `department` (only they: invariant 5; not the proposer: invariant 11)
    approves its exact amount of this award. The last approval approves and publishes it."""
    share = _decide(actor, award, department, "approve")
    award = share.award
    if not award.shares.exclude(status=AwardShare.Status.APPROVED).exists():
        Award.lifecycle.apply(award, "approve", actor=actor, details={"award": award.number})
        award_publish(actor=actor, award=award)
    return share


@transaction.atomic
def award_share_reject(
    *, actor: TenantActor, award: Award, department: Department, reason: str
) -> AwardShare:
    """The head rejects its amount, with a reason: the award is rejected and the evaluation
    reopened with that reason."""
    reason = clean_text(reason, field="reason", limit=COMMENT_LIMIT, required=True)
    share = _decide(actor, award, department, "reject", reason=reason)
    award = share.award
    Award.lifecycle.apply(
        award, "reject", actor=actor, changes={"reason": reason}, details={"award": award.number}
    )
    reopen(
        actor,
        award.solicitation,
        f"{share.department.code} rejected award {award.number}: {reason}",
    )
    award_notices.notify_award_rejected(award, share)
    return award


def check_award_publishable(award: Award) -> None:
    """The award is the current one, of the evaluation round it was proposed in, and every
    participating department approved exactly these amounts (the versioning rule of cost
    splits: approvals never carry over) which sum to the awarded total."""
    evaluation = Evaluation.objects.get(solicitation=award.solicitation)
    if award.status != Award.Status.APPROVED or award.evaluation_round != evaluation.round:
        raise InvalidTransition(
            "Only the current award, approved by every department, can be published.",
            code="award_not_approved",
        )
    shares = list(award.shares.all())
    if not shares or any(share.status != AwardShare.Status.APPROVED for share in shares):
        raise InvalidTransition(
            "Every participating department must approve its amount first.",
            code="award_not_approved",
        )
    amounts = {share.department.code: share.amount_minor for share in shares}
    if amounts != award.result["departments"] or sum(amounts.values()) != award.payable_minor:
        raise InvalidTransition("The departments' amounts do not add up.", code="award_not_whole")


@transaction.atomic
def award_publish(*, actor: TenantActor, award: Award) -> Award:
    """The notice: the award published, the solicitation awarded, the protest period started
    (the municipality's days, from the database time), the bidders told."""
    solicitation = lock_solicitation(actor, award.solicitation)
    award = Award.objects.select_for_update().get(pk=award.pk)
    award.solicitation = solicitation
    check_award_publishable(award)
    now = db_now()
    ends = now + dt.timedelta(days=solicitation.municipality.protest_period_days)
    Award.lifecycle.apply(
        award,
        "publish",
        actor=actor,
        changes={"published_at": now, "protest_ends_at": ends},
        details={"award": award.number, "protest_ends_at": ends.isoformat()},
    )
    Solicitation.lifecycle.apply(solicitation, "award", actor=actor)
    award_notices.notify_award_published(award)
    return award


def _lock_award_for_bidder(actor, award: Award) -> Award:
    """A published award, locked, that the actor's company bid on (404 otherwise)."""
    locked = (
        Award.objects.select_for_update(of=("self",))
        .select_related("solicitation__municipality")
        .filter(pk=award.pk, status__in=Award.PUBLIC)
        .first()
    )
    vendor = getattr(actor, "vendor", None)
    if (
        locked is None
        or vendor is None
        or not selectors.vendor_bid_here(vendor, locked.solicitation)
    ):
        raise NotFound("Not found.")
    return locked


@transaction.atomic
def protest_file(*, actor, award: Award, reasons: str) -> Protest:
    """A bidder protests the published award, with reasons, before its protest period ends
    by the database clock."""
    award = _lock_award_for_bidder(actor, award)
    reasons = clean_text(reasons, field="reasons", limit=REASON_LIMIT, required=True)
    now = db_now()
    if award.status != Award.Status.PUBLISHED or now >= award.protest_ends_at:
        raise ValidationFailed(
            "The protest period has ended: protests are no longer accepted.",
            field="reasons",
            code="protest_period_over",
        )
    if award.protests.filter(vendor=actor.vendor, status=Protest.Status.OPEN).exists():
        raise ValidationFailed(
            "Your company already has an open protest on this award.", field="reasons"
        )
    protest = Protest.objects.create(
        award=award, vendor=actor.vendor, filed_by=actor.user, reasons=reasons, filed_at=now
    )
    actor.audit(
        Verb.PROTEST_FILE,
        award.solicitation,
        after={"protest": protest.pk, "vendor": actor.vendor.name, "award": award.number},
    )
    award_notices.notify_protest_filed(protest)
    return protest


def _lock_protest(actor: TenantActor, protest: Protest) -> Protest:
    solicitation = lock_solicitation(actor, protest.award.solicitation)
    locked = Protest.objects.select_for_update(of=("self",)).select_related("award", "vendor")
    protest = locked.filter(pk=protest.pk, award__solicitation=solicitation).first()
    if protest is None:
        raise NotFound("Not found.")
    protest.award.solicitation = solicitation
    return protest


@transaction.atomic
def protest_resolve(
    *, actor: TenantActor, protest: Protest, upheld: bool, resolution: str
) -> Protest:
    """The officer resolves a protest with reasons: upheld, the award is withdrawn and the
    solicitation returns to evaluation; denied, it is recorded."""
    require_officer(actor)
    if not isinstance(upheld, bool):
        raise ValidationFailed("Say whether the protest is upheld.", field="upheld")
    resolution = clean_text(resolution, field="resolution", limit=REASON_LIMIT, required=True)
    protest = _lock_protest(actor, protest)
    Protest.lifecycle.apply(
        protest,
        "uphold" if upheld else "deny",
        actor=actor,
        changes={"resolution": resolution, "resolved_by": actor.user, "resolved_at": db_now()},
        details={"protest": protest.pk, "vendor": protest.vendor.name},
    )
    if upheld:
        solicitation = protest.award.solicitation
        if solicitation.status == Status.AWARDED:
            Solicitation.lifecycle.apply(solicitation, "reevaluate", actor=actor)
        reopen(actor, solicitation, f"Protest by {protest.vendor.name} upheld: {resolution}")
        _close_the_others(actor, protest, resolution)
    award_notices.notify_protest_resolved(protest)
    return protest


def _close_the_others(actor: TenantActor, upheld: Protest, resolution: str) -> None:
    """The award is withdrawn: every other open protest of it is closed, with the reason, and
    its company told."""
    others = (
        Protest.objects.select_for_update(of=("self",))
        .select_related("vendor")
        .filter(award=upheld.award, status=Protest.Status.OPEN)
        .order_by("pk")
    )
    why = (
        f"The award was withdrawn when the protest of {upheld.vendor.name} was upheld: {resolution}"
    )
    for protest in others:
        protest.award = upheld.award
        Protest.lifecycle.apply(
            protest,
            "close",
            actor=actor,
            changes={"resolution": why, "resolved_by": actor.user, "resolved_at": db_now()},
            details={"protest": protest.pk, "vendor": protest.vendor.name},
        )
        award_notices.notify_protest_resolved(protest)


def _finalize(award_pk: int, now) -> bool:
    """Record one award final, if its period has ended with no open protest (locked, so a
    second sweep running at once finds it final and does nothing). `of=("self",)`: the award
    row alone, or skip_locked would also skip an award whose municipality row any other
    transaction of the city holds a foreign-key share lock on (lock_solicitation says why)."""
    award = (
        Award.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("solicitation__municipality")
        .filter(pk=award_pk, status=Award.Status.PUBLISHED, protest_ends_at__lte=now)
        .first()
    )
    if award is None or award.protests.filter(status=Protest.Status.OPEN).exists():
        return False
    actor = SystemActor(award.solicitation.municipality)
    Award.lifecycle.apply(
        award, "finalize", actor=actor, changes={"final_at": now}, details={"award": award.number}
    )
    award_notices.notify_award_final(award)
    return True


def awards_finalize_due(*, batch: int = 100) -> int:
    """The chronograph's part: every published award whose protest period has ended, by the
    database clock, with no open protest, recorded final once (idempotent)."""
    now = db_now()
    due = list(
        Award.objects.filter(status=Award.Status.PUBLISHED, protest_ends_at__lte=now)
        .order_by("protest_ends_at")
        .values_list("pk", flat=True)[:batch]
    )
    finalized = 0
    for pk in due:
        with transaction.atomic():
            finalized += _finalize(pk, now)
    return finalized
