"""Issue 11's story in real Chromium: the officer has published addendum 2 on the demo's
cameras; vendor.acme acknowledges it, prepares a bid with an attachment, submits and reads its
receipt; vendor.beacon acknowledges both addenda and submits the draft it had started; the
officer sees "2 bids received" and no company or price; after the deadline the officer opens
the bids and sees the progress and the tabulation; the public reads the tabulation. Every
screen passes axe and fits 1280 and 375 px (screenshots in var/screenshots/)."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db.models.functions import Now
from playwright.sync_api import expect

from departments.models import User
from departments.tenancy import tenant_actor_for
from procurements import services
from procurements.demo import CAMERAS
from procurements.models import Bid, Solicitation
from tests.e2e.test_solicitation_story import check_screen, new_page
from tests.factories import PDF_BYTES
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACME_PRICES = {"1": "2,410.00", "2": "1,150.00"}  # 4 x 2,410 + 2 x 1,150 = 11,940.00
BEACON_LINE_2 = "1,090.00"  # with the demo draft's 2,380.00: 4 x 2,380 + 2 x 1,090 = 11,700.00


@pytest.fixture
def cameras(personas):
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    solicitation = Solicitation.objects.get(municipality__slug="riverton", title=CAMERAS)
    services.addendum_publish(
        actor=tenant_actor_for(User.objects.get(username="officer"), "riverton"),
        solicitation=solicitation,
        title="Camera mounting height",
        text="Cameras are mounted at 6 m on the existing signal poles; no new poles.",
    )
    return solicitation


def portal_solicitation(page, live_server, cameras) -> None:
    page.goto(f"{live_server.url}/vendor/solicitations/riverton/{cameras.reference}/")


def acknowledge(page, *numbers: int) -> None:
    for number in numbers:
        page.get_by_role("button", name=f"Acknowledge addendum {number}").click()
        expect(page.locator(".messages .notice--success")).to_be_visible()


def acme_bids(browser, live_server, cameras, tmp_path) -> str:
    acme = new_page(browser)
    sign_in(acme, live_server, "vendor.acme")
    portal_solicitation(acme, live_server, cameras)
    acknowledge(acme, 2)
    expect(acme.locator("#your-bid")).to_contain_text("left")  # the server's clock
    acme.get_by_role("button", name="Prepare a bid").click()
    expect(acme.get_by_role("heading", name=re.compile("^Your bid"))).to_be_visible()

    # A mistyped price comes back on its line, with what was typed.
    acme.get_by_label(re.compile("Unit price of line 1")).fill("-5")
    acme.get_by_role("button", name="Save prices").click()
    expect(acme.get_by_label(re.compile("Unit price of line 1"))).to_have_value("-5")
    for position, price in ACME_PRICES.items():
        acme.get_by_label(re.compile(f"Unit price of line {position}")).fill(price)
    acme.get_by_role("button", name="Save prices").click()
    expect(acme.locator("#prices")).to_contain_text("11,940.00")

    proposal = tmp_path / "technical-proposal.pdf"
    proposal.write_bytes(PDF_BYTES)
    acme.get_by_label("Title").fill("Technical proposal")
    acme.get_by_label("File").set_input_files(str(proposal))
    acme.get_by_role("button", name="Attach the file").click()
    expect(acme.locator("#attachments")).to_contain_text("Technical proposal")
    check_screen(acme, "bid-prepared")

    acme.get_by_label(re.compile("I declare")).check()
    acme.get_by_label("Your full name").fill("Avery Acme")
    acme.get_by_role("button", name="Submit bid").click()
    expect(acme.get_by_role("heading", name=re.compile("^Receipt "))).to_be_visible()
    expect(acme.locator("main")).to_contain_text("2,410.00")  # the company's own prices
    receipt = acme.get_by_role("heading", name=re.compile("^Receipt ")).inner_text()
    check_screen(acme, "bid-receipt")
    return receipt.removeprefix("Receipt ")


def beacon_bids(browser, live_server, cameras) -> None:
    beacon = new_page(browser)
    sign_in(beacon, live_server, "vendor.beacon")
    portal_solicitation(beacon, live_server, cameras)
    acknowledge(beacon, 1, 2)
    beacon.get_by_role("link", name="Open your bid").click()
    beacon.get_by_label(re.compile("Unit price of line 2")).fill(BEACON_LINE_2)
    beacon.get_by_role("button", name="Save prices").click()
    beacon.get_by_label(re.compile("I declare")).check()
    beacon.get_by_label("Your full name").fill("Blair Beacon")
    beacon.get_by_role("button", name="Submit bid").click()
    expect(beacon.get_by_role("heading", name=re.compile("^Receipt "))).to_be_visible()


def test_two_companies_bid_the_officer_opens_and_everyone_reads_the_tabulation(
    live_server, browser, cameras, tmp_path
):
    receipt = acme_bids(browser, live_server, cameras, tmp_path)
    beacon_bids(browser, live_server, cameras)

    officer = new_page(browser)
    sign_in(officer, live_server, "officer")
    bids_url = f"{live_server.url}/riverton/manage/solicitations/{cameras.reference}/bids/"
    officer.goto(bids_url)
    expect(officer.get_by_role("heading", name="2 bids received")).to_be_visible()
    sealed = officer.locator("main").inner_text()
    for secret in ("2,410.00", "1,090.00", "Acme", "Beacon", receipt):
        assert secret not in sealed
    expect(officer.get_by_role("button", name="Open the bids")).to_have_count(0)  # not yet
    check_screen(officer, "bids-sealed")

    # Time passes: the deadline was a minute ago by the database clock.
    Solicitation.objects.filter(pk=cameras.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=1), opening_at=Now() + dt.timedelta(hours=1)
    )
    officer.reload()
    officer.get_by_role("button", name="Open the bids").click()
    officer.get_by_role("button", name="Open the bids").click()  # the confirm step
    progress = officer.locator("#opening-progress")
    expect(progress).to_contain_text("Opened 2 of 2 bids")
    expect(officer.get_by_role("heading", name="Tabulation")).to_be_visible()
    table = officer.locator("main")
    expect(table).to_contain_text("Beacon Safety Technologies")
    expect(table).to_contain_text("11,700.00")
    expect(table).to_contain_text("11,940.00")
    check_screen(officer, "bids-tabulation")
    assert set(Bid.objects.filter(solicitation=cameras).values_list("status", flat=True)) == {
        "opened"
    }

    public = new_page(browser)
    public.goto(f"{live_server.url}/riverton/solicitations/{cameras.reference}/")
    public.get_by_role("link", name=re.compile("tabulation", re.I)).first.click()
    expect(public.locator("main")).to_contain_text("Acme Traffic Systems")
    expect(public.locator("main")).to_contain_text("11,940.00")
    check_screen(public, "bids-tabulation-public")
