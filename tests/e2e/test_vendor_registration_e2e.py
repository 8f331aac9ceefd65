"""Real Chromium: a company registers from the public page, confirms its address with the link
read from the sent e-mail and lands on the portal; the pages pass axe and fit 375 px."""

import re

import pytest
from playwright.sync_api import expect

from p3hub.models import OutboundEmail
from tests.e2e.test_dashboard_e2e import check_at_both_sizes
from tests.helpers import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fill_registration(page, *, category: str) -> None:
    """Crossroads Signal Co. and Casey Cross, its first user, registering for `category`."""
    page.get_by_label("Company name").fill("Crossroads Signal Co.")
    page.get_by_label("Tax id").fill("12-3456789")
    page.get_by_label("Business address").fill("100 Main St, Riverton")
    page.get_by_label("Contact e-mail").fill("bids@crossroads.example")
    page.get_by_label("Contact telephone").fill("+1 555 010 0000")
    page.get_by_label(category).check()
    page.get_by_label("Your first name").fill("Casey")
    page.get_by_label("Your last name").fill("Cross")
    page.get_by_label("Your e-mail address").fill("casey@crossroads.example")
    page.get_by_label("Username").fill("casey.cross")
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_label("Password again").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Register").click()


def test_a_company_registers_confirms_and_lands_on_the_portal(live_server, page, personas):
    page.goto(f"{live_server.url}/vendor/register/")
    check_at_both_sizes(page, "vendor-register")

    page.get_by_role("button", name="Register").click()  # empty: every error at once
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_at_both_sizes(page, "vendor-register-errors")

    fill_registration(page, category="Traffic control and signals")

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    check_at_both_sizes(page, "vendor-registered")
    sent = OutboundEmail.objects.filter(subject__contains="Crossroads Signal Co.").get()
    path = re.search(r"https?://[^/\s]+(/vendor/confirm/[^/\s]+/)", sent.body).group(1)

    page.get_by_role("link", name="ask for a new link").click()
    page.get_by_label("Your e-mail address").fill("casey@crossroads.example")
    page.get_by_role("button", name="Send a new link").click()
    expect(page.get_by_role("status")).to_contain_text("a new link is on its way")
    check_at_both_sizes(page, "vendor-new-link")

    page.goto(f"{live_server.url}{path}")  # the first link still works until it is used
    check_at_both_sizes(page, "vendor-confirm")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page).to_have_url(f"{live_server.url}/vendor/")
    expect(page.get_by_role("heading", name="Crossroads Signal Co.")).to_be_visible()
    check_at_both_sizes(page, "vendor-portal")
