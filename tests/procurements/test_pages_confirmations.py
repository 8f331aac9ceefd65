"""Removing a line item, removing a department that joined and proposing a version that ends
the one in force ask first and say what will be undone; only a confirmed POST acts. Without
JavaScript: the workspace's buttons post, and the answer is the confirm page."""

import pytest

from procurements import services
from procurements.models import CostSplitVersion, Participation
from tests.factories import line_item_split
from tests.helpers import database_state, manage, page_text, shown_again

pytestmark = pytest.mark.django_db


def asks_first(client, url: str, data: dict | None = None) -> str:
    """POST without confirmation: the confirm page, nothing changed. Returns its text."""
    before = database_state()
    response = client.post(url, data or {})
    assert response.status_code == 200
    assert 'name="confirmed" value="1"' in response.content.decode()
    assert database_state() == before
    return page_text(response)


def test_removing_a_line_item_asks_first_then_removes_it(client, personas, cameras):
    client.force_login(personas["officer"])
    url = manage(cameras, f"line-items/{cameras.sensor.pk}/remove/")

    shown = asks_first(client, url)
    assert f"Remove “Speed sensor” from {cameras.reference}?" in shown
    assert "Line item 2, “Speed sensor”, is removed" in shown
    assert page_text(client.get(url)) == shown  # a link to the step shows the same page

    response = client.post(url, {"confirmed": "1"})
    assert response.status_code == 302
    assert not cameras.line_items.filter(pk=cameras.sensor.pk).exists()


def test_removing_a_line_item_of_a_split_says_the_approvals_are_discarded(
    client, personas, actor, departments, proposed
):
    version = proposed.split_versions.get()
    services.share_approve(actor=actor("head.psd"), version=version, department=departments["PSD"])
    client.force_login(personas["officer"])
    shown = asks_first(client, manage(proposed, f"line-items/{proposed.sensor.pk}/remove/"))
    assert "PSD's approval of version 1 will be discarded." in shown
    assert "TRN will no longer be asked to decide on version 1." in shown


def test_removing_a_department_that_joined_asks_first(client, personas, departments, proposed):
    psd = proposed.participations.get(department=departments["PSD"])
    client.force_login(personas["officer"])
    url = manage(proposed, f"participations/{psd.pk}/withdraw/")

    shown = asks_first(client, url)
    assert f"Remove Public Safety (PSD) from {proposed.reference}?" in shown
    assert "Public Safety no longer takes part and shares none of the cost." in shown
    assert "The solicitation goes back to approval" in shown

    assert client.post(url, {"confirmed": "1"}).status_code == 302
    psd.refresh_from_db()
    assert psd.status == Participation.Status.WITHDRAWN


def test_proposing_over_a_version_in_force_names_the_approvals_discarded(
    client, personas, actor, departments, proposed
):
    version = proposed.split_versions.get()
    services.share_approve(actor=actor("head.psd"), version=version, department=departments["PSD"])
    client.force_login(personas["officer"])
    url = manage(proposed, "cost-split-versions/new/")
    typed = {"method": "percentage", "percentages.TRN": "60", "percentages.PSD": "40"}

    shown = asks_first(client, url, typed)
    assert "PSD's approval of version 1 will be discarded." in shown
    html = client.post(url, typed).content.decode()
    assert 'type="hidden" name="percentages.TRN" value="60"' in html  # what was typed travels

    response = client.post(url, {**typed, "confirmed": "1"})
    assert response.status_code == 302
    statuses = dict(proposed.split_versions.values_list("number", "status"))
    assert statuses == {1: CostSplitVersion.Status.SUPERSEDED, 2: CostSplitVersion.Status.PROPOSED}


def test_proposing_after_a_rejection_names_the_approvals_the_rejected_version_had(
    client, personas, actor, departments, proposed
):
    version = proposed.split_versions.get()
    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])
    services.share_reject(
        actor=actor("head.psd"), version=version, department=departments["PSD"], reason="Too much"
    )
    client.force_login(personas["officer"])
    url = manage(proposed, "cost-split-versions/new/")
    typed = {"method": "percentage", "percentages.TRN": "60", "percentages.PSD": "40"}

    shown = asks_first(client, url, typed)
    assert "TRN's approval of version 1 will be discarded." in shown
    assert "PSD" not in shown.split("will be discarded")[0].rsplit("<li", 1)[-1]
    assert client.post(url, {**typed, "confirmed": "1"}).status_code == 302
    assert proposed.split_versions.filter(number=2).exists()


def test_the_first_version_is_proposed_without_a_confirm_step(client, personas, cameras):
    client.force_login(personas["officer"])
    inputs = {
        f"lines.{line}.{code}": value
        for line, shares in line_item_split(cameras)["lines"].items()
        for code, value in shares.items()
    }
    response = client.post(
        manage(cameras, "cost-split-versions/new/"), {"method": "line_item", **inputs}
    )
    assert response.status_code == 302
    assert cameras.split_versions.count() == 1


def test_a_refusal_shows_on_the_workspace_not_a_confirm_page(client, personas, proposed):
    # The lead department can never be removed: the dry run finds the refusal first.
    lead = proposed.participations.get(department=proposed.lead_department)
    client.force_login(personas["officer"])
    before = database_state()
    response = client.post(manage(proposed, f"participations/{lead.pk}/withdraw/"))
    assert response.status_code == 303
    response = shown_again(client, response)
    assert "The lead department always takes part." in page_text(response)
    assert 'name="confirmed"' not in response.content.decode()
    assert database_state() == before


def test_an_outsider_gets_no_confirm_page(client, personas, cameras):
    client.force_login(personas["officer.lakeside"])
    url = manage(cameras, f"line-items/{cameras.sensor.pk}/remove/")
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirmed": "1"}).status_code == 404
