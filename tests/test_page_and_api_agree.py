"""One validation path (STYLE.md 4, DESIGN.md 5.10): the service decides and owns every message,
so a page and the API answer the same bad input with the same words, and neither changes
anything. One table of bad inputs runs through both: the message beside the field on the page
is the API's `detail` for the `attr` naming it, and the API's answer is the one its OpenAPI
description documents."""

from dataclasses import dataclass

import pytest
from django.test import Client

from p3hub.money import format_money
from procurements.models import LineItem
from tests.helpers import (
    DEMO_PASSWORD,
    database_state,
    error_at,
    manage,
    post_refused,
    shown_again,
    url,
)
from tests.p3hub.test_openapi import assert_documented

pytestmark = pytest.mark.django_db

SOLICITATION = {
    "kind": "RFP",
    "title": "Road salt",
    "description": "",
    "lead_department": "TRN",
    "publish_at": "2030-01-10T09:00",
    "questions_due_at": "2030-01-12T17:00",
    # At least the minimum bidding period (7 days) after publication.
    "bids_due_at": "2030-01-20T14:00",
    "opening_at": "2030-01-20T15:00",
}
LINE = {
    "description": "Cabinet",
    "quantity": "2",
    "unit": "each",
    "site": "",
    "estimated_unit_price": "1,000.00",
}


@dataclass(frozen=True)
class Case:
    """One bad input: where the page takes it and where the API does, and the field."""

    name: str
    persona: str
    page: str  # URL tail under /riverton/ (or the workspace, with `workspace`)
    page_data: dict
    page_field: str  # the input's id on the page
    api: str  # URL tail under /api/v1/riverton/ (or the solicitation's, with `workspace`)
    api_body: dict
    api_attr: str
    method: str = "post"
    workspace: bool = True


def _split(percentages: dict, **extra) -> tuple[dict, dict]:
    """A percentage split as the page posts it and as the API takes it; `extra` in-kind and
    note fields by their page names."""
    page = {"method": "percentage", **{f"percentages.{k}": v for k, v in percentages.items()}}
    api = {"method": "percentage", "inputs": {"percentages": percentages}}
    in_kind = {k.removeprefix("in_kind_"): v for k, v in extra.items() if k.startswith("in_kind")}
    if in_kind:
        api["in_kind"] = in_kind
    if "note" in extra:
        api["note"] = extra["note"]
    return page | extra, api


