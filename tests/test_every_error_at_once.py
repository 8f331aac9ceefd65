"""Every form reports all its errors at once, and the error summary lists them (issue 9,
item 12): the service checks every input before it refuses (p3hub.errors.Checks), so the
service, the page and the API name each field at fault together, and nothing changes.
The solicitation and line item forms are in tests/procurements/test_pages_small_things.py;
here the criteria, the cost split, departments, people, invitations and new accounts."""

import re

import pytest
from django.urls import reverse

from departments import services as department_services
from departments.services.invitations import invitation_token
from p3hub.errors import ValidationErrors
from procurements import services
from tests.helpers import (
    DEMO_PASSWORD,
    database_state,
    error_at,
    manage,
    post_refused,
    url,
)
from tests.test_page_and_api_agree import _criteria, _split

pytestmark = pytest.mark.django_db


def refused_fields(call) -> set[str]:
    with pytest.raises(ValidationErrors) as caught:
        call()
    return {error.field for error in caught.value.errors}


def api_attrs(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {error["attr"] for error in response.json()["errors"]}


def summary_items(response) -> list[str]:
    """The entries of the page's top error summary."""
    summary = re.search(r'class="error-summary".*?</ul>', response.content.decode(), re.S)
    assert summary, "no error summary"
    return re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)


# --- the workspace: criteria and the cost split ------------------------------------------------

PRICE = {"name": "Price", "weight": "40", "is_price": True}
NAMELESS = {"name": "", "weight": "30", "is_price": False}
WORDY_WEIGHT = {"name": "Approach", "weight": "thirty", "is_price": False}


def test_criteria_name_every_row_at_fault(client, personas, actor, api_as, cameras):
    rows = (PRICE, NAMELESS, WORDY_WEIGHT)
    assert refused_fields(
        lambda: services.criteria_set(
            actor=actor("officer"), solicitation=cameras, criteria=list(rows)
        )
    ) == {"criteria.1.name", "criteria.2.weight"}

    page, api = _criteria(*rows)
    client.force_login(personas["officer"])
    before = database_state()
    shown = post_refused(client, manage(cameras, "criteria/"), page)
    assert error_at(shown, "id_criteria-1-name")
    assert error_at(shown, "id_criteria-2-weight")
    assert len(summary_items(shown)) == 2

    answer = api_as("officer").put(url(cameras, "criteria/"), api, format="json")
    assert api_attrs(answer) == {"criteria.1.name", "criteria.2.weight"}
    assert database_state() == before


def test_criteria_name_both_totals_at_fault(client, personas, actor, cameras):
    rows = [PRICE | {"is_price": False}, {"name": "Approach", "weight": "50", "is_price": False}]
    with pytest.raises(ValidationErrors) as caught:
        services.criteria_set(actor=actor("officer"), solicitation=cameras, criteria=rows)
    assert [error.message for error in caught.value.errors] == [
        "Weights total 90; they must total 100.",
        "Exactly one criterion must be price.",
    ]

    client.force_login(personas["officer"])
    shown = post_refused(client, manage(cameras, "criteria/"), _criteria(*rows)[0])
    beside = error_at(shown, "id_criteria")
    assert "Weights total 90" in beside and "Exactly one criterion must be price" in beside


def test_a_split_names_every_department_and_field_at_fault(
    client, personas, actor, api_as, cameras
):
    wrong = {"TRN": "sixty", "PSD": "-40"}
    assert refused_fields(
        lambda: services.cost_split_propose(
            actor=actor("officer"),
            solicitation=cameras,
            method="percentage",
            inputs={"percentages": wrong},
            note="x" * 2001,
        )
    ) == {"percentages.PSD", "percentages.TRN", "note"}

    page, api = _split(wrong, note="x" * 2001)
    client.force_login(personas["officer"])
    before = database_state()
    shown = post_refused(client, manage(cameras, "cost-split-versions/new/"), page)
    assert error_at(shown, "id_split-note")
    assert len(summary_items(shown)) == 3

    answer = api_as("officer").post(url(cameras, "cost-split-versions/"), api, format="json")
    assert api_attrs(answer) == {"percentages.PSD", "percentages.TRN", "note"}
    assert database_state() == before


