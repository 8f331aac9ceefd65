"""Bad input to every solicitation form answers 400 with the message beside the field at fault,
keeps what was typed, and changes nothing (invariant 10)."""

import pytest

from tests.helpers import database_state, error_at, manage, shown_again, typed_value

pytestmark = pytest.mark.django_db

HUGE = "1e30"


@pytest.fixture
def officer_client(client, personas):
    client.force_login(personas["officer"])
    return client


def refused(client, url: str, data: dict, field_id: str, expected: str) -> str:
    """POST bad input; assert the form is shown again (re-rendered at 400 on its own page, or
    back on the workspace after a 303) with the error beside `field_id`, and nothing changed."""
    before = database_state()
    response = client.post(url, data)
    assert response.status_code in (303, 400), response.content.decode()[:500]
    response = shown_again(client, response)
    message = error_at(response, field_id)
    assert expected in message, message
    assert database_state() == before
    return response


CREATE = {
    "kind": "RFP",
    "title": "Intersection cameras",
    "lead_department": "TRN",
    "publish_at": "2027-03-01T09:00",
    "questions_due_at": "2027-03-10T17:00",
    "bids_due_at": "2027-03-20T14:00",
    "opening_at": "2027-03-20T15:00",
}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"bids_due_at": "2027-03-05T14:00"}, "bids_due_at", "must not be before"),
        ({"publish_at": "next tuesday"}, "publish_at", "Enter a valid date/time"),
        ({"lead_department": "ZZZ"}, "lead_department", "No department has the code “ZZZ”."),
        # Lakeside's code is as unknown in riverton as one that does not exist.
        ({"lead_department": "PWD"}, "lead_department", "No department has the code “PWD”."),
        ({"kind": "RFX"}, "kind", "“RFX” is not RFP, IFB or RFQ."),
        ({"title": " "}, "title", "required"),
        ({"title": "x" * 201}, "title", "At most 200 characters"),
        # 02:30 on the day Chicago springs forward does not exist there.
        ({"publish_at": "2027-03-14T02:30"}, "publish_at", "America/Chicago"),
    ],
)
def test_creating_with_bad_input(officer_client, changes, field, expected):
    response = refused(
        officer_client,
        "/riverton/manage/solicitations/new/",
        CREATE | changes,
        f"id_{field}",
        expected,
    )
    assert typed_value(response, "id_title") == (CREATE | changes)["title"]


def test_dates_typed_in_local_time_are_stored_in_utc(officer_client):
    response = officer_client.post("/riverton/manage/solicitations/new/", CREATE)
    assert response.status_code == 302
    from procurements.models import Solicitation

    created = Solicitation.objects.get(title="Intersection cameras")
    assert created.bids_due_at.isoformat() == "2027-03-20T19:00:00+00:00"  # 14:00 CDT
    page = officer_client.get(response["Location"])
    assert 'value="2027-03-20T14:00"' in page.content.decode()


LINE = {
    "description": "Traffic camera",
    "quantity": "4",
    "unit": "each",
    "site": "Main St & Elm St",
    "estimated_unit_price": "2500.00",
}


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"quantity": "-3"}, "quantity", "above zero"),
        ({"quantity": "0"}, "quantity", "above zero"),
        ({"quantity": "four"}, "quantity", "Enter a number"),
        ({"quantity": HUGE}, "quantity", "too large"),
        ({"quantity": "NaN"}, "quantity", "Enter a number"),
        ({"quantity": "1.0005"}, "quantity", "at most 3 decimal places"),
        ({"quantity": "2,5"}, "quantity", "Enter a number"),
        ({"estimated_unit_price": "lots"}, "estimated_unit_price", "such as 2,500.00"),
        ({"estimated_unit_price": "2,5"}, "estimated_unit_price", "such as 2,500.00"),
        ({"estimated_unit_price": HUGE}, "estimated_unit_price", "such as 2,500.00"),
        ({"estimated_unit_price": "9" * 31}, "estimated_unit_price", "too large"),
        ({"estimated_unit_price": "99999999999999"}, "estimated_unit_price", "up to"),
        ({"estimated_unit_price": "-5"}, "estimated_unit_price", "from zero"),
        ({"estimated_unit_price": "12.345"}, "estimated_unit_price", "at most 2 decimal places"),
        ({"description": ""}, "description", "required"),
    ],
)
def test_adding_a_line_item_with_bad_input(officer_client, cameras, changes, field, expected):
    response = refused(
        officer_client,
        manage(cameras, "line-items/new/"),
        LINE | changes,
        f"id_line-{field}",
        expected,
    )
    assert typed_value(response, f"id_line-{field}") == (LINE | changes)[field]
    assert typed_value(response, "id_line-site") == "Main St & Elm St"


def test_editing_a_line_item_with_bad_input_keeps_the_focused_page(officer_client, cameras):
    url = manage(cameras, f"line-items/{cameras.camera.pk}/edit/")
    response = refused(
        officer_client, url, LINE | {"quantity": "-1"}, "id_line-quantity", "above zero"
    )
    assert typed_value(response, "id_line-quantity") == "-1"
    assert "Edit line item 1" in response.content.decode()


