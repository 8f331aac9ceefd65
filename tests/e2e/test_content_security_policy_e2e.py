"""Real Chromium reports no Content-Security-Policy violation on the main pages, their htmx
swaps, and the API docs (Swagger UI from this server): the policy allows nothing inline, so
this is where an inline script, style or handler would show."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from procurements.models import Solicitation
from tests.helpers import screenshot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Playwright's init scripts run outside the page's policy: they record what the page does.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} at ` +
    `${event.sourceFile}:${event.lineNumber}`
  );
});
"""


@pytest.fixture
def demo(personas):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return Solicitation.objects.filter(municipality__slug="riverton")


@pytest.fixture
def watched(page):
    """The page, recording violations from the DOM event and from Chromium's console."""
    console = []
    page.on(
        "console",
        lambda message: (
            console.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    page.console_violations = console
    return page


def violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations") + page.console_violations


def visit(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    page.wait_for_load_state("networkidle")
    assert violations(page) == [], url


def test_public_pages_and_the_sign_in_page(live_server, watched, demo):
    published = demo.get(status="published")
    for path in (
        "/",
        "/riverton/solicitations/",
        f"/riverton/solicitations/{published.reference}/",
        "/accounts/login/",
        "/accounts/password-reset/",
    ):
        visit(watched, f"{live_server.url}{path}")

    # An htmx swap of the filtered results.
    watched.goto(f"{live_server.url}/riverton/solicitations/")
    watched.get_by_label("Search").fill("camera")
    watched.get_by_role("button", name="Search").click()
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


def test_staff_pages_and_their_htmx_swaps(live_server, watched, demo):
    sign_in(watched, live_server, "admin")
    draft = demo.exclude(status="published").first()
    for path in (
        "/riverton/",
        "/riverton/manage/solicitations/",
        f"/riverton/manage/solicitations/{draft.reference}/",
        "/riverton/approvals/",
        "/riverton/departments/",
        "/riverton/people/",
        "/riverton/audit/",
        "/accounts/password-change/",
    ):
        visit(watched, f"{live_server.url}{path}")

    # The audit trail's filter swaps its results in with htmx.
    watched.goto(f"{live_server.url}/riverton/audit/")
    watched.get_by_role("button", name="Apply filters").click()
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []


def test_the_api_docs(live_server, watched, personas):
    visit(watched, f"{live_server.url}/api/docs/")

    # Swagger UI started (its script is a file of ours) and drew the schema it fetched.
    expect(watched.locator(".swagger-ui .info .title")).to_contain_text("P3 Hub API")
    watched.locator(".opblock-tag").first.click()
    watched.locator(".opblock-summary").first.click()
    expect(watched.locator(".opblock-body").first).to_be_visible()
    watched.wait_for_load_state("networkidle")
    assert violations(watched) == []
    screenshot(watched, "api-docs")


def test_a_violation_would_be_seen(live_server, watched, personas):
    # The check above is only worth something if it can fail: an inline script is refused.
    visit(watched, f"{live_server.url}/")
    watched.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    watched.wait_for_timeout(200)
    assert watched.evaluate("window.ran") is None
    assert any("script-src" in line for line in violations(watched))