def test_a_per_line_split_names_every_line_at_fault(actor, cameras):
    camera, sensor = cameras.line_items.order_by("position")
    inputs = {"lines": {str(camera.pk): {"TRN": "70"}, str(sensor.pk): {"TRN": "x"}}}
    assert refused_fields(
        lambda: services.cost_split_preview(
            actor=actor("officer"), solicitation=cameras, method="line_item", inputs=inputs
        )
    ) == {f"lines.{camera.pk}", f"lines.{sensor.pk}.TRN"}


def test_in_kind_without_a_contributor_and_a_bad_method_come_together(actor, cameras):
    assert refused_fields(
        lambda: services.cost_split_preview(
            actor=actor("officer"),
            solicitation=cameras,
            method="by_mood",
            inputs={},
            in_kind_amount="100",
        )
    ) == {"method", "in_kind_contributor"}


# --- departments, people and invitations (tenant admins) --------------------------------------


def test_a_department_names_every_field_at_fault(client, personas, actor, api_as):
    bad = {"code": "", "name": "x" * 121, "fund_codes": ["ok-1", "not a code"]}
    assert refused_fields(
        lambda: department_services.department_create(actor=actor("admin"), **bad)
    ) == {"code", "name", "fund_codes.1"}

    client.force_login(personas["admin"])
    before = database_state()
    response = client.post(
        "/riverton/departments/new/",
        {"code": "", "name": "x" * 121, "fund_codes": "ok-1\nnot a code"},
    )
    assert response.status_code == 400
    assert len(summary_items(response)) == 3

    answer = api_as("admin").post("/api/v1/riverton/departments/", bad, format="json")
    assert api_attrs(answer) == {"code", "name", "fund_codes.1"}
    assert database_state() == before


def test_a_department_edit_names_a_taken_code_and_a_long_name(actor, departments):
    assert refused_fields(
        lambda: department_services.department_update(
            actor=actor("admin"), department=departments["PSD"], code="TRN", name="x" * 121
        )
    ) == {"code", "name"}


def test_a_person_edit_names_every_field_at_fault(client, personas, actor, api_as):
    officer = personas["officer"]
    bad = {"first_name": "x" * 151, "last_name": "Officer", "email": "nope"}
    assert refused_fields(
        lambda: department_services.person_update(actor=actor("admin"), person=officer, **bad)
    ) == {"first_name", "email"}

    client.force_login(personas["admin"])
    before = database_state()
    shown = post_refused(client, f"/riverton/people/{officer.pk}/edit/", bad)
    assert error_at(shown, "id_first_name") and error_at(shown, "id_email")

    answer = api_as("admin").patch(f"/api/v1/riverton/people/{officer.pk}/", bad, format="json")
    assert api_attrs(answer) == {"first_name", "email"}
    assert database_state() == before


def test_an_invitation_names_every_field_at_fault(client, personas, actor, api_as):
    bad = {"email": "nope", "role": "mayor", "first_name": "x" * 151}
    assert refused_fields(
        lambda: department_services.invitation_send(actor=actor("admin"), **bad)
    ) == {"email", "role", "first_name"}

    client.force_login(personas["admin"])
    before = database_state()
    response = client.post("/riverton/people/invite/", bad | {"last_name": "", "department": ""})
    assert response.status_code == 400
    assert len(summary_items(response)) == 3

    answer = api_as("admin").post("/api/v1/riverton/invitations/", bad, format="json")
    assert api_attrs(answer) == {"email", "role", "first_name"}
    assert database_state() == before


def test_a_new_account_names_the_username_and_the_passwords_together(client, actor):
    invitation = department_services.invitation_send(
        actor=actor("admin"), email="new.clerk@riverton.example", role="officer"
    )
    token = invitation_token(invitation)
    assert refused_fields(
        lambda: department_services.invitation_accept_with_new_account(
            token=token, username="officer", password="short", password_again="other"
        )
    ) == {"password_again", "username", "password"}

    response = client.post(
        reverse("invitation-accept", args=[token]),
        {"username": "officer", "password": DEMO_PASSWORD, "password_again": "different"},
    )
    assert response.status_code == 400
    assert len(summary_items(response)) == 2
