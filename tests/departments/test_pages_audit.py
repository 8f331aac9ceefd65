"""The audit trail page: one municipality's events, filtered, paged, in its time zone, with the
hash chain re-verified on every full page."""

import datetime as dt
import re

import pytest

from departments import services
from departments.models import Department, Municipality
from departments.tenancy import tenant_actor_for
from p3hub.audit import chain_key_for
from p3hub.formatting import format_datetime
from p3hub.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

AUDIT = "/riverton/audit/"


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["admin"])
    return client


def rows(response) -> list[str]:
    """The verbs of the rows shown, top to bottom."""
    return rows_of(response.content.decode())


def rows_of(body: str) -> list[str]:
    return re.findall(r'<code class="verb">([^<]+)</code>', body)


def add_departments(personas, count: int) -> None:
    actor = tenant_actor_for(personas["admin"], "riverton")
    for n in range(count):
        services.department_create(actor=actor, code=f"X{n:03d}", name=f"Extra {n}")


def test_any_member_reads_their_own_municipalitys_trail_only(client, personas):
    client.force_login(personas["evaluator"])

    response = client.get(AUDIT)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Transportation (TRN)" in body
    assert "Public Works" not in body  # lakeside's department
    riverton_events = AuditEvent.objects.filter(municipality__slug="riverton").count()
    assert len(rows(response)) == riverton_events


def test_newest_event_comes_first_and_times_are_in_the_municipalitys_zone(admin_client):
    newest = AuditEvent.objects.filter(municipality__slug="riverton").order_by("-seq").first()
    riverton = Municipality.objects.get(slug="riverton")
    chicago = newest.created_at.astimezone(riverton.zone)

    response = admin_client.get(AUDIT)

    body = response.content.decode()
    assert rows(response)[0] == newest.verb
    # "Dec 2, 2026, 7:27:08 PM CST": US order, twelve hours, seconds, the zone's abbreviation.
    shown = format_datetime(newest.created_at, riverton, seconds=True, zone=True)
    assert shown.endswith(f"{chicago:%M:%S} {chicago:%p} {chicago.tzname()}")
    assert shown in body
    assert "Times are in Central Time" in body


def test_filters_by_action_person_and_object_type(admin_client):
    by_verb = admin_client.get(AUDIT, {"verb": "department.create"})
    by_person = admin_client.get(AUDIT, {"actor_username": "ADMIN"})
    by_type = admin_client.get(AUDIT, {"object_type": "departments.membership"})

    assert rows(by_verb) == ["department.create", "department.create"]
    # The first two events were written by the system when the city was opened.
    assert "municipality.create" not in rows(by_person)
    assert len(rows(by_person)) == 6
    assert set(rows(by_type)) == {"membership.grant"}


def test_filters_by_dates_in_the_municipalitys_zone(admin_client):
    today = dt.datetime.now(Municipality.objects.get(slug="riverton").zone).date()
    tomorrow = today + dt.timedelta(days=1)

    through_today = admin_client.get(AUDIT, {"date_from": today, "date_to": today})
    from_tomorrow = admin_client.get(AUDIT, {"date_from": tomorrow})

    assert len(rows(through_today)) == 16
    assert rows(from_tomorrow) == []
    assert "No events match these filters" in from_tomorrow.content.decode()


def test_a_date_range_that_ends_before_it_starts_is_refused(admin_client):
    response = admin_client.get(AUDIT, {"date_from": "2026-05-02", "date_to": "2026-05-01"})

    assert response.status_code == 400
    assert "The end date must be on or after the start date." in response.content.decode()
    assert 'value="2026-05-02"' in response.content.decode()


def test_htmx_filter_requests_get_only_the_results_region(admin_client):
    response = admin_client.get(AUDIT, {"verb": "department.create"}, HTTP_HX_REQUEST="true")

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Chain verified" not in body  # the chain is verified on full pages only
    assert rows(response) == ["department.create", "department.create"]
    assert "HX-Request" in response["Vary"]


def test_the_full_page_wires_the_filter_form_to_htmx_with_a_plain_get_fallback(admin_client):
    body = admin_client.get(AUDIT).content.decode()

    form = re.search(r'<form method="get" action="/riverton/audit/"[^>]*>', body).group(0)
    assert 'hx-get="/riverton/audit/"' in form
    assert 'hx-target="#audit-results"' in form
    assert 'hx-push-url="true"' in form
    assert '<div id="audit-results"' in body
    assert "/static/django_htmx/htmx-2.min.js" in body


def test_pages_hold_fifty_events(admin_client, personas):
    add_departments(personas, 55)  # 16 + 55 = 71 events

    first = admin_client.get(AUDIT)
    second = admin_client.get(AUDIT, {"page": 2, "verb": ""})

    assert len(rows(first)) == 50
    assert len(rows(second)) == 21
    assert "Showing events 1\N{EN DASH}50 of 71" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert 'href="?page=1&amp;verb="' in second.content.decode()  # the filter stays applied


