"""The joint evaluation (issue 12): the officer appoints evaluators per solicitation
(django-guardian), each declares per bidder that they have no conflict of interest before
seeing a bid, the officer decides each opened bid's responsiveness, evaluators fill and submit
their score sheets, and the officer closes the evaluation (scores locked) or reopens it.

Lock order: the solicitation first (lock_solicitation), then the evaluation, then sheets."""

from collections.abc import Mapping, Sequence

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from departments.models import Membership, User
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_choice, clean_text, clean_whole_number
from p3hub.clock import db_now
from p3hub.errors import Checks, InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from procurements import selectors
from procurements.models import (
    EVALUATE,
    Award,
    Bid,
    ConflictDeclaration,
    Criterion,
    Evaluation,
    NonResponsive,
    Score,
    ScoreSheet,
    Solicitation,
)
from procurements.services import award_notices
from procurements.services.common import Status, lock_solicitation, require_officer

EVALUATING = frozenset({Status.OPENED, Status.UNDER_EVALUATION})
NOT_OPENED_YET = "Evaluators are appointed once the bids are opened."
COMMENT_LIMIT = 2000


def _require_evaluating(solicitation: Solicitation) -> None:
    if solicitation.status not in EVALUATING:
        label = solicitation.get_status_display().lower()
        message = (
            NOT_OPENED_YET
            if solicitation.status in {Status.PUBLISHED, Status.CLOSED}
            else (f"This solicitation is {label}: its evaluation cannot change.")
        )
        raise InvalidTransition(message, code="not_under_evaluation")


def _open_evaluation(solicitation: Solicitation) -> Evaluation:
    """The evaluation, locked, which must be open for scores and decisions to change."""
    evaluation = Evaluation.objects.select_for_update().filter(solicitation=solicitation).first()
    if evaluation is None or not evaluation.is_open:
        raise InvalidTransition(
            "The evaluation is closed: scores and decisions are locked.", code="evaluation_closed"
        )
    evaluation.solicitation = solicitation
    return evaluation


def _start(actor: TenantActor, solicitation: Solicitation) -> Evaluation:
    """An opened solicitation goes under evaluation at its first evaluator."""
    evaluation = Evaluation.objects.filter(solicitation=solicitation).first()
    if evaluation is None:
        evaluation = Evaluation.objects.create(solicitation=solicitation, started_at=db_now())
    if solicitation.status == Status.OPENED:
        Solicitation.lifecycle.apply(solicitation, "evaluate", actor=actor)
    return evaluation


def _member_to_appoint(actor: TenantActor, user) -> User:
    """An active person holding an active role in the actor's municipality."""
    if not isinstance(user, User):
        raise ValidationFailed("Choose a person of this municipality.", field="user")
    here = Membership.objects.filter(
        user=user, municipality=actor.municipality, is_active=True, user__is_active=True
    )
    if not here.exists():
        raise ValidationFailed(
            "Only an active member of this municipality may evaluate its bids.", field="user"
        )
    if user.pk == actor.user.pk:
        raise ValidationFailed(
            "You run this evaluation and propose the award: another member must score it.",
            field="user",
        )
    return user


@transaction.atomic
def evaluator_grant(*, actor: TenantActor, solicitation: Solicitation, user) -> User:
    """The officer appoints `user` an evaluator of this solicitation (an object permission);
    the first appointment starts the evaluation. Someone who declared a conflict of interest
    here cannot be appointed again."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    _require_evaluating(solicitation)
    user = _member_to_appoint(actor, user)
    conflict = selectors.declared_conflicts(solicitation, user).first()
    if conflict is not None:
        raise ValidationFailed(
            f"{user.display_name} declared a conflict of interest with {conflict.vendor.name} "
            "on this solicitation.",
            field="user",
        )
    if selectors.is_evaluator(user, solicitation):
        raise ValidationFailed(f"{user.display_name} is already an evaluator.", field="user")
    evaluation = _start(actor, solicitation)
    if not evaluation.is_open:
        raise InvalidTransition(
            "The evaluation is closed: reopen it to appoint evaluators.", code="evaluation_closed"
        )
    assign_perm(EVALUATE, user, solicitation)
    actor.audit(Verb.EVALUATOR_GRANT, solicitation, after={"evaluator": user.username})
    award_notices.notify_appointed(solicitation, user)
    return user


@transaction.atomic
def evaluator_revoke(*, actor: TenantActor, solicitation: Solicitation, user) -> None:
    """The officer removes an evaluator; their draft sheet goes with them, a submitted one
    stays on the record but no longer counts."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    _require_evaluating(solicitation)
    _open_evaluation(solicitation)
    if not isinstance(user, User) or not selectors.is_evaluator(user, solicitation):
        raise NotFound("No such evaluator.")
    remove_perm(EVALUATE, user, solicitation)
    ScoreSheet.objects.filter(
        solicitation=solicitation, evaluator=user, status=ScoreSheet.Status.DRAFT
    ).delete()
    actor.audit(Verb.EVALUATOR_REVOKE, solicitation, after={"evaluator": user.username})


