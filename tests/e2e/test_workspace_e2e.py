"""Real Chromium: the workspace (with its checklist and folded forms), the approval inbox, the
dashboard's "Needs you" and a confirm page pass axe at 1280 and 375 px with no serious or
critical finding (duplicate landmark names included), and nothing scrolls sideways on a phone.
Screenshots land in var/screenshots/."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from procurements import services
from tests.e2e.test_dashboard_e2e import check_at_both_sizes
from tests.factories import build_cameras, line_item_split
from tests.helpers import DESKTOP, PHONE, sign_in


def landmark_findings(page) -> list:
    """Axe's landmark rules at any impact (duplicate or unnamed landmarks are "moderate",
    which serious_violations lets through), at both widths."""
    found = []
    for viewport in (DESKTOP, PHONE):
        page.set_viewport_size(viewport)
        violations = Axe().run(page).response["violations"]
        found += [
            (v["id"], [n["target"] for n in v["nodes"]])
            for v in violations
            if v["id"].startswith("landmark") or v["id"] == "region"
        ]
    return found


pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_workspace_is_accessible_and_folded(live_server, page, proposed):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/riverton/manage/solicitations/{proposed.reference}/")
    expect(page.get_by_role("navigation", name="Progress")).to_contain_text("Waiting for PSD, TRN")
    check_at_both_sizes(page, "workspace-officer")
    assert landmark_findings(page) == []
    page.set_viewport_size(DESKTOP)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4200, f"the workspace is {height} px tall"  # forms and history folded


def test_the_inbox_and_the_dashboard_of_a_head_are_accessible(
    live_server, page, actor, departments, proposed
):
    solicitation = services.solicitation_create(
        actor=actor("officer"), kind="RFP", title="Bus shelters", lead_department=departments["TRN"]
    )
    services.participation_invite(
        actor=actor("officer"), solicitation=solicitation, department=departments["PSD"]
    )
    second = build_cameras(actor, departments)  # two approvals: two split tables on the inbox
    services.cost_split_propose(
        actor=actor("officer"),
        solicitation=second,
        method="line_item",
        inputs=line_item_split(second),
    )
    sign_in(page, live_server, "head.psd")
    expect(page).to_have_url(f"{live_server.url}/riverton/")
    expect(page.get_by_role("region", name="Needs you")).to_contain_text("Invitations to answer")
    check_at_both_sizes(page, "dashboard-head-needs-you")
    assert landmark_findings(page) == []

    page.goto(f"{live_server.url}/riverton/approvals/")
    expect(
        page.get_by_role("button", name=f"Join {solicitation.reference} for PSD")
    ).to_be_visible()
    check_at_both_sizes(page, "inbox-head")
    assert landmark_findings(page) == []

    page.get_by_role("button", name=f"Join {solicitation.reference} for PSD").click()
    expect(page).to_have_url(f"{live_server.url}/riverton/approvals/")
    expect(page.get_by_text("Public Safety joined.")).to_be_visible()


def test_a_draft_workspace_with_the_split_form_open_is_accessible(live_server, page, cameras):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/riverton/manage/solicitations/{cameras.reference}/")
    expect(page.get_by_text("Propose a new version")).to_be_visible()
    check_at_both_sizes(page, "workspace-draft")
    assert landmark_findings(page) == []


def test_a_confirm_page_is_accessible(live_server, page, proposed):
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/riverton/manage/solicitations/{proposed.reference}/")
    page.get_by_role("button", name="Remove Speed sensor").click()
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    check_at_both_sizes(page, "confirm-line-item-remove")
    page.get_by_role("button", name="Remove line item").click()
    expect(page.get_by_text("Line item “Speed sensor” was removed.")).to_be_visible()


def test_a_refused_form_leaves_the_browser_on_the_workspace(live_server, page, cameras):
    workspace = f"{live_server.url}/riverton/manage/solicitations/{cameras.reference}/"
    sign_in(page, live_server, "officer")
    page.goto(workspace)
    page.get_by_text("Add a line item").click()
    page.locator("#id_line-description").fill("Pole mount")
    page.locator("#id_line-quantity").fill("many")
    page.get_by_role("button", name="Add line item").click()

    expect(page).to_have_url(f"{workspace}#line-items")
    expect(page.get_by_role("alert")).to_contain_text("Quantity")
    expect(page.locator("#id_line-quantity")).to_have_value("many")
    expect(page.locator("#id_line-description")).to_have_value("Pole mount")
    page.reload()  # a plain GET: no "resubmit the form?" prompt, and the page as it is
    expect(page.locator("#id_line-quantity")).to_have_value("")
