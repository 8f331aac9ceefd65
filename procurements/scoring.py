"""The committee's view of a joint evaluation (DESIGN.md 3 "Evaluation", issue 12): pure
functions, no database, no floats. The services read the opened totals and the evaluators'
scores, call `rank`, and show what it returns.

Every value is computed exactly (fractions.Fraction) and rounded once, half up to 0.01, only
where it is shown: an average, a weighted value, a price score and a total are each rounded
from their exact value, never from rounded parts. The ranking compares the exact totals, so
two bids whose shown totals agree are still told apart by their scores before the tie-breaks
(lower price, then earlier submission, then lower bid id) decide; the last one makes the order
total, so the same bids give the same ranking whatever order they are passed in.

Input is validated only against programming mistakes (a score outside 0..100, a negative
total, a bid twice): a ValueError names the value. The services check the domain rules first.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType

MAX_POINTS = 100
DEFAULT_OUTLIER_POINTS = 25
# Fewer scores than this cannot say which one is off: of two, each is as far from the other.
MIN_SCORES_FOR_OUTLIERS = 3


@dataclass(frozen=True)
class CriterionWeight:
    id: int
    name: str
    weight: int  # a share of 100 (the solicitation's weights total 100, price included)
    is_price: bool


@dataclass(frozen=True)
class Candidate:
    """A responsive bid as the committee scores it."""

    bid_id: int
    total_minor: int  # the opened bid total in minor units (>= 0)
    submitted_at: datetime.datetime  # of its latest revision
    scores: Mapping[int, Mapping[int, int]]  # criterion id -> evaluator id -> points 0..100


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    scores: Mapping[int, int]  # evaluator id -> points, by evaluator id
    average: Decimal | None  # rounded to 0.01, None when nobody scored it ("not scored")
    weighted: Decimal  # average x weight / 100, rounded to 0.01 (0.00 when not scored)
    outliers: frozenset[int]  # evaluator ids whose score is an outlier


@dataclass(frozen=True)
class Ranked:
    bid_id: int
    rank: int  # 1, 2, 3 ... distinct
    total_minor: int
    price_score: Decimal | None  # rounded to 0.01; None without a price criterion
    criteria: tuple[CriterionResult, ...]  # in the order of the criteria given, non-price only
    total: Decimal  # the exact weighted total, rounded once to 0.01


@dataclass(frozen=True)
class _Scored:
    """A candidate's exact values, before the ranking numbers it."""

    candidate: Candidate
    price: Fraction | None
    criteria: tuple[CriterionResult, ...]
    total: Fraction


def rank(
    candidates: Sequence[Candidate],
    criteria: Sequence[CriterionWeight],
    *,
    outlier_points: int = DEFAULT_OUTLIER_POINTS,
) -> list[Ranked]:
    """Ranked best first: by exact weighted total (highest first), then lower bid total, then
    earlier submission, then lower bid id. `criteria` in the order the committee reads them;
    a price criterion among them is scored by formula, the others from `Candidate.scores`."""
    _check_outlier_points(outlier_points)
    price, scored = _split_criteria(criteria)
    _check_candidates(candidates, scored)
    if not candidates:
        return []
    lowest = min(candidate.total_minor for candidate in candidates)
    rows = [_score(candidate, price, scored, lowest, outlier_points) for candidate in candidates]
    rows.sort(key=_ranking_key)
    return [
        Ranked(
            bid_id=row.candidate.bid_id,
            rank=position,
            total_minor=row.candidate.total_minor,
            price_score=None if row.price is None else shown(row.price),
            criteria=row.criteria,
            total=shown(row.total),
        )
        for position, row in enumerate(rows, start=1)
    ]


def _ranking_key(row: _Scored) -> tuple:
    candidate = row.candidate
    return (-row.total, candidate.total_minor, candidate.submitted_at, candidate.bid_id)


def _score(
    candidate: Candidate,
    price: CriterionWeight | None,
    scored: Sequence[CriterionWeight],
    lowest_minor: int,
    outlier_points: int,
) -> _Scored:
    results, total = [], Fraction(0)
    for criterion in scored:
        result, weighted = _criterion_result(
            criterion, candidate.scores.get(criterion.id, {}), outlier_points
        )
        results.append(result)
        total += weighted
    points = None
    if price is not None:
        points = price_points(lowest_minor, candidate.total_minor, price.weight)
        total += points
    return _Scored(candidate, points, tuple(results), total)


