"""A company keeps its own profile (issue 10, item 1): its users change it through the page and
the API, every error at once, audited with what changed; the tax id stays as registered; a
city's staff have no way to change it (no page, no API, a read-only Django admin)."""

import re

import pytest
from django.test import Client

from p3hub.audit import Verb
from p3hub.errors import ValidationErrors, ValidationFailed
from p3hub.models import AuditEvent
from tests.factories import UserFactory
from tests.helpers import admin_url, database_state, error_at, page_text, typed_value
from tests.p3hub.test_openapi import assert_documented
from vendors import services
from vendors.actor import VendorActor
from vendors.models import Vendor, VendorUser
from vendors.services.profile import TAX_ID_FIXED

pytestmark = pytest.mark.django_db
PROFILE = "/api/v1/vendor/profile/"
FORM = {
    "name": "Acme Traffic Systems",
    "legal_name": "Acme Traffic Systems, Inc.",
    "address": "1 New Road\nRiverton, ST 00002",
    "contact_email": "tenders@acme.example",
    "contact_phone": "+1 555 010 2999",
    "categories": ["traffic"],
}


@pytest.fixture
def acme(personas) -> VendorActor:
    return VendorActor.of(VendorUser.objects.get(user__username="vendor.acme"))


def acme_vendor() -> Vendor:
    return Vendor.objects.get(name__startswith="Acme")


# --- the service --------------------------------------------------------------------------------


def test_a_user_changes_the_profile_and_only_the_changes_are_audited(acme):
    vendor = services.vendor_profile_update(
        actor=acme, contact_phone="+1 555 010 2999", categories=["traffic"], name=None
    )

    assert (vendor.contact_phone, vendor.categories) == ("+1 555 010 2999", ["traffic"])
    assert vendor.name == "Acme Traffic Systems"  # left out: unchanged
    event = AuditEvent.objects.filter(verb=Verb.VENDOR_UPDATE).get()
    assert event.actor_id == acme.user.pk
    assert event.before == {
        "contact_phone": "+1 555 010 2000",
        "categories": ["security", "traffic"],
    }
    assert event.after == {"contact_phone": "+1 555 010 2999", "categories": ["traffic"]}


def test_saving_the_profile_unchanged_records_nothing(acme):
    before = database_state()
    services.vendor_profile_update(actor=acme, name="Acme Traffic Systems", tax_id="41-2345678")
    assert database_state() == before


def test_every_field_at_fault_is_named_at_once_and_nothing_changes(acme):
    before = database_state()
    with pytest.raises(ValidationErrors) as caught:
        services.vendor_profile_update(
            actor=acme,
            name=" ",
            contact_email="nope",
            contact_phone="call us",
            categories=["mining"],
            tax_id="99-9999999",
        )
    assert {e.field for e in caught.value.errors} == {
        "name",
        "contact_email",
        "contact_phone",
        "categories",
        "tax_id",
    }
    assert database_state() == before


def test_the_tax_id_cannot_be_changed(acme):
    with pytest.raises(ValidationFailed) as caught:
        services.vendor_profile_update(actor=acme, tax_id="99-9999999")
    assert (caught.value.field, caught.value.message) == ("tax_id", TAX_ID_FIXED)
    assert acme_vendor().tax_id == "41-2345678"


# --- pages --------------------------------------------------------------------------------------


def test_the_profile_page_shows_the_company_and_the_edit_link(client, personas):
    client.force_login(personas["vendor.acme"])
    page = client.get("/vendor/profile/")
    text = page_text(page)
    assert page.status_code == 200
    assert "41-2345678" in text and "Traffic control and signals" in text
    assert 'href="/vendor/profile/edit/"' in page.content.decode()
    assert 'aria-current="page">Company profile' in page.content.decode()


def test_the_company_edits_its_profile_through_the_page(client, personas):
    client.force_login(personas["vendor.acme"])
    form = client.get("/vendor/profile/edit/")
    assert typed_value(form, "id_contact_phone") == "+1 555 010 2000"
    assert "41-2345678" in page_text(form)  # shown, not editable
    assert 'name="tax_id"' not in form.content.decode()

    response = client.post("/vendor/profile/edit/", FORM, follow=True)

    assert response.redirect_chain[-1] == ("/vendor/profile/", 302)
    assert "The profile of Acme Traffic Systems was saved" in page_text(response)
    vendor = acme_vendor()
    assert (vendor.contact_email, vendor.categories) == ("tenders@acme.example", ["traffic"])
    assert AuditEvent.objects.filter(
        verb=Verb.VENDOR_UPDATE, actor=personas["vendor.acme"]
    ).exists()


