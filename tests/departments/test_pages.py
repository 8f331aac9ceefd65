"""The tenant's HTML pages: who may see what, and what a refused request leaves behind.

Personas are the demo of DESIGN.md 8: riverton's admin, officer, heads and evaluator (a
department member); officer.lakeside, the outsider from another city; two vendor users.
"""

import re
from html import unescape

import pytest
from django.template import loader

from departments.models import Department, Membership
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "department-list",
    "department-create",
    "department-update",
    "person-list",
    "person-invite",
    "person-detail",
]
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def urls(personas):
    """Every riverton page, with the ids of real riverton rows."""
    trn = Department.objects.get(municipality__slug="riverton", code="TRN")
    officer = personas["officer"]
    role = Membership.objects.get(user=officer, municipality__slug="riverton")
    return {
        "dashboard": "/riverton/",
        "department-list": "/riverton/departments/",
        "department-create": "/riverton/departments/new/",
        "department-update": f"/riverton/departments/{trn.pk}/edit/",
        "person-list": "/riverton/people/",
        "person-invite": "/riverton/people/invite/",
        "person-detail": f"/riverton/people/{officer.pk}/",
        "person-edit": f"/riverton/people/{officer.pk}/edit/",
        "person-deactivate": f"/riverton/people/{officer.pk}/deactivate/",
        "membership-revoke": f"/riverton/people/{officer.pk}/memberships/{role.pk}/revoke/",
        "audit-trail": "/riverton/audit/",
    }


@pytest.fixture
def valid_posts(urls):
    """A POST per admin form that the admin would be allowed to make."""
    return {
        urls["department-create"]: {"code": "PRK", "name": "Parks", "fund_codes": "400-PRK"},
        urls["department-update"]: {"code": "TRN", "name": "Roads", "fund_codes": ""},
        urls["person-invite"]: {
            "email": "newbie@riverton.example",
            "role": "officer",
            "department": "",
        },
        urls["person-detail"]: {"role": "admin", "department": ""},
        urls["person-edit"]: {"first_name": "O", "last_name": "O", "email": "o@riverton.example"},
        urls["person-deactivate"]: {},
        urls["membership-revoke"]: {},
    }


def text(response) -> str:
    return response.content.decode()


def without_csrf(response) -> str:
    # The sign-out form carries a per-response CSRF token; everything else must be identical.
    return CSRF_VALUE.sub("", text(response))


# --- who sees what ---------------------------------------------------------------------------
# (Outsiders, vendors and anonymous visitors on every page: tests/test_page_isolation.py.)

PAGE_CONTENT = {
    "dashboard": ["Welcome, Alex", "No joint solicitations yet", "Tomas Reyes", "Priya Shah"],
    "department-list": ["100-TRN-CAP", "200-PSD-OPS", "Tomas Reyes", "Active"],
    "department-create": ["Add a department", 'name="fund_codes"'],
    "department-update": ["Edit Transportation", 'value="TRN"', 'value="100-TRN-CAP"'],
    "person-list": ["head.psd", "Department head · PSD", "officer@riverton.example"],
    "person-invite": ["Invite a person", '<option value="" selected>Choose a role</option>'],
    "person-detail": [
        "Olivia Officer",
        "Procurement officer",
        "Grant another role",
        'value="officer@riverton.example"',
    ],
    "audit-trail": ["Chain verified: 16 events intact", "department.create"],
}


@pytest.mark.parametrize("page_name", PAGE_CONTENT)
def test_admin_sees_every_page_of_their_municipality(client, personas, urls, page_name):
    client.force_login(personas["admin"])

    response = client.get(urls[page_name])

    assert response.status_code == 200
    body = text(response)
    assert "City of Riverton" in body
    for snippet in PAGE_CONTENT[page_name]:
        assert snippet in body


def test_revoking_asks_first_and_only_a_confirmed_post_revokes(client, personas, urls):
    client.force_login(personas["admin"])
    before = database_state()

    asked = client.get(urls["membership-revoke"])
    unconfirmed = client.post(urls["membership-revoke"])

    for response in (asked, unconfirmed):
        assert response.status_code == 200
        body = unescape(text(response))
        assert "Revoke Olivia Officer's role as Procurement officer?" in body
        assert "will no longer be Procurement officer in City of Riverton" in body
        assert 'name="confirmed" value="1"' in response.content.decode()
    assert database_state() == before

    done = client.post(urls["membership-revoke"], {"confirmed": "1"})
    assert done.status_code == 302
    assert database_state() != before


@pytest.mark.parametrize(
    ("username", "roles"),
    [
        ("officer", ["Procurement officer"]),
        ("head.trn", ["Department head · Transportation"]),
        ("head.psd", ["Department head · Public Safety"]),
        ("evaluator", ["Department member · Transportation"]),
    ],
)
def test_members_see_dashboard_and_audit_trail_without_admin_links(
    client, personas, urls, username, roles
):
    client.force_login(personas[username])

    dashboard = client.get(urls["dashboard"])
    audit = client.get(urls["audit-trail"])

    assert dashboard.status_code == 200
    assert audit.status_code == 200
    for role in roles:
        assert role in text(dashboard)
    assert "Transportation" in text(dashboard)  # every member sees the departments
    assert 'href="/riverton/departments/"' not in text(dashboard)
    assert 'href="/riverton/people/"' not in text(dashboard)


