"""The dashboard starts with what needs the viewer: approvals waiting with their amounts,
invitations to answer with Join and Decline right there, solicitations waiting and on whom,
bids due this week by the database clock; and after signing in, staff land on it."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departments.models import Municipality
from p3hub.formatting import format_datetime
from p3hub.money import format_money
from procurements import services
from procurements.models import Participation, Solicitation
from tests.factories import MembershipFactory, build_cameras, future, line_item_split

pytestmark = pytest.mark.django_db

DASHBOARD = "/riverton/"


def needs_you(response) -> str:
    """The text of the "Needs you" panel, tags stripped and spaces collapsed."""
    html = response.content.decode()
    match = re.search(r'<section class="panel grid__wide needs-you".*?</section>', html, re.S)
    assert match, "no Needs you panel"
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", match.group(0))).split())
    return re.sub(r" ([:;,.])", r"\1", text)


def invite_psd(actor, departments, title="Parking meters"):
    officer = actor("officer")
    solicitation = services.solicitation_create(
        actor=officer,
        kind="RFP",
        title=title,
        lead_department=departments["TRN"],
        bids_due_at=future(20),
    )
    invitation = services.participation_invite(
        actor=officer, solicitation=solicitation, department=departments["PSD"]
    )
    return solicitation, invitation


def test_an_empty_state_when_nothing_needs_you(client, personas):
    client.force_login(personas["head.psd"])
    text = needs_you(client.get(DASHBOARD))
    assert "Nothing needs you right now" in text


def test_a_head_sees_the_share_awaiting_their_approval_with_its_amount(client, personas, proposed):
    client.force_login(personas["head.psd"])
    response = client.get(DASHBOARD)
    text = needs_you(response)
    share = proposed.split_versions.get().shares.get(department__code="PSD")
    assert f"{proposed.reference} {proposed.title}" in text
    assert "PSD\u2019s share of version 1" in text
    assert format_money(share.amount_minor, "USD") in text
    assert 'href="/riverton/approvals/"' in response.content.decode()


def test_an_invitation_is_answered_from_the_dashboard_and_comes_back_to_it(
    client, personas, actor, departments
):
    # Given PSD is invited to a solicitation TRN leads
    solicitation, invitation = invite_psd(actor, departments)
    client.force_login(personas["head.psd"])
    html = client.get(DASHBOARD).content.decode()
    assert "Parking meters: TRN invites Public Safety" in needs_you(client.get(DASHBOARD))
    join = f"/riverton/manage/solicitations/{solicitation.reference}/participations/"
    assert f'action="{join}{invitation.pk}/join/"' in html
    assert f'action="{join}{invitation.pk}/decline/"' in html

    # When the head joins with the dashboard's button
    response = client.post(f"{join}{invitation.pk}/join/", {"next": DASHBOARD})

    # Then they are back on the dashboard, and the invitation is answered
    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.JOINED
    assert "Nothing needs you right now" in needs_you(client.get(DASHBOARD))


def test_a_next_address_elsewhere_is_ignored(client, personas, actor, departments):
    solicitation, invitation = invite_psd(actor, departments)
    client.force_login(personas["head.psd"])
    action = f"/riverton/manage/solicitations/{solicitation.reference}/participations/"
    response = client.post(f"{action}{invitation.pk}/decline/", {"next": "https://evil.example/"})
    assert response["Location"].startswith(
        f"/riverton/manage/solicitations/{solicitation.reference}/"
    )


def test_the_approval_inbox_shows_invitations_with_join_and_decline(
    client, personas, actor, departments
):
    _, invitation = invite_psd(actor, departments)
    client.force_login(personas["head.psd"])
    html = client.get("/riverton/approvals/").content.decode()
    assert "Invitations to answer" in html
    assert f"{invitation.pk}/join/" in html and f"{invitation.pk}/decline/" in html
    assert 'name="next" value="/riverton/approvals/"' in html


def test_an_outsider_sees_nothing_of_riverton(client, personas, actor, departments, proposed):
    invite_psd(actor, departments)
    client.force_login(personas["officer.lakeside"])
    text = needs_you(client.get("/lakeside/"))
    assert "Nothing needs you right now" in text
    assert "RIV" not in text


def test_the_officer_sees_what_each_solicitation_waits_on(client, personas, actor, departments):
    # Given one draft with nothing yet and the cameras awaiting both heads
    solicitation, _ = invite_psd(actor, departments)
    cameras = build_cameras(actor, departments)
    services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    client.force_login(personas["officer"])
    text = needs_you(client.get(DASHBOARD))
    reference = solicitation.reference
    assert f"{reference} waits for PSD to join or decline" in text
    assert f"{reference} has no line items yet" in text
    assert f"{reference} has no cost split yet" in text
    assert f"{cameras.reference} waits for PSD's approval" in text
    assert f"{cameras.reference} waits for TRN's approval" in text
    assert f"{cameras.reference} has no cost split yet" not in text


def test_heads_are_not_shown_the_officers_waiting_list(client, personas, actor, departments):
    invite_psd(actor, departments)
    client.force_login(personas["head.trn"])
    assert "waits for" not in needs_you(client.get(DASHBOARD))


def publish_now(solicitation, *, bids_due_at):
    """Put a solicitation straight into publication with a chosen deadline (the publishing
    rules are tested elsewhere; here only the dashboard's reading of the clock matters)."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        status=Solicitation.Status.PUBLISHED, published_at=timezone.now(), bids_due_at=bids_due_at
    )


