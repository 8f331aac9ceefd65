"""Bad input to the procurement API (DESIGN.md 5.10): a 4xx in the standard error format naming
the field at fault, and nothing changed, not even the audit log. Never a 500: the sweep at the
end throws malformed values at every write endpoint."""

import pytest

from tests.factories import line_item_split
from tests.helpers import database_state, url

pytestmark = pytest.mark.django_db

SOLICITATIONS = "/api/v1/riverton/solicitations/"


@pytest.fixture
def api_as(api_as):
    def client_for(username):
        client = api_as(username)
        client.default_format = "json"
        return client

    return client_for


@pytest.fixture
def officer(api_as):
    return api_as("officer")


def assert_refused(response, attr: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["errors"][0]["attr"] == attr, body


# --- solicitations ----------------------------------------------------------------------------

VALID = {
    "kind": "RFP",
    "title": "Cameras",
    "lead_department": "TRN",
    "publish_at": "2030-03-02T09:00:00",
    "questions_due_at": "2030-03-16T17:00:00",
    "bids_due_at": "2030-03-30T14:00:00",
    "opening_at": "2030-03-31T10:00:00",
}

SOLICITATION_CASES = [
    ({"questions_due_at": "2030-03-01T17:00:00"}, "questions_due_at"),
    ({"opening_at": "2030-03-30T13:59:59"}, "opening_at"),
    # 23:00 in Tokyo is 09:00 in Riverton, before the bids are due at 14:00 local.
    ({"opening_at": "2030-03-30T23:00:00+09:00"}, "opening_at"),
    ({"bids_due_at": "2030-02-30T14:00:00"}, "bids_due_at"),
    ({"bids_due_at": "tomorrow"}, "bids_due_at"),
    ({"bids_due_at": 1_900_000_000}, "bids_due_at"),
    ({"bids_due_at": ["2030-03-30T14:00:00"]}, "bids_due_at"),
    ({"opening_at": "9999-12-31T23:59:59-12:00"}, "opening_at"),
    ({"publish_at": "0001-01-01T00:00:00+14:00"}, "publish_at"),
    ({"kind": "RFX"}, "kind"),
    ({"kind": ["RFP"]}, "kind"),
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": {"en": "Cameras"}}, "title"),
    ({"title": "Cam\x00eras"}, "title"),
    ({"description": "x" * 20_001}, "description"),
    ({"lead_department": "XYZ"}, "lead_department"),
    ({"lead_department": "PWD"}, "lead_department"),  # lakeside's
    ({"lead_department": 1}, "lead_department"),
    ({"lead_department": None}, "lead_department"),
    ({"lead_department": "T" * 100_000}, "lead_department"),
]


@pytest.mark.parametrize(("change", "attr"), SOLICITATION_CASES)
def test_bad_solicitation_create_names_the_field_and_changes_nothing(
    officer, personas, change, attr
):
    before = database_state()

    response = officer.post(SOLICITATIONS, VALID | change)

    assert_refused(response, attr)
    assert database_state() == before


@pytest.mark.parametrize(
    ("change", "attr"),
    [(c, a) for c, a in SOLICITATION_CASES if "lead_department" not in c],
)
def test_bad_solicitation_update_names_the_field_and_changes_nothing(
    officer, cameras, change, attr
):
    before = database_state()

    response = officer.patch(url(cameras), VALID | change)

    assert_refused(response, attr)
    assert database_state() == before


def test_malformed_json_is_a_parse_error_and_changes_nothing(officer, cameras):
    before = database_state()

    for target in (
        SOLICITATIONS,
        url(cameras, "line-items/"),
        url(cameras, "cost-split-versions/"),
    ):
        for raw in ('{"kind": "RFP",', "[" * 100_000, '{"title": "\\ud800"', "\xff"):
            response = officer.generic("POST", target, raw, content_type="application/json")
            assert response.status_code == 400, (target, raw[:10])
            assert response.json()["errors"][0]["code"] == "parse_error"

    assert database_state() == before


def test_form_bodies_are_refused(officer, cameras):
    response = officer.post(url(cameras, "cancel/"), {"reason": "x"}, format="multipart")

    assert response.status_code == 415


# --- line items -------------------------------------------------------------------------------

LINE = {"description": "Camera", "quantity": "4", "estimated_unit_price": "2500.00"}

LINE_CASES = [
    ({"quantity": -1}, "quantity"),
    ({"quantity": "-0.001"}, "quantity"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": "0.0001"}, "quantity"),
    ({"quantity": "four"}, "quantity"),
    ({"quantity": 1e30}, "quantity"),
    ({"quantity": "1e30"}, "quantity"),
    ({"quantity": "9" * 40}, "quantity"),
    ({"quantity": 10**40}, "quantity"),
    ({"quantity": "NaN"}, "quantity"),
    ({"quantity": True}, "quantity"),
    ({"quantity": [1]}, "quantity"),
    ({"estimated_unit_price": "9" * 40}, "estimated_unit_price"),
    ({"estimated_unit_price": "9" * 100_000}, "estimated_unit_price"),
    ({"estimated_unit_price": 1e30}, "estimated_unit_price"),
    ({"estimated_unit_price": "1e30"}, "estimated_unit_price"),
    ({"estimated_unit_price": 10**40}, "estimated_unit_price"),
    ({"estimated_unit_price": "0.001"}, "estimated_unit_price"),
    ({"estimated_unit_price": "-5"}, "estimated_unit_price"),
    # Each factor is fine; their product is not a plausible estimate.
    ({"quantity": "99999999999", "estimated_unit_price": "999999999999"}, "estimated_unit_price"),
    ({"description": ""}, "description"),
    ({"description": "x" * 301}, "description"),
    ({"description": None}, "description"),
    ({"unit": "x" * 31}, "unit"),
    ({"site": "x" * 201}, "site"),
    ({"site": "Main\x00St"}, "site"),
]


@pytest.mark.parametrize(("change", "attr"), LINE_CASES)
def test_bad_line_item_add_names_the_field_and_changes_nothing(officer, cameras, change, attr):
    before = database_state()

    response = officer.post(url(cameras, "line-items/"), LINE | change)

    assert_refused(response, attr)
    assert database_state() == before


@pytest.mark.parametrize(("change", "attr"), LINE_CASES)
def test_bad_line_item_edit_names_the_field_and_changes_nothing(officer, cameras, change, attr):
    before = database_state()

    response = officer.patch(url(cameras, f"line-items/{cameras.camera.pk}/"), change)

    assert_refused(response, attr)
    assert database_state() == before


# --- criteria ---------------------------------------------------------------------------------

PRICE = {"name": "Price", "weight": 40, "is_price": True}
APPROACH = {"name": "Approach", "weight": 60}


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ([PRICE, APPROACH | {"weight": 50}], "criteria"),
        ([PRICE, APPROACH | {"weight": 70}], "criteria"),
        ([PRICE | {"is_price": False}, APPROACH], "criteria"),
        ([PRICE, APPROACH | {"is_price": True}], "criteria"),
        ([], "criteria"),
        ([PRICE, APPROACH | {"weight": "sixty"}], "criteria.1.weight"),
        ([PRICE, APPROACH | {"weight": 60.5}], "criteria.1.weight"),
        ([PRICE, APPROACH | {"weight": 0}], "criteria.1.weight"),
        ([PRICE, APPROACH | {"weight": -60}], "criteria.1.weight"),
        ([PRICE, APPROACH | {"weight": 10**40}], "criteria.1.weight"),
        ([PRICE, APPROACH | {"is_price": "yes"}], "criteria.1.is_price"),
        ([PRICE | {"name": ""}, APPROACH], "criteria.0.name"),
        ([PRICE | {"name": ["Price"]}, APPROACH], "criteria.0.name"),
        ([PRICE, "Approach"], "criteria.1"),
        ("Price", "criteria"),
        ({"Price": 40}, "criteria"),
        ([PRICE] + [APPROACH | {"weight": 1}] * 60, "criteria"),
    ],
)
def test_bad_criteria_name_the_entry_and_change_nothing(officer, cameras, body, attr):
    before = database_state()

    response = officer.put(url(cameras, "criteria/"), {"criteria": body})

    assert_refused(response, attr)
    assert database_state() == before


