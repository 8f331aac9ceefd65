"""A company registers itself and its first user once for every city (issue 10, item 1): every
input checked at once, a duplicate tax id refused whatever its spelling, the account inactive
until the e-mailed signed link confirms the address, the link single-use and expiring; the
pages say so and a confirmed user signs in to the portal."""

import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import User
from p3hub.errors import ValidationErrors, ValidationFailed
from p3hub.models import OutboundEmail
from tests.factories import build_published
from tests.helpers import DEMO_PASSWORD, database_state, error_at, page_text
from vendors import services
from vendors.models import Vendor, VendorUser
from vendors.services.registration import CONFIRMATION_SALT

pytestmark = pytest.mark.django_db
SITE = "https://p3hub.example"

COMPANY = {
    "name": "Crossroads Signal Co.",
    "legal_name": "Crossroads Signal Company LLC",
    "tax_id": "12-3456789",
    "address": "100 Main St\nRiverton, ST 00001",
    "contact_email": "bids@crossroads.example",
    "contact_phone": "+1 555 010 0000",
    "categories": ["traffic", "security"],
}
PERSON = {
    "first_name": "Casey",
    "last_name": "Cross",
    "email": "casey@crossroads.example",
    "username": "casey.cross",
    "password": DEMO_PASSWORD,
}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def register(django_capture_on_commit_callbacks, mailoutbox):
    """Register (the service), commit, and return the vendor user and the e-mails sent."""

    def call(**changes):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            vendor_user = services.vendor_register(**{**COMPANY, **PERSON, **changes})
        return vendor_user, list(mailoutbox)

    return call


def link_in(message) -> str:
    return re.search(rf"{re.escape(SITE)}(/vendor/confirm/[^/\s]+/)", message.body).group(1)


def test_a_company_registers_and_its_user_is_e_mailed_a_link(personas, register):
    vendor_user, sent = register()

    vendor = vendor_user.vendor
    assert (vendor.name, vendor.tax_id, vendor.tax_id_key) == (
        "Crossroads Signal Co.",
        "12-3456789",
        "123456789",
    )
    assert vendor.categories == ["security", "traffic"]
    assert vendor_user.user.is_active is False  # until the address is confirmed
    assert [m.to for m in sent] == [["casey@crossroads.example"]]
    assert "Crossroads Signal Co." in sent[0].subject
    assert link_in(sent[0]).startswith("/vendor/confirm/")


def test_every_input_at_fault_is_named_at_once_and_nothing_is_saved(personas):
    before = database_state()
    with pytest.raises(ValidationErrors) as caught:
        services.vendor_register(
            **{
                **COMPANY,
                **PERSON,
                "name": " ",
                "contact_email": "nope",
                "contact_phone": "call us",
                "categories": ["mining"],
                "email": "also nope",
                "password": "short",
            }
        )
    assert {error.field for error in caught.value.errors} == {
        "name",
        "contact_email",
        "contact_phone",
        "categories",
        "email",
        "password",
    }
    assert database_state() == before


@pytest.mark.parametrize("spelling", ["123456789", "12 345 6789", "12.345.6789"])
def test_a_tax_id_registered_before_is_refused_however_it_is_written(personas, register, spelling):
    register()
    with pytest.raises(ValidationFailed) as caught:
        services.vendor_register(
            **{**COMPANY, **PERSON, "tax_id": spelling, "username": "another.user"}
        )
    assert caught.value.field == "tax_id"
    assert "already registered" in caught.value.message
    assert Vendor.objects.filter(tax_id_key="123456789").count() == 1


def test_the_link_confirms_once_and_the_user_can_then_sign_in(client, personas, register):
    vendor_user, sent = register()
    link = link_in(sent[0])
    assert not client.login(username="casey.cross", password=DEMO_PASSWORD)  # not yet

    page = client.get(link)
    assert page.status_code == 200
    assert User.objects.get(pk=vendor_user.user.pk).is_active is False  # a GET changes nothing

    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/vendor/"
    portal = client.get("/vendor/")
    assert "Crossroads Signal Co." in portal.content.decode()

    client.logout()
    again = client.post(link)
    assert again.status_code == 400
    assert "already confirmed" in again.content.decode()
    assert client.login(username="casey.cross", password=DEMO_PASSWORD)


def test_signing_in_before_confirming_says_to_confirm_first(client, personas, register):
    register()
    page = client.post("/accounts/login/", {"username": "casey.cross", "password": DEMO_PASSWORD})
    assert page.status_code == 200
    assert "not confirmed yet" in page_text(page) and "/vendor/confirm/new/" in page_text(page)
    # The wrong password learns nothing of the account.
    wrong = client.post("/accounts/login/", {"username": "casey.cross", "password": "nope"})
    assert "not confirmed" not in page_text(wrong)
    assert "enter a correct username and password" in page_text(wrong).lower()