def _criteria(*rows) -> tuple[dict, dict]:
    """Criteria as the page's formset posts them and as the API takes them."""
    page = {"criteria-TOTAL_FORMS": str(len(rows)), "criteria-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        page |= {f"criteria-{index}-{k}": v for k, v in row.items() if v is not False}
    return page, {"criteria": list(rows)}


def line_cases() -> list[Case]:
    bad = [
        ("no description", {"description": "  "}, "description"),
        ("description too long", {"description": "x" * 301}, "description"),
        ("quantity in words", {"quantity": "four"}, "quantity"),
        ("zero quantity", {"quantity": "0"}, "quantity"),
        ("negative quantity", {"quantity": "-3"}, "quantity"),
        ("four decimals", {"quantity": "1.0005"}, "quantity"),
        ("a decimal comma in a quantity", {"quantity": "2,5"}, "quantity"),
        ("huge quantity", {"quantity": "1e30"}, "quantity"),
        ("price in words", {"estimated_unit_price": "lots"}, "estimated_unit_price"),
        ("fractions of a cent", {"estimated_unit_price": "12.345"}, "estimated_unit_price"),
        ("negative price", {"estimated_unit_price": "-5"}, "estimated_unit_price"),
        ("implausible price", {"estimated_unit_price": "99999999999999"}, "estimated_unit_price"),
        ("a decimal comma in a price", {"estimated_unit_price": "2,5"}, "estimated_unit_price"),
        ("another currency", {"estimated_unit_price": "EUR 5"}, "estimated_unit_price"),
        ("no price", {"estimated_unit_price": ""}, "estimated_unit_price"),
        ("unit too long", {"unit": "x" * 31}, "unit"),
        ("site too long", {"site": "x" * 201}, "site"),
    ]
    return [
        Case(
            f"line item: {name}",
            "officer",
            "line-items/new/",
            LINE | change,
            f"id_line-{attr}",
            "line-items/",
            LINE | change,
            attr,
        )
        for name, change, attr in bad
    ]


def solicitation_cases() -> list[Case]:
    bad = [
        ("no title", {"title": ""}, "title"),
        ("title too long", {"title": "x" * 201}, "title"),
        ("unknown kind", {"kind": "RFX"}, "kind"),
        ("unknown department", {"lead_department": "ZZZ"}, "lead_department"),
        ("the other city's department", {"lead_department": "PWD"}, "lead_department"),
        ("description too long", {"description": "x" * 20_001}, "description"),
        ("bids before questions", {"bids_due_at": "2030-01-11T14:00"}, "bids_due_at"),
    ]
    return [
        Case(
            f"solicitation: {name}",
            "officer",
            "manage/solicitations/new/",
            SOLICITATION | change,
            f"id_{attr}",
            "solicitations/",
            SOLICITATION | change,
            attr,
            workspace=False,
        )
        for name, change, attr in bad
    ]


def _split_case(name, page_tail, split, page_field, api_attr) -> Case:
    page, api = split
    api_tail = page_tail.replace("new/", "")
    return Case(f"split: {name}", "officer", page_tail, page, page_field, api_tail, api, api_attr)


def split_cases() -> list[Case]:
    new, preview = "cost-split-versions/new/", "cost-split-versions/preview/"
    fixed_off = {"TRN": "7,400.00", "PSD": "4,999.99"}
    fixed_frac = {"TRN": "7400.001", "PSD": "5000"}

    def fixed(amounts):
        page = {"method": "fixed", **{f"amounts.{k}": v for k, v in amounts.items()}}
        return page, {"method": "fixed", "inputs": {"amounts": amounts}}

    even = {"TRN": "60", "PSD": "40"}
    return [
        _split_case(
            "a percentage in words",
            new,
            _split({"TRN": "sixty", "PSD": "40"}),
            "id_split-percentages.TRN",
            "percentages.TRN",
        ),
        _split_case(
            "percentages off by a ten-thousandth",
            new,
            _split({"TRN": "60", "PSD": "40.0001"}),
            "id_split-percentages",
            "percentages",
        ),
        _split_case(
            "a department left out",
            new,
            _split({"PSD": "100"}),
            "id_split-percentages.TRN",
            "percentages.TRN",
        ),
        _split_case(
            "fixed amounts off by a cent", new, fixed(fixed_off), "id_split-amounts", "amounts"
        ),
        _split_case(
            "fractions of a cent",
            new,
            fixed(fixed_frac),
            "id_split-amounts.TRN",
            "amounts.TRN",
        ),
        _split_case(
            "no method", new, ({"method": ""}, {"method": ""}), "id_split-method", "method"
        ),
        _split_case(
            "in kind above the total",
            new,
            _split(even, in_kind_amount="20,000.00", in_kind_contributor="Acme"),
            "id_split-in_kind_amount",
            "in_kind.amount",
        ),
        _split_case(
            "in kind from nobody",
            new,
            _split(even, in_kind_amount="100"),
            "id_split-in_kind_contributor",
            "in_kind.contributor",
        ),
        _split_case("note too long", new, _split(even, note="x" * 2001), "id_split-note", "note"),
        _split_case(
            "a preview in another currency",
            preview,
            _split(even, in_kind_amount="€100", in_kind_contributor="Acme"),
            "id_split-in_kind_amount",
            "in_kind.amount",
        ),
    ]


def workspace_cases() -> list[Case]:
    price = {"name": "Price", "weight": "40", "is_price": True}
    tech = {"name": "Approach", "weight": "60", "is_price": False}
    criteria = [
        ("weights total 90", _criteria(price, tech | {"weight": "50"}), "criteria", "criteria"),
        (
            "a weight in words",
            _criteria(price, tech | {"weight": "sixty"}),
            "criteria-1-weight",
            "criteria.1.weight",
        ),
        (
            "a nameless criterion",
            _criteria(price | {"name": ""}, tech),
            "criteria-0-name",
            "criteria.0.name",
        ),
    ]
    other = [
        ("invitation: unknown department", "participations/new/", {"department": "ZZZ"},
         "id_invite-department", "participations/", "department"),
        ("invitation: already joined", "participations/new/", {"department": "PSD"},
         "id_invite-department", "participations/", "department"),
        ("cancel: no reason", "cancel/", {"reason": "  "}, "id_reason-reason", "cancel/",
         "reason"),
        ("cancel: reason too long", "cancel/", {"reason": "x" * 5001}, "id_reason-reason",
         "cancel/", "reason"),
    ]  # fmt: skip
    return [
        Case(f"criteria: {name}", "officer", "criteria/", page, f"id_{field_id}", "criteria/",
             api, attr, method="put")
        for name, (page, api), field_id, attr in criteria
    ] + [
        Case(name, "officer", page_tail, data, field_id, api_tail, data, attr)
        for name, page_tail, data, field_id, api_tail, attr in other
    ]  # fmt: skip


def tenant_cases() -> list[Case]:
    department = {"code": "PRK", "name": "Parks"}
    bad = [
        ("no code", {"code": ""}, "code"),
        ("a code with a dash", {"code": "P-R"}, "code"),
        ("a code taken", {"code": "TRN"}, "code"),
        ("name too long", {"name": "x" * 121}, "name"),
    ]
    return [
        Case(
            f"department: {name}",
            "admin",
            "departments/new/",
            department | change | {"fund_codes": ""},
            f"id_{attr}",
            "departments/",
            department | change,
            attr,
            workspace=False,
        )
        for name, change, attr in bad
    ]


CASES = line_cases() + solicitation_cases() + split_cases() + workspace_cases() + tenant_cases()


def _signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def _page_message(case: Case, solicitation, client: Client) -> str:
    path = manage(solicitation, case.page) if case.workspace else f"/riverton/{case.page}"
    response = client.post(path, case.page_data)
    # A workspace form returns to the workspace (303); a form on its own page, and a preview
    # (an answer, not a move), answer 400 where they were posted.
    expected = 303 if case.workspace and "preview" not in case.page else 400
    assert response.status_code == expected, (case.name, response.status_code)
    return error_at(shown_again(client, response), case.page_field)


def _api_message(case: Case, solicitation, client, schema) -> str:
    path = url(solicitation, case.api) if case.workspace else f"/api/v1/riverton/{case.api}"
    response = getattr(client, case.method)(path, case.api_body, format="json")
    assert response.status_code == 400, (case.name, response.content)
    assert_documented(schema, response, path, case.method)
    errors = {e["attr"]: e["detail"] for e in response.json()["errors"]}
    assert case.api_attr in errors, (case.name, errors)
    return errors[case.api_attr]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_page_and_the_api_answer_bad_input_with_the_same_words(api_as, cameras, schema, case):
    page_client, api_client = _signed_in(case.persona), api_as(case.persona)
    before = database_state()

    on_page = _page_message(case, cameras, page_client)
    in_api = _api_message(case, cameras, api_client, schema)

    assert on_page == in_api
    assert database_state() == before


def test_the_table_covers_every_kind_of_form(cameras):
    pages = {c.page for c in CASES}
    assert {"line-items/new/", "criteria/", "cost-split-versions/new/", "cancel/"} <= pages
    assert {"manage/solicitations/new/", "participations/new/", "departments/new/"} <= pages


def test_a_rejection_without_a_reason_reads_the_same_on_the_inbox_and_in_the_api(
    api_as, proposed, departments, schema
):
    trn = departments["TRN"]
    prefix = f"reject-{proposed.split_versions.get().pk}-{trn.pk}"
    head = _signed_in("head.trn")
    page = post_refused(
        head,
        f"/riverton/approvals/{proposed.reference}/versions/1/departments/{trn.pk}/reject/",
        {f"{prefix}-reason": " "},
    )
    path = url(proposed, "cost-split-versions/1/reject/")
    api = api_as("head.trn").post(path, {"department": "TRN", "reason": " "}, format="json")

    assert api.status_code == 400
    assert_documented(schema, api, path, "post")
    assert error_at(page, f"id_reason-{prefix}-reason") == api.json()["errors"][0]["detail"]


# --- money as people type it ------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["2500", "2,500.00", "$2,500.00", "USD 2,500", " 2500.00 "])
def test_the_page_and_the_api_read_amounts_as_people_type_them(api_as, cameras, typed):
    page = _signed_in("officer").post(
        manage(cameras, "line-items/new/"), LINE | {"estimated_unit_price": typed}
    )
    api = api_as("officer").post(
        url(cameras, "line-items/"), LINE | {"estimated_unit_price": typed}, format="json"
    )

    assert page.status_code == 302 and api.status_code == 201
    prices = LineItem.objects.filter(solicitation=cameras, description="Cabinet")
    assert list(prices.values_list("estimated_unit_price_minor", flat=True)) == [250_000] * 2


def test_a_fixed_split_reads_amounts_as_people_type_them(api_as, cameras):
    body = {
        "method": "fixed",
        "inputs": {"amounts": {"TRN": "$7,400", "PSD": "5,000.00"}},
    }
    page = _signed_in("officer").post(
        manage(cameras, "cost-split-versions/preview/"),
        {"method": "fixed", "amounts.TRN": "$7,400", "amounts.PSD": "5,000.00"},
    )
    api = api_as("officer").post(url(cameras, "cost-split-versions/preview/"), body, format="json")

    assert page.status_code == api.status_code == 200
    shares = {d["department"]: d["amount"] for d in api.json()["table"]["departments"]}
    assert shares == {"PSD": "5000.00", "TRN": "7400.00"}
    assert format_money(740_000, "USD") in page.content.decode()
