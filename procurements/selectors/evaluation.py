"""Reads of the joint evaluation and the award (issue 12) that depend on who asks: who is an
evaluator (a django-guardian grant) and cleared (declared no conflict with every bidder), the
responsiveness the data proposes, an evaluator's own sheet, the committee view (only
submitted sheets count; an evaluator sees it once theirs is in), the award and its notice."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from departments.models import User
from p3hub.errors import NotFound
from procurements import scoring
from procurements.models import (
    Acknowledgement,
    Addendum,
    Award,
    AwardShare,
    Bid,
    ConflictDeclaration,
    Criterion,
    Evaluation,
    NonResponsive,
    Protest,
    Score,
    ScoreSheet,
    Solicitation,
    SolicitationUserPermission,
)

EVALUATE_CODENAME = "evaluate_solicitation"

__all__ = [
    "Committee",
    "CommitteeRow",
    "award_current",
    "award_get",
    "award_public",
    "award_shares_pending_for",
    "awards_of",
    "bidders_of",
    "committee_of",
    "conflicted_evaluators_of",
    "criteria_scored_of",
    "declarations_of",
    "declared_conflicts",
    "evaluation_of",
    "evaluators_of",
    "has_declared",
    "is_cleared",
    "is_evaluator",
    "may_oversee",
    "may_see_committee",
    "opened_bids_of",
    "protest_get",
    "protests_of",
    "protests_on",
    "responsiveness_proposals",
    "sheet_of",
    "unscored",
    "vendor_award_get",
    "vendor_bid_here",
    "vendor_protests",
]


def _grants(solicitation: Solicitation) -> QuerySet[SolicitationUserPermission]:
    return SolicitationUserPermission.objects.filter(
        content_object=solicitation, permission__codename=EVALUATE_CODENAME
    )


def is_evaluator(user, solicitation: Solicitation) -> bool:
    """Whether `user` holds the evaluator grant on this solicitation (one query: the grant
    table joined by its direct foreign key, not guardian's per-user permission cache)."""
    return bool(user and user.pk) and _grants(solicitation).filter(user=user).exists()


def declared_conflicts(solicitation: Solicitation, user) -> QuerySet[ConflictDeclaration]:
    return ConflictDeclaration.objects.filter(
        solicitation=solicitation, evaluator=user, has_conflict=True
    ).select_related("vendor")


def declarations_of(user, solicitation: Solicitation) -> QuerySet[ConflictDeclaration]:
    """The person's own declaration on the solicitation, one row per bidder."""
    return ConflictDeclaration.objects.filter(
        solicitation=solicitation, evaluator=user
    ).select_related("vendor")


def has_declared(user, solicitation: Solicitation) -> bool:
    return ConflictDeclaration.objects.filter(solicitation=solicitation, evaluator=user).exists()


def bidders_of(solicitation: Solicitation):
    """The companies whose bids were opened, by name: whom an evaluator declares about."""
    from vendors.models import Vendor

    opened = Bid.objects.filter(
        solicitation=solicitation, vendor=OuterRef("pk"), status__in=Bid.OPENED_STATES
    )
    return Vendor.objects.filter(Exists(opened)).order_by("name", "pk")


def is_cleared(user, solicitation: Solicitation) -> bool:
    """An evaluator who declared no conflict with any bidder: only they see bid content on
    the evaluation pages and score it."""
    if not is_evaluator(user, solicitation):
        return False
    declared = ConflictDeclaration.objects.filter(solicitation=solicitation, evaluator=user)
    return declared.exists() and not declared.filter(has_conflict=True).exists()


def evaluation_of(solicitation: Solicitation) -> Evaluation | None:
    return Evaluation.objects.filter(solicitation=solicitation).first()


def evaluators_of(solicitation: Solicitation) -> list[User]:
    """The appointed evaluators, each with `declared` (None: not yet, True: no conflict) and
    `sheet_status` ("" without a sheet): the officer's committee list. Two queries."""
    declared = ConflictDeclaration.objects.filter(
        solicitation=solicitation, evaluator=OuterRef("pk")
    )
    sheets = ScoreSheet.objects.filter(solicitation=solicitation, evaluator=OuterRef("pk"))
    people = (
        User.objects.filter(pk__in=_grants(solicitation).values("user"))
        .annotate(
            declared_any=Exists(declared),
            sheet_state=Subquery(sheets.values("status")[:1]),
            sheet_submitted_at=Subquery(sheets.values("submitted_at")[:1]),
        )
        .order_by("last_name", "first_name", "pk")
    )
    found = list(people)
    for person in found:
        person.declared = True if person.declared_any else None
        person.sheet_status = person.sheet_state or ""
    return found


def conflicted_evaluators_of(solicitation: Solicitation) -> list[ConflictDeclaration]:
    """The declared conflicts (evaluators removed), for the record the officer reads."""
    return list(
        ConflictDeclaration.objects.filter(solicitation=solicitation, has_conflict=True)
        .select_related("evaluator", "vendor")
        .order_by("declared_at", "pk")
    )


def opened_bids_of(solicitation: Solicitation) -> QuerySet[Bid]:
    """The opened bids, lowest total first, with their companies."""
    return (
        Bid.objects.filter(solicitation=solicitation, status__in=Bid.OPENED_STATES)
        .select_related("vendor", "responsiveness_by")
        .order_by("total_minor", "submitted_at", "pk")
    )


def responsiveness_proposals(solicitation: Solicitation) -> dict[int, list[str]]:
    """What the data says against each opened bid (bid pk -> NonResponsive values): an
    addendum published before the deadline that its company never acknowledged, or no
    insurance certificate of the company valid on the deadline's date. Three queries."""
    from vendors.models import Certificate

    bids = list(opened_bids_of(solicitation).values_list("pk", "vendor_id"))
    vendors = [vendor for _pk, vendor in bids]
    addenda = list(Addendum.objects.filter(solicitation=solicitation).values_list("pk", flat=True))
    acknowledged = set(
        Acknowledgement.objects.filter(addendum__in=addenda, vendor__in=vendors).values_list(
            "vendor_id", "addendum_id"
        )
    )
    deadline = solicitation.bids_due_at
    on_the_day = (
        deadline.astimezone(solicitation.municipality.zone).date() if deadline else dt.date.max
    )
    insured = set(
        Certificate.objects.filter(
            vendor__in=vendors,
            kind=Certificate.Kind.INSURANCE,
            removed_at__isnull=True,
            expires_on__gte=on_the_day,
        ).values_list("vendor_id", flat=True)
    )
    proposals = {}
    for pk, vendor in bids:
        reasons = []
        if any((vendor, addendum) not in acknowledged for addendum in addenda):
            reasons.append(NonResponsive.ADDENDUM.value)
        if vendor not in insured:
            reasons.append(NonResponsive.INSURANCE.value)
        proposals[pk] = reasons
    return proposals


def criteria_scored_of(solicitation: Solicitation) -> list[Criterion]:
    """The criteria evaluators score (every one but price)."""
    return list(Criterion.objects.filter(solicitation=solicitation, is_price=False))


def sheet_of(user, solicitation: Solicitation) -> ScoreSheet | None:
    return (
        ScoreSheet.objects.filter(solicitation=solicitation, evaluator=user)
        .prefetch_related("scores")
        .first()
    )


def unscored(sheet: ScoreSheet) -> int:
    """How many (responsive bid, criterion) pairs the sheet still lacks."""
    solicitation = sheet.solicitation
    bids = solicitation.bids.filter(status=Bid.Status.RESPONSIVE).count()
    criteria = Criterion.objects.filter(solicitation=solicitation, is_price=False).count()
    scored = sheet.scores.filter(
        bid__status=Bid.Status.RESPONSIVE, criterion__is_price=False
    ).count()
    return bids * criteria - scored


@dataclass(frozen=True)
class CommitteeRow:
    bid: Bid
    result: scoring.Ranked

    @property
    def rank(self) -> int:
        return self.result.rank


@dataclass(frozen=True)
class Committee:
    """The committee view: the responsive bids ranked on the submitted sheets, the
    evaluators whose sheets count, the criteria, and the bids found not responsive."""

    solicitation: Solicitation
    criteria: list[Criterion]
    price: Criterion | None
    evaluators: list[User]
    rows: list[CommitteeRow]
    non_responsive: list[Bid] = field(default_factory=list)

    def as_json(self) -> dict:
        """The ranking as the award keeps it (what the notice and e-mails report)."""

        def shown(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight} for c in self.criteria],
            "price_weight": self.price.weight if self.price else None,
            "rows": [
                {
                    "bid": row.bid.pk,
                    "vendor": row.bid.vendor.name,
                    "rank": row.rank,
                    "total_minor": row.bid.total_minor,
                    "price_score": shown(row.result.price_score),
                    "criteria": {
                        str(result.criterion_id): shown(result.average)
                        for result in row.result.criteria
                    },
                    "total": shown(row.result.total),
                }
                for row in self.rows
            ],
            "non_responsive": [
                {
                    "bid": bid.pk,
                    "vendor": bid.vendor.name,
                    "reason": bid.get_responsiveness_reason_display(),
                    "note": bid.responsiveness_note,
                }
                for bid in self.non_responsive
            ],
        }


