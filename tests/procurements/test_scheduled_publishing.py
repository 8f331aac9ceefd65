"""Scheduled publishing (issue 9, item 1): publishing before the publish date schedules; the
solicitation becomes public exactly at that date by the database clock in every read, with no
worker; beat then records `release` once. The e-mails "scheduled" and "published" go to the
heads of the joined departments once each."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from p3hub.models import AuditEvent, OutboundEmail
from procurements import selectors, services, tasks
from procurements.models import Solicitation
from tests.factories import future

pytestmark = pytest.mark.django_db

HEADS = ["head.psd@riverton.example", "head.trn@riverton.example"]


@pytest.fixture
def approved(proposed, actor, departments):
    """The cameras with split version 1 approved by both heads: ready to publish."""
    version = selectors.current_split_of(proposed)
    for code in ("TRN", "PSD"):
        head = actor(f"head.{code.lower()}")
        services.share_approve(actor=head, version=version, department=departments[code])
    proposed.refresh_from_db()
    return proposed


@pytest.fixture
def scheduled(approved, actor, django_capture_on_commit_callbacks):
    """Published by the officer with a publish date three days ahead: scheduled."""
    Solicitation.objects.filter(pk=approved.pk).update(publish_at=future(3))
    approved.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        return services.solicitation_publish(actor=actor("officer"), solicitation=approved)


def pass_the_publish_date(solicitation) -> None:
    """Time passes: the publish date is now a minute ago by the database's clock. A plain
    UPDATE, as the clock would see it: nothing recorded, no worker."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        publish_at=Now() - dt.timedelta(minutes=1), published_at=Now() - dt.timedelta(minutes=1)
    )


def events(solicitation, verb: str) -> int:
    return AuditEvent.objects.filter(object_id=str(solicitation.pk), verb=verb).count()


def test_publishing_before_the_publish_date_schedules_and_keeps_the_date(scheduled, mailoutbox):
    stored = Solicitation.objects.get(pk=scheduled.pk)
    entered = scheduled.publish_at

    assert stored.status == "scheduled"
    assert stored.publish_at == entered  # never rewritten
    assert stored.published_at == entered  # when it becomes public
    assert events(stored, "solicitation.schedule") == 1
    # The heads are told when it goes public, once each, with a text and an HTML part.
    assert sorted(m.to[0] for m in mailoutbox) == HEADS
    message = mailoutbox[0]
    assert message.subject.startswith(f"[{stored.reference}] Scheduled: public on ")
    assert "CST" in message.subject or "CDT" in message.subject  # riverton's zone
    assert f"/riverton/manage/solicitations/{stored.reference}/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "becomes public on" in message.alternatives[0][0]


def test_a_scheduled_solicitation_is_not_public_before_its_date(scheduled, client, api_as):
    reference = scheduled.reference

    assert client.get(f"/riverton/solicitations/{reference}/").status_code == 404
    assert reference not in client.get("/riverton/solicitations/").content.decode()
    assert reference not in client.get("/").content.decode()  # the home page's panel
    public_api = client.get("/api/v1/public/solicitations/").json()["results"]
    assert reference not in [row["reference"] for row in public_api]
    assert client.get(f"/api/v1/public/solicitations/riverton/{reference}/").status_code == 404
    # Staff see it, saying when it goes public.
    staff = api_as("officer").get(f"/api/v1/riverton/solicitations/{reference}/").json()
    assert staff["status"] == "scheduled"
    assert staff["status_display"].startswith("Scheduled for ")
    assert staff["status_display"].endswith(("CST", "CDT"))


def test_from_its_publish_date_every_public_read_has_it_with_no_worker(scheduled, client):
    reference = scheduled.reference
    pass_the_publish_date(scheduled)

    assert Solicitation.objects.get(pk=scheduled.pk).status == "scheduled"  # nothing recorded
    page = client.get(f"/riverton/solicitations/{reference}/")
    assert page.status_code == 200 and ">Published<" in page.content.decode()
    assert reference in client.get("/riverton/solicitations/?status=published").content.decode()
    assert reference in client.get("/").content.decode()
    detail = client.get(f"/api/v1/public/solicitations/riverton/{reference}/").json()
    assert (detail["status"], detail["status_display"]) == ("published", "Published")
    listed = client.get("/api/v1/public/solicitations/", {"status": "published"}).json()
    assert reference in [row["reference"] for row in listed["results"]]


