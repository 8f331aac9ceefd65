"""One company's things are its own (issue 10, "isolation"): vendor.acme's profile, people,
certificates, questions and acknowledgements, tried by every persona and the outsiders —
vendor.beacon, the city's staff, officer.lakeside and the anonymous — through the pages, the
API and the Django admin: each gets a 404 (the anonymous: sign in, or 401), a company sees
only its own, and nothing changes."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from procurements import services as procurement_services
from tests.factories import upload
from tests.helpers import admin_url, client_with_token, database_state, downloaded, token_for
from vendors import services
from vendors.actor import vendor_actor_for
from vendors.models import Certificate, VendorUser

pytestmark = pytest.mark.django_db

STAFF = ["officer", "admin", "head.trn", "evaluator", "officer.lakeside"]
OUTSIDERS = ["vendor.beacon", *STAFF]
QUESTION = "Do the cameras need a separate power connection at the north-east corner?"


@pytest.fixture
def acme(personas, actor, published, django_capture_on_commit_callbacks):
    """Acme with a certificate, an invited colleague, a question and an acknowledgement."""
    company = vendor_actor_for(personas["vendor.acme"])
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_add(
            actor=company,
            kind="insurance",
            issuer="Harbor Mutual Insurance",
            number="GL-1",
            coverage="1,000,000.00",
            expires_on=dt.date.today() + dt.timedelta(days=90),
            file=upload("insurance.pdf"),
        )
        colleague = services.vendor_user_invite(
            actor=company, email="dana@acme.example", first_name="Dana", last_name="Doe"
        )
        question = procurement_services.question_ask(
            actor=company, solicitation=published, text=QUESTION
        )
        addendum = procurement_services.addendum_publish(
            actor=actor("officer"), solicitation=published, title="Site visit", text="Tuesday."
        )
        procurement_services.addendum_acknowledge(actor=company, addendum=addendum)
    return {
        "company": company,
        "certificate": certificate,
        "colleague": colleague,
        "question": question,
        "solicitation": published,
    }


def browser(personas, username):
    client = Client()
    if username:
        client.force_login(personas[username])
    return client


def api(personas, username):
    return client_with_token(token_for(username)) if username else Client()


def object_urls(acme) -> list[tuple[str, str]]:
    """The pages that name one of Acme's things, with the method that uses them."""
    certificate, colleague = acme["certificate"].pk, acme["colleague"].pk
    return [
        ("get", reverse("vendor-certificate-download", args=[certificate])),
        ("post", reverse("vendor-certificate-remove", args=[certificate])),
        ("post", reverse("vendor-person-remove", args=[colleague])),
    ]


def api_object_calls(acme) -> list[tuple[str, str]]:
    certificate, colleague = acme["certificate"].pk, acme["colleague"].pk
    return [
        ("get", f"/api/v1/vendor/certificates/{certificate}/"),
        ("get", f"/api/v1/vendor/certificates/{certificate}/file/"),
        ("delete", f"/api/v1/vendor/certificates/{certificate}/"),
        ("get", f"/api/v1/vendor/people/{colleague}/"),
        ("delete", f"/api/v1/vendor/people/{colleague}/"),
    ]


PORTAL_PAGES = [
    "vendor-portal",
    "vendor-profile",
    "vendor-profile-edit",
    "vendor-people",
    "vendor-certificates",
    "vendor-certificate-add",
    "vendor-questions",
    "vendor-addenda",
    "vendor-solicitations",
]
PORTAL_API = ["profile/", "people/", "certificates/", "questions/", "addenda/", "solicitations/"]


@pytest.mark.parametrize("username", OUTSIDERS)
def test_acmes_things_are_404_to_everyone_else_and_nothing_changes(personas, acme, username):
    client, token = browser(personas, username), api(personas, username)
    before = database_state()
    for method, url in object_urls(acme):
        assert getattr(client, method)(url).status_code == 404, (username, method, url)
    for method, url in api_object_calls(acme):
        assert getattr(token, method)(url).status_code == 404, (username, method, url)
    assert database_state() == before


def test_the_anonymous_are_asked_to_sign_in_and_nothing_changes(personas, acme):
    before = database_state()
    client = Client()
    for method, url in object_urls(acme):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for method, url in api_object_calls(acme):
        assert getattr(client, method)(url).status_code == 401, (method, url)
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 302
    for tail in PORTAL_API:
        assert client.get(f"/api/v1/vendor/{tail}").status_code == 401
    assert database_state() == before


@pytest.mark.parametrize("username", STAFF)
def test_the_portal_is_404_to_every_city_staff(personas, acme, username):
    client, token = browser(personas, username), api(personas, username)
    for name in PORTAL_PAGES:
        assert client.get(reverse(name)).status_code == 404, (username, name)
    for tail in PORTAL_API:
        assert token.get(f"/api/v1/vendor/{tail}").status_code == 404, (username, tail)
    before = database_state()
    assert (
        token.patch("/api/v1/vendor/profile/", {"name": "Hijacked"}, format="json").status_code
        == 404
    )
    assert database_state() == before


def test_beacon_sees_only_its_own_company(personas, acme):
    client, token = browser(personas, "vendor.beacon"), api(personas, "vendor.beacon")
    acme_words = ["Acme Traffic Systems", "41-2345678", "Harbor Mutual", "dana@acme.example"]
    pages = ["vendor-portal", "vendor-profile", "vendor-people", "vendor-certificates"]
    for name in [*pages, "vendor-questions", "vendor-addenda"]:
        text = client.get(reverse(name)).content.decode()
        for word in [*acme_words, QUESTION]:
            assert word not in text, (name, word)
    assert token.get("/api/v1/vendor/questions/").json()["results"] == []
    assert token.get("/api/v1/vendor/certificates/").json()["results"] == []
    people = token.get("/api/v1/vendor/people/").json()["results"]
    assert {person["email"] for person in people} == {personas["vendor.beacon"].email}
    # Beacon's own profile changes, Acme's does not.
    response = token.patch(
        "/api/v1/vendor/profile/", {"contact_phone": "+1 555 010 9999"}, format="json"
    )
    assert response.status_code == 200
    acme["company"].vendor.refresh_from_db()
    assert acme["company"].vendor.contact_phone == "+1 555 010 2000"


def test_acmes_own_users_reach_all_of_it(personas, acme):
    client, token = browser(personas, "vendor.acme"), api(personas, "vendor.acme")
    download = client.get(object_urls(acme)[0][1])
    assert download.status_code == 200 and downloaded(download).startswith(b"%PDF")
    assert token.get(api_object_calls(acme)[0][1]).status_code == 200
    assert QUESTION in client.get(reverse("vendor-questions")).content.decode()


@pytest.mark.parametrize("username", ["admin", "officer", "vendor.acme", "vendor.beacon"])
def test_the_admin_shows_no_certificate_or_vendor_user_to_anyone_but_the_operator(
    personas, acme, username
):
    """Tenant admins use the Django admin for their own city; a company's certificates and
    users are not theirs (and no company signs in there)."""
    client = browser(personas, username)
    before = database_state()
    certificate = acme["certificate"]
    for url in (
        admin_url(Certificate, "changelist"),
        admin_url(Certificate, "change", certificate.pk),
        admin_url(VendorUser, "changelist"),
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), (username, url, response.status_code)
        assert "insurance.pdf" not in response.content.decode()
    assert client.post(admin_url(Certificate, "delete", certificate.pk), {"post": "yes"})
    assert database_state() == before