def committee_of(solicitation: Solicitation) -> Committee:
    """The committee view from the submitted sheets only (a draft is its evaluator's own).
    Four queries whatever the number of bids and evaluators."""
    criteria = list(Criterion.objects.filter(solicitation=solicitation))
    scored = [c for c in criteria if not c.is_price]
    price = next((c for c in criteria if c.is_price), None)
    sheets = list(
        ScoreSheet.objects.filter(
            solicitation=solicitation,
            status=ScoreSheet.Status.SUBMITTED,
            evaluator__in=_grants(solicitation).values("user"),
        ).select_related("evaluator")
    )
    bids = list(opened_bids_of(solicitation))
    responsive = [bid for bid in bids if bid.status == Bid.Status.RESPONSIVE]
    points: dict[int, dict[int, dict[int, int]]] = {bid.pk: {} for bid in responsive}
    scores = Score.objects.filter(
        sheet__in=[sheet.pk for sheet in sheets], bid__in=list(points), criterion__is_price=False
    ).values_list("bid_id", "criterion_id", "sheet__evaluator_id", "points")
    for bid_pk, criterion_pk, evaluator_pk, value in scores:
        points[bid_pk].setdefault(criterion_pk, {})[evaluator_pk] = value
    ranked = scoring.rank(
        [
            scoring.Candidate(
                bid_id=bid.pk,
                total_minor=bid.total_minor,
                submitted_at=bid.submitted_at,
                scores=points[bid.pk],
            )
            for bid in responsive
        ],
        [
            scoring.CriterionWeight(id=c.pk, name=c.name, weight=c.weight, is_price=c.is_price)
            for c in criteria
        ],
    )
    by_pk = {bid.pk: bid for bid in responsive}
    return Committee(
        solicitation=solicitation,
        criteria=scored,
        price=price,
        evaluators=[sheet.evaluator for sheet in sheets],
        rows=[CommitteeRow(bid=by_pk[result.bid_id], result=result) for result in ranked],
        non_responsive=[bid for bid in bids if bid.status == Bid.Status.NON_RESPONSIVE],
    )