def test_past_its_deadline_too_it_reads_closed_with_no_worker(scheduled):
    Solicitation.objects.filter(pk=scheduled.pk).update(
        publish_at=Now() - dt.timedelta(days=30),
        published_at=Now() - dt.timedelta(days=30),
        questions_due_at=Now() - dt.timedelta(days=20),
        bids_due_at=Now() - dt.timedelta(minutes=1),
        opening_at=Now() + dt.timedelta(days=1),
    )
    assert selectors.solicitations_public().get(pk=scheduled.pk).current_status == "closed"


def test_the_release_sweep_records_it_once_and_the_heads_hear_once(
    scheduled, mailoutbox, django_capture_on_commit_callbacks
):
    assert services.solicitations_release_due() == 0  # not yet due
    pass_the_publish_date(scheduled)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.chronograph.delay().get()["released"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.chronograph.delay().get()["released"] == 0  # a retry, a second worker

    stored = Solicitation.objects.get(pk=scheduled.pk)
    assert stored.status == "published"
    event = AuditEvent.objects.filter(object_id=str(stored.pk)).latest("seq")
    assert (event.verb, event.actor_label, event.after) == (
        "solicitation.publish",
        "system",
        {"status": "published"},
    )
    assert events(stored, "solicitation.publish") == 1
    assert sorted(m.to[0] for m in mailoutbox) == HEADS
    assert mailoutbox[0].subject.startswith(f"[{stored.reference}] Published: bids close ")
    assert f"/riverton/solicitations/{stored.reference}/" in mailoutbox[0].body


def test_the_close_sweep_releases_then_closes_a_scheduled_row_past_both_dates(scheduled):
    Solicitation.objects.filter(pk=scheduled.pk).update(
        publish_at=Now() - dt.timedelta(days=30),
        published_at=Now() - dt.timedelta(days=30),
        questions_due_at=Now() - dt.timedelta(days=20),
        bids_due_at=Now() - dt.timedelta(minutes=1),
    )

    assert services.solicitations_close_due() == 1
    assert services.solicitations_close_due() == 0

    stored = Solicitation.objects.get(pk=scheduled.pk)
    assert stored.status == "closed"
    verbs = list(
        AuditEvent.objects.filter(object_id=str(stored.pk))
        .order_by("-seq")
        .values_list("verb", flat=True)[:2]
    )
    assert verbs == ["solicitation.close", "solicitation.publish"]


def test_publishing_on_or_after_the_publish_date_publishes_now_keeping_the_date(
    approved, actor, mailoutbox, django_capture_on_commit_callbacks
):
    entered = future(-2)
    Solicitation.objects.filter(pk=approved.pk).update(publish_at=entered)
    approved.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        published = services.solicitation_publish(actor=actor("officer"), solicitation=approved)
    with django_capture_on_commit_callbacks(execute=True):  # the notice tried again: nothing
        assert services.solicitations.notify_heads(published, "published") == 0

    stored = Solicitation.objects.get(pk=approved.pk)
    assert stored.status == "published"
    assert stored.publish_at == entered  # in the past: kept as entered
    assert stored.published_at > entered
    assert sorted(m.to[0] for m in mailoutbox) == HEADS
    assert OutboundEmail.objects.filter(key__startswith="solicitation-published:").count() == 2


def test_publishing_without_a_publish_date_sets_it_to_now(approved, actor):
    published = services.solicitation_publish(actor=actor("officer"), solicitation=approved)
    stored = Solicitation.objects.get(pk=published.pk)
    assert stored.status == "published"
    assert stored.publish_at == stored.published_at


def test_the_staff_pages_say_scheduled_for_the_date_in_the_zone(scheduled, client, personas):
    client.force_login(personas["officer"])
    workspace = client.get(f"/riverton/manage/solicitations/{scheduled.reference}/")
    listing = client.get("/riverton/manage/solicitations/")

    assert "Status: Scheduled" in workspace.content.decode()
    for page in (workspace, listing):
        assert "Scheduled for " in page.content.decode()
    assert "it becomes public then, by itself" in workspace.content.decode()


def test_the_chronograph_is_on_the_beat_schedule(settings):
    tasks_run = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "procurements.tasks.chronograph" in tasks_run