def _lock_as_evaluator(actor: TenantActor, solicitation: Solicitation) -> Solicitation:
    """The solicitation, locked, for one of its evaluators (404 for anyone else, as if it
    did not exist: evaluators of other solicitations learn nothing)."""
    solicitation = lock_solicitation(actor, solicitation)
    if not selectors.is_evaluator(actor.user, solicitation):
        raise NotFound("Not found.")
    _require_evaluating(solicitation)
    return solicitation


def _clean_declarations(bidders, conflicts) -> dict[int, bool]:
    """One answer per bidder: True for a conflict of interest, False for none."""
    if not isinstance(conflicts, Mapping):
        raise ValidationFailed("Answer for every bidder.", field="conflicts")
    given = {str(key): value for key, value in conflicts.items()}
    checks = Checks()
    answers = {}
    for vendor in bidders:
        value = given.pop(str(vendor.pk), None)
        if not isinstance(value, bool):
            checks.refuse(
                f"Say whether you have a conflict of interest with {vendor.name}.",
                field=f"conflicts.{vendor.pk}",
            )
            continue
        answers[vendor.pk] = value
    for key in sorted(given):
        checks.refuse("This company did not bid here.", field=f"conflicts.{key}")
    checks.raise_any()
    return answers


def _check_typed_name(user: User, typed_name) -> str:
    typed = clean_text(typed_name, field="typed_name", limit=200, required=True)
    if " ".join(typed.split()).casefold() != " ".join(user.display_name.split()).casefold():
        raise ValidationFailed(
            f"Type your full name, “{user.display_name}”, to sign the declaration.",
            field="typed_name",
        )
    return typed


@transaction.atomic
def declaration_submit(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    conflicts: Mapping,
    typed_name: str,
    note: str = "",
) -> list[ConflictDeclaration]:
    """An evaluator declares, for every bidder, whether they have a conflict of interest,
    signing with their typed name at the database time. No conflict with anyone: they may see
    the bids and score them. A conflict with any: they are removed from this solicitation, it
    is recorded and the officer is told."""
    solicitation = _lock_as_evaluator(actor, solicitation)
    if selectors.has_declared(actor.user, solicitation):
        raise InvalidTransition("You have already made your declaration.", code="declared")
    bidders = list(selectors.bidders_of(solicitation))
    checks = Checks()
    answers = checks.run(_clean_declarations, bidders, conflicts)
    typed = checks.run(_check_typed_name, actor.user, typed_name)
    note = checks.run(clean_text, note, field="note", limit=COMMENT_LIMIT)
    checks.raise_any()
    now = db_now()
    declarations = ConflictDeclaration.objects.bulk_create(
        ConflictDeclaration(
            solicitation=solicitation,
            evaluator=actor.user,
            vendor=vendor,
            has_conflict=answers[vendor.pk],
            note=note,
            typed_name=typed,
            declared_at=now,
        )
        for vendor in bidders
    )
    conflicted = [vendor.name for vendor in bidders if answers[vendor.pk]]
    if conflicted:
        remove_perm(EVALUATE, actor.user, solicitation)
        actor.audit(Verb.EVALUATOR_CONFLICT, solicitation, after={"with": conflicted})
        award_notices.notify_conflict(solicitation, actor.user, conflicted)
    else:
        actor.audit(Verb.EVALUATOR_DECLARE, solicitation, after={"bidders": len(bidders)})
    return declarations


