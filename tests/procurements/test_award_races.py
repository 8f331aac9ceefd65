"""The end of the protest period under concurrency (issue 12; DESIGN.md invariant 9), on
PostgreSQL with real threads, each with its own database connection: the sweep that records
awards final, run by several workers (or beats) at once, records each award final once, with
one `award.final` event and one e-mail per person; a protest filed at the last moment and the
sweep never both win."""

import datetime as dt
import time
from collections import Counter

import pytest
from django.db import connection
from django.db.models.functions import Now

from p3hub.clock import db_now
from p3hub.errors import ValidationFailed
from p3hub.models import AuditEvent, OutboundEmail
from procurements import services, tasks
from procurements.models import Award, Protest
from tests.factories import build_scored
from tests.helpers import database_state, race, require_postgresql
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db(transaction=True)

# Who is told the award is final: the officer, both heads and the winner's user.
TOLD_FINAL = ("officer", "head.trn", "head.psd", "vendor.acme")


@pytest.fixture
def award(actor, departments, personas) -> Award:
    """Cameras awarded to Acme and published (each step committed, as requests do)."""
    require_postgresql()
    solicitation = build_scored(actor, departments, personas)
    award = services.award_propose(
        actor=actor("officer"), solicitation=solicitation, bid=solicitation.acme
    )
    for code in ("TRN", "PSD"):
        services.award_share_approve(
            actor=actor(f"head.{code.lower()}"), award=award, department=departments[code]
        )
    return Award.objects.get(pk=award.pk)


def period_over(award: Award) -> None:
    Award.objects.filter(pk=award.pk).update(protest_ends_at=Now() - dt.timedelta(seconds=1))


def period_ends_in(award: Award, seconds: float) -> dt.datetime:
    """The protest period ending `seconds` from now by the database clock; that moment."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE procurements_award SET protest_ends_at = clock_timestamp() + "
            "make_interval(secs => %s) WHERE id = %s RETURNING protest_ends_at",
            [seconds, award.pk],
        )
        return cursor.fetchone()[0]


def wait_for_database_time(moment: dt.datetime) -> None:
    while (left := (moment - db_now()).total_seconds()) > 0:
        time.sleep(min(left / 2, 0.02))


def assert_final_once(award: Award, personas) -> None:
    stored = Award.objects.get(pk=award.pk)
    assert stored.status == "final" and stored.final_at is not None
    assert AuditEvent.objects.filter(verb="award.final").count() == 1
    keys = OutboundEmail.objects.filter(key__isnull=False).values_list("key", flat=True)
    assert [key for key, times in Counter(keys).items() if times > 1] == []
    told = OutboundEmail.objects.filter(key__startswith=f"award-final:{award.pk}:")
    assert sorted(email.to[0] for email in told) == sorted(
        personas[name].email for name in TOLD_FINAL
    )


def test_the_sweep_on_several_workers_at_once_records_the_award_final_once(award, personas):
    period_over(award)

    outcomes = race({f"worker-{n}": services.awards_finalize_due for n in range(4)})

    assert sorted(outcomes.values()) == [0, 0, 0, 1]
    assert_final_once(award, personas)
    before = database_state()
    again = race({f"worker-{n}": services.awards_finalize_due for n in range(4)})
    assert set(again.values()) == {0}
    assert database_state() == before


def beat() -> dict:
    """The chronograph's task as beat would send it, run eagerly in this thread."""
    result = tasks.chronograph.apply()
    assert result.successful(), result.traceback
    return result.result


def test_two_beats_at_once_record_the_award_final_once(award, personas):
    period_over(award)

    outcomes = race({f"beat-{n}": beat for n in range(2)})

    assert sorted(each["awards_final"] for each in outcomes.values()) == [0, 1]
    assert_final_once(award, personas)
    assert set(beat().values()) == {0}


def test_a_protest_at_the_last_moment_and_the_sweep_never_both_win(award, personas):
    """Beacon protests a moment before the period ends by the database clock while two
    workers sweep over its end: either the protest is in (and the award stays published,
    now held back by it) or the award is final (and the protest refused), never both."""
    ends = period_ends_in(award, 1.5)
    beacon = vendor_actor_for(personas["vendor.beacon"])

    def protest():
        wait_for_database_time(ends - dt.timedelta(milliseconds=3))
        return services.protest_file(actor=beacon, award=award, reasons="Scores were wrong.")

    def sweep():
        wait_for_database_time(ends)
        finalized = 0
        while db_now() < ends + dt.timedelta(milliseconds=500):
            finalized += services.awards_finalize_due()
        return finalized

    outcomes = race({"protest": protest, "sweep-1": sweep, "sweep-2": sweep})

    filed = outcomes.pop("protest")
    status = Award.objects.get(pk=award.pk).status
    if isinstance(filed, Protest):
        assert filed.filed_at < ends
        assert status == "published" and sum(outcomes.values()) == 0
        assert not AuditEvent.objects.filter(verb="award.final").exists()
        assert services.awards_finalize_due() == 0  # held back by the open protest
    else:
        assert isinstance(filed, ValidationFailed) and filed.code == "protest_period_over"
        assert not Protest.objects.exists()
        assert sum(outcomes.values()) == 1
        assert_final_once(award, personas)


def test_the_sweep_is_not_held_back_by_other_work_in_the_same_city(award, personas):
    """While another transaction of the city holds a share lock on the municipality's row
    (what PostgreSQL's foreign-key check takes for every row written that refers to it: an
    audit event, an e-mail, a solicitation), the sweep still records the award final: it
    locks the award alone, not the rows it reads along with it, and skips only awards that
    another sweep holds."""
    import threading

    from django.db import transaction

    period_over(award)
    holding, done = threading.Event(), threading.Event()

    def another_transaction():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM departments_municipality WHERE id = %s FOR KEY SHARE",
                    [award.solicitation.municipality_id],
                )
                holding.set()
                done.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=another_transaction)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        finalized = services.awards_finalize_due()
    finally:
        done.set()
        thread.join(timeout=30)
    assert finalized == 1
    assert_final_once(award, personas)
