"""Issue 10's story in real Chromium: a new company registers from the public page, confirms
its e-mail address with the link read from the sent e-mail, signs in, uploads an insurance
certificate, finds the demo solicitation in the portal's search and asks a question; the
officer answers it and publishes an addendum; the company acknowledges the addendum; an
anonymous visitor sees the answer (without the asker) and the addendum. Every screen passes
axe and fits 1280 and 375 px (screenshots in var/screenshots/)."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from p3hub.models import OutboundEmail
from procurements.models import Solicitation
from tests.e2e.test_dashboard_e2e import check_at_both_sizes
from tests.e2e.test_solicitation_story import check_screen, new_page
from tests.e2e.test_vendor_registration_e2e import fill_registration
from tests.factories import PDF_BYTES
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

QUESTION = "Must the cameras record at night in colour, or is infrared acceptable?"
ANSWER = "Infrared is acceptable at night; colour is required from dawn to dusk."
COMPANY = "Crossroads Signal Co."


@pytest.fixture
def cameras(personas):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return Solicitation.objects.get(municipality__slug="riverton", status="published")


def register_and_confirm(page, live_server) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Register your company").first.click()
    fill_registration(page, category="Security and surveillance equipment")
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    sent = OutboundEmail.objects.filter(subject__contains=COMPANY).get()
    path = re.search(r"https?://[^/\s]+(/vendor/confirm/[^/\s]+/)", sent.body).group(1)
    page.goto(f"{live_server.url}{path}")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_role("heading", name=COMPANY)).to_be_visible()
    # Signed out and in again: the confirmed account signs in with its password.
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "casey.cross")
    expect(page).to_have_url(f"{live_server.url}/vendor/")


def upload_insurance(page, tmp_path) -> None:
    certificate = tmp_path / "liability-certificate.pdf"
    certificate.write_bytes(PDF_BYTES)
    page.get_by_role("navigation", name=re.compile("vendor portal")).get_by_role(
        "link", name="Certificates"
    ).click()
    check_at_both_sizes(page, "portal-certificates-empty")
    page.get_by_label("Kind of document").select_option("insurance")
    page.get_by_label("Insurer or certifying agency").fill("Harbor Mutual Insurance")
    page.get_by_label("Policy or certificate number").fill("GL-2027-0042")
    page.get_by_label("Coverage (USD)").fill("1,000,000.00")
    expiry = dt.date.today() + dt.timedelta(days=200)
    page.get_by_label("Expiry date").fill(expiry.isoformat())
    page.get_by_label("File").set_input_files(str(certificate))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".messages .notice--success")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Harbor Mutual Insurance")
    check_at_both_sizes(page, "portal-certificates")


def find_and_ask(page, reference: str) -> None:
    page.get_by_role("navigation", name=re.compile("vendor portal")).get_by_role(
        "link", name="Open solicitations"
    ).click()
    page.get_by_label("Search").fill("cameras")
    page.get_by_label("Category of work").select_option("security")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#solicitation-results")).to_contain_text(reference)
    check_at_both_sizes(page, "portal-search")
    page.locator("#solicitation-results").get_by_role("link", name=reference).click()
    check_at_both_sizes(page, "portal-solicitation")
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_role("button", name="Send question").click()
    expect(page.locator(".messages .notice--success")).to_contain_text("question 2")
    expect(page.locator("#my-questions")).to_contain_text(QUESTION)


def answer_and_publish_addendum(officer, live_server, cameras) -> None:
    sign_in(officer, live_server, "officer")
    officer.goto(f"{live_server.url}/riverton/manage/solicitations/{cameras.reference}/")
    questions = officer.locator("#questions")
    expect(questions).to_contain_text(QUESTION)
    expect(questions).to_contain_text(COMPANY)  # staff see who asked
    questions.get_by_label("Answer").fill(ANSWER)
    questions.get_by_role("button", name="Publish the answer").click()
    expect(officer.locator(".messages .notice--success")).to_be_visible()
    addenda = officer.locator("#addenda")
    addenda.locator("summary").filter(has_text="Publish addendum 2").click()
    addenda.get_by_label("Title").fill("Deadline extended by a week")
    addenda.get_by_label("Text").fill("Bids are now due a week later; the opening moves too.")
    zone = cameras.municipality.zone
    due = (cameras.bids_due_at + dt.timedelta(days=7)).astimezone(zone)
    opening = (cameras.opening_at + dt.timedelta(days=7)).astimezone(zone)
    addenda.get_by_label("New bid deadline").fill(due.strftime("%Y-%m-%dT%H:%M"))
    addenda.get_by_label("New bid opening").fill(opening.strftime("%Y-%m-%dT%H:%M"))
    addenda.get_by_role("button", name="Publish addendum").click()
    published = officer.locator(".messages .notice--success")
    expect(published).to_contain_text("Addendum 2 was published")
    check_screen(officer, "workspace-questions-addenda")


def acknowledge(page) -> None:
    page.get_by_role("navigation", name=re.compile("vendor portal")).get_by_role(
        "link", name="Addenda"
    ).click()
    pending = page.locator("section").filter(has_text="To acknowledge")
    expect(pending).to_contain_text("Addendum 2")
    check_at_both_sizes(page, "portal-addenda-pending")
    pending.get_by_role("link", name=re.compile("Addendum 2")).click()
    page.get_by_role("button", name="Acknowledge addendum 2").click()
    expect(page.locator(".messages .notice--success")).to_contain_text("acknowledged addendum 2")
    expect(page.locator("#addenda")).to_contain_text("Acknowledged on")
    check_at_both_sizes(page, "portal-solicitation-acknowledged")


def test_a_new_company_asks_the_officer_answers_and_amends_and_the_public_reads(
    live_server, browser, cameras, tmp_path
):
    vendor = new_page(browser)
    register_and_confirm(vendor, live_server)
    upload_insurance(vendor, tmp_path)
    find_and_ask(vendor, cameras.reference)

    officer = new_page(browser)
    answer_and_publish_addendum(officer, live_server, cameras)

    acknowledge(vendor)

    visitor = new_page(browser)
    visitor.goto(f"{live_server.url}/riverton/solicitations/{cameras.reference}/")
    main = visitor.locator("main")
    expect(main).to_contain_text(ANSWER)
    expect(main).to_contain_text("Addendum 2: Deadline extended by a week")
    for asker in (COMPANY, "Casey", "casey.cross", "Acme"):
        expect(main).not_to_contain_text(asker)
    check_at_both_sizes(visitor, "public-answers-and-addenda")
