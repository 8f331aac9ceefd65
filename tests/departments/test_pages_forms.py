"""The tenant admin's forms: bad input answers 400 with the message beside the field at fault,
keeps what was typed and changes nothing; good input changes one thing and records it."""

import re

import pytest

from departments.models import Department, Membership, User
from p3hub.models import AuditEvent, OutboundEmail
from tests.factories import join_by_invitation
from tests.helpers import database_state, error_at, shown_again, typed_value

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def riverton_department(code: str) -> Department:
    return Department.objects.get(municipality__slug="riverton", code=code)


def field_error(response, field: str) -> str:
    return error_at(response, f"id_{field}")


def assert_refused(response, data: dict, field: str, message: str) -> None:
    assert response.status_code == 400
    assert message in field_error(response, field)
    assert "There is a problem" in response.content.decode()
    for name, value in data.items():
        assert typed_value(response, f"id_{name}") == str(value), name


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


def invitation(**overrides) -> dict:
    return {
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


INVITATION_BAD_INPUT = [
    (invitation(email=""), "email", "This field is required."),
    (invitation(email="not-an-email"), "email", "Enter a valid e-mail address."),
    (invitation(email="nia@riverton.example\x00"), "email", "Null characters are not allowed."),
    (invitation(first_name="x" * 151), "first_name", "At most 150 characters"),
    (invitation(role="head"), "department", "A department head or member needs a department."),
    (invitation(department="riverton:TRN"), "department", "act for the whole municipality"),
    # Another city's department is as unknown as one that does not exist.
    (invitation(role="head", department="lakeside:PWD"), "department", "No department has"),
    (invitation(role="mayor"), "role", "“mayor” is not a role."),
]


@pytest.mark.parametrize(("data", "field", "message"), INVITATION_BAD_INPUT)
def test_bad_invitation_is_refused_beside_the_field(admin_client, data, field, message):
    own_department = data["department"].startswith("riverton:")
    data = with_department_code(data)
    before = database_state()

    response = admin_client.post("/riverton/people/invite/", data)

    assert response.status_code == 400
    assert message in field_error(response, field)
    for name in ("email", "first_name", "last_name"):
        if name != field:
            assert typed_value(response, f"id_{name}") == data[name]
    if field != "role":  # a role that is not a choice cannot be shown as chosen
        assert typed_value(response, f"id_{'role'}") == data["role"]
    if own_department:
        assert typed_value(response, f"id_{'department'}") == data["department"]
    assert database_state() == before


def test_an_admin_cannot_invite_their_own_address(admin_client):
    data = invitation(email="ADMIN@riverton.example", role="head", department="TRN")
    before = database_state()

    response = admin_client.post("/riverton/people/invite/", data)

    assert response.status_code == 400
    assert field_error(response, "email") == (
        "You cannot invite yourself: another tenant admin must."
    )
    assert typed_value(response, f"id_{'email'}") == "ADMIN@riverton.example"
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

    assert response.status_code == 303
    html = shown_again(admin_client, response).content.decode()
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


def test_admin_invites_a_person_and_the_answer_is_the_same_for_a_known_address(admin_client):
    mark = last_event_pk()

    new = admin_client.post("/riverton/people/invite/", invitation(), follow=True)
    # vendor.acme's address: an account exists, and the admin's answer must not say so.
    known = admin_client.post(
        "/riverton/people/invite/", invitation(email="bids@acme.example"), follow=True
    )

    for response, email in ((new, "newbie@riverton.example"), (known, "bids@acme.example")):
        assert response.redirect_chain == [("/riverton/people/", 302)]
        assert (
            f"An invitation was sent to {email}. The link works once, for 7 days."
            in response.content.decode()
        )
    assert not User.objects.filter(email="newbie@riverton.example").exists()
    assert new_events(mark) == ["invitation.send", "invitation.send"]
    assert OutboundEmail.objects.filter(to=["newbie@riverton.example"]).count() == 1
    assert "Invitations awaiting an answer" in known.content.decode()
    assert "bids@acme.example" in known.content.decode()


def test_a_deactivated_person_is_shown_and_can_be_reactivated(admin_client, personas):
    evaluator = personas["evaluator"]
    mark = last_event_pk()

    off = admin_client.post(f"/riverton/people/{evaluator.pk}/deactivate/", follow=True)
    listed = admin_client.get("/riverton/people/?q=evan")
    on = admin_client.post(f"/riverton/people/{evaluator.pk}/reactivate/", follow=True)

    assert "Evan Lowe was deactivated" in off.content.decode()
    assert "Deactivated" in listed.content.decode()
    assert "Evan Lowe was reactivated with their roles." in on.content.decode()
    assert list(Membership.objects.filter(user=evaluator).values_list("is_active", flat=True)) == [
        True
    ]
    assert new_events(mark) == ["person.deactivate", "person.reactivate"]


def test_an_admin_cannot_deactivate_themselves(admin_client, personas):
    before = database_state()

    response = admin_client.post(f"/riverton/people/{personas['admin'].pk}/deactivate/")

    assert response.status_code in (400, 403)
    assert database_state() == before


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first_name": "Olivia", "last_name": "Officer", "email": ""}, "email", "required"),
        ({"first_name": "Olivia", "last_name": "Officer", "email": "nope"}, "email", "valid"),
        (
            {"first_name": "x" * 151, "last_name": "", "email": "o@riverton.example"},
            "first_name",
            "At most 150 characters",
        ),
    ],
)
def test_bad_person_edit_is_refused_beside_the_field(admin_client, personas, data, field, message):
    officer = personas["officer"]
    before = database_state()

    response = admin_client.post(f"/riverton/people/{officer.pk}/edit/", data)

    assert response.status_code == 303
    response = shown_again(admin_client, response)
    assert message in field_error(response, field)
    assert typed_value(response, f"id_{'last_name'}") == data["last_name"]
    assert database_state() == before