def criteria(*rows) -> dict:
    data = {"criteria-TOTAL_FORMS": str(len(rows)), "criteria-INITIAL_FORMS": "0"}
    for index, (name, weight, is_price) in enumerate(rows):
        data[f"criteria-{index}-name"] = name
        data[f"criteria-{index}-weight"] = weight
        if is_price:
            data[f"criteria-{index}-is_price"] = "on"
    return data


@pytest.mark.parametrize(
    ("rows", "field", "expected"),
    [
        ([("Price", "50", True), ("Technical", "40", False)], "id_criteria", "total 90"),
        ([("Price", "40", False), ("Technical", "60", False)], "id_criteria", "one criterion"),
        (
            [("Price", "forty", True), ("Technical", "60", False)],
            "id_criteria-0-weight",
            "whole number",
        ),
        (
            [("Price", HUGE, True), ("Technical", "60", False)],
            "id_criteria-0-weight",
            "whole number",
        ),
        ([("", "", False), ("Price", "-40", True)], "id_criteria-1-weight", "from 1 to 100"),
        ([("Price", "40", True), ("", "60", False)], "id_criteria-1-name", "required"),
    ],
)
def test_setting_criteria_with_bad_input(officer_client, cameras, rows, field, expected):
    response = refused(
        officer_client, manage(cameras, "criteria/"), criteria(*rows), field, expected
    )
    assert typed_value(response, "id_criteria-0-name") == rows[0][0]


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        (
            {"method": "percentage", "percentages.TRN": "sixty", "percentages.PSD": "40"},
            "id_split-percentages.TRN",
            "Enter a number",
        ),
        (
            {"method": "percentage", "percentages.TRN": HUGE, "percentages.PSD": "40"},
            "id_split-percentages.TRN",
            "too large",
        ),
        (
            {"method": "percentage", "percentages.TRN": "-10", "percentages.PSD": "110"},
            "id_split-percentages.TRN",
            "zero or more",
        ),
        ({"method": "percentage", "percentages.PSD": "100"}, "id_split-percentages.TRN", "TRN"),
        (
            {"method": "fixed", "amounts.TRN": "7400.001", "amounts.PSD": "5000"},
            "id_split-amounts.TRN",
            "at most 2 decimal places",
        ),
        ({"method": "quantity"}, "id_split-quantities.{camera}", "must total"),
        (
            {
                "method": "line_item",
                "lines.{camera}.TRN": "50",
                "lines.{camera}.PSD": "40",
                "lines.{sensor}.TRN": "100",
            },
            "id_split-lines.{camera}",
            "not exactly 100",
        ),
        ({"method": "split-it", "percentages.TRN": "100"}, "id_split-method", "not a split method"),
        (
            {
                "method": "percentage",
                "percentages.TRN": "60",
                "percentages.PSD": "40",
                "in_kind_amount": "20000.00",
                "in_kind_contributor": "Acme",
            },
            "id_split-in_kind_amount",
            "between zero and the estimated total",
        ),
        (
            {
                "method": "percentage",
                "percentages.TRN": "60",
                "percentages.PSD": "40",
                "in_kind_amount": "100.00",
            },
            "id_split-in_kind_contributor",
            "Name who",
        ),
    ],
)
def test_proposing_a_split_with_bad_input(officer_client, cameras, data, field, expected):
    ids = {"camera": cameras.camera.pk, "sensor": cameras.sensor.pk}
    data = {key.format(**ids): value for key, value in data.items()}
    response = refused(
        officer_client,
        manage(cameras, "cost-split-versions/new/"),
        data,
        field.format(**ids),
        expected,
    )
    for key, value in data.items():
        if key != "method":
            assert typed_value(response, f"id_split-{key}") == value


def test_previewing_bad_input_answers_the_same_as_proposing(officer_client, cameras):
    data = {"method": "percentage", "percentages.TRN": "60", "percentages.PSD": "40.0001"}
    response = refused(
        officer_client,
        manage(cameras, "cost-split-versions/preview/"),
        data,
        "id_split-percentages",
        "not exactly",
    )
    assert "Preview — not saved" not in response.content.decode()


@pytest.mark.parametrize(
    ("suffix", "data", "field", "expected"),
    [
        ("participations/new/", {"department": "ZZZ"}, "id_invite-department", "No department"),
        ("participations/new/", {"department": "PSD"}, "id_invite-department", "already joined"),
        ("cancel/", {"reason": "   "}, "id_reason-reason", "required"),
        ("documents/new/", {"title": "Spec"}, "id_document-file", "Choose a file"),
        (
            "edit/",
            {
                "kind": "RFP",
                "title": "Cameras",
                "questions_due_at": "2027-03-10T17:00",
                "bids_due_at": "2027-03-01T17:00",
            },
            "id_edit-bids_due_at",
            "must not be before",
        ),
    ],
)
def test_other_workspace_forms_with_bad_input(
    officer_client, cameras, suffix, data, field, expected
):
    refused(officer_client, manage(cameras, suffix), data, field, expected)
