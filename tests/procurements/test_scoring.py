"""The committee's scoring and ranking (DESIGN.md 3, issue 12), pure: no database.

Hypothesis draws criteria whose weights total 100, up to 200 bids and up to six evaluators'
scores, and checks every shown value against an independent Fraction computation rounded half
up once; the ranks are a permutation decided on exact totals and the documented tie-breaks,
whatever order the bids come in. The examples show why rounding once matters and where the
outliers and the edges (a free bid, nothing scored, no price criterion) fall.
"""

import datetime
import itertools
import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurements.scoring import Candidate, CriterionWeight, rank

PROPERTY = settings(max_examples=60, deadline=None)
MANY = settings(max_examples=10, deadline=None)

T0 = datetime.datetime(2025, 3, 14, 9, 0, tzinfo=datetime.UTC)
PRICE = CriterionWeight(id=90, name="Price", weight=40, is_price=True)
QUALITY = CriterionWeight(id=10, name="Technical approach", weight=60, is_price=False)


def at(minutes: int) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=minutes)


def bid(bid_id, total_minor, scores=None, minutes=0) -> Candidate:
    return Candidate(
        bid_id=bid_id, total_minor=total_minor, submitted_at=at(minutes), scores=scores or {}
    )


def by_id(ranked) -> dict:
    return {row.bid_id: row for row in ranked}


# --- an independent computation ------------------------------------------------------------


def half_up(value: Fraction) -> Decimal:
    """A non-negative Fraction rounded half up to 0.01, by integer division."""
    cents, rest = divmod(value.numerator * 100, value.denominator)
    cents += 2 * rest >= value.denominator
    return Decimal(cents).scaleb(-2)


def exact_parts(candidate, criteria, lowest) -> list[Fraction]:
    """Each criterion's exact contribution to the bid's total, in the order of `criteria`."""
    parts = []
    for criterion in criteria:
        if criterion.is_price:
            share = (
                Fraction(1)
                if candidate.total_minor == 0
                else Fraction(lowest) / candidate.total_minor
            )
            parts.append(criterion.weight * share)
        else:
            points = list(candidate.scores.get(criterion.id, {}).values())
            mean = Fraction(sum(points), len(points)) if points else Fraction(0)
            parts.append(mean * Fraction(criterion.weight, 100))
    return parts


def expected_outliers(points: dict[int, int], limit: int) -> frozenset[int]:
    if len(points) < 3:
        return frozenset()
    flagged = set()
    for evaluator, score in points.items():
        others = [p for e, p in points.items() if e != evaluator]
        if abs(score - Fraction(sum(others), len(others))) > limit:
            flagged.add(evaluator)
    return frozenset(flagged)


def assert_two_places(value: Decimal) -> None:
    assert type(value) is Decimal
    assert value.as_tuple().exponent == -2


# --- strategies ----------------------------------------------------------------------------


def partition(draw, whole: int, parts: int) -> list[int]:
    cuts = sorted(draw(st.lists(st.integers(0, whole), min_size=parts - 1, max_size=parts - 1)))
    edges = [0, *cuts, whole]
    return [b - a for a, b in itertools.pairwise(edges)]


@st.composite
def criteria_sets(draw) -> list[CriterionWeight]:
    """0..4 scored criteria and maybe a price criterion (at least one of them), weights
    totalling 100, the price criterion anywhere in the list."""
    scored = draw(st.integers(0, 4))
    with_price = scored == 0 or draw(st.booleans())
    weights = partition(draw, 100, scored + with_price)
    criteria = [
        CriterionWeight(id=10 + i, name=f"criterion {i}", weight=w, is_price=False)
        for i, w in enumerate(weights[:scored])
    ]
    if with_price:
        criteria.insert(
            draw(st.integers(0, scored)),
            CriterionWeight(id=90, name="Price", weight=weights[-1], is_price=True),
        )
    return criteria


# Small ranges too, so equal totals, times and averages (the tie-breaks) come up often.
TOTALS = st.one_of(st.integers(0, 3), st.integers(1, 10**12))
POINTS = st.one_of(st.integers(0, 100), st.sampled_from([0, 50, 100]))


@st.composite
def rankings(draw, max_bids: int = 12):
    criteria = draw(criteria_sets())
    scored = [c for c in criteria if not c.is_price]
    evaluators = list(range(1, draw(st.integers(1, 6)) + 1))
    count = draw(st.integers(1, max_bids))
    candidates = []
    for bid_id in draw(
        st.lists(st.integers(1, 10**6), min_size=count, max_size=count, unique=True)
    ):
        scores = {
            c.id: {e: draw(POINTS) for e in evaluators if draw(st.integers(0, 4))}
            for c in scored
            if draw(st.integers(0, 9))  # now and then a criterion nobody has scored yet
        }
        candidates.append(bid(bid_id, draw(TOTALS), scores, draw(st.integers(0, 3))))
    return candidates, criteria


