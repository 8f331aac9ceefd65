"""The issue's story in real Chromium: the officer creates a joint solicitation for intersection
cameras with TRN and PSD, previews and proposes a by-line-item split, both heads approve in
their inboxes, the officer publishes (confirming) and sees it scheduled for its publish date,
the database clock passes that date, and an anonymous visitor finds it on the public lists.

Every screen passes axe with no serious or critical finding and fits a 375 px phone; screenshots
land in var/screenshots/story-*.png for a human to look at.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from django.db.models.functions import Now
from playwright.sync_api import expect

from p3hub.money import format_money
from procurements.models import Solicitation
from tests.helpers import (
    DESKTOP,
    PHONE,
    screenshot,
    serious_violations,
    sign_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RIVERTON = zoneinfo.ZoneInfo("America/Chicago")
TITLE = "Intersection cameras at Main St & Elm St"


def local(days: int) -> str:
    """A datetime-local value `days` from now, in Riverton's time."""
    when = dt.datetime.now(RIVERTON).replace(hour=10, minute=0) + dt.timedelta(days=days)
    return when.strftime("%Y-%m-%dT%H:%M")


def check_screen(page, name: str) -> None:
    """Axe and a screenshot at desktop width, then the same at 375 px with no sideways
    scrolling. No reload: the screen may be the result of an htmx swap."""
    for label, viewport in (("desktop", DESKTOP), ("375px", PHONE)):
        page.set_viewport_size(viewport)
        assert serious_violations(page) == [], f"{name} at {label}"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], f"{name} scrolls sideways at {label}"
        screenshot(page, f"story-{name}-{label}")
    page.set_viewport_size(DESKTOP)