def _bid_of(solicitation: Solicitation, bid, *, field: str = "bid", states=Bid.OPENED_STATES):
    pk = bid.pk if isinstance(bid, Bid) else bid
    found = (
        Bid.objects.select_for_update(of=("self",))
        .select_related("vendor")
        .filter(solicitation=solicitation, status__in=states, pk=pk)
        .first()
        if isinstance(pk, int) and not isinstance(pk, bool)
        else None
    )
    if found is None:
        raise ValidationFailed("No such opened bid on this solicitation.", field=field)
    found.solicitation = solicitation
    return found


@transaction.atomic
def bid_responsiveness_set(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    bid,
    responsive: bool,
    reason: str = "",
    note: str = "",
) -> Bid:
    """The officer finds an opened bid responsive, or not with a reason from the list ("other"
    needs the text); they may change their mind while the evaluation is open. A non-responsive
    bid is not scored, and its company is told why at the notice."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    _require_evaluating(solicitation)
    _start(actor, solicitation)
    _open_evaluation(solicitation)
    bid = _bid_of(solicitation, bid)
    if not isinstance(responsive, bool):
        raise ValidationFailed("Say whether the bid is responsive.", field="responsive")
    if responsive:
        reason, note = "", ""
    else:
        reason = clean_choice(
            reason,
            NonResponsive,
            field="reason",
            message="Choose why the bid is not responsive.",
        )
        note = clean_text(
            note, field="note", limit=COMMENT_LIMIT, required=reason == NonResponsive.OTHER
        )
    decision = {
        "responsiveness_reason": reason,
        "responsiveness_note": note,
        "responsiveness_by": actor.user,
        "responsiveness_at": db_now(),
    }
    details = {"bid": bid.pk, "vendor": bid.vendor.name, "reason": reason}
    if not responsive and bid.status == Bid.Status.NON_RESPONSIVE:
        _change_reason(actor, solicitation, bid, decision, details)
        return bid
    move = "accept" if responsive else "reject"
    Bid.lifecycle.apply(bid, move, actor=actor, changes=decision, details=details)
    if responsive:
        _return_sheets_missing(actor, solicitation)
    return bid


def _change_reason(actor, solicitation, bid: Bid, decision: dict, details: dict) -> None:
    """A bid already found non-responsive, for another reason: no move (the status stays),
    the reason replaced and recorded with the one it replaces."""
    before = {"status": bid.status, "reason": bid.responsiveness_reason}
    for field, value in decision.items():
        setattr(bid, field, value)
    bid.save(update_fields=list(decision))
    actor.audit(
        Verb.BID_NON_RESPONSIVE,
        solicitation,
        before=before,
        after={"status": bid.status, **details},
    )


def _return_sheets_missing(actor: TenantActor, solicitation: Solicitation) -> None:
    """A bid found responsive after sheets were handed in: each submitted sheet that does not
    score it goes back to its evaluator, so the committee never ranks a bid that some of its
    evaluators never scored (the evaluation could otherwise close on those sheets)."""
    sheets = ScoreSheet.objects.select_for_update(of=("self",)).filter(
        solicitation=solicitation, status=ScoreSheet.Status.SUBMITTED
    )
    for sheet in sheets.order_by("pk"):
        sheet.solicitation = solicitation
        if selectors.unscored(sheet):
            ScoreSheet.lifecycle.apply(sheet, "return", actor=actor, changes={"submitted_at": None})


def _lock_sheet(actor: TenantActor, solicitation: Solicitation) -> tuple[Solicitation, ScoreSheet]:
    solicitation = _lock_as_evaluator(actor, solicitation)
    if not selectors.is_cleared(actor.user, solicitation):
        raise PermissionDenied(
            "Declare that you have no conflict of interest with any bidder first."
        )
    _open_evaluation(solicitation)
    sheet, _ = ScoreSheet.objects.select_for_update().get_or_create(
        solicitation=solicitation, evaluator=actor.user
    )
    if sheet.status != ScoreSheet.Status.DRAFT:
        raise InvalidTransition(
            "You have submitted your score sheet: it is locked.", code="sheet_submitted"
        )
    sheet.solicitation = solicitation
    return sheet.solicitation, sheet


def _one_of(value, pks: set[int]) -> bool:
    """Whether `value` is one of these primary keys, as a JSON integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value in pks