def test_the_edit_page_keeps_what_was_typed_and_names_each_error(client, personas):
    client.force_login(personas["vendor.acme"])
    before = database_state()

    response = client.post(
        "/vendor/profile/edit/", {**FORM, "name": "", "contact_phone": "call us", "categories": []}
    )

    assert response.status_code == 400
    assert error_at(response, "id_name")
    assert error_at(response, "id_contact_phone").startswith("Enter a telephone number")
    assert error_at(response, "id_categories") == "Choose at least one category of work."
    assert typed_value(response, "id_contact_phone") == "call us"
    assert typed_value(response, "id_contact_email") == "tenders@acme.example"
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "officer.lakeside", "admin", "head.trn"])
def test_staff_of_a_city_have_no_profile_page(client, personas, username):
    client.force_login(personas[username])
    before = database_state()
    assert client.get("/vendor/profile/").status_code == 404
    assert client.get("/vendor/profile/edit/").status_code == 404
    assert client.post("/vendor/profile/edit/", FORM).status_code == 404
    assert database_state() == before


def test_the_anonymous_are_sent_to_sign_in(client, personas):
    for response in (client.get("/vendor/profile/"), client.post("/vendor/profile/edit/", FORM)):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_each_company_edits_only_its_own_profile(client, personas):
    client.force_login(personas["vendor.beacon"])
    client.post("/vendor/profile/edit/", {**FORM, "name": "Beacon Renamed"})
    assert Vendor.objects.filter(name="Beacon Renamed").exists()
    assert acme_vendor().contact_email == "bids@acme.example"


# --- the API ------------------------------------------------------------------------------------


def test_the_company_reads_and_patches_its_profile(api_as, schema):
    api = api_as("vendor.acme")

    read = api.get(PROFILE)
    assert read.status_code == 200
    assert_documented(schema, read, PROFILE, "get")
    assert (read.json()["tax_id"], read.json()["name"]) == ("41-2345678", "Acme Traffic Systems")

    patched = api.patch(PROFILE, {"contact_phone": "+1 555 010 2999"}, format="json")
    assert patched.status_code == 200
    assert_documented(schema, patched, PROFILE, "patch")
    assert patched.json()["contact_phone"] == "+1 555 010 2999"
    assert patched.json()["categories"] == ["security", "traffic"]  # left out: unchanged
    event = AuditEvent.objects.filter(verb=Verb.VENDOR_UPDATE).get()
    assert event.after == {"contact_phone": "+1 555 010 2999"}


def test_bad_input_over_the_api_names_every_field_and_changes_nothing(api_as, schema):
    api = api_as("vendor.acme")
    before = database_state()

    response = api.patch(
        PROFILE,
        {"name": "", "contact_email": "nope", "categories": [], "tax_id": "1"},
        format="json",
    )

    assert response.status_code == 400
    assert_documented(schema, response, PROFILE, "patch")
    attrs = {error["attr"] for error in response.json()["errors"]}
    assert attrs == {"name", "contact_email", "categories", "tax_id"}
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "officer.lakeside", "admin"])
def test_staff_of_a_city_have_no_profile_endpoint(api_as, username):
    api = api_as(username)
    before = database_state()
    assert api.get(PROFILE).status_code == 404
    assert api.patch(PROFILE, {"name": "Mine"}, format="json").status_code == 404
    assert database_state() == before


def test_the_anonymous_get_401(api_as, personas):
    assert api_as(None).get(PROFILE).status_code == 401
    assert api_as(None).patch(PROFILE, {"name": "Mine"}, format="json").status_code == 401


# --- the Django admin ---------------------------------------------------------------------------


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def tenant_admin(personas) -> Client:
    client = Client()
    client.force_login(personas["admin"])
    return client


def test_the_admin_shows_a_company_read_only_even_to_the_operator(operator, tenant_admin):
    vendor = acme_vendor()
    before = database_state()

    for client in (operator, tenant_admin):
        change = client.get(admin_url(Vendor, "change", vendor.pk))
        assert change.status_code == 200
        assert change.context["has_change_permission"] is False
        assert not re.search(r'<input[^>]*name="name"', change.content.decode())
        posted = client.post(admin_url(Vendor, "change", vendor.pk), {"name": "Mine"})
        assert posted.status_code == 403
        assert client.get(admin_url(Vendor, "add")).status_code == 403
        deleted = client.post(admin_url(Vendor, "delete", vendor.pk), {"post": "yes"})
        assert deleted.status_code == 403

    assert operator.get(admin_url(Vendor, "changelist")).status_code == 200
    assert acme_vendor().name == "Acme Traffic Systems"
    assert database_state() == before