def test_changes_show_before_and_after(admin_client, personas):
    actor = tenant_actor_for(personas["admin"], "riverton")
    trn = Department.objects.get(municipality__slug="riverton", code="TRN")
    services.department_update(actor=actor, department=trn, name="Roads")

    body = admin_client.get(AUDIT, {"verb": "department.update"}).content.decode()

    assert re.search(r"<del><span class=\"visually-hidden\">was </span>Transportation</del>", body)
    assert re.search(r"<ins><span class=\"visually-hidden\">now </span>Roads</ins>", body)


def test_the_chain_status_names_the_first_broken_event(admin_client):
    riverton = Municipality.objects.get(slug="riverton")
    last = AuditEvent.objects.filter(municipality=riverton).order_by("-seq").first()
    # Given a forged event appended behind the chain's back (inserts are not blocked by the
    # append-only trigger, and its hash cannot be right)
    forged = AuditEvent.objects.create(
        chain=chain_key_for(riverton),
        seq=last.seq + 1,
        municipality=riverton,
        actor_label="mallory",
        verb="department.create",
        created_at=last.created_at,
        prev_hash=last.hash,
        hash="f" * 64,
    )

    response = admin_client.get(AUDIT)

    body = response.content.decode()
    assert "The audit chain does not verify" in body
    assert f"<strong>#{forged.seq}</strong> (id {forged.pk})" in body
    assert "Chain verified" not in body


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "—"),
        (True, "yes"),
        (["100-TRN-CAP", "100-TRN-OPS"], "100-TRN-CAP, 100-TRN-OPS"),
        ({"TRN": "50", "PSD": "50"}, "PSD: 50, TRN: 50"),
        (
            [{"name": "Price", "weight": 40}, {"name": "Technical", "weight": 60}],
            "Price (40%); Technical (60%)",
        ),
    ],
)
def test_audit_values_read_as_text_not_python(value, shown):
    from departments.views.audit_wording import Reader

    assert Reader(None, contacts=True, department_names={}).value(value) == shown


def test_amounts_recorded_in_minor_units_read_as_money(personas):
    from departments.views.audit import audit_changes

    riverton = Municipality.objects.get(slug="riverton")
    event = AuditEvent(
        municipality=riverton,
        verb="line_item.update",
        before={"estimated_unit_price_minor": 250_000, "quantity": "4.000"},
        after={"estimated_unit_price_minor": 260_050, "quantity": "4.000"},
    )

    # Only what changed, under its label: the unchanged quantity is left out.
    assert audit_changes(event, contacts=True) == [
        ("Estimated unit price", "$2,500.00", "$2,600.50"),
    ]


# --- people by name, not e-mail address (DESIGN.md 2) ------------------------------------


@pytest.fixture
def newcomers(personas) -> None:
    """Two people invited by riverton's tenant admin: their addresses are in the audit events;
    one accepted, making an account."""
    from departments.services.invitations import invitation_token

    actor = tenant_actor_for(personas["admin"], "riverton")
    nia = services.invitation_send(
        actor=actor,
        email="nia.clark@riverton.example",
        first_name="Nia",
        last_name="Clark",
        role="member",
        department="TRN",
    )
    services.invitation_accept_with_new_account(
        token=invitation_token(nia), username="nia.clark", password="river-bank-2026!"
    )
    services.invitation_send(actor=actor, email="sam@riverton.example", role="officer")


@pytest.mark.parametrize("who", ["evaluator", "head.trn"])
def test_department_members_see_people_by_name_never_by_e_mail_address(
    client, personas, newcomers, who
):
    client.force_login(personas[who])

    body = client.get(AUDIT).content.decode()

    assert "nia.clark@riverton.example" not in body
    assert "sam@riverton.example" not in body
    assert "(e-mail withheld)" in body
    admin = personas["admin"]
    assert admin.display_name in body
    assert f'<span class="muted">{admin.username}</span>' not in body  # usernames are contacts too


@pytest.mark.parametrize("who", ["admin", "officer"])
def test_tenant_admins_and_officers_see_e_mail_addresses_as_in_the_people_list(
    client, personas, newcomers, who
):
    client.force_login(personas[who])

    body = client.get(AUDIT).content.decode()

    assert "nia.clark@riverton.example" in body
    assert "sam@riverton.example" in body
    assert "(e-mail withheld)" not in body
    assert f'<span class="muted">{personas["admin"].username}</span>' in body


def test_an_operator_edit_of_an_e_mail_address_is_withheld_from_members(client, personas):
    from departments.services import account_snapshot, person_account_audit

    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)
    head = personas["head.trn"]
    before = account_snapshot(head)
    head.email = "t.nguyen@riverton.example"
    head.save()
    person_account_audit(actor=operator, user=head, before=before)
    client.force_login(personas["evaluator"])

    body = client.get(AUDIT, {"verb": "person.update"}).content.decode()

    assert rows_of(body) == ["person.update"]
    assert "t.nguyen@riverton.example" not in body
    assert body.count("(e-mail withheld)") == 2  # before and after
    assert "operator changed the details of" in body
