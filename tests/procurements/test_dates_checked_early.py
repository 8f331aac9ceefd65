"""Dates checked early (issue 9, item 2): a bid deadline in the past or closer to the publish
date than the municipality's minimum bidding period is refused when the dates are entered and
when a split is proposed, naming the date to edit; one answer to "can it be published"
(services.publish_blockers) for the status panel and the API."""

import re
from html import unescape

import pytest

from departments.models import Municipality
from p3hub.errors import ValidationFailed
from procurements import services
from procurements.models import Solicitation
from tests.factories import future, line_item_split
from tests.helpers import error_at, manage, shown_again, url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def create(actor, departments, **dates):
    return services.solicitation_create(
        actor=actor("officer"),
        kind="RFP",
        title="Road salt",
        lead_department=departments["TRN"],
        **dates,
    )


def test_a_deadline_in_the_past_is_refused_at_create(actor, departments):
    with pytest.raises(ValidationFailed) as refused:
        create(actor, departments, bids_due_at=future(-1))
    assert (refused.value.field, refused.value.code) == ("bids_due_at", "deadline_passed")


def test_a_deadline_closer_than_the_bidding_period_after_the_publish_date_is_refused(
    actor, departments
):
    with pytest.raises(ValidationFailed) as refused:
        create(actor, departments, publish_at=future(10), bids_due_at=future(15))
    assert refused.value.field == "bids_due_at"
    assert "at least 7 days after the publish date" in refused.value.message
    assert "or an earlier publish date" in refused.value.message
    # Without a publish date the period runs from now.
    with pytest.raises(ValidationFailed, match="at least 7 days after today"):
        create(actor, departments, bids_due_at=future(3))
    assert create(actor, departments, publish_at=future(10), bids_due_at=future(18)).pk


def test_the_bidding_period_is_the_municipalitys_setting(actor, departments):
    Municipality.objects.filter(slug="riverton").update(minimum_bidding_days=21)
    with pytest.raises(ValidationFailed, match="at least 21 days"):
        create(actor, departments, bids_due_at=future(20))
    Municipality.objects.filter(slug="riverton").update(minimum_bidding_days=0)
    assert create(actor, departments, bids_due_at=future(1)).pk


def test_editing_the_dates_checks_them_but_other_edits_do_not(actor, cameras):
    officer = actor("officer")
    with pytest.raises(ValidationFailed) as refused:
        services.solicitation_update(
            actor=officer, solicitation=cameras, questions_due_at=future(1), bids_due_at=future(3)
        )
    assert refused.value.field == "bids_due_at"
    # A deadline that has since become too close does not stop a title change.
    Solicitation.objects.filter(pk=cameras.pk).update(
        questions_due_at=future(1), bids_due_at=future(2)
    )
    cameras.refresh_from_db()
    services.solicitation_update(actor=officer, solicitation=cameras, title="New title")


def test_the_edit_form_shows_the_error_on_the_bid_deadline(client, personas, cameras):
    client.force_login(personas["officer"])
    response = client.post(
        manage(cameras, "edit/"),
        {
            "kind": "RFP",
            "title": "Cameras",
            "publish_at": future(10).strftime("%Y-%m-%dT%H:%M"),
            "questions_due_at": future(11).strftime("%Y-%m-%dT%H:%M"),
            "bids_due_at": future(12).strftime("%Y-%m-%dT%H:%M"),
            "opening_at": future(13).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 303
    response = shown_again(client, response)
    assert "at least 7 days after the publish date" in error_at(response, "id_edit-bids_due_at")


def test_proposing_a_split_with_a_deadline_too_close_says_which_date_to_edit(
    actor, cameras, api_as
):
    Solicitation.objects.filter(pk=cameras.pk).update(
        questions_due_at=future(1), bids_due_at=future(2)
    )
    with pytest.raises(ValidationFailed) as refused:
        services.cost_split_propose(
            actor=actor("officer"),
            solicitation=cameras,
            method="line_item",
            inputs=line_item_split(cameras),
        )
    assert refused.value.message.startswith("Edit the key dates first: The bid deadline")
    assert refused.value.field == "bids_due_at"
    assert not cameras.split_versions.exists()

    response = api_as("officer").post(
        url(cameras, "cost-split-versions/"),
        {"method": "line_item", "inputs": line_item_split(cameras)},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "bids_due_at"


@pytest.fixture
def approved(actor, cameras, departments):
    version = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    for code in ("TRN", "PSD"):
        services.share_approve(
            actor=actor(f"head.{code.lower()}"), version=version, department=departments[code]
        )
    cameras.refresh_from_db()
    return cameras


def test_an_approved_solicitation_with_good_dates_has_no_blockers(approved, client, personas):
    assert services.publish_blockers(approved) == []
    client.force_login(personas["officer"])
    page = text(client.get(manage(approved, "")))
    assert "It can be published" in page
    assert "Before it can be published" not in page


def test_the_status_panel_never_says_it_can_be_published_when_it_cannot(
    approved, client, personas, api_as
):
    # Time passed since the heads approved: the deadline is now too close.
    Solicitation.objects.filter(pk=approved.pk).update(
        questions_due_at=future(1), bids_due_at=future(2)
    )
    approved.refresh_from_db()

    blockers = services.publish_blockers(approved)
    assert [(b.code, b.field) for b in blockers] == [("bidding_period_too_short", "bids_due_at")]

    client.force_login(personas["officer"])
    response = client.get(manage(approved, ""))
    page = text(response)
    assert "It can be published" not in page
    assert "Before it can be published" in page
    assert 'href="#id_edit-bids_due_at"' in response.content.decode()
    # The confirm page says what stops it and offers no Publish button.
    confirm = client.get(manage(approved, "publish/"))
    assert "This cannot be done yet" in text(confirm)
    assert 'name="confirmed"' not in confirm.content.decode()

    detail = api_as("officer").get(url(approved)).json()
    assert detail["publish_blockers"] == [
        {"code": "bidding_period_too_short", "detail": blockers[0].message, "attr": "bids_due_at"}
    ]


def test_a_draft_lists_everything_still_missing(actor, departments, client, personas):
    draft = create(actor, departments)
    codes = [b.code for b in services.publish_blockers(draft)]
    assert codes[0] == "not_approved"
    assert "invalid" in codes  # a key date is missing
    client.force_login(personas["officer"])
    page = text(client.get(manage(draft, "")))
    assert "Every participating department head must approve the current cost split." in page
    assert "Set every key date before publishing." in page
    assert "It can be published" not in page


@pytest.mark.django_db(transaction=True)
def test_the_workspace_and_the_api_read_the_blockers_outside_a_transaction(
    approved, client, personas, api_as
):
    # A real request runs in autocommit, not in a test's transaction: the split check's row
    # lock must still work there (it once answered 500).
    client.force_login(personas["officer"])
    assert client.get(manage(approved, "")).status_code == 200
    assert client.get(manage(approved, "publish/")).status_code == 200
    assert api_as("officer").get(url(approved)).json()["publish_blockers"] == []