def may_see_committee(actor, solicitation: Solicitation) -> bool:
    """The officer and the participating departments' heads; a cleared evaluator once their
    own sheet is submitted (before, they see nobody's scores but their own). Nobody of
    another municipality, whatever their roles there (invariant 1)."""
    if solicitation.municipality_id != actor.municipality.pk:
        return False
    if actor.is_officer or actor.headed_department_ids & {
        department.pk for department in solicitation.joined_departments()
    }:
        return True
    sheet = sheet_of(actor.user, solicitation)
    return (
        is_cleared(actor.user, solicitation)
        and sheet is not None
        and sheet.status == ScoreSheet.Status.SUBMITTED
    )


def award_current(solicitation: Solicitation) -> Award | None:
    """The award in force (proposed, approved, published or final) with its shares."""
    return (
        Award.objects.current()
        .filter(solicitation=solicitation)
        .select_related("bid__vendor", "proposed_by")
        .prefetch_related(
            Prefetch(
                "shares",
                AwardShare.objects.select_related("department", "decided_by").order_by(
                    "department__code"
                ),
            )
        )
        .first()
    )


def awards_of(solicitation: Solicitation) -> QuerySet[Award]:
    """Every award proposed, newest first (the record of rejected and withdrawn ones)."""
    return solicitation.awards.select_related("bid__vendor").order_by("-number")