def _clean_scores(solicitation: Solicitation, entries) -> list[dict]:
    """Each entry `{"bid", "criterion", "points", "comment"}`: a responsive bid, a non-price
    criterion of this solicitation, a whole number of points from 0 to 100; every entry
    checked, each refusal naming `scores.<n>.<field>`."""
    if not isinstance(entries, Sequence) or isinstance(entries, str | bytes):
        raise ValidationFailed("Give the scores as a list.", field="scores")
    bids = set(solicitation.bids.filter(status=Bid.Status.RESPONSIVE).values_list("pk", flat=True))
    criteria = set(
        Criterion.objects.filter(solicitation=solicitation, is_price=False).values_list(
            "pk", flat=True
        )
    )
    checks, cleaned, seen = Checks(), [], set()
    for index, entry in enumerate(entries):
        field = f"scores.{index}"
        if not isinstance(entry, Mapping):
            checks.refuse("Give each score as an object.", field=field)
            continue
        bid, criterion = entry.get("bid"), entry.get("criterion")
        known = _one_of(bid, bids), _one_of(criterion, criteria)
        if not known[0]:
            checks.refuse(
                "Score only the responsive bids of this solicitation.", field=f"{field}.bid"
            )
        if not known[1]:
            checks.refuse(
                "Score only this solicitation's criteria other than price (price is scored by "
                "formula).",
                field=f"{field}.criterion",
            )
        points = checks.run(
            clean_whole_number, entry.get("points"), field=f"{field}.points", low=0, high=100
        )
        comment = checks.run(
            clean_text, entry.get("comment", ""), field=f"{field}.comment", limit=COMMENT_LIMIT
        )
        # Only known pairs: anything else is refused above (and may not even be hashable).
        if all(known) and (bid, criterion) in seen:
            checks.refuse("This bid is scored twice on this criterion.", field=field)
        if all(known):
            seen.add((bid, criterion))
        cleaned.append({"bid": bid, "criterion": criterion, "points": points, "comment": comment})
    checks.raise_any()
    return cleaned


@transaction.atomic
def score_sheet_save(
    *, actor: TenantActor, solicitation: Solicitation, scores: Sequence[Mapping]
) -> ScoreSheet:
    """An evaluator saves scores on their draft sheet (new ones added, given ones replaced);
    only they see them until they submit."""
    solicitation, sheet = _lock_sheet(actor, solicitation)
    cleaned = _clean_scores(solicitation, scores)
    existing = {(s.bid_id, s.criterion_id): s for s in sheet.scores.all()}
    new, changed = [], []
    for entry in cleaned:
        score = existing.get((entry["bid"], entry["criterion"]))
        if score is None:
            new.append(
                Score(
                    sheet=sheet,
                    bid_id=entry["bid"],
                    criterion_id=entry["criterion"],
                    points=entry["points"],
                    comment=entry["comment"],
                )
            )
        else:
            score.points, score.comment = entry["points"], entry["comment"]
            changed.append(score)
    Score.objects.bulk_create(new)
    Score.objects.bulk_update(changed, ["points", "comment"])
    sheet.save(update_fields=["updated_at"])
    return sheet


@transaction.atomic
def score_sheet_submit(*, actor: TenantActor, solicitation: Solicitation) -> ScoreSheet:
    """An evaluator submits their sheet: every responsive bid scored on every criterion other
    than price. It is locked, and they now see the committee's scores."""
    solicitation, sheet = _lock_sheet(actor, solicitation)
    missing = selectors.unscored(sheet)
    if missing:
        raise ValidationFailed(
            f"Score every responsive bid on every criterion first: {missing} still to score.",
            field="scores",
            code="incomplete",
        )
    ScoreSheet.lifecycle.apply(sheet, "submit", actor=actor, changes={"submitted_at": db_now()})
    award_notices.notify_sheet_submitted(solicitation, actor.user)
    return sheet