# --- properties ----------------------------------------------------------------------------


@PROPERTY
@given(
    totals=st.lists(st.integers(1, 10**12), min_size=1, max_size=50),
    weight=st.integers(1, 100),
)
def test_price_scores_are_the_exact_formula_rounded_half_up_once(totals, weight):
    price = CriterionWeight(id=1, name="Price", weight=weight, is_price=True)
    candidates = [bid(i, total) for i, total in enumerate(totals, start=1)]
    ranked = by_id(rank(candidates, [price]))
    lowest = min(totals)
    for candidate in candidates:
        score = ranked[candidate.bid_id].price_score
        assert_two_places(score)
        assert score == half_up(Fraction(weight * lowest, candidate.total_minor))
        if candidate.total_minor == lowest:
            assert score == weight  # the lowest bid takes the whole weight
        assert ranked[candidate.bid_id].total == score  # only a price criterion: it is the total


@PROPERTY
@given(case=rankings())
def test_every_shown_value_is_its_exact_value_rounded_once(case):
    candidates, criteria = case
    lowest = min(c.total_minor for c in candidates)
    scored = [c for c in criteria if not c.is_price]
    ranked = by_id(rank(candidates, criteria))
    for candidate in candidates:
        row = ranked[candidate.bid_id]
        parts = exact_parts(candidate, criteria, lowest)
        assert row.total == half_up(sum(parts, Fraction(0)))
        assert_two_places(row.total)
        assert [result.criterion_id for result in row.criteria] == [c.id for c in scored]
        for criterion, part in zip(criteria, parts, strict=True):
            if criterion.is_price:
                assert row.price_score == half_up(part)
        if not any(c.is_price for c in criteria):
            assert row.price_score is None
        for criterion, result in zip(scored, row.criteria, strict=True):
            points = dict(candidate.scores.get(criterion.id, {}))
            assert dict(result.scores) == points
            assert list(result.scores) == sorted(points)  # by evaluator, whatever the input
            assert result.outliers == expected_outliers(points, 25)
            assert_two_places(result.weighted)
            if points:
                mean = Fraction(sum(points.values()), len(points))
                assert result.average == half_up(mean)
                assert_two_places(result.average)
                assert result.weighted == half_up(mean * Fraction(criterion.weight, 100))
            else:
                assert result.average is None
                assert result.weighted == Decimal("0.00")


def reference_order(candidates, criteria) -> list[int]:
    lowest = min(c.total_minor for c in candidates)
    return [
        c.bid_id
        for c in sorted(
            candidates,
            key=lambda c: (
                -sum(exact_parts(c, criteria, lowest), Fraction(0)),
                c.total_minor,
                c.submitted_at,
                c.bid_id,
            ),
        )
    ]


@PROPERTY
@given(case=rankings(), seed=st.integers(0, 2**32))
def test_ranks_are_a_permutation_in_the_exact_order_whatever_the_input_order(case, seed):
    candidates, criteria = case
    ranked = rank(candidates, criteria)
    assert [row.rank for row in ranked] == list(range(1, len(candidates) + 1))
    assert [row.bid_id for row in ranked] == reference_order(candidates, criteria)
    shuffled = list(candidates)
    random.Random(seed).shuffle(shuffled)
    assert rank(shuffled, criteria) == ranked


def random_bids(rnd: random.Random, count: int, criteria) -> list[Candidate]:
    """`count` bids built from a seeded Random (drawing thousands of scores one by one through
    Hypothesis would take seconds), with as many near-ties as the small strategies."""
    scored = [c.id for c in criteria if not c.is_price]
    ids = rnd.sample(range(1, 10**6), count)
    return [
        bid(
            bid_id,
            rnd.choice([rnd.randint(0, 3), rnd.randint(1, 10**12)]),
            {
                c: {e: rnd.choice([0, 50, 100, rnd.randint(0, 100)]) for e in range(1, 6)}
                for c in scored
            },
            rnd.randint(0, 3),
        )
        for bid_id in ids
    ]


@MANY
@given(criteria=criteria_sets(), count=st.integers(150, 200), seed=st.integers(0, 2**32))
def test_many_bids_rank_the_same_in_any_order(criteria, count, seed):
    rnd = random.Random(seed)
    candidates = random_bids(rnd, count, criteria)
    ranked = rank(candidates, criteria)
    assert [row.rank for row in ranked] == list(range(1, count + 1))
    assert [row.bid_id for row in ranked] == reference_order(candidates, criteria)
    shuffled = list(candidates)
    rnd.shuffle(shuffled)
    assert rank(shuffled, criteria) == ranked