def award_get(solicitation: Solicitation, number) -> Award:
    try:
        number = int(number)
    except (TypeError, ValueError):
        raise NotFound("Not found.") from None
    award = awards_of(solicitation).filter(number=number).first()
    if award is None:
        raise NotFound("Not found.")
    return award


def award_public(solicitation: Solicitation) -> Award:
    """The published (or final) award of a public solicitation; NotFound before."""
    award = (
        Award.objects.filter(solicitation=solicitation, status__in=Award.PUBLIC)
        .select_related("bid__vendor")
        .prefetch_related(Prefetch("shares", AwardShare.objects.select_related("department")))
        .first()
    )
    if award is None:
        raise NotFound("Not found.")
    return award


def award_shares_pending_for(actor) -> QuerySet[AwardShare]:
    """The approval inbox's award amounts awaiting the actor as a head, oldest first."""
    return (
        AwardShare.objects.filter(
            department_id__in=actor.headed_department_ids,
            status=AwardShare.Status.PENDING,
            award__status=Award.Status.PROPOSED,
            award__solicitation__municipality=actor.municipality,
        )
        .select_related(
            "department", "award__bid__vendor", "award__solicitation", "award__proposed_by"
        )
        .order_by("award__proposed_at", "pk")
    )


def protest_get(solicitation: Solicitation, pk) -> Protest:
    """A protest on one of the solicitation's awards (the solicitation already fetched for
    the actor); NotFound for any other, as for a missing one."""
    protest = (
        Protest.objects.filter(award__solicitation=solicitation, pk=pk)
        .select_related("award", "vendor")
        .first()
    )
    if protest is None:
        raise NotFound("Not found.")
    return protest


def protests_of(award: Award) -> QuerySet[Protest]:
    return award.protests.select_related("vendor", "filed_by", "resolved_by").order_by(
        "filed_at", "pk"
    )


def protests_on(solicitation: Solicitation) -> QuerySet[Protest]:
    """Every protest of every award of the solicitation, oldest first (the API's record: a
    withdrawn award keeps the protest that withdrew it)."""
    return (
        Protest.objects.filter(award__solicitation=solicitation)
        .select_related("award", "vendor", "filed_by", "resolved_by")
        .order_by("filed_at", "pk")
    )


def may_oversee(actor, solicitation: Solicitation) -> bool:
    """The officer and the participating departments' heads, who follow the whole evaluation
    (the committee list, the responsiveness decisions, the award and its protests); nobody of
    another municipality."""
    if solicitation.municipality_id != actor.municipality.pk:
        return False
    return actor.is_officer or bool(
        actor.headed_department_ids
        & {department.pk for department in solicitation.joined_departments()}
    )


def vendor_bid_here(vendor, solicitation: Solicitation) -> bool:
    """Whether the company's bid on the solicitation was opened (a bidder: it may read the
    award's ranking for itself and protest)."""
    return Bid.objects.filter(
        solicitation=solicitation, vendor=vendor, status__in=Bid.OPENED_STATES
    ).exists()


def vendor_award_get(actor, municipality_slug, reference) -> Award:
    """The published (or final) award of a solicitation the company (VendorActor `actor`)
    bid on and whose bid was opened; NotFound otherwise, as for one that does not exist."""
    from procurements.selectors import vendor_solicitation_get

    solicitation = vendor_solicitation_get(actor, municipality_slug, reference)
    if not vendor_bid_here(actor.vendor, solicitation):
        raise NotFound("Not found.")
    award = award_public(solicitation)
    award.solicitation = solicitation
    return award


def vendor_protests(vendor, award: Award) -> QuerySet[Protest]:
    return award.protests.filter(vendor=vendor).order_by("filed_at", "pk")
