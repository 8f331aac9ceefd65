"""Issue 9's story in real Chromium: the officer creates a solicitation to be published next
week and invites PSD; PSD's head finds the invitation on the dashboard and joins; the officer
proposes a split; TRN's head approves and PSD's head rejects it with a reason; the officer sees
"Rejected by PSD" and the reason, edits the split and proposes again, confirming that TRN's
approval is discarded; both heads approve, each choosing the fund code; the officer publishes
(confirming) and sees it scheduled; the database clock passes the publish date and an
anonymous visitor finds it; the officer cancels it (confirming) and the public page shows the
notice. Every screen passes axe and fits 1280 and 375 px (screenshots in var/screenshots/).
"""

import datetime as dt

import pytest
from django.db.models.functions import Now
from playwright.sync_api import expect

from procurements.models import Solicitation
from tests.e2e.test_solicitation_story import (
    TITLE,
    add_line_item,
    check_screen,
    create_solicitation,
    new_page,
    preview_and_propose,
    set_criteria,
)
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "PSD pays for the cameras only at the intersection it patrols: at most 40%."


def reject_in_inbox(page, live_server, reference: str) -> None:
    page.goto(f"{live_server.url}/riverton/approvals/")
    approval = page.locator("article.approval").filter(has_text=reference)
    approval.locator("summary").filter(has_text="Reject").click()
    approval.get_by_label("Reason").fill(REASON)
    approval.get_by_role("button", name="Reject version 1").click()
    expect(page.locator(".notice--success")).to_contain_text("rejected")


def approve_with_fund_code(page, live_server, reference: str, code: str, fund_code: str):
    page.goto(f"{live_server.url}/riverton/approvals/")
    approval = page.locator("article.approval").filter(has_text=reference)
    expect(approval).to_contain_text("version 2", ignore_case=True)
    approval.get_by_label("Fund code").select_option(fund_code)
    check_screen(page, f"daily-inbox-{code.lower()}-v2")
    approval.get_by_role("button", name=f"Approve {code} share").click()
    expect(page.locator(".notice--success")).to_contain_text(f"You approved the {code} share")


def propose_again_confirming_the_discard(officer) -> None:
    details = officer.locator("#cost-split details").first
    if not details.evaluate("el => el.open"):
        details.locator("summary").first.click()
    officer.get_by_label("Traffic camera: TRN (%)").fill("60")
    officer.get_by_label("Traffic camera: PSD (%)").fill("40")
    officer.get_by_role("button", name="Propose this split").click()
    expect(officer.locator("main")).to_contain_text("TRN's approval of version 1 will be discarded")
    check_screen(officer, "daily-confirm-propose")
    officer.get_by_role("button", name="Propose the new version").click()
    expect(officer.locator(".notice--success")).to_contain_text("Version 2 of the cost split")


def test_a_week_of_daily_work_from_invitation_to_public_cancellation(
    live_server, browser, personas
):
    officer = new_page(browser)
    sign_in(officer, live_server, "officer")
    reference = create_solicitation(officer, live_server, publish_in_days=7)
    manage_url = officer.url
    officer.get_by_label("Department", exact=True).select_option(label="Public Safety (PSD)")
    officer.get_by_role("button", name="Invite department").click()
    expect(officer.locator(".notice--success")).to_contain_text("Public Safety")

    # PSD's head lands on the dashboard, where the invitation waits under "Needs you".
    head_psd = new_page(browser)
    sign_in(head_psd, live_server, "head.psd")
    head_psd.goto(f"{live_server.url}/riverton/")
    needs = head_psd.locator("section.needs-you")
    expect(needs).to_contain_text(reference)
    check_screen(head_psd, "daily-dashboard-invitation")
    needs.get_by_role("button", name=f"Join {reference} for PSD").click()
    expect(head_psd.locator(".notice--success")).to_contain_text("Public Safety joined")

    officer.goto(manage_url)
    add_line_item(officer, "Traffic camera", "4", "2500.00")
    add_line_item(officer, "Speed sensor", "2", "1200.00")
    set_criteria(officer)
    preview_and_propose(officer)

    head_trn = new_page(browser)
    sign_in(head_trn, live_server, "head.trn")
    head_trn.goto(f"{live_server.url}/riverton/approvals/")
    head_trn.locator("article.approval").filter(has_text=reference).get_by_role(
        "button", name="Approve TRN share"
    ).click()
    expect(head_trn.locator(".notice--success")).to_contain_text("You approved the TRN share")
    reject_in_inbox(head_psd, live_server, reference)

    # The officer sees who rejected and why, in the status and in the list.
    officer.goto(manage_url)
    expect(officer.locator("#status")).to_contain_text("Rejected by PSD")
    expect(officer.locator("#status")).to_contain_text(REASON)
    check_screen(officer, "daily-workspace-rejected")
    propose_again_confirming_the_discard(officer)

    approve_with_fund_code(head_trn, live_server, reference, "TRN", "100-TRN-CAP")
    approve_with_fund_code(head_psd, live_server, reference, "PSD", "200-PSD-OPS")

    officer.goto(manage_url)
    expect(officer.locator("#cost-split")).to_contain_text("200-PSD-OPS")
    officer.get_by_role("link", name="Publish…").click()
    expect(officer.locator("main")).to_contain_text("It becomes public on")
    check_screen(officer, "daily-confirm-publish")
    officer.get_by_role("button", name="Publish").click()
    expect(officer.locator("#status")).to_contain_text("Scheduled for")
    check_screen(officer, "daily-workspace-scheduled")

    # Not public before its date; the database clock then passes it (no worker runs).
    visitor = new_page(browser)
    public_url = f"{live_server.url}/riverton/solicitations/{reference}/"
    assert visitor.goto(public_url).status == 404
    Solicitation.objects.filter(reference=reference).update(
        publish_at=Now() - dt.timedelta(minutes=1), published_at=Now() - dt.timedelta(minutes=1)
    )
    visitor.goto(f"{live_server.url}/riverton/solicitations/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    check_screen(visitor, "daily-public-published")

    # The officer cancels; the public page keeps the notice, its date and reason.
    officer.goto(manage_url)
    officer.locator("#status summary").filter(has_text="Cancel").click()
    officer.locator("#status").get_by_label("Reason").fill("The intersection is being rebuilt.")
    officer.get_by_role("button", name="Cancel solicitation").click()
    check_screen(officer, "daily-confirm-cancel")
    officer.get_by_role("button", name="Cancel solicitation").click()
    expect(officer.locator("#status")).to_contain_text("Cancelled")

    assert visitor.goto(public_url).status == 200
    expect(visitor.locator("main")).to_contain_text("cancelled", ignore_case=True)
    expect(visitor.locator("main")).to_contain_text("The intersection is being rebuilt.")
    check_screen(visitor, "daily-public-cancelled")
