"""The deadline and the opening under load (issue 11; DESIGN.md invariants 3 and 9), on
PostgreSQL with real threads, each with its own database connection.

Invariant 3: a bid is accepted exactly when the database clock says it came before the
deadline, whatever the application's clock says and with no worker running; a late one is
refused and recorded, and none is lost or both. The opening racing the last submissions opens
every bid that committed and none that came after. Invariant 9: the opening run on several
workers at once (or the chronograph on two) opens each bid once, records one event and queues
each e-mail once; running it again changes nothing."""

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.utils import timezone

from p3hub.clock import db_now
from p3hub.errors import ApplicationError, ValidationFailed
from p3hub.models import AuditEvent, OutboundEmail
from procurements import selectors, tasks
from procurements.models import Bid, BidOpening, BidRevision, LateAttempt, Solicitation
from procurements.services import bids, opening
from tests.factories import bidding_companies, submitted_bid
from tests.helpers import database_state, race, require_postgresql
from tests.p3hub.test_worker import Worker, wait_until, worker  # noqa: F401 (a fixture)
from vendors.actor import VendorActor

pytestmark = pytest.mark.django_db(transaction=True)

SUBMITTERS = 32
# When each submitter goes, in seconds from the deadline by the database clock: waves on both
# sides of it, the closest a few milliseconds away.
WAVES = (-0.9, -0.5, -0.2, -0.05, -0.005, 0.0, 0.005, 0.05, 0.2, 0.5)
LEAD_SECONDS = 1.5  # from setting the deadline to it: every thread is started by then
SKEWS = [dt.timedelta(minutes=10), dt.timedelta(minutes=-10)]


# --- the companies and their bids ---------------------------------------------------------------


def priced(solicitation, actors: list[VendorActor]) -> list[Bid]:
    """Each company's bid, started and priced (a different total each), not submitted."""
    made = []
    for n, company in enumerate(actors):
        bid = bids.bid_start(actor=company, solicitation=solicitation)
        prices = {"1": f"{1000 + n}.00", "2": "250.00"}
        made.append(bids.bid_save(actor=company, bid=bid, prices=prices))
    return made


def submit(company: VendorActor, bid: Bid) -> BidRevision:
    return bids.bid_submit(
        actor=company, bid=bid, declaration=True, declared_name=company.user.username
    )


def submitted(solicitation, count: int) -> list[Bid]:
    """`count` companies' bids, submitted (bidder n prices line 1 at 1000 + n)."""
    return [
        submitted_bid(company, solicitation, {"1": f"{1000 + n}.00", "2": "250.00"})
        for n, company in enumerate(bidding_companies(count))
    ]


def deadline_in(solicitation, seconds: float) -> dt.datetime:
    """Move the bid deadline to `seconds` from now by the database clock (the opening a day
    after it); the deadline as stored."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procurements_solicitation SET bids_due_at = clock_timestamp() + "
            "make_interval(secs => %s), opening_at = clock_timestamp() + interval '1 day' "
            "WHERE id = %s RETURNING bids_due_at",
            [seconds, solicitation.pk],
        )
        return cursor.fetchone()[0]


def time_passes(solicitation, *, opening_due: bool) -> None:
    """The deadline two minutes ago by the database clock; the opening time a minute ago, or
    tomorrow (then only an officer opens)."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2),
        opening_at=Now() + (dt.timedelta(minutes=-1) if opening_due else dt.timedelta(days=1)),
    )


# --- threads ------------------------------------------------------------------------------------


def wait_for_database_time(moment: dt.datetime) -> None:
    """Return once the database clock reads `moment` or later (polled, ever more closely)."""
    while (left := (moment - db_now()).total_seconds()) > 0:
        time.sleep(min(left / 2, 0.05))


def submitting_in_waves(actors, made, due) -> dict[str, Callable[[], object]]:
    """A job per company: wait for its wave by the database clock, then submit."""

    def job(company, bid, offset):
        def go():
            wait_for_database_time(due + dt.timedelta(seconds=offset))
            return submit(company, bid)

        return go

    return {
        company.user.username: job(company, bid, WAVES[n % len(WAVES)])
        for n, (company, bid) in enumerate(zip(actors, made, strict=True))
    }


