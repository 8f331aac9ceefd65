"""Issue 12's story in real Chromium, on the demo's opened streetlights (Acme 58,200.00,
Beacon 58,440.00; price weighted 40, technical approach 60; split 70/30): the officer appoints
`evaluator` and finds both bids responsive; the evaluator sees no bid before declaring, then
declares no conflict and scores; the officer closes the evaluation and proposes the award to
the top-ranked Acme; head.trn and head.psd approve their exact amounts from the inbox; the
public reads the award notice and vendor.beacon its rank. Every screen passes axe and fits
1280 and 375 px (screenshots in var/screenshots/)."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from procurements.demo import STREETLIGHTS
from procurements.models import Award, Solicitation
from tests.e2e.test_solicitation_story import check_screen, new_page
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COMPANIES = ("Acme Traffic Systems", "Beacon Safety Technologies")
POINTS = {"Acme Traffic Systems": "85", "Beacon Safety Technologies": "70"}


@pytest.fixture
def streetlights(personas):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return Solicitation.objects.get(municipality__slug="riverton", title=STREETLIGHTS)


def officer_prepares(officer, evaluation_url) -> None:
    officer.goto(evaluation_url)
    officer.get_by_label("Person").select_option(label="Evan Lowe")
    officer.get_by_role("button", name="Appoint evaluator").click()
    expect(officer.locator("#committee-title")).to_be_visible()
    expect(officer.locator("main")).to_contain_text("Evan Lowe")
    for company in COMPANIES:
        decision = officer.get_by_role("group", name=f"Decision on the bid of {company}")
        decision.get_by_label("Responsive", exact=True).check()
        officer.get_by_role("button", name=f"Save the decision on {company}").click()
        expect(officer.locator(".messages .notice--success")).to_be_visible()
    check_screen(officer, "evaluation-officer")


def evaluator_declares_and_scores(evaluator, live_server, evaluation_url) -> None:
    sheet_url = evaluation_url + "sheet/"
    # Before the declaration there is no bid to see.
    assert evaluator.goto(sheet_url).status == 404
    evaluator.goto(evaluation_url + "declaration/")
    for company in COMPANIES:
        evaluator.get_by_role("group", name=company).get_by_label("No conflict").check()
    evaluator.get_by_label("Your full name").fill("Evan Lowe")
    check_screen(evaluator, "evaluation-declaration")
    evaluator.get_by_role("button", name="Sign the declaration").click()
    expect(evaluator.get_by_role("heading", name="Your score sheet", exact=True)).to_be_visible()
    expect(evaluator.locator("main")).to_contain_text("58,200.00")  # cleared: the bids show
    # A score out of range comes back on its field, with what was typed.
    acme_points = evaluator.get_by_label("Points for Technical approach, Acme Traffic Systems")
    acme_points.fill("101")
    evaluator.get_by_role("button", name="Save my scores").click()
    expect(acme_points).to_have_value("101")
    for company, points in POINTS.items():
        evaluator.get_by_label(f"Points for Technical approach, {company}").fill(points)
    evaluator.get_by_role("button", name="Save my scores").click()
    expect(evaluator.locator(".messages .notice--success")).to_be_visible()
    check_screen(evaluator, "evaluation-sheet")
    evaluator.get_by_role("button", name="Submit my score sheet…").click()
    evaluator.get_by_role("button", name="Submit my score sheet").click()  # the confirm step
    expect(evaluator.locator(".messages .notice--success")).to_be_visible()


def officer_closes_and_proposes(officer, evaluation_url) -> None:
    officer.goto(evaluation_url)
    expect(officer.get_by_role("heading", name="Committee view")).to_be_visible()
    check_screen(officer, "evaluation-committee")
    officer.get_by_role("link", name="Close the evaluation…").click()
    officer.get_by_role("button", name="Close the evaluation").click()  # the confirm step
    expect(officer.get_by_role("heading", name="The evaluation is closed")).to_be_visible()
    officer.get_by_role("link", name="Go to the award").click()
    expect(officer.get_by_role("heading", name="Propose the award")).to_be_visible()
    expect(officer.get_by_label(re.compile("^Acme Traffic Systems"))).to_be_checked()  # top
    check_screen(officer, "award-propose")
    officer.get_by_role("button", name="Propose the award").click()
    expect(officer.locator("main")).to_contain_text("Award 1: Acme Traffic Systems")


def head_approves(browser, live_server, username: str, code: str, amount: str) -> None:
    head = new_page(browser)
    sign_in(head, live_server, username)
    head.goto(f"{live_server.url}/riverton/approvals/")
    expect(head.locator("#award-pending-title")).to_be_visible()
    expect(head.locator("main")).to_contain_text(amount)
    check_screen(head, f"award-inbox-{code.lower()}")
    head.get_by_role("button", name=re.compile(f"^Approve {code} amount")).click()
    expect(head.locator(".messages .notice--success")).to_be_visible()


def test_the_committee_scores_the_officer_proposes_the_heads_approve_and_all_read_the_notice(
    live_server, browser, streetlights
):
    reference = streetlights.reference
    evaluation_url = f"{live_server.url}/riverton/manage/solicitations/{reference}/evaluation/"
    officer = new_page(browser)
    sign_in(officer, live_server, "officer")
    officer_prepares(officer, evaluation_url)

    evaluator = new_page(browser)
    sign_in(evaluator, live_server, "evaluator")
    evaluator_declares_and_scores(evaluator, live_server, evaluation_url)

    officer_closes_and_proposes(officer, evaluation_url)
    # 70/30 of Acme's 58,200.00.
    head_approves(browser, live_server, "head.trn", "TRN", "40,740.00")
    head_approves(browser, live_server, "head.psd", "PSD", "17,460.00")
    award = Award.objects.get(solicitation=streetlights)
    assert award.status == "published" and award.total_minor == 5_820_000

    public = new_page(browser)
    public.goto(f"{live_server.url}/riverton/solicitations/{reference}/")
    public.get_by_role("link", name=re.compile("award notice", re.I)).first.click()
    expect(public.locator("main")).to_contain_text("Awarded to Acme Traffic Systems")
    expect(public.locator("main")).to_contain_text("17,460.00")
    page_text = public.locator("main").inner_text()
    assert "85" not in page_text.replace("58,200.00", "")  # no score in the notice
    check_screen(public, "award-notice-public")

    beacon = new_page(browser)
    sign_in(beacon, live_server, "vendor.beacon")
    beacon.goto(f"{live_server.url}/vendor/solicitations/riverton/{reference}/award/")
    expect(beacon.locator("#your-result")).to_contain_text("ranked 2 of 2")
    expect(beacon.locator("#your-result")).to_contain_text("70.00")
    check_screen(beacon, "award-vendor-beacon")
