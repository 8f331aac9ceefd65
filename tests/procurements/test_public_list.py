"""The public list (issue 9, item 12): sorted by deadline (soonest open first, the default) or
newest, on the page (`?sort=`) and in the API (`ordering`); titles link to the detail page; open
solicitations say when they close, by the database clock in the municipality's zone; the query
count does not grow with the rows."""

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext

from p3hub.clock import db_now
from procurements import selectors
from procurements.models import Solicitation
from procurements.models.solicitations import SEEN_BY_THE_PUBLIC
from tests.factories import build_published
from tests.helpers import require_postgresql

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def three(actor, departments):
    """Three published: `late` closes in 30 days, `soon` in 10, `gone` closed yesterday;
    published in that order, so newest first is gone, soon, late."""
    late, soon, gone = (build_published(actor, departments) for _ in range(3))
    for solicitation, days in ((late, 30), (soon, 10)):
        Solicitation.objects.filter(pk=solicitation.pk).update(
            bids_due_at=Now() + dt.timedelta(days=days),
            opening_at=Now() + dt.timedelta(days=days + 1),
        )
    Solicitation.objects.filter(pk=gone.pk).update(
        questions_due_at=Now() - dt.timedelta(days=3), bids_due_at=Now() - dt.timedelta(days=1)
    )
    return late, soon, gone


def references(response) -> list[str]:
    return re.findall(r">(RIV-\d{4}-\d{4})</a></td>", response.content.decode())


def test_the_list_sorts_by_deadline_by_default_or_newest(three, client):
    late, soon, gone = three
    by_deadline = [soon.reference, late.reference, gone.reference]
    newest = [gone.reference, soon.reference, late.reference]

    assert references(client.get("/riverton/solicitations/")) == by_deadline
    assert references(client.get("/riverton/solicitations/?sort=deadline")) == by_deadline
    assert references(client.get("/riverton/solicitations/?sort=newest")) == newest
    assert client.get("/riverton/solicitations/?sort=random").status_code == 400

    page = client.get("/riverton/solicitations/").content.decode()
    assert '<label class="label" for="id_sort">Sort by' in page


def test_the_api_orders_the_same_ways(three, client):
    late, soon, gone = three

    def listed(**params):
        rows = client.get("/api/v1/public/solicitations/", params).json()["results"]
        return [row["reference"] for row in rows]

    assert listed(ordering="deadline") == [soon.reference, late.reference, gone.reference]
    assert listed(ordering="newest") == listed() == [gone.reference, soon.reference, late.reference]
    assert client.get("/api/v1/public/solicitations/", {"ordering": "x"}).status_code == 400


def test_titles_link_to_the_detail_page_and_open_ones_say_when_they_close(three, client):
    _, soon, _ = three
    response = client.get("/riverton/solicitations/")
    html = response.content.decode()

    title = soon.title.replace("&", "&amp;")
    assert f'href="/riverton/solicitations/{soon.reference}/">{title}</a>' in html
    assert "closes in 10 days" in text(response)
    assert "closes in 30 days" in text(response)
    assert text(response).count("closes ") == 2  # not the closed one


def test_closes_today_and_tomorrow_by_the_calendar_of_the_municipality(three, client):
    late, soon, _ = three
    zone = late.municipality.zone
    now = db_now().astimezone(zone)
    tomorrow_noon = (now + dt.timedelta(days=1)).replace(hour=12, minute=0)
    in_a_minute = now + dt.timedelta(minutes=1)
    Solicitation.objects.filter(pk=late.pk).update(bids_due_at=tomorrow_noon)
    Solicitation.objects.filter(pk=soon.pk).update(bids_due_at=in_a_minute)

    page = text(client.get("/riverton/solicitations/"))
    assert "closes tomorrow" in page
    expected = "closes today" if in_a_minute.date() == now.date() else "closes tomorrow"
    assert expected in page


def test_sorting_and_closing_dates_cost_no_query_per_row(three, client, actor, departments):
    def count(url: str) -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = {sort: count(f"/riverton/solicitations/?sort={sort}") for sort in ("deadline", "newest")}
    build_published(actor, departments)
    build_published(actor, departments)
    many = {sort: count(f"/riverton/solicitations/?sort={sort}") for sort in ("deadline", "newest")}
    # The municipality, its departments (the filter), the count, the page, the participations.
    assert few == many == {"deadline": 5, "newest": 5}
    assert selectors.solicitations_public(sort="deadline").count() == 5


def test_the_public_index_covers_every_state_the_public_may_see():
    seen = Solicitation.PUBLIC | {Solicitation.Status.SCHEDULED, Solicitation.Status.CANCELLED}
    assert sorted(seen) == SEEN_BY_THE_PUBLIC


@pytest.mark.parametrize(
    ("index", "municipality"),
    [("solicitation_public_list", False), ("solicitation_public_muni", True)],
)
def test_the_newest_first_public_list_can_be_read_off_its_partial_index(
    departments, index, municipality
):
    """PostgreSQL uses a partial index only where the query's WHERE implies its condition:
    every arm of _public_now's OR must. Sequential scans off, the plan says whether it can."""
    require_postgresql()
    riverton = departments["TRN"].municipality
    solicitations = selectors.solicitations_public(
        municipality=riverton if municipality else None, sort="newest"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        plan = solicitations[:20].explain()
    assert index in plan, plan