def test_admin_corrects_a_persons_name_and_address(admin_client, personas):
    officer = personas["officer"]
    mark = last_event_pk()

    response = admin_client.post(
        f"/riverton/people/{officer.pk}/edit/",
        {"first_name": "Olivia", "last_name": "Ortega", "email": "o.ortega@riverton.example"},
        follow=True,
    )

    officer.refresh_from_db()
    assert "The details of Olivia Ortega were saved." in response.content.decode()
    assert (officer.last_name, officer.email) == ("Ortega", "o.ortega@riverton.example")
    assert new_events(mark) == ["person.update"]


def test_an_account_shared_with_another_city_is_not_edited_here(admin_client, personas, actor):
    head = personas["head.psd"]
    join_by_invitation(actor("admin.lakeside", "lakeside"), head, "officer")
    before = database_state()

    response = admin_client.post(
        f"/riverton/people/{head.pk}/edit/",
        {"first_name": "P", "last_name": "S", "email": "p@riverton.example"},
    )

    assert response.status_code in (400, 403)
    assert database_state() == before


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

    response = admin_client.post(
        f"/riverton/people/{head.pk}/memberships/{role.pk}/revoke/", {"confirmed": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/riverton/people/{head.pk}/"
    assert list(head.memberships.values_list("role", flat=True)) == ["officer"]
    assert new_events(mark) == ["membership.revoke"]


def test_revoking_a_persons_last_role_keeps_them_deactivated(admin_client, personas):
    evaluator = personas["evaluator"]
    role = Membership.objects.get(user=evaluator)
    mark = last_event_pk()

    response = admin_client.post(
        f"/riverton/people/{evaluator.pk}/memberships/{role.pk}/revoke/",
        {"confirmed": "1"},
        follow=True,
    )

    role.refresh_from_db()
    assert response.redirect_chain == [(f"/riverton/people/{evaluator.pk}/", 302)]
    assert "Deactivated" in response.content.decode()
    assert not role.is_active
    assert new_events(mark) == ["membership.revoke", "person.deactivate"]