@PROPERTY
@given(
    points=st.dictionaries(st.integers(1, 50), st.integers(0, 100), max_size=8),
    limit=st.integers(0, 100),
)
def test_outliers_are_far_from_the_mean_of_the_others_and_need_three_scores(points, limit):
    criterion = CriterionWeight(id=1, name="Approach", weight=100, is_price=False)
    [row] = rank([bid(1, 100, {1: points})], [criterion], outlier_points=limit)
    assert row.criteria[0].outliers == expected_outliers(points, limit)
    if len(points) < 3:
        assert row.criteria[0].outliers == frozenset()


# --- rounding once -------------------------------------------------------------------------


def test_the_total_rounds_the_exact_sum_not_the_rounded_parts():
    # Two criteria of weight 1 averaging 50.5 weigh 0.505 each: shown 0.51 (half up, where
    # half-even would show 0.50), but together they weigh exactly 1.01, not 1.02.
    style = CriterionWeight(id=1, name="Style", weight=1, is_price=False)
    finish = CriterionWeight(id=2, name="Finish", weight=1, is_price=False)
    price = CriterionWeight(id=3, name="Price", weight=98, is_price=True)
    scores = {1: {7: 50, 8: 51}, 2: {7: 51, 8: 50}}
    [row] = rank([bid(1, 500_00, scores)], [style, finish, price])
    assert [r.weighted for r in row.criteria] == [Decimal("0.51"), Decimal("0.51")]
    assert row.price_score == Decimal("98.00")
    assert sum(r.weighted for r in row.criteria) + row.price_score == Decimal("99.02")
    assert row.total == Decimal("99.01")


def test_the_weighted_value_comes_from_the_exact_average():
    # An average of 1/3 shows 0.33, but weighs 80/300 = 0.2667 (0.27), not 0.33 x 0.8 = 0.264.
    criterion = CriterionWeight(id=1, name="Approach", weight=80, is_price=False)
    [row] = rank([bid(1, 100, {1: {1: 1, 2: 0, 3: 0}})], [criterion])
    assert row.criteria[0].average == Decimal("0.33")
    assert row.criteria[0].weighted == Decimal("0.27")
    assert row.total == Decimal("0.27")


def test_the_ranking_is_decided_on_exact_totals_not_shown_ones():
    # Given two bids that both show 76.00, the dearer one later and with the higher id:
    cheap = bid(1, 100_000, {QUALITY.id: {1: 60, 2: 60, 3: 60}}, minutes=0)
    # 60 x 181/300 = 36.2 for quality, 40 x 100000/100500 = 39.80099... for price.
    dear = bid(2, 100_500, {QUALITY.id: {1: 60, 2: 61, 3: 60}}, minutes=5)
    # When they are ranked,
    ranked = rank([cheap, dear], [QUALITY, PRICE])
    # then both show the same total, yet the dear bid is ahead by 0.00099..., which every
    # tie-break (price, time, id) would have given to the cheap one.
    assert [row.total for row in ranked] == [Decimal("76.00"), Decimal("76.00")]
    assert [row.bid_id for row in ranked] == [2, 1]
    assert by_id(ranked)[1].price_score == Decimal("40.00")
    assert by_id(ranked)[2].price_score == Decimal("39.80")


# --- ties ----------------------------------------------------------------------------------


def test_equal_totals_rank_the_lower_price_first():
    # Without a price criterion the totals are the scores alone: equal here.
    scores = {QUALITY.id: {1: 70}}
    only_quality = [CriterionWeight(id=QUALITY.id, name="Approach", weight=100, is_price=False)]
    ranked = rank([bid(1, 900, scores, minutes=0), bid(2, 800, scores, minutes=9)], only_quality)
    assert [(row.bid_id, row.rank) for row in ranked] == [(2, 1), (1, 2)]


def test_equal_totals_and_prices_rank_the_earlier_submission_first():
    ranked = rank([bid(1, 800, minutes=7), bid(2, 800, minutes=3)], [PRICE, QUALITY])
    assert [row.bid_id for row in ranked] == [2, 1]


def test_equal_totals_prices_and_times_rank_the_lower_bid_id_first():
    candidates = [bid(bid_id, 800, minutes=3) for bid_id in (42, 7, 19)]
    ranked = rank(candidates, [PRICE, QUALITY])
    assert [(row.bid_id, row.rank) for row in ranked] == [(7, 1), (19, 2), (42, 3)]


