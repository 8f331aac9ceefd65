"""A published solicitation is closed at its bid deadline by the database clock, whether or not
any worker runs (DESIGN.md 4); the beat task only records what the clock decided."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from p3hub.models import AuditEvent
from procurements import selectors, services, tasks
from procurements.models import Solicitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(proposed, actor, departments):
    version = selectors.current_split_of(proposed)
    for code in ("TRN", "PSD"):
        head = actor(f"head.{code.lower()}")
        services.share_approve(actor=head, version=version, department=departments[code])
    return services.solicitation_publish(actor=actor("officer"), solicitation=proposed)


def pass_the_deadline(solicitation) -> None:
    """Time passes: the bid deadline is now a minute ago (by the database's clock)."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=1)
    )


def test_before_the_deadline_it_reads_published(published):
    row = selectors.solicitations_public().get(pk=published.pk)
    assert row.current_status == "published"


def test_past_the_deadline_every_reader_sees_closed_with_no_worker(published, client, api_as):
    pass_the_deadline(published)

    assert Solicitation.objects.get(pk=published.pk).status == "published"  # nothing recorded
    assert selectors.solicitations_public().get(pk=published.pk).current_status == "closed"
    assert [s.pk for s in selectors.solicitations_public(status="closed")] == [published.pk]
    assert not selectors.solicitations_public(status="published").exists()

    page = client.get(f"/riverton/solicitations/{published.reference}/")
    assert ">Closed<" in page.content.decode()
    api = client.get("/api/v1/public/solicitations/", {"status": "closed"}).json()
    assert [(r["reference"], r["status"]) for r in api["results"]] == [
        (published.reference, "closed")
    ]
    staff = api_as("officer").get(f"/api/v1/riverton/solicitations/{published.reference}/")
    assert staff.json()["status"] == "closed"


def test_the_sweep_records_closed_once(published):
    pass_the_deadline(published)
    events = AuditEvent.objects.count()

    assert tasks.chronograph.delay().get()["closed"] == 1

    published.refresh_from_db()
    assert published.status == "closed"
    event = AuditEvent.objects.latest("pk")
    assert (event.verb, event.actor_label, event.after) == (
        "solicitation.close",
        "system",
        {"status": "closed"},
    )
    # A second run (a retry, a second worker) finds nothing to do.
    assert services.solicitations_close_due() == 0
    assert AuditEvent.objects.count() == events + 1


def test_the_sweep_leaves_open_solicitations_alone(published):
    assert services.solicitations_close_due() == 0
    published.refresh_from_db()
    assert published.status == "published"