# --- participation, decisions, cancel --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"department": "XYZ"}, "department"),
        ({"department": "PWD"}, "department"),
        ({"department": "PSD"}, "department"),  # already invited
        ({"department": ["PSD"]}, "department"),
        ({}, "department"),
    ],
)
def test_bad_invitation_names_the_department(officer, cameras, body, attr):
    before = database_state()

    assert_refused(officer.post(url(cameras, "participations/"), body), attr)
    assert database_state() == before


@pytest.mark.parametrize(
    ("action", "body", "attr"),
    [
        ("approve", {}, "department"),
        ("approve", {"department": "XYZ"}, "department"),
        ("approve", {"department": None}, "department"),
        ("approve", {"department": {"code": "TRN"}}, "department"),
        ("reject", {"department": "TRN"}, "reason"),
        ("reject", {"department": "TRN", "reason": ""}, "reason"),
        ("reject", {"department": "TRN", "reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_decisions_name_the_field(api_as, proposed, action, body, attr):
    before = database_state()

    response = api_as("head.trn").post(url(proposed, f"cost-split-versions/1/{action}/"), body)

    assert_refused(response, attr)
    assert database_state() == before


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": ["x"]}])
def test_cancel_needs_a_reason(officer, cameras, body):
    before = database_state()

    assert_refused(officer.post(url(cameras, "cancel/"), body), "reason")
    assert database_state() == before


# --- cost splits ------------------------------------------------------------------------------


def split_cases(cameras):
    camera, sensor = str(cameras.camera.pk), str(cameras.sensor.pk)
    lines = line_item_split(cameras)
    return [
        ({"method": "magic", "inputs": {}}, "method"),
        ({"method": "percentage", "inputs": []}, "inputs"),
        ({"method": "percentage", "inputs": "TRN=100"}, "inputs"),
        ({"method": "percentage", "inputs": {"amounts": {"TRN": 1}}}, "inputs"),
        ({"method": "percentage", "inputs": {"percentages": ["TRN"]}}, "percentages"),
        ({"method": "percentage", "inputs": {"percentages": {"TRN": "100"}}}, "percentages.PSD"),
        (
            {"method": "percentage", "inputs": {"percentages": {"TRN": "1e30", "PSD": "0"}}},
            "percentages.TRN",
        ),
        (
            {"method": "percentage", "inputs": {"percentages": {"TRN": "9" * 40, "PSD": "0"}}},
            "percentages.TRN",
        ),
        (
            {"method": "percentage", "inputs": {"percentages": {"TRN": "-50", "PSD": "150"}}},
            "percentages.TRN",
        ),
        (
            {"method": "percentage", "inputs": {"percentages": {"TRN": 60, "PSD": 40, "XYZ": 0}}},
            "percentages",
        ),
        ({"method": "fixed", "inputs": {"amounts": {"TRN": "7400.005", "PSD": 1}}}, "amounts.TRN"),
        ({"method": "fixed", "inputs": {"amounts": {"TRN": 7400.5, "PSD": 1}}}, "amounts.TRN"),
        ({"method": "fixed", "inputs": {"amounts": {"TRN": "-1", "PSD": 1}}}, "amounts.TRN"),
        ({"method": "line_item", "inputs": {"lines": {"999999": {"TRN": "100"}}}}, "lines"),
        ({"method": "line_item", "inputs": {"lines": {camera: {"TRN": "50"}}}}, f"lines.{camera}"),
        (
            {"method": "line_item", "inputs": {"lines": {**lines["lines"], sensor: {}}}},
            f"lines.{sensor}",
        ),
        (
            {"method": "quantity", "inputs": {"quantities": {camera: {"TRN": "3"}, sensor: {}}}},
            f"quantities.{camera}",
        ),
        ({"method": "line_item", "inputs": lines, "in_kind": []}, "in_kind.non_field_errors"),
        (
            {"method": "line_item", "inputs": lines, "in_kind": {"amount": "abc"}},
            "in_kind.amount",
        ),
        (
            {
                "method": "line_item",
                "inputs": lines,
                "in_kind": {"contributor": "A", "amount": 1.5},
            },
            "in_kind.amount",
        ),
        (
            {
                "method": "line_item",
                "inputs": lines,
                "in_kind": {"contributor": "A", "amount": "1e30"},
            },
            "in_kind.amount",
        ),
        (
            {
                "method": "line_item",
                "inputs": lines,
                "in_kind": {"contributor": "A", "amount": "12400.01"},
            },
            "in_kind.amount",
        ),
        (
            {"method": "line_item", "inputs": lines, "in_kind": {"amount": "1"}},
            "in_kind.contributor",
        ),
        ({"method": "line_item", "inputs": lines, "note": "x" * 2001}, "note"),
    ]


def test_bad_splits_name_the_value_at_fault_and_change_nothing(officer, cameras):
    before = database_state()

    for body, attr in split_cases(cameras):
        for endpoint in ("cost-split-versions/", "cost-split-versions/preview/"):
            response = officer.post(url(cameras, endpoint), body)
            assert_refused(response, attr)

    assert database_state() == before


def test_in_kind_needs_a_contributor(officer, cameras):
    body = {"method": "line_item", "inputs": line_item_split(cameras), "in_kind": {"amount": "1"}}

    assert_refused(officer.post(url(cameras, "cost-split-versions/"), body), "in_kind.contributor")


def test_a_split_before_every_invitation_is_answered_is_refused(officer, cameras, departments):
    from departments.models import Department

    Department.objects.create(municipality=departments["TRN"].municipality, code="PRK", name="P")
    assert officer.post(url(cameras, "participations/"), {"department": "PRK"}).status_code == 201
    before = database_state()

    response = officer.post(
        url(cameras, "cost-split-versions/"),
        {"method": "line_item", "inputs": line_item_split(cameras)},
    )

    assert_refused(response, "departments")
    assert database_state() == before


def test_filters_with_bad_values_are_400_naming_the_filter(api_as, cameras):
    client = api_as("evaluator")

    for params, attr in [
        ({"status": "nonsense"}, "status"),
        ({"kind": "RFX"}, "kind"),
        ({"q": "x" * 100_000}, "q"),
        ({"department": "D" * 11}, "department"),
        ({"q": "nul\x00"}, "q"),
    ]:
        assert_refused(client.get(SOLICITATIONS, params), attr)
    public = api_as(None)
    assert_refused(public.get("/api/v1/public/solicitations/", {"status": "draft"}), "status")
    assert_refused(public.get("/api/v1/public/solicitations/", {"q": "x" * 100_000}), "q")


# --- the sweep ----------------------------------------------------------------------------

WEIRD = [
    None,
    "",
    " ",
    "\x00",
    "x" * 30_000,
    -1,
    0,
    1.5,
    1e308,
    10**40,
    "9" * 40,
    "1e30",
    "NaN",
    "-Infinity",
    True,
    [],
    [None],
    {},
    {"$ne": ""},
    "9999-12-31T23:59:59-12:00",
    "2026-02-30",
]
JUNK_BODIES = ["", "null", "[]", "{}", '"x"', "123", "[" * 5000, '{"a": 1', "\x00", "[{}]"]


def sweep_targets(cameras) -> list[tuple[str, str, str, object]]:
    """(username, method, url, valid body) for every write endpoint."""
    camera, sensor = str(cameras.camera.pk), str(cameras.sensor.pk)
    psd = cameras.participations.get(department__code="PSD").pk
    split = {
        "method": "line_item",
        "inputs": line_item_split(cameras),
        "in_kind": {"contributor": "Acme", "description": "Year 1", "amount": "10.00"},
        "note": "n",
    }
    return [
        ("officer", "post", SOLICITATIONS, VALID),
        ("officer", "patch", url(cameras), VALID),
        ("officer", "post", url(cameras, "line-items/"), LINE | {"unit": "each", "site": "s"}),
        ("officer", "patch", url(cameras, f"line-items/{camera}/"), LINE),
        ("officer", "put", url(cameras, "criteria/"), {"criteria": [PRICE, APPROACH]}),
        ("officer", "post", url(cameras, "participations/"), {"department": "PSD"}),
        ("head.psd", "post", url(cameras, f"participations/{psd}/join/"), {}),
        ("head.psd", "post", url(cameras, f"participations/{psd}/decline/"), {}),
        ("officer", "post", url(cameras, "cost-split-versions/preview/"), split),
        ("officer", "post", url(cameras, "cost-split-versions/"), split),
        ("head.trn", "post", url(cameras, "cost-split-versions/1/approve/"), {"department": "TRN"}),
        (
            "head.trn",
            "post",
            url(cameras, "cost-split-versions/1/reject/"),
            {"department": "TRN", "reason": "r"},
        ),
        ("officer", "post", url(cameras, "publish/"), {}),
        ("officer", "delete", url(cameras, f"line-items/{sensor}/"), {}),
        ("officer", "delete", url(cameras, f"participations/{psd}/"), {}),
        ("officer", "post", url(cameras, "cancel/"), {"reason": "r"}),
    ]


def mutations(body):
    """The valid body with each field, and each nested value, replaced by a weird one."""
    if isinstance(body, list):
        for value in WEIRD:
            yield [body[0] | {"weight": value}, body[1]]
            yield [body[0] | {"name": value}, body[1]]
            yield [value, body[1]]
        return
    for name in body:
        for value in WEIRD:
            yield body | {name: value}
    if "inputs" in body:
        lines = body["inputs"]["lines"]
        first = next(iter(lines))
        for value in WEIRD:
            yield body | {"inputs": {"lines": {first: value}}}
            yield body | {"inputs": {"lines": {**lines, first: {"TRN": value, "PSD": "50"}}}}
            yield body | {"in_kind": {"contributor": "A", "amount": value}}
            yield body | {"method": "fixed", "inputs": {"amounts": {"TRN": value, "PSD": 1}}}
            yield body | {"method": "quantity", "inputs": {"quantities": {first: {"TRN": value}}}}


def test_sweep_every_write_endpoint_never_answers_500(api_as, proposed):
    clients = {name: api_as(name) for name in ("officer", "head.trn", "head.psd")}

    for username, method, target, body in sweep_targets(proposed):
        client = clients[username]
        for raw in JUNK_BODIES:
            response = client.generic(method.upper(), target, raw, content_type="application/json")
            assert response.status_code < 500, (method, target, raw[:20])
        for mutated in mutations(body):
            response = getattr(client, method)(target, mutated)
            assert response.status_code < 500, (method, target, mutated)
        for value in WEIRD[:6]:
            # A path id that is not one: the selectors answer 404, never a database error.
            broken = target.replace(proposed.reference, f"RIV-{value}")
            response = getattr(client, method)(broken, body)
            assert response.status_code < 500, (method, broken)


@pytest.mark.parametrize("reference", ["RIV-\x00", "R" * 5000, "RIV-2026-0001%00"])
def test_impossible_references_are_a_plain_404(api_as, cameras, reference):
    for client, path in (
        (api_as("officer"), f"{SOLICITATIONS}{reference}/"),
        (api_as("officer"), f"{SOLICITATIONS}{reference}/line-items/"),
        (api_as(None), f"/api/v1/public/solicitations/riverton/{reference}/"),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["errors"][0]["code"] == "not_found"