def _criterion_result(
    criterion: CriterionWeight, scores: Mapping[int, int], outlier_points: int
) -> tuple[CriterionResult, Fraction]:
    """One bid's result on one criterion and its exact weighted value. The average is over the
    scores given so far; a criterion nobody scored yet counts 0 in the total."""
    given = dict(sorted(scores.items()))  # by evaluator, whatever order they were read in
    average = Fraction(sum(given.values()), len(given)) if given else None
    weighted = Fraction(0) if average is None else average * criterion.weight / 100
    result = CriterionResult(
        criterion_id=criterion.id,
        scores=MappingProxyType(given),
        average=None if average is None else shown(average),
        weighted=shown(weighted),
        outliers=outliers(given, outlier_points),
    )
    return result, weighted


def price_points(lowest_minor: int, total_minor: int, weight: int) -> Fraction:
    """The price score, exactly: weight x lowest total / this total, so the lowest bid takes
    the whole weight. A total of 0 can only be the lowest: it takes the whole weight, and every
    priced bid next to a free one scores 0 (0 / total), with no division by zero."""
    if total_minor == 0:
        return Fraction(weight)
    return Fraction(weight * lowest_minor, total_minor)


def outliers(scores: Mapping[int, int], outlier_points: int) -> frozenset[int]:
    """The evaluators whose score is more than `outlier_points` from the mean of the others'
    scores (exactly: a mean of 50.5 is not rounded), once there are enough scores to say."""
    if len(scores) < MIN_SCORES_FOR_OUTLIERS:
        return frozenset()
    # |(total - points) / others - points| > limit, multiplied out by `others` (> 0): the same
    # exact comparison in integers, for the thousands of scores of a large evaluation.
    total, count = sum(scores.values()), len(scores)
    limit = outlier_points * (count - 1)
    return frozenset(
        evaluator for evaluator, points in scores.items() if abs(total - count * points) > limit
    )


def shown(value: Fraction) -> Decimal:
    """`value` rounded half up (away from zero) to 0.01, as a Decimal with two places. Built
    from integers and a string, so no decimal context can round it a second time."""
    # floor(|value| x 100 + 1/2) in integers (a Fraction's denominator is positive).
    magnitude, denominator = abs(value.numerator), value.denominator
    cents = (200 * magnitude + denominator) // (2 * denominator)
    sign = "-" if value < 0 and cents else ""
    return Decimal(f"{sign}{cents // 100}.{cents % 100:02d}")


# --- programming mistakes ------------------------------------------------------------------


def _is_int(value: object) -> bool:
    # bool is an int subclass, and True is not a score; floats are refused outright.
    return isinstance(value, int) and not isinstance(value, bool)


def _check_outlier_points(outlier_points: object) -> None:
    if not _is_int(outlier_points) or outlier_points < 0:
        raise ValueError(f"outlier_points must be a whole number >= 0, not {outlier_points!r}")


def _split_criteria(
    criteria: Sequence[CriterionWeight],
) -> tuple[CriterionWeight | None, list[CriterionWeight]]:
    """The price criterion (or None) and the scored ones, in the order given."""
    ids = [criterion.id for criterion in criteria]
    if len(set(ids)) != len(ids):
        raise ValueError(f"A criterion is given twice: {sorted(ids)}")
    for criterion in criteria:
        if not _is_int(criterion.weight) or criterion.weight < 0:
            raise ValueError(f"Criterion {criterion.id}: weight {criterion.weight!r} is not >= 0")
    prices = [criterion for criterion in criteria if criterion.is_price]
    if len(prices) > 1:
        raise ValueError(f"More than one price criterion: {[c.id for c in prices]}")
    scored = [criterion for criterion in criteria if not criterion.is_price]
    return (prices[0] if prices else None), scored


def _check_candidates(candidates: Sequence[Candidate], scored: Sequence[CriterionWeight]) -> None:
    bid_ids = [candidate.bid_id for candidate in candidates]
    if len(set(bid_ids)) != len(bid_ids):
        raise ValueError("A bid is given twice.")
    scored_ids = {criterion.id for criterion in scored}
    for candidate in candidates:
        if not _is_int(candidate.total_minor) or candidate.total_minor < 0:
            raise ValueError(
                f"Bid {candidate.bid_id}: total {candidate.total_minor!r} is not minor units >= 0"
            )
        _check_scores(candidate, scored_ids)


def _check_scores(candidate: Candidate, scored_ids: set[int]) -> None:
    for criterion_id, scores in candidate.scores.items():
        # A score on the price criterion, or on another solicitation's, would be dropped
        # silently otherwise.
        if criterion_id not in scored_ids:
            raise ValueError(
                f"Bid {candidate.bid_id}: scores for {criterion_id!r}, "
                "which is not a non-price criterion given"
            )
        for evaluator, points in scores.items():
            if not _is_int(points) or not 0 <= points <= MAX_POINTS:
                raise ValueError(
                    f"Bid {candidate.bid_id}: score {points!r} of evaluator {evaluator} on "
                    f"criterion {criterion_id} is not a whole number 0..{MAX_POINTS}"
                )