def split(outcomes: dict[str, object]) -> tuple[dict, dict]:
    """(accepted receipts, refusals) by username; nothing else was returned."""
    accepted = {k: v for k, v in outcomes.items() if isinstance(v, BidRevision)}
    refused = {k: v for k, v in outcomes.items() if isinstance(v, ApplicationError)}
    assert len(accepted) + len(refused) == len(outcomes)
    return accepted, refused


def assert_each_submission_decided_once(solicitation, due, accepted, refused) -> None:
    """Every receipt before the deadline, every refusal a recorded late attempt at or after
    it; none lost, none both."""
    assert accepted and refused, "the waves must straddle the deadline"
    assert all(receipt.submitted_at < due for receipt in accepted.values())
    assert {(type(e), e.code) for e in refused.values()} == {(ValidationFailed, "deadline_passed")}
    stored = BidRevision.objects.filter(bid__solicitation=solicitation)
    assert sorted(stored.values_list("pk", flat=True)) == sorted(r.pk for r in accepted.values())
    late = LateAttempt.objects.filter(solicitation=solicitation)
    assert sorted(late.values_list("user__username", flat=True)) == sorted(refused)
    assert all(attempt.action == "submit" and attempt.attempted_at >= due for attempt in late)


# --- invariant 3 --------------------------------------------------------------------------------


@pytest.mark.parametrize("skew", SKEWS, ids=["app-clock-ahead", "app-clock-behind"])
def test_submissions_straddling_the_deadline_are_decided_by_the_database_clock(
    published, monkeypatch, skew
):
    """No worker runs and Django's clock is ten minutes off: the database's clock alone
    decides each of the submissions arriving in waves around the deadline."""
    require_postgresql()
    actors = bidding_companies(SUBMITTERS)
    made = priced(published, actors)
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + skew)
    due = deadline_in(published, LEAD_SECONDS)

    outcomes = race(submitting_in_waves(actors, made, due))

    accepted, refused = split(outcomes)
    assert_each_submission_decided_once(published, due, accepted, refused)
    statuses = dict(Bid.objects.values_list("created_by__username", "status"))
    assert statuses == {
        **dict.fromkeys(accepted, Bid.Status.SUBMITTED),
        **dict.fromkeys(refused, Bid.Status.DRAFT),
    }


def test_the_opening_racing_the_last_submissions_opens_every_bid_that_committed(published, actor):
    """While submissions keep arriving around the deadline, an officer starts the opening
    the moment it passes (the task runs eagerly in that thread, and once more directly): every
    bid that committed is opened and in the tabulation, none is left submitted, and no
    submission got in after the opening read the bids."""
    require_postgresql()
    actors = bidding_companies(24)
    made = priced(published, actors)
    officer = actor("officer")
    due = deadline_in(published, LEAD_SECONDS)

    def open_at_the_deadline():
        wait_for_database_time(due)
        started = opening.opening_start(actor=officer, solicitation=published)
        return opening.opening_run(started.solicitation_id)

    outcomes = race(submitting_in_waves(actors, made, due) | {"opening": open_at_the_deadline})

    run = outcomes.pop("opening")
    accepted, refused = split(outcomes)
    assert_each_submission_decided_once(published, due, accepted, refused)
    assert isinstance(run, BidOpening) and run.finished_at is not None
    assert run.requested_at >= due
    assert run.bids_total == run.bids_opened == len(accepted)
    committed = {receipt.bid_id for receipt in accepted.values()}
    by_status = Bid.objects.filter(solicitation=published)
    assert set(by_status.filter(status=Bid.Status.OPENED).values_list("pk", flat=True)) == committed
    assert not by_status.filter(status=Bid.Status.SUBMITTED).exists()
    table = selectors.tabulation_of(Solicitation.objects.get(pk=published.pk))
    assert {row.bid.pk for row in table.rows} == committed
    assert all(row.receipt_matches for row in table.rows)


# --- invariant 9 --------------------------------------------------------------------------------


@pytest.fixture
def opened_once(monkeypatch) -> list[int]:
    """The pk of each bid the opening decrypted and wrote down, as many times as it did."""
    opened, real_open_one = [], opening._open_one

    def open_one(bid, *args):
        real_open_one(bid, *args)
        opened.append(bid.pk)  # an OpenedBid: the row as the opening read it

    monkeypatch.setattr(opening, "_open_one", open_one)
    return opened


