"""Real Chromium: a tenant admin invites a new person, who opens the e-mailed link, makes an
account (a mistake first: what was typed stays) and lands on the municipality's dashboard.
Every page passes axe and fits a 375 px phone; screenshots land in var/screenshots/."""

import re

import pytest
from playwright.sync_api import expect

from p3hub.models import OutboundEmail
from tests.e2e.test_dashboard_e2e import check_at_both_sizes
from tests.helpers import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_invited_person_makes_an_account_and_joins(live_server, page, personas, browser):
    sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/riverton/people/invite/")
    check_at_both_sizes(page, "invite")

    page.get_by_label("E-mail address").fill("nia@riverton.example")
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Newby")
    page.get_by_label("Role").select_option("head")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()  # a head needs a department
    expect(page.get_by_label("E-mail address")).to_have_value("nia@riverton.example")
    page.locator("#id_department").select_option("TRN")
    page.get_by_role("button", name="Send the invitation").click()

    expect(page.get_by_text("An invitation was sent to nia@riverton.example.")).to_be_visible()
    expect(page.get_by_role("heading", name="Invitations awaiting an answer")).to_be_visible()
    check_at_both_sizes(page, "people-with-invitation")

    email = OutboundEmail.objects.get(to=["nia@riverton.example"])
    path = re.search(r"https?://[^/\s]+(/accounts/invitations/\S+/)", email.body).group(1)
    invitee = browser.new_context().new_page()  # a browser of their own, not signed in
    invitee.goto(f"{live_server.url}{path}")
    expect(invitee.get_by_role("heading", name="Join City of Riverton")).to_be_visible()
    check_at_both_sizes(invitee, "invitation-new-account")

    invitee.get_by_label("Username").fill("nia.newby")
    invitee.get_by_label("Password", exact=True).fill("river-bank-2026!")
    invitee.get_by_label("Password again").fill("another-one-2026!")
    invitee.get_by_role("button", name="Make my account and join").click()
    expect(invitee.locator("#id_password_again_error")).to_contain_text("The two passwords differ.")
    expect(invitee.get_by_label("Username")).to_have_value("nia.newby")
    check_at_both_sizes(invitee, "invitation-errors")

    invitee.get_by_label("Password", exact=True).fill("river-bank-2026!")
    invitee.get_by_label("Password again").fill("river-bank-2026!")
    invitee.get_by_role("button", name="Make my account and join").click()
    expect(invitee).to_have_url(f"{live_server.url}/riverton/")
    expect(invitee.get_by_text("Welcome to City of Riverton.")).to_be_visible()
    expect(invitee.get_by_text("Department head · Transportation")).to_be_visible()

    invitee.goto(f"{live_server.url}{path}")  # the link worked once
    expect(invitee.get_by_role("heading", name="This invitation cannot be used")).to_be_visible()
    check_at_both_sizes(invitee, "invitation-used")
