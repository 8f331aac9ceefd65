"""Invariants 4, 5 and 6 through the API: no publication before every department approved the
current split (approvals never carry over an edit), shares add up exactly, heads decide only
for the departments they head, and money never passes through a float."""

from decimal import Decimal

import pytest

from tests.factories import line_item_split
from tests.helpers import database_state, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as(api_as):
    def client_for(username):
        client = api_as(username)
        client.default_format = "json"
        return client

    return client_for


def refused(response, status: int, attr=None, code=None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    if status != 400 or attr is not None:
        assert body["errors"][0]["attr"] == attr, body
    if code is not None:
        assert body["errors"][0]["code"] == code, body
    return body


def approve(client, solicitation, code: str, number: int = 1):
    return client.post(
        url(solicitation, f"cost-split-versions/{number}/approve/"), {"department": code}
    )


# --- invariant 4: publication -------------------------------------------------------------


def test_publishing_before_any_approval_is_a_409_and_changes_nothing(api_as, proposed):
    before = database_state()

    response = api_as("officer").post(url(proposed, "publish/"))

    # The lifecycle refuses the move from in_approval: one code, whatever else is wrong.
    body = refused(response, 409, code="invalid_transition")
    assert body["type"] == "client_error"
    assert database_state() == before


def test_publishing_with_one_of_two_approvals_is_a_409(api_as, proposed):
    assert approve(api_as("head.trn"), proposed, "TRN").status_code == 200
    before = database_state()

    refused(api_as("officer").post(url(proposed, "publish/")), 409, code="invalid_transition")

    assert database_state() == before


def test_a_line_item_edit_after_both_approvals_voids_them(api_as, proposed):
    officer = api_as("officer")
    # Given both heads approved version 1
    assert approve(api_as("head.trn"), proposed, "TRN").status_code == 200
    assert approve(api_as("head.psd"), proposed, "PSD").status_code == 200
    assert officer.get(url(proposed)).json()["status"] == "approved"

    # When the officer edits the camera's price
    edited = officer.patch(
        url(proposed, f"line-items/{proposed.camera.pk}/"), {"estimated_unit_price": "2600.00"}
    )
    assert edited.status_code == 200

    # Then version 2 awaits both heads, version 1's approvals cannot publish or be reused
    detail = officer.get(url(proposed)).json()
    assert (detail["status"], detail["current_split"]) == (
        "in_approval",
        {"number": 2, "status": "proposed"},
    )
    refused(officer.post(url(proposed, "publish/")), 409, code="invalid_transition")
    refused(approve(api_as("head.trn"), proposed, "TRN", number=1), 409, code="version_not_open")
    versions = officer.get(url(proposed, "cost-split-versions/")).json()["results"]
    decided = [sum(s["status"] != "pending" for s in v["shares"]) for v in versions]
    assert [(v["number"], v["status"], n) for v, n in zip(versions, decided, strict=True)] == [
        (2, "proposed", 0),
        (1, "superseded", 2),
    ]
    # and once both approve version 2 it publishes
    assert approve(api_as("head.trn"), proposed, "TRN", number=2).status_code == 200
    assert approve(api_as("head.psd"), proposed, "PSD", number=2).status_code == 200
    assert officer.post(url(proposed, "publish/")).json()["status"] == "published"


def test_a_new_department_joining_after_approval_voids_it(api_as, proposed, departments, personas):
    from departments.models import Department, Membership

    parks = Department.objects.create(
        municipality=departments["TRN"].municipality, code="PRK", name="Parks"
    )
    Membership.objects.create(
        user=personas["evaluator"], municipality=parks.municipality, role="head", department=parks
    )
    approve(api_as("head.trn"), proposed, "TRN")
    approve(api_as("head.psd"), proposed, "PSD")
    officer = api_as("officer")

    invited = officer.post(url(proposed, "participations/"), {"department": "PRK"}).json()
    joined = api_as("evaluator").post(url(proposed, f"participations/{invited['id']}/join/"))

    assert joined.status_code == 200
    refused(officer.post(url(proposed, "publish/")), 409, code="invalid_transition")


def test_a_rejected_version_cannot_publish(api_as, proposed):
    rejected = api_as("head.psd").post(
        url(proposed, "cost-split-versions/1/reject/"), {"department": "PSD", "reason": "No."}
    )
    assert rejected.status_code == 200

    refused(api_as("officer").post(url(proposed, "publish/")), 409, code="invalid_transition")
    refused(approve(api_as("head.trn"), proposed, "TRN"), 409, code="version_not_open")


@pytest.mark.parametrize(
    ("inputs", "attr"),
    [
        # One cent short of the 12,400.00 total.
        ({"amounts": {"TRN": "7400.00", "PSD": "4999.99"}}, "amounts"),
        # One cent over.
        ({"amounts": {"TRN": "7400.01", "PSD": 5000}}, "amounts"),
    ],
)
def test_fixed_shares_off_by_one_cent_are_refused(api_as, cameras, inputs, attr):
    before = database_state()
    body = {"method": "fixed", "inputs": inputs}

    for endpoint in ("cost-split-versions/", "cost-split-versions/preview/"):
        refused(api_as("officer").post(url(cameras, endpoint), body), 400, attr)

    assert database_state() == before


def test_fixed_shares_in_major_units_that_add_up_are_proposed(api_as, cameras):
    body = {"method": "fixed", "inputs": {"amounts": {"TRN": "7400.00", "PSD": 5000}}}
    response = api_as("officer").post(url(cameras, "cost-split-versions/"), body)
    assert response.status_code == 201, response.content
    assert cameras.split_versions.get().result["departments"] == {"PSD": 500_000, "TRN": 740_000}


@pytest.mark.parametrize(
    ("method", "inputs", "attr"),
    [
        ("percentage", {"percentages": {"TRN": "50", "PSD": "49.9999"}}, "percentages"),
        ("percentage", {"percentages": {"TRN": "50.0001", "PSD": "50"}}, "percentages"),
        ("percentage", {"percentages": {"TRN": "50.00005", "PSD": "49.99995"}}, "percentages.PSD"),
        ("line_item", "camera 49.9999", "lines.{camera}"),
    ],
)
def test_percentages_off_by_a_ten_thousandth_are_refused(api_as, cameras, method, inputs, attr):
    if inputs == "camera 49.9999":
        inputs = line_item_split(cameras)
        inputs["lines"][str(cameras.camera.pk)]["PSD"] = "49.9999"
    attr = attr.format(camera=cameras.camera.pk)
    before = database_state()

    response = api_as("officer").post(
        url(cameras, "cost-split-versions/"), {"method": method, "inputs": inputs}
    )

    refused(response, 400, attr)
    assert database_state() == before


# --- invariant 5: who decides ---------------------------------------------------------------


def test_head_of_psd_approving_or_rejecting_for_trn_is_a_403(api_as, proposed):
    client = api_as("head.psd")
    before = database_state()

    approving = approve(client, proposed, "TRN")
    rejecting = client.post(
        url(proposed, "cost-split-versions/1/reject/"), {"department": "TRN", "reason": "Not ours."}
    )

    refused(approving, 403, code="permission_denied")
    refused(rejecting, 403, code="permission_denied")
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "evaluator", "admin"])
def test_officers_members_and_admins_cannot_approve_or_reject(api_as, proposed, username):
    client = api_as(username)
    before = database_state()

    for code in ("TRN", "PSD"):
        refused(approve(client, proposed, code), 403, code="permission_denied")
        rejecting = client.post(
            url(proposed, "cost-split-versions/1/reject/"), {"department": code, "reason": "x"}
        )
        refused(rejecting, 403, code="permission_denied")

    assert database_state() == before