def assert_opened_once(solicitation, made: list[Bid], opened: list[int]) -> None:
    """Each bid decrypted once, one event, each e-mail queued once (its key)."""
    assert Counter(opened) == Counter(bid.pk for bid in made)
    stored = Solicitation.objects.get(pk=solicitation.pk)
    assert stored.status == Solicitation.Status.OPENED
    progress = BidOpening.objects.get(solicitation=stored)
    assert progress.bids_total == progress.bids_opened == len(made)
    assert progress.finished_at is not None
    events = AuditEvent.objects.filter(verb="solicitation.open")
    assert events.count() == 1 and events.get().after["bids"] == len(made)
    keys = OutboundEmail.objects.filter(key__isnull=False).values_list("key", flat=True)
    assert [key for key, times in Counter(keys).items() if times > 1] == []
    bidders = OutboundEmail.objects.filter(key__startswith=f"bids-opened:{stored.pk}:")
    assert bidders.count() == len(made)  # one user per company


def test_the_opening_run_on_several_workers_at_once_opens_each_bid_once(
    published, actor, monkeypatch, opened_once
):
    require_postgresql()
    made = submitted(published, 50)
    time_passes(published, opening_due=False)
    # The threads below play the workers: the task the start queues is held back.
    queued = []
    monkeypatch.setattr(opening, "_run_later", queued.append)
    opening.opening_start(actor=actor("officer"), solicitation=published)
    assert queued == [published.pk]

    # Batches of five, so the four runs take turns over the fifty bids.
    race({f"worker-{n}": lambda: opening.opening_run(published.pk, batch=5) for n in range(4)})

    assert_opened_once(published, made, opened_once)
    # A task delivered again later, or the officer starting it again: nothing changes.
    before = database_state()
    opening.opening_run(published.pk, batch=5)
    opening.opening_start(actor=actor("officer"), solicitation=published)
    assert database_state() == before
    assert queued == [published.pk]


def beat() -> dict:
    """The chronograph's task as beat would send it, run eagerly in this thread."""
    result = tasks.chronograph.apply()
    assert result.successful(), result.traceback
    return result.result


def test_the_chronograph_on_two_workers_at_once_opens_each_bid_once(published, opened_once):
    """Two beats at once, round after round until the bids are opened (one closes, one starts
    the opening, whose task runs eagerly in the thread that started it)."""
    require_postgresql()
    made = submitted(published, 30)
    time_passes(published, opening_due=True)
    ran = []
    for _round in range(3):
        outcomes = race({f"beat-{n}": beat for n in range(2)})
        ran += outcomes.values()
        if Solicitation.objects.get(pk=published.pk).status == Solicitation.Status.OPENED:
            break
    assert sum(each["closed"] for each in ran) == 1
    assert AuditEvent.objects.filter(verb="solicitation.close").count() == 1
    # A beat finding the opening started but not finished starts it again: the same opening,
    # its task queued once more (as after a crash), which finds nothing left to open.
    assert sum(each["openings_started"] for each in ran) >= 1
    assert_opened_once(published, made, opened_once)
    before = database_state()
    race({f"beat-{n}": beat for n in range(2)})
    assert database_state() == before


# --- a real worker ------------------------------------------------------------------------------


@pytest.mark.worker
def test_a_real_worker_opens_the_bids_the_officer_started_opening(
    worker: Worker,  # noqa: F811 (the fixture imported above)
    published,
    actor,
):
    require_postgresql()
    made = submitted(published, 12)
    time_passes(published, opening_due=False)

    opening.opening_start(actor=actor("officer"), solicitation=published)

    progress = BidOpening.objects.get(solicitation=published)

    def finished() -> bool:
        progress.refresh_from_db()
        return progress.finished_at is not None

    wait_until(finished, "the worker to finish the opening", worker.log)
    assert progress.bids_total == progress.bids_opened == len(made)
    table = selectors.tabulation_of(Solicitation.objects.get(pk=published.pk))
    # Bidder n priced line 1 at 1000 + n: the first company is cheapest, and so on.
    assert [row.bid.pk for row in table.rows] == [bid.pk for bid in made]
    assert [row.rank for row in table.rows] == list(range(1, len(made) + 1))
    assert all(row.receipt_matches for row in table.rows)
