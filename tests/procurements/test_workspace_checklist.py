"""The workspace starts with a progress checklist (departments joined, line items, criteria,
split proposed, approvals and who is left, publish), each step linking to its section; its
long forms stay folded until used, and a form with errors opens."""

import re
from html import unescape

import pytest

from procurements import selectors, services
from tests.helpers import manage, shown_again

pytestmark = pytest.mark.django_db


def steps(response) -> list[str]:
    """Each checklist step as read aloud: label, done or not, detail."""
    html = response.content.decode()
    block = re.search(r'<nav class="checklist".*?</nav>', html, re.S)
    assert block, "no checklist"
    items = re.findall(r"<li[^>]*>(.*?)</li>", block.group(0), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", item)).split()) for item in items]


def test_a_new_draft_has_everything_to_do(client, personas, actor, departments):
    solicitation = services.solicitation_create(
        actor=actor("officer"), kind="RFP", title="Bus shelters", lead_department=departments["TRN"]
    )
    client.force_login(personas["officer"])
    response = client.get(manage(solicitation))
    assert steps(response) == [
        "1 Departments joined : not done. Joined: TRN",
        "2 Line items : not done. None yet",
        "3 Evaluation criteria : not done. None yet",
        "4 Cost split proposed : not done. No version in force",
        "5 Approvals : not done. After a split is proposed",
        "6 Published : not done. Not yet",
    ]
    html = response.content.decode()
    for section in ("participants", "line-items", "criteria", "cost-split", "status"):
        assert f'href="#{section}"' in html


def test_the_checklist_says_who_is_left_to_approve(client, personas, actor, departments, proposed):
    version = proposed.split_versions.get()
    services.share_approve(actor=actor("head.psd"), version=version, department=departments["PSD"])
    client.force_login(personas["head.psd"])
    assert steps(client.get(manage(proposed))) == [
        "✓ Departments joined : done. Joined: PSD, TRN",
        "✓ Line items : done. 2 line items",
        "✓ Evaluation criteria : done. 2 criteria",
        "✓ Cost split proposed : done. Version 1",
        "5 Approvals : not done. Waiting for TRN",
        "6 Published : not done. Not yet",
    ]


def test_an_invited_department_keeps_the_first_step_open(client, personas, actor, departments):
    solicitation = services.solicitation_create(
        actor=actor("officer"), kind="RFP", title="Bus shelters", lead_department=departments["TRN"]
    )
    services.participation_invite(
        actor=actor("officer"), solicitation=solicitation, department=departments["PSD"]
    )
    client.force_login(personas["officer"])
    assert steps(client.get(manage(solicitation)))[0] == (
        "1 Departments joined : not done. Waiting for PSD to answer"
    )


def disclosure_open(html: str, summary: str) -> bool:
    match = re.search(rf"<details([^>]*)>\s*<summary>{re.escape(summary)}</summary>", html)
    assert match, f"no folded form “{summary}”"
    return "open" in match.group(1)


def test_forms_stay_folded_until_used_and_open_with_errors(client, personas, proposed):
    client.force_login(personas["officer"])
    html = client.get(manage(proposed)).content.decode()
    assert not disclosure_open(html, "Propose a new version")
    assert not disclosure_open(html, "Edit the criteria")
    assert not disclosure_open(html, "Add a line item")
    assert not disclosure_open(html, "Edit the overview and key dates")

    response = client.post(manage(proposed, "line-items/new/"), {"description": ""})
    assert response.status_code == 303
    response = shown_again(client, response)
    assert disclosure_open(response.content.decode(), "Add a line item")

    response = client.post(
        manage(proposed, "cost-split-versions/preview/"), {"method": "percentage"}
    )
    assert response.status_code == 400
    assert disclosure_open(response.content.decode(), "Propose a new version")


def test_the_history_shows_the_latest_five_changes_and_folds_the_rest(client, personas, proposed):
    client.force_login(personas["officer"])
    html = client.get(manage(proposed)).content.decode()
    history = html[html.index('id="history-title"') :]
    latest = history[: history.index("earlier change")]
    assert latest.count("<tr>") - 1 == 5  # the header row, then five changes
    assert "proposed cost split version 1" in latest  # newest first
    earlier = selectors.solicitation_history(proposed).count() - 5
    assert not disclosure_open(history, f"Show {earlier} earlier changes")
