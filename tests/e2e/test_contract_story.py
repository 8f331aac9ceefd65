"""Issue 13's story in real Chromium, on the demo's final award of the signal preemption to
Acme (45,100.00: TRN 18,300.00, PSD 26,800.00): the officer prepares the contract (a refused
term first, what was typed kept), with the receivers as the one-time part and year 1 donated
in kind by Acme; sends it; vendor.acme signs in the portal, head.trn and head.psd on the
contract's page; the PDF appears with its progress (the task taken from the queue once the
page shows it waiting); the officer downloads it and the public verification page confirms it
is the contract of record with a valid platform signature. Every screen passes axe and fits
1280 and 375 px (screenshots and the PDF's pages in var/screenshots/)."""

import hashlib
import io
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from contracts import tasks
from contracts.models import Contract
from procurements.demo import PREEMPTION
from procurements.models import Solicitation
from tests.e2e.test_solicitation_story import check_screen, new_page
from tests.helpers import SCREENSHOTS, sign_in

# `worker`: no eager Celery, so the render task waits in the queue until the story takes it.
pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def preemption(personas):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    return Solicitation.objects.get(municipality__slug="riverton", title=PREEMPTION)


def officer_prepares(officer, live_server, solicitation) -> str:
    officer.goto(f"{live_server.url}/riverton/manage/contracts/")
    expect(officer.get_by_role("heading", name="Final awards ready for a contract")).to_be_visible()
    officer.get_by_role("link", name=f"Prepare the contract of {solicitation.reference}").click()
    expect(officer.get_by_role("heading", level=1, name="Prepare the contract")).to_be_visible()
    officer.get_by_label("Start date").fill("2027-03-01")
    officer.get_by_label("Term in years").fill("0")
    officer.get_by_label("One-time (capital) part").fill("24,400.00")
    officer.get_by_label("Period of in-kind row 1").select_option(label="Year 1")
    officer.get_by_role("button", name="Prepare the contract").click()
    # Refused on its field, with everything typed kept.
    term = officer.get_by_label("Term in years")
    expect(term).to_have_value("0")
    expect(officer.get_by_label("Start date")).to_have_value("2027-03-01")
    expect(officer.locator("main")).to_contain_text("Enter a whole number from 1 to 30.")
    check_screen(officer, "contract-prepare-refused")
    term.fill("5")
    officer.get_by_role("button", name="Prepare the contract").click()
    expect(officer.get_by_role("heading", name="Schedule")).to_be_visible()
    schedule = officer.get_by_role("region", name="Schedule", exact=True)
    # Year 1 is Acme's: 20,700.00 of emitters over five years, 4,140.00 a year, donated.
    expect(schedule).to_contain_text("4,140.00")
    expect(schedule).to_contain_text("Acme Traffic Systems")
    check_screen(officer, "contract-draft")
    officer.get_by_role("button", name="Send for signature").click()
    expect(officer.locator(".messages .notice--success")).to_be_visible()
    return officer.url


def vendor_signs(vendor, live_server, number: str) -> None:
    vendor.goto(f"{live_server.url}/vendor/contracts/")
    expect(vendor.locator("main")).to_contain_text("Your signature is needed")
    vendor.get_by_role("link", name=number, exact=True).click()
    expect(vendor.get_by_role("heading", name="Schedule: who pays what, period by period"))
    expect(vendor.locator("main")).to_contain_text("donates Year 1")
    vendor.get_by_label("Your full name").fill("Ada Acme")
    vendor.get_by_label("I agree to sign this contract electronically").check()
    check_screen(vendor, "contract-vendor-sign")
    vendor.get_by_role("button", name="Sign the contract").click()
    expect(vendor.locator(".messages .notice--success")).to_be_visible()


def head_signs(head, contract_url, department: str, name: str) -> None:
    head.goto(contract_url)
    section = head.get_by_role("region", name=f"Sign for {department}")
    section.get_by_label("Your full name").fill(name)
    section.get_by_label("I agree to sign this contract electronically").check()
    section.get_by_role("button", name=f"Sign for {department}").click()
    expect(head.locator(".messages .notice--success")).to_be_visible()


def pdf_appears_with_progress(officer, contract: Contract) -> None:
    """The page shows the PDF waiting; the task is taken from the queue (run here, as a
    worker would); the polling page then offers the download."""
    officer.reload()
    block = officer.locator("#pdf")
    expect(block.get_by_role("status")).to_contain_text("Waiting for a worker")
    check_screen(officer, "contract-pdf-waiting")
    made = tasks.contract_pdf_render.apply(args=[contract.pk]).get()
    contract.pdf.refresh_from_db()
    assert made == contract.pdf.sha256 and contract.pdf.is_ready
    expect(block.get_by_role("link", name=f"Download {contract.number}.pdf")).to_be_visible()
    check_screen(officer, "contract-executed")


def test_officer_vendor_and_heads_sign_one_contract_and_the_public_verifies_it(
    live_server, browser, personas, preemption
):
    officer = new_page(browser)
    sign_in(officer, live_server, "officer")
    contract_url = officer_prepares(officer, live_server, preemption)
    contract = Contract.objects.get(solicitation=preemption)
    assert contract.status == "out_for_signature"

    vendor = new_page(browser)
    sign_in(vendor, live_server, "vendor.acme")
    vendor_signs(vendor, live_server, contract.number)
    for username, department, name in (
        ("head.trn", "Transportation", "Tomas Reyes"),
        ("head.psd", "Public Safety", "Priya Shah"),
    ):
        head = new_page(browser)
        sign_in(head, live_server, username)
        head_signs(head, contract_url, department, name)
    contract.refresh_from_db()
    assert contract.status == "executed"

    pdf_appears_with_progress(officer, contract)
    contract.pdf.refresh_from_db()
    with officer.expect_download() as download:
        officer.locator("#pdf").get_by_role("link", name=f"Download {contract.number}.pdf").click()
    saved = SCREENSHOTS / "story-contract.pdf"
    download.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == contract.pdf.sha256
    # The pages as a reader sees them (looked at by people; the text checked here).
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", saved, SCREENSHOTS / "story-contract-page"], check=True
    )
    text = subprocess.run(["pdftotext", "-layout", saved, "-"], capture_output=True, text=True)
    assert "Ada Acme" in text.stdout and "Page 1 of" in text.stdout

    public = new_page(browser)
    public.goto(f"{live_server.url}/public/verify/")
    public.get_by_label("The contract's PDF file").set_input_files(saved)
    public.get_by_role("button", name="Verify").click()
    result = public.locator("#result")
    expect(result).to_contain_text("A contract of record")
    expect(result).to_contain_text(contract.number)
    expect(result).to_contain_text("Priya Shah")
    expect(result).to_contain_text("valid")
    check_screen(public, "contract-verified")