def test_a_head_decides_once_per_version(api_as, proposed):
    client = api_as("head.trn")
    assert approve(client, proposed, "TRN").status_code == 200

    body = refused(approve(client, proposed, "TRN"), 409, code="invalid_transition")
    assert body["errors"][0]["detail"] == "TRN has already decided on version 1."


def test_non_officers_cannot_write_solicitations(api_as, proposed):
    before = database_state()

    for username in ("head.trn", "evaluator", "admin"):
        client = api_as(username)
        for response in (
            client.post("/api/v1/riverton/solicitations/", {"title": "x"}),
            client.patch(url(proposed), {"title": "x"}),
            client.post(url(proposed, "publish/")),
            client.post(url(proposed, "cancel/"), {"reason": "x"}),
            client.post(url(proposed, "line-items/"), {}),
            client.delete(url(proposed, f"line-items/{proposed.camera.pk}/")),
            client.put(url(proposed, "criteria/"), []),
            client.post(url(proposed, "participations/"), {"department": "PSD"}),
            client.post(url(proposed, "cost-split-versions/"), {}),
        ):
            refused(response, 403, code="permission_denied")

    assert database_state() == before


def test_the_officer_cannot_join_for_a_department(api_as, cameras, departments):
    from departments.models import Department

    parks = Department.objects.create(
        municipality=departments["TRN"].municipality, code="PRK", name="Parks"
    )
    officer = api_as("officer")
    invited = officer.post(url(cameras, "participations/"), {"department": parks.code}).json()

    response = officer.post(url(cameras, f"participations/{invited['id']}/join/"))

    refused(response, 403, code="permission_denied")


# --- invariant 6: money -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "price",
    [2500.5, "2500.005", "2,5", "1e3.5", "NaN", "Infinity", "-1.00", "EUR 5", True, None, [], {}],
)
def test_unit_prices_are_exact_decimal_strings(api_as, cameras, price):
    before = database_state()
    body = {"description": "Pole", "quantity": "1", "estimated_unit_price": price}

    response = api_as("officer").post(url(cameras, "line-items/"), body)

    refused(response, 400, "estimated_unit_price")
    assert database_state() == before


@pytest.mark.parametrize("price", [2500, "2500", "2,500.00", "$2,500.00", "USD 2,500", " 2500. "])
def test_unit_prices_are_read_as_people_write_them(api_as, cameras, price):
    body = {"description": "Pole", "quantity": "1", "estimated_unit_price": price}

    response = api_as("officer").post(url(cameras, "line-items/"), body)

    assert response.status_code == 201, response.content
    assert response.json()["estimated_unit_price"] == "2500.00"


def test_split_numbers_given_as_json_floats_are_refused(api_as, cameras):
    body = {"method": "percentage", "inputs": {"percentages": {"TRN": 50.0, "PSD": 50}}}

    response = api_as("officer").post(url(cameras, "cost-split-versions/preview/"), body)

    refused(response, 400, "percentages.TRN")


def test_uneven_shares_still_add_up_to_the_cent(api_as, cameras):
    # Thirds of 12,400.00 do not divide evenly; the largest remainder goes by department code.
    body = {
        "method": "percentage",
        "inputs": {"percentages": {"TRN": "33.3333", "PSD": "66.6667"}},
        "in_kind": {"contributor": "Acme", "amount": "0.01"},
    }

    table = (
        api_as("head.trn").post(url(cameras, "cost-split-versions/preview/"), body).json()["table"]
    )

    paid = sum(Decimal(d["amount"]) for d in table["departments"])
    assert paid == Decimal(table["payable"]) == Decimal("12399.99")
    for line in table["lines"]:
        shares = sum(Decimal(s["amount"]) for s in line["shares"])
        assert shares + Decimal(line["in_kind_amount"]) == Decimal(line["amount"])