def _close_blockers(solicitation: Solicitation) -> list[str]:
    """Why the evaluation cannot close yet, in words for the officer."""
    blockers = []
    undecided = solicitation.bids.filter(status=Bid.Status.OPENED).count()
    if undecided:
        blockers.append(f"decide the responsiveness of {undecided} more bid(s)")
    if not solicitation.bids.filter(status=Bid.Status.RESPONSIVE).exists():
        blockers.append("find at least one bid responsive")
    scored = Criterion.objects.filter(solicitation=solicitation, is_price=False).exists()
    evaluators = selectors.evaluators_of(solicitation)
    waiting = [
        person.display_name
        for person in evaluators
        if person.sheet_status != ScoreSheet.Status.SUBMITTED
    ]
    if scored and not evaluators:
        blockers.append("appoint at least one evaluator")
    if scored and waiting:
        blockers.append(f"wait for the score sheets of {', '.join(waiting)}")
    return blockers


def evaluation_close_blockers(solicitation: Solicitation) -> list[str]:
    return _close_blockers(solicitation)


@transaction.atomic
def evaluation_close(*, actor: TenantActor, solicitation: Solicitation) -> Evaluation:
    """The officer closes the evaluation once every bid is decided and every evaluator has
    submitted: scores are locked, and the award may be proposed."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    _require_evaluating(solicitation)
    evaluation = _open_evaluation(solicitation)
    blockers = _close_blockers(solicitation)
    if blockers:
        raise InvalidTransition(
            "The evaluation cannot close yet: " + "; ".join(blockers) + ".",
            code="evaluation_incomplete",
        )
    return Evaluation.lifecycle.apply(
        evaluation, "close", actor=actor, changes={"closed_at": db_now()}
    )


def reopen(
    actor: TenantActor, solicitation: Solicitation, reason: str, *, move: str = "resume"
) -> Evaluation:
    """Inside the caller's transaction, the solicitation locked: the evaluation open again as
    a new round, every submitted sheet returned to its evaluator, a current award withdrawn."""
    evaluation = Evaluation.objects.select_for_update().get(solicitation=solicitation)
    evaluation.solicitation = solicitation
    # of=("self",) here and below: the default orderings join the solicitation and the
    # evaluators' users, which a plain FOR UPDATE would lock too (lock_solicitation says why).
    current = Award.objects.current().select_for_update(of=("self",))
    for award in current.filter(solicitation=solicitation).order_by("pk"):
        award.solicitation = solicitation
        Award.lifecycle.apply(
            award,
            "annul",
            actor=actor,
            changes={"reason": reason},
            details={"award": award.number, "reason": reason},
        )
    if evaluation.status == Evaluation.Status.CLOSED:
        Evaluation.lifecycle.apply(
            evaluation,
            move,
            actor=actor,
            changes={"round": evaluation.round + 1, "reopened_reason": reason},
            details={"reason": reason},
        )
    sheets = ScoreSheet.objects.select_for_update(of=("self",)).filter(
        solicitation=solicitation, status=ScoreSheet.Status.SUBMITTED
    )
    for sheet in sheets.order_by("pk"):
        sheet.solicitation = solicitation
        ScoreSheet.lifecycle.apply(sheet, "return", actor=actor, changes={"submitted_at": None})
    return evaluation


@transaction.atomic
def evaluation_reopen(*, actor: TenantActor, solicitation: Solicitation, reason: str) -> Evaluation:
    """The officer reopens a closed evaluation, with a reason (a proposed award not yet
    published is withdrawn; a published one only an upheld protest withdraws)."""
    require_officer(actor)
    reason = clean_text(reason, field="reason", limit=COMMENT_LIMIT, required=True)
    solicitation = lock_solicitation(actor, solicitation)
    _require_evaluating(solicitation)
    evaluation = Evaluation.objects.filter(solicitation=solicitation).first()
    Evaluation.lifecycle.check(evaluation or Evaluation(status="open"), "reopen", actor)
    return reopen(actor, solicitation, reason, move="reopen")
