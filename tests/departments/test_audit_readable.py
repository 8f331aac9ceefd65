"""History and audit a clerk can read (issue 9 item 7): one sentence per verb, money and dates
as the municipality writes them, only the fields that changed, links to the objects; the
audit trail as CSV with the page's filters and visibility; re-saving unchanged data records
nothing."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments import services as department_services
from departments.models import Department, Municipality
from departments.tenancy import tenant_actor_for
from departments.views.audit import csv_safe
from departments.views.audit_wording import SENTENCES, Reader
from p3hub.audit import Verb
from p3hub.formatting import format_datetime
from p3hub.models import AuditEvent
from procurements import demo as procurement_demo
from procurements import services
from tests.factories import UserFactory
from tests.helpers import manage

pytestmark = pytest.mark.django_db

AUDIT = "/riverton/audit/"
CSV_URL = "/riverton/audit/export.csv"


@pytest.fixture
def riverton(personas) -> Municipality:
    return Municipality.objects.get(slug="riverton")


def reader_for(riverton, contacts=True) -> Reader:
    return Reader(riverton, contacts=contacts, department_names={"PSD": "Public Safety"})


def sentence(riverton, verb, before=None, after=None, repr_="RIV-2026-0001 Cameras") -> str:
    event = AuditEvent(
        municipality=riverton, verb=verb, object_repr=repr_, before=before, after=after
    )
    return reader_for(riverton).sentence(event, "Priya Shah")


def test_every_verb_has_a_sentence():
    assert set(SENTENCES) == set(Verb.values)


@pytest.mark.parametrize(
    ("verb", "before", "after", "expected"),
    [
        (
            Verb.SHARE_APPROVE,
            {"status": "pending"},
            {"status": "approved", "version": 1, "department": "PSD", "share_minor": 7_200_000}
            | {"fund_code": "200-PSD-OPS"},
            "Priya Shah approved Public Safety's share, $72,000.00, of version 1, charged to "
            "fund 200-PSD-OPS",
        ),
        (
            Verb.SHARE_REJECT,
            {"status": "pending"},
            {"status": "rejected", "version": 2, "department": "PSD", "reason": "Too much"},
            "Priya Shah rejected Public Safety's share of version 2: “Too much”",
        ),
        (
            Verb.SOLICITATION_PUBLISH,
            None,
            {"status": "published"},
            "Priya Shah published RIV-2026-0001",
        ),
        (Verb.SOLICITATION_CLOSE, None, {"status": "closed"}, "Bidding closed on RIV-2026-0001"),
        (
            Verb.SOLICITATION_CANCEL,
            None,
            {"status": "cancelled", "reason": "Budget cut"},
            "Priya Shah cancelled RIV-2026-0001: “Budget cut”",
        ),
        (
            Verb.PARTICIPATION_INVITE,
            None,
            {"department": "PSD"},
            "Priya Shah invited Public Safety to share RIV-2026-0001",
        ),
        (
            Verb.LINE_ITEM_ADD,
            None,
            {"description": "Traffic camera"},
            "Priya Shah added the line item “Traffic camera”",
        ),
        (Verb.COST_SPLIT_PROPOSE, None, {"version": 3}, "Priya Shah proposed cost split version 3"),
        (
            Verb.MEMBERSHIP_GRANT,
            None,
            {"user": "head.psd", "role": "head", "department": "PSD"},
            "Priya Shah made head.psd department head of Public Safety",
        ),
        (
            Verb.AWARD_SHARE_APPROVE,
            {"status": "pending"},
            {"status": "approved", "award": 1, "department": "PSD", "amount_minor": 1_746_000},
            "Priya Shah approved Public Safety's amount, $17,460.00, of award 1",
        ),
        (
            Verb.PROTEST_FILE,
            None,
            {"protest": 4, "vendor": "Beacon Safety Technologies", "award": 1},
            "Priya Shah protested award 1 of RIV-2026-0001 for Beacon Safety Technologies",
        ),
        (
            Verb.BID_SUBMIT,
            None,
            {"receipt": "RIV-2026-0001-B1-R1"},
            "Priya Shah submitted a bid on RIV-2026-0001 (receipt RIV-2026-0001-B1-R1)",
        ),
    ],
)
def test_each_verb_reads_as_one_human_sentence(riverton, verb, before, after, expected):
    assert sentence(riverton, verb, before, after) == expected


@pytest.mark.parametrize("verb", Verb.values)
def test_a_sentence_never_shows_a_placeholder_or_python(riverton, verb):
    text = sentence(riverton, verb, None, {})
    assert text and "{" not in text and "None" not in text


def test_only_changed_fields_show_with_labels_and_local_dates(riverton):
    event = AuditEvent(
        municipality=riverton,
        verb=Verb.SOLICITATION_UPDATE,
        before={"title": "Cameras", "bids_due_at": "2027-01-15T20:00:00Z"},
        after={"title": "Cameras", "bids_due_at": "2027-01-16T20:00:00Z"},
    )
    # 20:00 UTC is 2 PM in Chicago in January.
    assert reader_for(riverton).changes(event) == [
        ("Bids due", "Jan 15, 2027, 2:00 PM", "Jan 16, 2027, 2:00 PM")
    ]


def test_the_demo_trail_reads_as_sentences_with_links(client, personas, riverton):
    procurement_demo.seed()
    cameras = riverton.solicitations.get(title=procurement_demo.CAMERAS)
    client.force_login(personas["officer"])

    body = client.get(AUDIT, {"verb": "share.approve"}).content.decode()

    assert "Priya Shah approved Public Safety&#x27;s share, $5,000.00, of version 1" in body
    assert "charged to fund 200-PSD-OPS" in body
    assert f'href="{manage(cameras)}"' in body  # the solicitation
    assert f'href="/riverton/people/{personas["head.psd"].pk}/"' in body  # the person

    history = client.get(manage(cameras)).content.decode()
    assert (
        "Olivia Officer published" in history and "Tomas Reyes approved Transportation" in history
    )


def test_members_who_may_not_see_contacts_get_no_person_links(client, personas):
    client.force_login(personas["evaluator"])
    body = client.get(AUDIT).content.decode()
    assert "/riverton/people/" not in body


# --- CSV -------------------------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_every_event_with_local_times_and_sentences(client, personas, riverton):
    client.force_login(personas["admin"])
    header, *rows = csv_rows(client.get(CSV_URL))
    events = AuditEvent.objects.filter(municipality=riverton).order_by("-seq")
    assert header[:5] == ["Number", "When", "Person", "Username", "What happened"]
    assert [int(row[0]) for row in rows] == [event.seq for event in events]
    newest = events.first()
    assert rows[0][1] == format_datetime(newest.created_at, riverton, seconds=True, zone=True)
    assert rows[0][5] == newest.verb


def test_the_csv_keeps_the_filters_and_the_page_links_it(client, personas):
    client.force_login(personas["admin"])
    page = client.get(AUDIT, {"verb": "department.create"}).content.decode()
    assert 'href="/riverton/audit/export.csv?verb=department.create"' in page
    _, *rows = csv_rows(client.get(CSV_URL, {"verb": "department.create"}))
    assert {row[5] for row in rows} == {"department.create"}
    assert [row[4] for row in rows] == [
        "Alex Admin added the department Public Safety (PSD)",
        "Alex Admin added the department Transportation (TRN)",
    ]


def test_a_bad_csv_filter_is_a_400_naming_the_field(client, personas):
    client.force_login(personas["admin"])
    response = client.get(CSV_URL, {"date_from": "yesterday"})
    assert response.status_code == 400 and "date_from" in response.content.decode()


def test_the_csv_withholds_contacts_as_the_page_does(client, personas):
    client.force_login(personas["evaluator"])
    _, *rows = csv_rows(client.get(CSV_URL))
    flat = "\n".join(",".join(row) for row in rows)
    assert "@riverton.example" not in flat and "(e-mail withheld)" in flat
    assert all(row[3] == "" for row in rows)  # no usernames either


def test_the_outsider_gets_404_for_the_csv(client, personas):
    client.force_login(personas["officer.lakeside"])
    assert client.get(CSV_URL).status_code == 404
    client.logout()
    assert client.get(CSV_URL).status_code == 302  # to the sign-in page


def test_cells_that_a_spreadsheet_would_run_are_disarmed(client, personas):
    actor = tenant_actor_for(personas["admin"], "riverton")
    department_services.department_create(
        actor=actor, code="EVIL", name='=HYPERLINK("http://evil.example","x")'
    )
    client.force_login(personas["admin"])
    _, *rows = csv_rows(client.get(CSV_URL, {"verb": "department.create"}))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert [csv_safe(text) for text in ["-1", "+1", "@a", "ok"]] == ["'-1", "'+1", "'@a", "ok"]


def test_the_csv_costs_the_same_queries_however_many_events(client):
    admin = UserFactory(username="harbor.admin")
    harbor = department_services.municipality_create(
        actor=None, slug="harbor", name="Harbor City", code="HBR", first_admin=admin
    )
    actor = tenant_actor_for(admin, "harbor")
    client.force_login(admin)

    def queries(total: int) -> int:
        for n in range(harbor.audit_events.count(), total):
            department_services.department_create(actor=actor, code=f"X{n:03d}", name=f"X {n}")
        with CaptureQueriesContext(connection) as captured:
            rows = csv_rows(client.get("/harbor/audit/export.csv"))
        assert len(rows) == total + 1
        return len(captured.captured_queries)

    assert queries(5) == queries(60)


# --- re-saving unchanged data records nothing -------------------------------------------------


def events_count() -> int:
    return AuditEvent.objects.count()


def test_unchanged_saves_write_no_audit_event(actor, cameras, personas):
    officer, admin = actor("officer"), actor("admin")
    line = cameras.line_items.order_by("pk").first()
    criteria = list(cameras.criteria.order_by("position").values("name", "weight", "is_price"))
    trn = Department.objects.get(municipality=cameras.municipality, code="TRN")
    head = personas["head.trn"]
    before = events_count()

    services.solicitation_update(
        actor=officer, solicitation=cameras, title=cameras.title, bids_due_at=cameras.bids_due_at
    )
    services.line_item_update(
        actor=officer, item=line, description=line.description, quantity=line.quantity
    )
    services.criteria_set(actor=officer, solicitation=cameras, criteria=criteria)
    department_services.department_update(
        actor=admin, department=trn, name=trn.name, fund_codes=trn.fund_codes
    )
    department_services.person_update(
        actor=admin, person=head, first_name=head.first_name, email=head.email
    )

    assert events_count() == before


def test_a_changed_criterion_is_still_recorded(actor, cameras):
    criteria = list(cameras.criteria.order_by("position").values("name", "weight", "is_price"))
    criteria[0]["name"] = "Lowest price"
    before = events_count()
    services.criteria_set(actor=actor("officer"), solicitation=cameras, criteria=criteria)
    assert events_count() == before + 1


def test_a_creation_shows_what_was_given_with_choices_by_their_labels(riverton):
    added = AuditEvent(
        municipality=riverton,
        verb=Verb.LINE_ITEM_ADD,
        after={"line_item": 7, "description": "Camera", "site": "", "unit": "each"}
        | {"estimated_unit_price_minor": 250_000},
    )
    assert reader_for(riverton).changes(added) == [
        ("Description", None, "Camera"),
        ("Unit", None, "each"),
        ("Estimated unit price", None, "$2,500.00"),
    ]
    proposed = AuditEvent(
        municipality=riverton,
        verb=Verb.COST_SPLIT_PROPOSE,
        after={"version": 1, "method": "line_item", "result": {"departments": {"PSD": 500_000}}},
    )
    assert reader_for(riverton).changes(proposed) == [
        ("Method", None, "By line item"),
        ("Shares", None, "Public Safety $5,000.00"),
    ]
