"""Real Chromium against the live server: signing in, the dashboard, the tenant admin pages and
the audit trail pass axe with no serious or critical finding and fit a 375 px phone.

Screenshots of every page, desktop and phone, land in var/screenshots/ for a human to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import DESKTOP, PHONE, screenshot, serious_violations, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# The tables (not the input grids of a form) whose region scrolls sideways: on a phone each
# must be stacked rows instead, so no column (a status, an amount) is out of sight.
SIDEWAYS_TABLES = """
    [...document.querySelectorAll('.table-wrap')]
        .filter(wrap => !wrap.querySelector('.table--form'))
        .filter(wrap => wrap.scrollWidth > wrap.clientWidth + 1)
        .map(wrap => wrap.getAttribute('aria-label') || wrap.querySelector('caption')?.textContent)
"""


def check_at_both_sizes(page, name: str) -> None:
    """Axe at desktop and phone width, no sideways scrolling on the phone (not of the page,
    not inside a table), a screenshot each."""
    for label, viewport in (("desktop", DESKTOP), ("375px", PHONE)):
        page.set_viewport_size(viewport)
        page.reload()
        assert serious_violations(page) == [], f"{name} at {label}"
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= viewport["width"], f"{name} scrolls sideways at {label}"
        if viewport is PHONE:
            assert page.evaluate(SIDEWAYS_TABLES) == [], f"{name}: tables scroll at {label}"
        screenshot(page, f"{name}-{label}")


def test_officer_signs_in_and_sees_the_dashboard(live_server, page, personas):
    sign_in(page, live_server, "officer")

    # Staff of one city land on its dashboard.
    expect(page).to_have_url(f"{live_server.url}/riverton/")
    expect(page.get_by_role("heading", name="Welcome, Olivia")).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("City of Riverton")
    expect(page.get_by_text("No joint solicitations yet")).to_be_visible()
    # An officer is not a tenant admin: no admin links in the navigation.
    expect(page.get_by_role("navigation", name="City of Riverton")).not_to_contain_text("People")
    check_at_both_sizes(page, "dashboard-officer")


def test_public_pages_are_accessible(live_server, page, personas):
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_at_both_sizes(page, "home")

    page.goto(f"{live_server.url}/accounts/login/")
    check_at_both_sizes(page, "login")

    page.get_by_role("button", name="Sign in").click()  # empty form: the error state
    expect(page.get_by_text("There is a problem")).to_be_visible()
    check_at_both_sizes(page, "login-errors")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("dashboard-admin", "/riverton/"),
        ("departments", "/riverton/departments/"),
        ("department-edit", None),
        ("people", "/riverton/people/"),
        ("person", None),
        ("audit", "/riverton/audit/"),
    ],
)
def test_admin_pages_are_accessible(live_server, page, personas, name, path):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/riverton/people/")
    if name == "person":
        page.get_by_role("link", name="Olivia Officer").click()
    elif name == "department-edit":
        page.goto(f"{live_server.url}/riverton/departments/")
        page.get_by_role("link", name="Transportation").click()
    else:
        page.goto(f"{live_server.url}{path}")

    check_at_both_sizes(page, name)


def test_a_refused_form_is_accessible(live_server, page, personas):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/riverton/departments/new/")

    page.get_by_label("Code", exact=True).fill("TRN")
    page.get_by_label("Name", exact=True).fill("Duplicate")
    page.get_by_role("button", name="Add department").click()

    expect(page.get_by_role("alert")).to_contain_text("already exists")
    expect(page.get_by_label("Code", exact=True)).to_have_value("TRN")
    assert serious_violations(page) == []
    screenshot(page, "department-errors-desktop")


def test_audit_filter_updates_results_in_place_and_the_address(live_server, page, personas):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/riverton/audit/")
    page.evaluate("window.notReloaded = true")  # survives only if htmx swaps in place

    page.get_by_label("Action").select_option("department.create")
    page.get_by_role("button", name="Apply filters").click()

    expect(page).to_have_url(re.compile(r"verb=department\.create"))
    expect(page.locator("#audit-results code.verb")).to_have_count(2)
    assert page.evaluate("window.notReloaded") is True
    expect(page.get_by_text("Chain verified: 16 events intact")).to_be_visible()


def test_refusing_to_revoke_the_last_admin_is_shown_beside_that_role(live_server, page, personas):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/riverton/people/{personas['admin'].pk}/")

    page.get_by_role("button", name="Revoke Tenant admin").click()

    expect(page.get_by_role("alert")).to_contain_text("at least one tenant admin")
    expect(page.locator(".role-list__item--error")).to_contain_text("at least one tenant admin")
    assert serious_violations(page) == []
    screenshot(page, "person-revoke-refused-desktop")
