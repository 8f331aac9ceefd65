"""The tenant admin's forms: bad input answers 400 with the message beside the field at fault,
keeps what was typed and changes nothing; good input changes one thing and records it."""

import re
from html import unescape

import pytest

from departments.models import Department, Membership, User
from p3hub.models import AuditEvent, OutboundEmail
from tests.helpers import database_state

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def riverton_department(code: str) -> Department:
    return Department.objects.get(municipality__slug="riverton", code=code)


def field_error(response, field: str) -> str:
    """The error text rendered beside a field (its id is what aria-describedby points at)."""
    html = response.content.decode()
    match = re.search(rf'<p class="error-message" id="id_{field}_error">(.*?)</p>', html, re.S)
    assert match, f"no error shown beside {field}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


def typed_value(response, field: str) -> str:
    """What the re-rendered form shows in a text input or a select."""
    html = response.content.decode()
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)" selected>', select.group(0))
        return chosen.group(1) if chosen else ""
    tag = re.search(rf'<input type="[a-z]+" name="{field}"[^>]*>', html)
    assert tag, f"no input named {field}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def assert_refused(response, data: dict, field: str, message: str) -> None:
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert "There is a problem" in response.content.decode()
    for name, value in data.items():
        assert typed_value(response, name) == str(value), name


# --- bad input --------------------------------------------------------------------------------

LONG_NAME = "N" * 200
DEPARTMENT_BAD_INPUT = [
    ({"code": "", "name": "Parks", "fund_codes": ""}, "code", "This field is required."),
    ({"code": "x", "name": "Parks", "fund_codes": ""}, "code", "2-10 capital letters or digits"),
    ({"code": "pr k", "name": "Parks", "fund_codes": ""}, "code", "2-10 capital letters"),
    ({"code": "TRN", "name": "Parks", "fund_codes": ""}, "code", "code TRN already exists"),
    (
        {"code": "PRK", "name": "Parks", "fund_codes": "400-PRK, bad code!"},
        "fund_codes",
        "“bad code!” is not a fund code",
    ),
    (
        {"code": "PRK", "name": LONG_NAME, "fund_codes": ""},
        "name",
        "At most 120 characters (this has 200)",
    ),
]


@pytest.mark.parametrize(("data", "field", "message"), DEPARTMENT_BAD_INPUT)
def test_bad_department_is_refused_beside_the_field(admin_client, data, field, message):
    before = database_state()

    response = admin_client.post("/riverton/departments/new/", data)

    assert_refused(response, data, field, message)
    assert database_state() == before


DEPARTMENT_EDIT_BAD_INPUT = [
    ({"code": "PSD", "name": "Roads", "fund_codes": ""}, "code", "code PSD already exists"),
    ({"code": "TRN", "name": "", "fund_codes": ""}, "name", "This field is required."),
    ({"code": "TRN", "name": "Roads", "fund_codes": "ok-1, n/a"}, "fund_codes", "“n/a”"),
    ({"code": "TRN", "name": LONG_NAME, "fund_codes": ""}, "name", "At most 120 characters"),
]


@pytest.mark.parametrize(("data", "field", "message"), DEPARTMENT_EDIT_BAD_INPUT)
def test_bad_department_edit_is_refused_beside_the_field(admin_client, data, field, message):
    url = f"/riverton/departments/{riverton_department('TRN').pk}/edit/"
    before = database_state()

    response = admin_client.post(url, data)

    assert_refused(response, data, field, message)
    assert database_state() == before


def person(**overrides) -> dict:
    return {
        "username": "newbie",
        "email": "newbie@riverton.example",
        "first_name": "Nia",
        "last_name": "Newby",
        "role": "officer",
        "department": "",
        **overrides,
    }


def with_department_code(data: dict) -> dict:
    """Test data names departments as "slug:CODE"; the form takes the code."""
    if not data["department"]:
        return data
    return {**data, "department": data["department"].split(":")[1]}


PERSON_BAD_INPUT = [
    (person(username="officer"), "username", "That username is taken."),
    (person(username="OFFICER"), "username", "That username is taken."),
    (person(username="no spaces"), "username", "Letters, digits and"),
    (person(email="not-an-email"), "email", "Enter a valid e-mail address."),
    (person(role="head"), "department", "A department head or member needs a department."),
    (person(department="riverton:TRN"), "department", "act for the whole municipality"),
    # Another city's department is as unknown as one that does not exist.
    (person(role="head", department="lakeside:PWD"), "department", "No department has"),
    (person(role="mayor"), "role", "“mayor” is not a role."),
]


@pytest.mark.parametrize(("data", "field", "message"), PERSON_BAD_INPUT)
def test_bad_person_is_refused_beside_the_field(admin_client, data, field, message):
    own_department = data["department"].startswith("riverton:")
    data = with_department_code(data)
    before = database_state()

    response = admin_client.post("/riverton/people/new/", data)

    assert response.status_code == 400
    assert message in field_error(response, field)
    for name in ("username", "email", "first_name", "last_name"):
        assert typed_value(response, name) == data[name]
    if field != "role":  # a role that is not a choice cannot be shown as chosen
        assert typed_value(response, "role") == data["role"]
    if own_department:
        assert typed_value(response, "department") == data["department"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"role": "officer", "department": ""}, "role", "officer already holds this role."),
        ({"role": "member", "department": ""}, "department", "needs a department"),
    ],
)
def test_bad_grant_is_refused_beside_the_field(admin_client, personas, data, field, message):
    url = f"/riverton/people/{personas['officer'].pk}/"
    before = database_state()

    response = admin_client.post(url, data)

    assert_refused(response, data, field, message)
    assert database_state() == before