# --- outliers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("points", "limit", "flagged"),
    [
        ({1: 0, 2: 100}, 25, set()),  # two scores cannot say which one is off
        ({1: 50, 2: 52, 3: 90}, 25, {3}),  # 90 is 39 from 51; 50 and 52 are 21 and 18 from theirs
        ({1: 50, 2: 50, 3: 75}, 25, set()),  # exactly 25 away is not more than 25
        ({1: 50, 2: 51, 3: 76}, 25, {3}),  # 25.5 from 50.5: the mean is not rounded
        ({1: 50, 2: 50, 3: 75}, 24, {3}),  # the threshold is the caller's
        ({1: 10, 2: 80, 3: 90}, 25, {1, 2, 3}),  # each is far from the mean of the other two
    ],
)
def test_outliers(points, limit, flagged):
    [row] = rank([bid(1, 100, {QUALITY.id: points})], [QUALITY, PRICE], outlier_points=limit)
    assert row.criteria[0].outliers == frozenset(flagged)


# --- edges ---------------------------------------------------------------------------------


def test_a_free_bid_takes_the_whole_price_weight_and_priced_bids_none():
    ranked = by_id(rank([bid(1, 0), bid(2, 0, minutes=1), bid(3, 5_000)], [PRICE, QUALITY]))
    assert ranked[1].price_score == ranked[2].price_score == Decimal("40.00")
    assert ranked[3].price_score == Decimal("0.00")
    assert [ranked[i].rank for i in (1, 2, 3)] == [1, 2, 3]


def test_the_average_is_over_the_scores_given_and_nothing_scored_counts_zero():
    design = CriterionWeight(id=11, name="Design", weight=20, is_price=False)
    team = CriterionWeight(id=12, name="Team", weight=40, is_price=False)
    # Given evaluator 2 has not scored Design yet and nobody has scored Team:
    scores = {design.id: {1: 80, 3: 71}, team.id: {}}
    [row] = rank([bid(1, 100, scores)], [design, team, PRICE])
    design_result, team_result = row.criteria
    assert design_result.average == Decimal("75.50")
    assert design_result.weighted == Decimal("15.10")
    assert team_result.average is None  # "not scored"
    assert team_result.weighted == Decimal("0.00")
    assert row.total == Decimal("55.10")  # 15.1 + 0 + 40


def test_a_criterion_missing_from_the_scores_is_not_scored():
    [row] = rank([bid(1, 100)], [QUALITY, PRICE])
    assert row.criteria[0].average is None
    assert row.criteria[0].scores == {}
    assert row.criteria[0].outliers == frozenset()


def test_without_a_price_criterion_there_is_no_price_score():
    approach = CriterionWeight(id=1, name="Approach", weight=100, is_price=False)
    [row] = rank([bid(1, 100, {1: {1: 90}})], [approach])
    assert row.price_score is None
    assert row.total == Decimal("90.00")


def test_only_a_price_criterion_shows_no_criteria():
    [row] = rank([bid(1, 100)], [CriterionWeight(id=1, name="Price", weight=100, is_price=True)])
    assert row.criteria == ()
    assert row.price_score == row.total == Decimal("100.00")


def test_no_candidates_rank_nothing():
    assert rank([], [QUALITY, PRICE]) == []


def test_criteria_keep_the_order_given():
    first = CriterionWeight(id=30, name="First", weight=30, is_price=False)
    second = CriterionWeight(id=20, name="Second", weight=30, is_price=False)
    [row] = rank([bid(1, 100, {20: {1: 5}, 30: {1: 6}})], [first, PRICE, second])
    assert [r.criterion_id for r in row.criteria] == [30, 20]


# --- programming mistakes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("candidates", "criteria", "options"),
    [
        ([bid(1, 100, {QUALITY.id: {1: 101}})], [QUALITY], {}),
        ([bid(1, 100, {QUALITY.id: {1: -1}})], [QUALITY], {}),
        ([bid(1, 100, {QUALITY.id: {1: True}})], [QUALITY], {}),
        ([bid(1, 100, {QUALITY.id: {1: 50.0}})], [QUALITY], {}),
        ([bid(1, -1)], [PRICE], {}),
        ([bid(1, 10.0)], [PRICE], {}),
        ([bid(1, 100), bid(1, 200)], [PRICE], {}),  # a bid twice
        ([bid(1, 100, {PRICE.id: {1: 50}})], [QUALITY, PRICE], {}),  # a score on price
        ([bid(1, 100, {77: {1: 50}})], [QUALITY, PRICE], {}),  # an unknown criterion
        ([bid(1, 100)], [QUALITY, QUALITY], {}),
        ([bid(1, 100)], [PRICE, CriterionWeight(id=91, name="Cost", weight=0, is_price=True)], {}),
        ([bid(1, 100)], [CriterionWeight(id=1, name="Odd", weight=-5, is_price=False)], {}),
        ([bid(1, 100)], [QUALITY], {"outlier_points": -1}),
        ([bid(1, 100)], [QUALITY], {"outlier_points": 2.5}),
    ],
)
def test_programming_mistakes_raise_value_error(candidates, criteria, options):
    with pytest.raises(ValueError):
        rank(candidates, criteria, **options)
