"""The registration over the API (issue 10, item 6): the same service, anonymous, every field
at fault listed at once, documented in the OpenAPI schema; the confirmation works once."""

import re

import pytest
from rest_framework.test import APIClient

from departments.models import User
from tests.helpers import DEMO_PASSWORD, database_state, error_at
from tests.p3hub.test_openapi import assert_documented
from tests.vendors.test_registration import COMPANY, PERSON
from vendors.models import Vendor

pytestmark = pytest.mark.django_db
REGISTRATIONS = "/api/v1/vendor/registrations/"
CONFIRMATIONS = "/api/v1/vendor/confirmations/"


def test_a_company_registers_and_confirms_over_the_api(
    personas, schema, django_capture_on_commit_callbacks, mailoutbox
):
    api = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(REGISTRATIONS, {**COMPANY, **PERSON}, format="json")
    assert response.status_code == 201, response.content
    assert_documented(schema, response, REGISTRATIONS, "post")
    body = response.json()
    assert body["vendor"]["tax_id"] == "12-3456789"
    assert (body["username"], body["confirmed"]) == ("casey.cross", False)

    token = re.search(r"/vendor/confirm/([^/\s]+)/", mailoutbox[0].body).group(1)
    confirmed = api.post(CONFIRMATIONS, {"token": token}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed"] is True
    assert User.objects.get(username="casey.cross").is_active

    again = api.post(CONFIRMATIONS, {"token": token}, format="json")
    assert again.status_code == 400
    assert again.json()["errors"][0]["attr"] == "token"


def test_bad_input_names_every_field_and_changes_nothing(personas, schema):
    before = database_state()
    response = APIClient().post(
        REGISTRATIONS,
        {**COMPANY, **PERSON, "contact_email": "nope", "categories": None, "tax_id": "x"},
        format="json",
    )
    assert response.status_code == 400
    assert_documented(schema, response, REGISTRATIONS, "post")
    attrs = {error["attr"] for error in response.json()["errors"]}
    assert attrs == {"contact_email", "categories", "tax_id"}
    assert database_state() == before


def test_a_duplicate_tax_id_is_refused_over_the_api(personas):
    api = APIClient()
    assert api.post(REGISTRATIONS, {**COMPANY, **PERSON}, format="json").status_code == 201
    response = api.post(
        REGISTRATIONS,
        {**COMPANY, **PERSON, "tax_id": "123456789", "username": "other.user"},
        format="json",
    )
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["attr"], error["code"]) == ("tax_id", "unique")
    assert Vendor.objects.filter(tax_id_key="123456789").count() == 1


def test_an_unconfirmed_account_gets_no_token(personas):
    api = APIClient()
    api.post(REGISTRATIONS, {**COMPANY, **PERSON}, format="json")
    response = api.post(
        "/api/v1/auth/token/",
        {"username": "casey.cross", "password": DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 400


def test_registrations_are_throttled_per_client_address_on_the_page_and_the_api(
    client, personas, settings
):
    settings.VENDOR_REGISTRATION_THROTTLE = "2/hour"
    api = APIClient()
    assert api.post(REGISTRATIONS, {}, format="json").status_code == 400  # counted, refused
    assert client.post("/vendor/register/", {}).status_code == 400
    before = database_state()

    refused = api.post(REGISTRATIONS, {**COMPANY, **PERSON}, format="json")
    assert refused.status_code == 429
    assert "Too many registrations" in refused.json()["errors"][0]["detail"]
    page = client.post("/vendor/register/", {**COMPANY, **PERSON, "password_again": "x"})
    assert page.status_code == 429
    assert "Too many registrations" in page.content.decode()
    assert 'value="Crossroads Signal Co."' in page.content.decode()  # what was typed stays
    assert database_state() == before


def test_the_page_and_the_api_refuse_an_unknown_category_in_the_same_words(client, personas):
    api = APIClient().post(
        REGISTRATIONS, {**COMPANY, **PERSON, "categories": ["mining"]}, format="json"
    )
    page = client.post(
        "/vendor/register/",
        {**COMPANY, **PERSON, "categories": ["mining"]} | {"password_again": DEMO_PASSWORD},
    )
    assert api.status_code == page.status_code == 400
    words = api.json()["errors"][0]["detail"]
    assert words == "“mining” is not a category of work."
    assert error_at(page, "id_categories") == words
