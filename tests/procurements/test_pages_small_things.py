"""What a city notices on the pages: quantities and units as people write them, "Price" once,
"No fund codes", no empty red alert after a refused rejection."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from departments.models import Department
from p3hub.errors import ValidationErrors
from procurements import services
from procurements.models import Solicitation
from procurements.templatetags.procurement_tags import unit_for
from tests.factories import future
from tests.helpers import client_with_token, manage, page_text, post_refused, shown_again, token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("quantity", "unit", "shown"),
    [
        (Decimal("1.000"), "each", "each"),
        (Decimal("4.000"), "each", "each"),
        (Decimal("1.000"), "study", "study"),
        (Decimal("2.000"), "study", "studies"),
        (Decimal("2.500"), "hour", "hours"),
        (Decimal("3.000"), "year", "years"),
        (Decimal("2.000"), "box", "boxes"),
        (Decimal("2.000"), "day", "days"),
        (Decimal("12.000"), "m", "m"),
        (Decimal("5.000"), "hours", "hours"),
        (Decimal("2.000"), "lump sum", "lump sum"),
    ],
)
def test_units_read_as_people_write_them(quantity, unit, shown):
    assert unit_for(quantity, unit) == shown


def test_line_items_show_whole_and_decimal_quantities_without_trailing_zeros(
    client, personas, actor, cameras
):
    services.line_item_add(
        actor=actor("officer"),
        solicitation=cameras,
        description="Installation",
        quantity=Decimal("2.5"),
        unit="day",
        estimated_unit_price="800.00",
    )
    client.force_login(personas["officer"])
    shown = page_text(client.get(manage(cameras)))
    assert "4 each" in shown
    assert "2.5 days" in shown
    assert "4.000" not in shown and "2.500" not in shown


def test_the_line_item_form_shows_the_quantity_as_typed(client, personas, cameras):
    client.force_login(personas["officer"])
    html = client.get(manage(cameras, f"line-items/{cameras.camera.pk}/edit/")).content.decode()
    assert re.search(r'name="quantity" value="4"', html)


def test_the_price_criterion_is_not_called_price_price(client, personas, cameras):
    client.force_login(personas["officer"])
    type(cameras).objects.filter(pk=cameras.pk).update(status="published")
    for url in (manage(cameras), f"/riverton/solicitations/{cameras.reference}/"):
        shown = page_text(client.get(url))
        assert "Price 40%" in shown
        assert "Price price" not in shown


def test_a_price_criterion_with_another_name_is_marked_price(client, personas, actor, cameras):
    services.criteria_set(
        actor=actor("officer"),
        solicitation=cameras,
        criteria=[
            {"name": "Total cost of ownership", "weight": 40, "is_price": True},
            {"name": "Technical approach", "weight": 60},
        ],
    )
    type(cameras).objects.filter(pk=cameras.pk).update(status="published")
    client.force_login(personas["officer"])
    assert "Total cost of ownership price 40%" in page_text(client.get(manage(cameras)))


def test_departments_without_fund_codes_say_so(client, personas):
    Department.objects.filter(municipality__slug="riverton").update(fund_codes=[])
    client.force_login(personas["admin"])
    for url in ("/riverton/departments/", "/riverton/"):
        shown = page_text(client.get(url))
        assert "No fund codes" in shown
        assert "Fund codes None" not in shown


def test_a_refused_rejection_shows_its_error_beside_the_field_and_no_empty_alert(
    client, personas, departments, proposed
):
    client.force_login(personas["head.psd"])
    version = proposed.split_versions.get()
    prefix = f"reject-{version.pk}-{departments['PSD'].pk}"
    url = (
        f"/riverton/approvals/{proposed.reference}/versions/{version.number}"
        f"/departments/{departments['PSD'].pk}/reject/"
    )
    html = post_refused(client, url, {f"{prefix}-reason": " "}).content.decode()
    assert "This field is required." in html
    empty_alerts = re.findall(r'<div class="notice notice--error" role="alert">\s*</div>', html)
    assert empty_alerts == []


def test_the_workspace_summary_lists_every_error_of_the_failed_form(client, personas, cameras):
    client.force_login(personas["officer"])
    response = client.post(
        manage(cameras, "edit/"),
        {
            "kind": "RFP",
            "title": cameras.title,
            "publish_at": "soon",
            "bids_due_at": "31/31/2026",
        },
    )
    assert response.status_code == 303
    response = shown_again(client, response)
    html = response.content.decode()
    top = r'<div class="error-summary" role="alert" tabindex="-1">.*?</div>'
    summary = re.search(top, html, re.S)
    items = re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)
    assert len(items) == 2, items
    assert 'href="#id_edit-publish_at"' in items[0]
    assert 'href="#id_edit-bids_due_at"' in items[1]


def test_a_refused_solicitation_reports_every_field_at_fault_at_once(
    client, personas, actor, departments
):
    """The service checks every input before refusing: the page, the API and the service all
    name the blank title, the lead department of nowhere and the deadline before the publish
    date together, and nothing is created."""
    officer = actor("officer")
    soon = future(3)
    refused = {"title": " ", "lead_department": None}
    with pytest.raises(ValidationErrors) as caught:
        services.solicitation_create(
            actor=officer,
            kind="RFP",
            description="",
            publish_at=soon,
            bids_due_at=soon - dt.timedelta(days=1),
            **refused,
        )
    assert {error.field for error in caught.value.errors} == {
        "title",
        "lead_department",
        "bids_due_at",
    }

    client.force_login(personas["officer"])
    typed = {
        "kind": "RFP",
        "title": "",
        "lead_department": "",
        "publish_at": soon.strftime("%Y-%m-%dT%H:%M"),
        "bids_due_at": (soon - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post("/riverton/manage/solicitations/new/", typed)
    assert response.status_code == 400
    summary = re.search(r'class="error-summary".*?</ul>', response.content.decode(), re.S)
    assert len(re.findall(r"<li>", summary.group(0))) == 3

    api = client_with_token(token_for("officer"))
    body = api.post(
        "/api/v1/riverton/solicitations/",
        {
            "kind": "RFP",
            "title": " ",
            "lead_department": "TRN",
            "publish_at": soon.isoformat(),
            "bids_due_at": (soon - dt.timedelta(days=1)).isoformat(),
            "questions_due_at": soon.isoformat(),
        },
        format="json",
    ).json()
    assert {error["attr"] for error in body["errors"]} == {"title", "bids_due_at"}
    assert not Solicitation.objects.filter(municipality__slug="riverton", title=" ").exists()


def test_a_refused_line_item_reports_every_field_at_fault_at_once(client, personas, cameras):
    client.force_login(personas["officer"])
    before = cameras.line_items.count()
    response = client.post(
        manage(cameras, "line-items/new/"),
        {"description": "", "quantity": "0", "unit": "each", "estimated_unit_price": "a lot"},
    )
    assert response.status_code == 303
    response = shown_again(client, response)
    summary = re.search(r'class="error-summary".*?</ul>', response.content.decode(), re.S)
    named = re.findall(r'href="#id_line-(\w+)"', summary.group(0))
    assert named == ["description", "quantity", "estimated_unit_price"]
    assert cameras.line_items.count() == before