@pytest.mark.parametrize("username", ["officer", "head.trn"])
@pytest.mark.parametrize("page_name", ADMIN_PAGES)
def test_members_who_are_not_admins_get_403_on_admin_pages(
    client, personas, urls, username, page_name
):
    client.force_login(personas[username])

    response = client.get(urls[page_name])

    assert response.status_code == 403
    assert "You cannot do this" in text(response)


@pytest.mark.parametrize("username", ["officer", "head.trn"])
def test_members_who_are_not_admins_cannot_post_changes(client, personas, valid_posts, username):
    client.force_login(personas[username])
    before = database_state()

    for url, data in valid_posts.items():
        assert client.post(url, data).status_code == 403, url

    assert database_state() == before


def test_another_citys_department_through_riverton_is_404_like_a_missing_one(client, personas):
    pwd = Department.objects.get(municipality__slug="lakeside", code="PWD")
    client.force_login(personas["admin"])

    other_city = client.get(f"/riverton/departments/{pwd.pk}/edit/")
    missing = client.get("/riverton/departments/999999/edit/")
    posted = client.post(f"/riverton/departments/{pwd.pk}/edit/", {"code": "PWD", "name": "X"})

    assert other_city.status_code == missing.status_code == posted.status_code == 404
    assert without_csrf(other_city) == without_csrf(missing)
    assert Department.objects.get(pk=pwd.pk).name == "Public Works"


def test_another_citys_person_and_role_through_riverton_are_404(client, personas):
    outsider = personas["officer.lakeside"]
    lakeside_role = Membership.objects.filter(user=outsider).first()
    officer = personas["officer"]
    head_role = Membership.objects.get(user=personas["head.trn"])
    client.force_login(personas["admin"])
    before = database_state()

    other_city = client.get(f"/riverton/people/{outsider.pk}/")
    missing = client.get("/riverton/people/999999/")
    foreign_role = client.post(
        f"/riverton/people/{officer.pk}/memberships/{lakeside_role.pk}/revoke/"
    )
    # A riverton role reached through another riverton person's page is not that person's.
    mismatched = client.post(f"/riverton/people/{officer.pk}/memberships/{head_role.pk}/revoke/")

    assert other_city.status_code == missing.status_code == 404
    assert without_csrf(other_city) == without_csrf(missing)
    assert foreign_role.status_code == mismatched.status_code == 404
    assert database_state() == before


# --- public pages, sign-in and error pages ---------------------------------------------------


def test_home_page_lists_municipalities_and_invites_to_sign_in(client, personas):
    response = client.get("/")

    body = text(response)
    assert response.status_code == 200
    assert "City of Riverton" in body and "riverton" in body
    assert "City of Lakeside" in body and "lakeside" in body
    assert 'href="/accounts/login/"' in body
    assert "Your municipalities" not in body


def test_home_page_links_a_member_to_their_dashboards(client, personas):
    client.force_login(personas["head.trn"])

    body = text(client.get("/"))

    assert "Your municipalities" in body
    assert 'href="/riverton/"' in body
    assert 'href="/lakeside/"' not in body
    assert "Department head · TRN" in body


def test_home_page_tells_a_vendor_user_they_hold_no_municipality_role(client, personas):
    client.force_login(personas["vendor.acme"])

    assert "You do not hold a role in any municipality" in text(client.get("/"))


def test_sign_in_page_offers_password_reset(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert 'href="/accounts/password-reset/"' in text(response)
    assert "Forgot password?" in text(response)


def test_failed_sign_in_keeps_the_username_and_explains(client, personas):
    response = client.post(
        "/accounts/login/", {"username": "officer", "password": "wrong", "next": ""}
    )

    body = text(response)
    assert response.status_code == 200
    assert 'value="officer"' in body
    assert "There is a problem" in body
    assert "Please enter a correct username and password" in body


@pytest.mark.parametrize(
    ("next_url", "landing"), [("/riverton/audit/", "/riverton/audit/"), ("", "/riverton/")]
)
def test_sign_in_goes_to_next_or_the_citys_dashboard(client, personas, next_url, landing):
    response = client.post(
        "/accounts/login/",
        {"username": "officer", "password": "demo-pass-2026", "next": next_url},
    )

    assert response.status_code == 302
    assert response["Location"] == landing


def test_sign_out_is_a_post_form(client, personas):
    client.force_login(personas["officer"])

    body = text(client.get("/riverton/"))
    response = client.post("/accounts/logout/")

    assert re.search(r'<form method="post" action="/accounts/logout/"', body)
    assert response.status_code == 302
    assert client.get("/riverton/").status_code == 302  # signed out: back to sign-in


def test_missing_page_uses_the_site_layout(client, personas):
    client.force_login(personas["officer"])

    response = client.get("/riverton/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert "css/app.css" in text(response)


def test_server_error_page_renders_without_a_request():
    body = loader.get_template("500.html").render()

    assert "Sorry, something went wrong" in body
    assert "css/app.css" in body
    assert "Sign out" not in body


def test_titles_name_the_page_the_municipality_and_a_problem(client, personas):
    client.force_login(personas["admin"])

    listing = text(client.get("/riverton/departments/"))
    refused = text(client.post("/riverton/departments/new/", {"code": "", "name": "X"}))

    assert "<title>Departments · City of Riverton · P3 Hub</title>" in listing
    assert "<title>Error: Add a department · City of Riverton · P3 Hub</title>" in refused
