"""The tenant staff API of departments and memberships, and /api/v1/me/, end to end."""

import pytest

from departments.models import Department, Membership
from p3hub.models import AuditEvent
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


DEPARTMENTS = "/api/v1/riverton/departments/"
MEMBERSHIPS = "/api/v1/riverton/memberships/"


def riverton_department(code: str) -> Department:
    return Department.objects.get(municipality__slug="riverton", code=code)


# --- /api/v1/me/ ----------------------------------------------------------------------------


def test_me_shows_the_user_and_their_roles_in_every_municipality(api_as):
    response = api_as("head.trn").get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "username": "head.trn",
        "email": "head.trn@riverton.example",
        "name": "Tomas Reyes",
        "memberships": [
            {
                "municipality": "riverton",
                "municipality_name": "City of Riverton",
                "role": "head",
                "department": "TRN",
            }
        ],
    }


def test_me_of_a_vendor_user_lists_no_memberships(api_as):
    response = api_as("vendor.acme").get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["memberships"] == []


def test_me_needs_authentication(api_as):
    response = api_as(None).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


# --- departments ----------------------------------------------------------------------------


def test_any_member_lists_departments_with_heads(api_as):
    response = api_as("evaluator").get(DEPARTMENTS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert [(d["code"], d["heads"]) for d in body["results"]] == [
        ("PSD", ["head.psd"]),
        ("TRN", ["head.trn"]),
    ]


def test_department_list_filters_by_code_and_activity(api_as, personas):
    Department.objects.filter(code="PSD").update(is_active=False)
    client = api_as("officer")

    by_code = client.get(DEPARTMENTS, {"code": "TRN"}).json()["results"]
    inactive = client.get(DEPARTMENTS, {"is_active": "false"}).json()["results"]

    assert [d["code"] for d in by_code] == ["TRN"]
    assert [d["code"] for d in inactive] == ["PSD"]


def test_department_list_is_paginated(api_as, personas):
    riverton = riverton_department("TRN").municipality
    DepartmentFactory.create_batch(3, municipality=riverton)

    body = api_as("officer").get(DEPARTMENTS, {"page_size": 2}).json()

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert "page=2" in body["next"]


def test_member_retrieves_one_department(api_as):
    trn = riverton_department("TRN")

    response = api_as("head.psd").get(f"{DEPARTMENTS}{trn.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": trn.pk,
        "code": "TRN",
        "name": "Transportation",
        "fund_codes": ["100-TRN-CAP"],
        "is_active": True,
        "heads": ["head.trn"],
    }


def test_admin_creates_a_department_and_it_is_audited(api_as):
    events_before = AuditEvent.objects.count()

    response = api_as("admin").post(
        DEPARTMENTS,
        {"code": "pwd", "name": " Public Works ", "fund_codes": ["300-PWD", "300-PWD"]},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    # Codes are upper-cased, names trimmed, repeated fund codes kept once.
    assert body["code"] == "PWD"
    assert body["name"] == "Public Works"
    assert body["fund_codes"] == ["300-PWD"]
    assert body["is_active"] is True
    department = Department.objects.get(pk=body["id"])
    assert department.municipality.slug == "riverton"
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == events_before + 1
    assert (event.verb, event.object_id, event.actor_label) == (
        "department.create",
        str(department.pk),
        "admin",
    )


def test_admin_creates_with_unknown_fields_ignored(api_as):
    response = api_as("admin").post(
        DEPARTMENTS,
        {"code": "PWD", "name": "Public Works", "municipality": 999, "id": 5, "heads": ["x"]},
        format="json",
    )

    assert response.status_code == 201
    department = Department.objects.get(pk=response.json()["id"])
    assert department.municipality.slug == "riverton"
    assert not department.memberships.exists()


def test_admin_partially_updates_a_department_and_the_response_keeps_its_heads(api_as):
    trn = riverton_department("TRN")

    response = api_as("admin").patch(
        f"{DEPARTMENTS}{trn.pk}/", {"name": "Transportation & Mobility"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Transportation & Mobility"
    assert response.json()["heads"] == ["head.trn"]
    trn.refresh_from_db()
    assert trn.name == "Transportation & Mobility"
    assert trn.fund_codes == ["100-TRN-CAP"]
    event = AuditEvent.objects.order_by("-id").first()
    assert event.verb == "department.update"
    assert event.before == {"name": "Transportation"}
    assert event.after == {"name": "Transportation & Mobility"}


def test_admin_retires_a_department(api_as):
    psd = riverton_department("PSD")

    response = api_as("admin").patch(f"{DEPARTMENTS}{psd.pk}/", {"is_active": False}, format="json")

    assert response.status_code == 200
    psd.refresh_from_db()
    assert psd.is_active is False


def test_put_needs_code_and_name_and_keeps_fields_left_out(api_as):
    trn = riverton_department("TRN")
    client = api_as("admin")

    missing = client.put(f"{DEPARTMENTS}{trn.pk}/", {"name": "T"}, format="json")
    replaced = client.put(f"{DEPARTMENTS}{trn.pk}/", {"code": "TRA", "name": "T"}, format="json")

    assert missing.status_code == 400
    assert missing.json()["errors"][0]["attr"] == "code"
    assert replaced.status_code == 200
    trn.refresh_from_db()
    assert (trn.code, trn.name, trn.fund_codes, trn.is_active) == (
        "TRA",
        "T",
        ["100-TRN-CAP"],
        True,
    )


def test_an_update_that_changes_nothing_writes_no_audit_event(api_as):
    trn = riverton_department("TRN")
    events_before = AuditEvent.objects.count()

    response = api_as("admin").patch(
        f"{DEPARTMENTS}{trn.pk}/", {"code": "TRN", "name": "Transportation"}, format="json"
    )

    assert response.status_code == 200
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("username", ["officer", "head.trn", "evaluator"])
def test_non_admin_members_get_403_on_department_writes(api_as, username):
    trn = riverton_department("TRN")
    client = api_as(username)
    before = (Department.objects.count(), AuditEvent.objects.count())

    responses = [
        client.post(DEPARTMENTS, {"code": "NEW", "name": "New"}, format="json"),
        client.patch(f"{DEPARTMENTS}{trn.pk}/", {"name": "X"}, format="json"),
        client.put(f"{DEPARTMENTS}{trn.pk}/", {"code": "TRN", "name": "X"}, format="json"),
        # Refused before the body is read: bad input from a non-admin is a 403 too.
        client.post(DEPARTMENTS, {"code": ""}, format="json"),
    ]

    for response in responses:
        assert response.status_code == 403
        assert response.json() == {
            "type": "client_error",
            "errors": [
                {
                    "code": "permission_denied",
                    "detail": "Only a tenant admin may manage departments and people.",
                    "attr": None,
                }
            ],
        }
    assert (Department.objects.count(), AuditEvent.objects.count()) == before
    assert riverton_department("TRN").name == "Transportation"


def test_departments_have_no_delete(api_as):
    trn = riverton_department("TRN")

    response = api_as("admin").delete(f"{DEPARTMENTS}{trn.pk}/")

    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
    assert Department.objects.filter(pk=trn.pk).exists()


# --- memberships ----------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["admin", "officer"])
def test_admins_and_officers_list_the_people_and_their_roles(api_as, username):
    response = api_as(username).get(MEMBERSHIPS)

    assert response.status_code == 200
    rows = [(m["username"], m["role"], m["department"]) for m in response.json()["results"]]
    assert rows == [
        ("admin", "admin", None),
        ("head.psd", "head", "PSD"),
        ("head.trn", "head", "TRN"),
        ("evaluator", "member", "TRN"),
        ("officer", "officer", None),
    ]
    first = response.json()["results"][0]
    assert first["name"] == "Alex Admin"
    assert first["email"] == "admin@riverton.example"
    assert set(first) == {
        "id",
        "person",
        "username",
        "name",
        "email",
        "role",
        "department",
        "is_active",
        "created_at",
    }


def test_membership_list_filters_by_role_department_and_username(api_as):
    client = api_as("officer")

    heads = client.get(MEMBERSHIPS, {"role": "head"}).json()["results"]
    trn = client.get(MEMBERSHIPS, {"department": "trn"}).json()["results"]
    one = client.get(MEMBERSHIPS, {"username": "OFFICER"}).json()["results"]

    assert {m["username"] for m in heads} == {"head.trn", "head.psd"}
    assert {m["username"] for m in trn} == {"head.trn", "evaluator"}
    assert [m["username"] for m in one] == ["officer"]


@pytest.mark.parametrize("username", ["head.trn", "evaluator"])
def test_heads_and_members_may_not_see_the_people_list(api_as, username):
    membership = Membership.objects.filter(municipality__slug="riverton").first()
    client = api_as(username)

    for response in (client.get(MEMBERSHIPS), client.get(f"{MEMBERSHIPS}{membership.pk}/")):
        assert response.status_code == 403
        assert response.json()["errors"][0]["detail"] == (
            "Only tenant admins and procurement officers may see people and their roles."
        )


def test_officer_retrieves_one_membership(api_as, personas):
    membership = Membership.objects.get(user=personas["head.trn"])

    response = api_as("officer").get(f"{MEMBERSHIPS}{membership.pk}/")

    assert response.status_code == 200
    assert response.json()["username"] == "head.trn"
    assert response.json()["department"] == "TRN"


def test_admin_grants_a_department_role_by_person_and_code(api_as, personas):
    events_before = AuditEvent.objects.count()

    response = api_as("admin").post(
        MEMBERSHIPS,
        {"person": personas["head.psd"].pk, "role": "member", "department": "trn"},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["username"] == "head.psd"
    assert response.json()["department"] == "TRN"
    membership = Membership.objects.get(pk=response.json()["id"])
    assert (membership.user, membership.role, membership.department.code) == (
        personas["head.psd"],
        "member",
        "TRN",
    )
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.order_by("-id").first().verb == "membership.grant"


def test_admin_grants_a_municipality_wide_role_without_a_department(api_as, personas):
    response = api_as("admin").post(
        MEMBERSHIPS,
        {"person": personas["head.trn"].pk, "role": "officer", "department": None},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["department"] is None
    assert Membership.objects.filter(user=personas["head.trn"], role="officer").exists()


def test_admin_revokes_a_role(api_as, personas):
    # Given the head of PSD is also a member of TRN
    extra = api_as("admin").post(
        MEMBERSHIPS,
        {"person": personas["head.psd"].pk, "role": "member", "department": "TRN"},
        format="json",
    )
    events_before = AuditEvent.objects.count()

    response = api_as("admin").delete(f"{MEMBERSHIPS}{extra.json()['id']}/")

    assert response.status_code == 204
    assert not Membership.objects.filter(pk=extra.json()["id"]).exists()
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.order_by("-id").first().verb == "membership.revoke"


def test_revoking_the_last_role_deactivates_the_person_restorably(api_as, personas):
    membership = Membership.objects.get(user=personas["evaluator"])
    admin = api_as("admin")

    response = admin.delete(f"{MEMBERSHIPS}{membership.pk}/")
    person = admin.get(f"/api/v1/riverton/people/{personas['evaluator'].pk}/").json()

    assert response.status_code == 204
    assert person["is_active"] is False
    assert person["roles"] == [
        {"id": membership.pk, "role": "member", "department": "TRN", "is_active": False}
    ]
    assert api_as("evaluator").get(DEPARTMENTS).status_code == 404  # can no longer act here
    restored = admin.post(f"/api/v1/riverton/people/{personas['evaluator'].pk}/reactivate/")
    assert restored.status_code == 200 and restored.json()["is_active"] is True
    assert api_as("evaluator").get(DEPARTMENTS).status_code == 200


def test_the_last_tenant_admin_cannot_be_revoked(api_as, personas):
    membership = Membership.objects.get(user=personas["admin"], role="admin")

    response = api_as("admin").delete(f"{MEMBERSHIPS}{membership.pk}/")

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "last_admin",
            "detail": "A municipality needs at least one tenant admin.",
            "attr": "role",
        }
    ]
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_admin_may_step_down_once_there_is_another(api_as, personas):
    riverton = riverton_department("TRN").municipality
    second = UserFactory(username="second.admin")
    Membership.objects.create(user=second, municipality=riverton, role="admin")
    mine = Membership.objects.get(user=personas["admin"], role="admin")

    response = api_as("admin").delete(f"{MEMBERSHIPS}{mine.pk}/")

    assert response.status_code == 204


@pytest.mark.parametrize("username", ["officer", "head.trn"])
def test_non_admins_may_not_grant_or_revoke(api_as, personas, username):
    membership = Membership.objects.get(user=personas["evaluator"])
    client = api_as(username)
    before = (Membership.objects.count(), AuditEvent.objects.count())

    grant = client.post(
        MEMBERSHIPS, {"person": personas["evaluator"].pk, "role": "officer"}, format="json"
    )
    revoke = client.delete(f"{MEMBERSHIPS}{membership.pk}/")

    assert grant.status_code == 403
    assert revoke.status_code == 403
    assert grant.json()["errors"][0]["detail"] == (
        "Only a tenant admin may manage departments and people."
    )
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_memberships_have_no_update(api_as, personas):
    membership = Membership.objects.get(user=personas["evaluator"])

    response = api_as("admin").patch(
        f"{MEMBERSHIPS}{membership.pk}/", {"role": "admin"}, format="json"
    )

    assert response.status_code == 405
    membership.refresh_from_db()
    assert membership.role == "member"