def test_bids_due_this_week_by_the_database_clock_in_the_citys_zone(
    client, personas, actor, departments
):
    soon = build_cameras(actor, departments)
    later = build_cameras(actor, departments)
    past = build_cameras(actor, departments)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    publish_now(soon, bids_due_at=now + dt.timedelta(days=3))
    publish_now(later, bids_due_at=now + dt.timedelta(days=8))
    publish_now(past, bids_due_at=now - dt.timedelta(hours=1))
    client.force_login(personas["officer"])
    response = client.get(DASHBOARD)
    text = needs_you(response)
    assert "Bids due this week" in text
    riverton = Municipality.objects.get(slug="riverton")
    # In Riverton's zone and date format: "Dec 4, 2026, 8:39 PM CST".
    assert format_datetime(now + dt.timedelta(days=3), riverton, zone=True) in text
    assert soon.reference in text
    assert later.reference not in text.split("Bids due this week")[1]
    assert past.reference not in text.split("Bids due this week")[1]


def test_staff_of_one_city_land_on_its_dashboard(client, personas):
    response = client.post(
        "/accounts/login/", {"username": "head.psd", "password": "demo-pass-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/riverton/"


def test_someone_with_roles_in_two_cities_picks_one(client, personas):
    lakeside = Municipality.objects.get(slug="lakeside")
    MembershipFactory(user=personas["head.psd"], municipality=lakeside, role="officer")
    response = client.post(
        "/accounts/login/", {"username": "head.psd", "password": "demo-pass-2026"}
    )
    assert response["Location"] == "/"
    html = client.get("/").content.decode()
    assert 'href="/riverton/"' in html and 'href="/lakeside/"' in html


def test_a_next_address_still_wins_after_signing_in(client, personas):
    response = client.post(
        "/accounts/login/?next=/riverton/approvals/",
        {"username": "head.psd", "password": "demo-pass-2026"},
    )
    assert response["Location"] == "/riverton/approvals/"


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_needs(actor, departments, count: int) -> None:
    """`count` more of everything: drafts with PSD invited, cameras awaiting both heads,
    cameras published with bids due in three days."""
    for n in range(count):
        invite_psd(actor, departments, title=f"Meters {n}")
        cameras = build_cameras(actor, departments)
        services.cost_split_propose(
            actor=actor("officer"),
            solicitation=cameras,
            method="line_item",
            inputs=line_item_split(cameras),
        )
        due = build_cameras(actor, departments)
        publish_now(due, bids_due_at=future(3))


# Both (8): the session, the user, the memberships; the departments, their heads; the bids
# due this week; the latest solicitations, their participations. The officer adds the
# solicitations waiting (line item and criterion counts annotated), their participations,
# their versions in force, those versions' shares (4). The head adds the shares awaiting them,
# the invitations to answer and the count of pending approvals (3).
DASHBOARD_QUERIES = {"officer": 8 + 4, "head.psd": 8 + 3}


@pytest.mark.parametrize("username", ["officer", "head.psd"])
def test_the_dashboard_costs_the_same_with_one_and_many_things_needing_you(
    client, personas, actor, departments, username
):
    client.force_login(personas[username])
    add_needs(actor, departments, 1)
    with_1 = queries_for(client, DASHBOARD)
    add_needs(actor, departments, 4)
    with_5 = queries_for(client, DASHBOARD)
    assert with_1 == with_5 == DASHBOARD_QUERIES[username]