def create_solicitation(page, live_server, *, publish_in_days: int = 1) -> str:
    page.get_by_role("navigation", name="City of Riverton").get_by_role(
        "link", name="Solicitations"
    ).click()
    page.get_by_role("link", name="New solicitation").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Description").fill("Cameras and speed sensors at one intersection.")
    page.get_by_label("Lead department").select_option(label="Transportation (TRN)")
    dates = (("Publish on", publish_in_days), ("Questions due", 10), ("Bids due", 20))
    for label, days in dates:
        page.get_by_label(label).fill(local(days))
    page.get_by_label("Bid opening").fill(local(21))
    check_screen(page, "create")
    page.get_by_role("button", name="Create draft").click()
    expect(page.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    return page.locator(".page-header__caption").inner_text().split(" · ")[0]


def add_line_item(page, description, quantity, price) -> None:
    details = page.locator("#line-items details")
    if not details.evaluate("el => el.open"):
        details.locator("summary").click()
    details.get_by_label("Description").fill(description)
    details.get_by_label("Quantity").fill(quantity)
    details.get_by_label("Site").fill("Main St & Elm St")
    details.get_by_label("Estimated unit price").fill(price)
    details.get_by_role("button", name="Add line item").click()
    expect(page.locator(".notice--success")).to_contain_text(description)


def set_criteria(page) -> None:
    page.get_by_label("Criterion 1: Name").fill("Price")
    page.get_by_label("Criterion 1: Weight (%)").fill("40")
    page.get_by_label("Criterion 1: Price criterion").check()
    page.get_by_label("Criterion 2: Name").fill("Technical approach")
    page.get_by_label("Criterion 2: Weight (%)").fill("60")
    page.get_by_role("button", name="Save criteria").click()
    expect(page.locator(".notice--success")).to_contain_text("criteria were saved")


def preview_and_propose(page) -> None:
    page.get_by_label("By line item").check()
    page.get_by_label("Traffic camera: TRN (%)").fill("50")
    page.get_by_label("Traffic camera: PSD (%)").fill("50")
    page.get_by_label("Speed sensor: TRN (%)").fill("100")
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps in place
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#split-preview")
    expect(preview).to_contain_text("Preview — not saved")
    expect(preview.locator("tfoot")).to_contain_text(format_money(500_000, "USD"))
    expect(preview.locator("tfoot")).to_contain_text(format_money(740_000, "USD"))
    assert page.evaluate("window.notReloaded") is True
    page.locator("#split-preview").scroll_into_view_if_needed()
    check_screen(page, "cost-split-preview")
    page.get_by_role("button", name="Propose this split").click()
    expect(page.locator(".notice--success")).to_contain_text("Version 1 of the cost split")


def approve_in_inbox(page, live_server, reference: str, department: str, share: str) -> None:
    page.goto(f"{live_server.url}/riverton/")
    page.get_by_role("link", name="Approvals").first.click()
    approval = page.locator("article.approval").filter(has_text=reference)
    expect(approval.locator(".approval__share-amount")).to_have_text(share)
    check_screen(page, f"inbox-{department.lower()}")
    approval.get_by_role("button", name=f"Approve {department} share").click()
    expect(page.locator(".notice--success")).to_contain_text(f"You approved the {department} share")


def new_page(browser):
    page = browser.new_context(viewport=DESKTOP).new_page()
    page.set_default_timeout(10_000)  # a missing element fails in seconds, not half a minute
    return page


def test_officer_heads_and_public_through_the_joint_solicitation(live_server, browser, personas):
    officer = new_page(browser)
    sign_in(officer, live_server, "officer")
    officer.goto(f"{live_server.url}/riverton/")
    reference = create_solicitation(officer, live_server)
    manage_url = officer.url

    # The officer invites PSD; PSD's head joins from the same page in their own browser.
    officer.get_by_label("Department", exact=True).select_option(label="Public Safety (PSD)")
    officer.get_by_role("button", name="Invite department").click()
    head_psd = new_page(browser)
    sign_in(head_psd, live_server, "head.psd")
    head_psd.goto(manage_url)
    head_psd.get_by_role("button", name="Join for PSD").click()
    expect(head_psd.locator(".notice--success")).to_contain_text("Public Safety joined")

    officer.reload()
    add_line_item(officer, "Traffic camera", "4", "2500.00")
    add_line_item(officer, "Speed sensor", "2", "1200.00")
    set_criteria(officer)
    preview_and_propose(officer)
    check_screen(officer, "workspace-in-approval")

    head_trn = new_page(browser)
    sign_in(head_trn, live_server, "head.trn")
    approve_in_inbox(head_trn, live_server, reference, "TRN", format_money(740_000, "USD"))
    approve_in_inbox(head_psd, live_server, reference, "PSD", format_money(500_000, "USD"))

    officer.reload()
    officer.get_by_role("link", name="Publish…").click()
    expect(officer.get_by_role("heading", level=1, name=f"Publish {reference}?")).to_be_visible()
    expect(officer.locator("main")).to_contain_text("It becomes public on")
    check_screen(officer, "confirm-publish")
    officer.get_by_role("button", name="Publish").click()
    expect(officer.locator(".notice--success")).to_contain_text(f"{reference} is scheduled")
    expect(officer.locator("#status")).to_contain_text("Scheduled for")
    check_screen(officer, "workspace-scheduled")

    # The database clock passes the publish date (a plain UPDATE: no worker runs).
    Solicitation.objects.filter(reference=reference).update(
        publish_at=Now() - dt.timedelta(minutes=1), published_at=Now() - dt.timedelta(minutes=1)
    )

    # An anonymous visitor finds it on the home page and the city's list, and opens it.
    visitor = new_page(browser)
    visitor.goto(f"{live_server.url}/")
    expect(visitor.get_by_role("link", name=reference)).to_be_visible()
    check_screen(visitor, "home")
    visitor.get_by_role("link", name="Published solicitations in riverton").click()
    expect(visitor).to_have_url(re.compile(r"/riverton/solicitations/$"))
    visitor.get_by_label("Search").fill("cameras")
    visitor.get_by_role("button", name="Search").click()
    expect(visitor.locator("#solicitation-results")).to_contain_text("Showing solicitations 1")
    expect(visitor.get_by_role("link", name=reference)).to_be_visible()
    check_screen(visitor, "public-list")
    visitor.get_by_role("link", name=reference).click()
    expect(visitor.get_by_role("heading", level=1, name=TITLE)).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Public Safety (PSD)")
    expect(visitor.locator("main")).to_contain_text("Main St & Elm St")
    expect(visitor.locator("main")).to_contain_text("Central Time")
    check_screen(visitor, "public-detail")