def test_revoking_the_last_admin_is_refused_beside_that_role(admin_client, personas):
    admin = personas["admin"]
    role = Membership.objects.get(user=admin, municipality__slug="riverton", role="admin")
    before = database_state()

    response = admin_client.post(f"/riverton/people/{admin.pk}/memberships/{role.pk}/revoke/")

    html = response.content.decode()
    assert response.status_code == 400
    error = re.search(rf'id="membership-{role.pk}-error">(.*?)</p>', html, re.S)
    assert error and "at least one tenant admin" in error.group(1)
    assert f'aria-describedby="membership-{role.pk}-error"' in html
    assert database_state() == before


# --- good input -------------------------------------------------------------------------------


def new_events(since: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(pk__gt=since).order_by("pk").values_list("verb", flat=True)
    )


def last_event_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_admin_creates_a_department(admin_client):
    mark = last_event_pk()

    response = admin_client.post(
        "/riverton/departments/new/",
        {"code": "prk", "name": " Parks ", "fund_codes": "400-PRK, 400-PRK-OPS,"},
        follow=True,
    )

    parks = riverton_department("PRK")
    assert response.redirect_chain == [("/riverton/departments/", 302)]
    assert (parks.name, parks.fund_codes, parks.is_active) == (
        "Parks",
        ["400-PRK", "400-PRK-OPS"],
        True,
    )
    assert new_events(mark) == ["department.create"]
    assert "Department Parks (PRK) was created." in response.content.decode()


def test_admin_renames_and_deactivates_a_department(admin_client):
    trn = riverton_department("TRN")
    mark = last_event_pk()

    response = admin_client.post(
        f"/riverton/departments/{trn.pk}/edit/",
        {"code": "TRN", "name": "Roads", "fund_codes": "100-TRN-CAP"},  # is_active unticked
    )

    trn.refresh_from_db()
    assert response.status_code == 302
    assert (trn.name, trn.is_active) == ("Roads", False)
    assert new_events(mark) == ["department.update"]
    event = AuditEvent.objects.get(pk__gt=mark)
    assert event.before == {"name": "Transportation", "is_active": True}
    assert event.after == {"name": "Roads", "is_active": False}


def test_admin_adds_a_person_with_a_first_role(admin_client):
    trn = riverton_department("TRN")
    mark = last_event_pk()

    response = admin_client.post(
        "/riverton/people/new/", person(role="member", department=trn.code)
    )

    newbie = User.objects.get(username="newbie")
    assert response.status_code == 302
    assert response["Location"] == f"/riverton/people/{newbie.pk}/"
    assert not newbie.has_usable_password()
    assert list(newbie.memberships.values_list("role", "department__code")) == [("member", "TRN")]
    assert new_events(mark) == ["person.create", "membership.grant"]


def test_a_person_added_without_password_sets_one_through_the_reset_link(
    admin_client, client, settings
):
    settings.SITE_URL = "https://p3hub.example"
    admin_client.post("/riverton/people/new/", person())
    admin_client.logout()

    sent = client.post("/accounts/password-reset/", {"email": "newbie@riverton.example"})
    email = OutboundEmail.objects.get(to=["newbie@riverton.example"])
    link = re.search(r"https://p3hub\.example(/accounts/reset/\S+/)", email.body).group(1)
    form = client.get(link, follow=True)
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "river-bank-2026!", "new_password2": "river-bank-2026!"},
        follow=True,
    )

    assert sent["Location"] == "/accounts/password-reset/sent/"
    assert email.subject == "Set your P3 Hub password"
    assert "Choose a new password" in form.content.decode()
    assert "Your password is saved" in saved.content.decode()
    assert client.login(username="newbie", password="river-bank-2026!")


def test_admin_grants_a_role(admin_client, personas):
    officer = personas["officer"]
    mark = last_event_pk()

    response = admin_client.post(
        f"/riverton/people/{officer.pk}/", {"role": "admin", "department": ""}, follow=True
    )

    assert response.redirect_chain == [(f"/riverton/people/{officer.pk}/", 302)]
    assert "officer is now Tenant admin." in response.content.decode()
    assert set(officer.memberships.values_list("role", flat=True)) == {"officer", "admin"}
    assert new_events(mark) == ["membership.grant"]


def test_admin_revokes_a_role(admin_client, personas):
    head = personas["head.trn"]
    Membership.objects.create(
        user=head, municipality=riverton_department("TRN").municipality, role="officer"
    )
    role = Membership.objects.get(user=head, role="head")
    mark = last_event_pk()

    response = admin_client.post(f"/riverton/people/{head.pk}/memberships/{role.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == f"/riverton/people/{head.pk}/"
    assert list(head.memberships.values_list("role", flat=True)) == ["officer"]
    assert new_events(mark) == ["membership.revoke"]


def test_revoking_a_persons_last_role_returns_to_the_people_list(admin_client, personas):
    evaluator = personas["evaluator"]
    role = Membership.objects.get(user=evaluator)

    response = admin_client.post(f"/riverton/people/{evaluator.pk}/memberships/{role.pk}/revoke/")

    assert response["Location"] == "/riverton/people/"
    assert admin_client.get(f"/riverton/people/{evaluator.pk}/").status_code == 404