def test_a_tampered_or_expired_link_is_refused(client, personas, register):
    vendor_user, sent = register()
    tampered = link_in(sent[0])[:-3] + "xx/"
    assert client.post(tampered).status_code == 400

    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = signing.dumps(
            {"u": vendor_user.user.pk, "e": vendor_user.user.email}, salt=CONFIRMATION_SALT
        )
    with pytest.raises(ValidationFailed) as caught:
        services.vendor_user_confirm(token=token)
    assert caught.value.code == "expired"
    assert User.objects.get(pk=vendor_user.user.pk).is_active is False


def test_the_registration_page_keeps_what_was_typed_and_names_each_error(client, personas):
    before = database_state()
    response = client.post(
        "/vendor/register/",
        {**COMPANY, **PERSON, "tax_id": "", "contact_phone": "call us", "password_again": "x"},
    )
    assert response.status_code == 400
    assert error_at(response, "id_tax_id")
    assert error_at(response, "id_contact_phone")
    assert error_at(response, "id_password_again") == "The two passwords differ."
    html = response.content.decode()
    assert 'value="Crossroads Signal Co."' in html
    assert re.search(r'<input[^>]*value="traffic"[^>]*checked', html)
    assert database_state() == before


def test_registering_from_the_page_says_where_the_link_went(client, personas, mailoutbox):
    data = {**COMPANY, **PERSON, "password_again": DEMO_PASSWORD}
    response = client.post("/vendor/register/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/vendor/register/sent/"
    assert "casey@crossroads.example" in response.content.decode()
    assert VendorUser.objects.filter(user__username="casey.cross").exists()


def test_the_portal_is_for_vendor_users_only(client, personas):
    client.force_login(personas["officer"])
    assert client.get("/vendor/").status_code == 404
    client.logout()
    assert client.get("/vendor/").status_code == 302  # to sign in


def test_a_vendor_user_signs_in_to_the_portal(client, personas):
    response = client.post(
        "/accounts/login/", {"username": "vendor.acme", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/vendor/"
    portal = client.get("/vendor/")
    assert "Acme Traffic Systems" in portal.content.decode()
    assert "Open for bids" in portal.content.decode()


def test_each_vendor_user_sees_only_their_own_company(client, personas):
    client.force_login(personas["vendor.beacon"])
    portal = client.get("/vendor/").content.decode()
    assert "Beacon Safety Technologies" in portal and "52-3456789" in portal
    assert "Acme" not in portal and "41-2345678" not in portal
    client.force_login(personas["officer.lakeside"])  # the other city's officer
    assert client.get("/vendor/").status_code == 404


def test_the_portal_lists_open_solicitations_in_constant_queries(
    client, personas, actor, departments
):
    client.force_login(personas["vendor.acme"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/vendor/").status_code == 200
        return len(captured)

    build_published(actor, departments)
    one = queries()
    for _ in range(3):
        build_published(actor, departments)
    page = client.get("/vendor/").content.decode()
    assert page.count("Intersection cameras") == 4
    assert queries() == one


def test_the_demo_companies_have_profiles_and_keep_their_tax_ids(personas):
    acme = Vendor.objects.get(users__user__username="vendor.acme")
    assert (acme.tax_id_key, acme.categories) == ("412345678", ["security", "traffic"])
    with pytest.raises(ValidationFailed) as caught:
        services.vendor_register(**{**COMPANY, **PERSON, "tax_id": "41 234 5678"})
    assert caught.value.field == "tax_id"


def test_a_new_link_goes_only_to_an_address_awaiting_confirmation(client, personas, register):
    vendor_user, _ = register()
    with_registration = client.post(
        "/vendor/confirm/new/", {"email": "CASEY@crossroads.example"}, follow=True
    )
    unknown = client.post("/vendor/confirm/new/", {"email": "nobody@example.com"}, follow=True)
    # The same answer either way: nobody learns whether an address registered.
    assert "awaits confirmation, a new link is on its way" in with_registration.content.decode()
    assert "awaits confirmation, a new link is on its way" in unknown.content.decode()
    links = [m for m in OutboundEmail.objects.filter(subject__contains="Crossroads Signal Co.")]
    assert len(links) == 2  # the registration's and the new one

    new_link = re.search(r"(/vendor/confirm/[^/\s]+/)", links[-1].body).group(1)
    assert client.post(new_link).status_code == 302
    assert User.objects.get(pk=vendor_user.user.pk).is_active


def test_an_expired_link_offers_a_new_one(client, personas, register):
    vendor_user, _ = register()
    four_days_ago = time.time() - 4 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = services.confirmation_token(vendor_user.user)
    page = client.post(f"/vendor/confirm/{token}/")
    assert page.status_code == 400
    assert "has expired" in page.content.decode()
    assert 'href="/vendor/confirm/new/"' in page.content.decode()


def test_the_home_page_tells_companies_where_to_register(client, personas):
    assert 'href="/vendor/register/"' in client.get("/").content.decode()
    client.force_login(personas["officer"])
    assert 'href="/vendor/register/"' not in client.get("/").content.decode()
