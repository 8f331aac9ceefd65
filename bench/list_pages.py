"""What the solicitation lists cost as the table grows (issue: lists that scale).

Each of the five lists is requested in-process through Django's test client, as its reader
would: the public home page, a city's public list and the public API anonymously, the officer's
list page (session) and the officer's API list (token). With 10 public solicitations and with
10,000, both times with non-public ones besides (drafts, approvals, cancellations: the officer
sees them, the public never does). The rows are what the lists read in real life: two
municipalities, three departments, lead departments and participations (so the prefetch does
work), publication and creation times spread over two and a half years, not in id order.

A list that reads its page off an index costs about the same at both sizes, so the ideal
ratio p50(10,000)/p50(10) is about 1; the target is at most 1.5. A list that sorts every row
grows with the table. The ratio compares like with like: ROWS solicitations on the page at
both sizes (the pages' PAGE_SIZE patched, the APIs' ?page_size=), or it would weigh rendering
20 or 50 rows against the 6 to 10 that exist at 10, not the table; that ratio, as served, is
printed alongside. Each request must cost the same number of queries at both sizes and show
the same number of rows (checked: the run fails otherwise).

The sizes take turns (10, 10,000, 10, ...: the 9,990 are inserted and deleted again) so that
a busy spell on the machine weighs on both alike. After each change the tables are vacuumed
and analysed, as autovacuum would have done to a table of that size in service (on SQLite,
analysed). PostgreSQL is what the target is for; SQLite's planner may still sort.
"""

import contextlib
import datetime as dt
import os
import re
import time
from collections import defaultdict
from statistics import median
from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from departments import demo as departments_demo
from departments.models import Department, Municipality, User
from p3hub.api.tokens import token_issue
from procurements import panels
from procurements.models import Participation, Solicitation
from procurements.views import base as views_base

SMALL, LARGE = 10, 10_000
CYCLES = 3  # small, large, small, large, ...
REPEATS = int(os.environ.get("BENCH_LISTS_REPEATS", "12"))  # per list, mode and phase
WARM_UP = 2
TARGET = 1.5
# Rows on a page at both sizes, so the ratio weighs the table and not the page: the smallest
# list at 10 (riverton's six public ones) fills a page of five, as every list does at 10,000.
ROWS = 5
REFERENCE = re.compile(r"\b[A-Z]{3}-B\d{5}\b")
# (slug, share of the public solicitations, minutes its times are shifted by)
CITIES = [("riverton", 0.6, 0), ("lakeside", 0.4, 431)]
SPREAD_MINUTES = 900 * 24 * 60  # publication times over about two and a half years

# (label, persona: None anonymous / "page" session / "api" token, url)
LISTS = [
    ("home page /", None, "/"),
    ("city list /riverton/solicitations/", None, "/riverton/solicitations/"),
    ("public API /api/v1/public/solicitations/", None, "/api/v1/public/solicitations/"),
    ("officer page /riverton/manage/solicitations/", "page", "/riverton/manage/solicitations/"),
    ("officer API /api/v1/riverton/solicitations/", "api", "/api/v1/riverton/solicitations/"),
]

S = Solicitation.Status
PUBLIC_CYCLE = [S.PUBLISHED] * 10 + [S.CLOSED] * 3 + [S.OPENED] * 2
PUBLIC_CYCLE += [S.UNDER_EVALUATION] * 2 + [S.AWARDED] * 3
PRIVATE_CYCLE = [S.DRAFT] * 3 + [S.IN_APPROVAL, S.APPROVED, S.CANCELLED]


# --- the rows ---------------------------------------------------------------------------------


def _is_public(number: int) -> bool:
    return number % 6 != 5  # one non-public solicitation after every five public ones


def _span(public: int) -> int:
    """How many numbers, from 0, it takes to hold `public` public solicitations."""
    blocks, rest = divmod(public, 5)
    return blocks * 6 + rest


def _solicitation(city: dict, number: int, officer, now) -> Solicitation:
    public = _is_public(number)
    if public:
        status = PUBLIC_CYCLE[number % len(PUBLIC_CYCLE)]
    else:
        status = PRIVATE_CYCLE[number // 6 % len(PRIVATE_CYCLE)]
    # A multiplicative hash of the number: times are varied and not in insertion order.
    minutes = (number * 7_919 + city["offset"]) % SPREAD_MINUTES
    published_at = now - dt.timedelta(minutes=minutes) if public else None
    created_at = (published_at or now - dt.timedelta(minutes=minutes // 3)) - dt.timedelta(
        days=5 + number % 30, minutes=number % 1_440
    )
    if status == S.PUBLISHED:
        # Most still open for bids; one in ten past its deadline (closed by the clock).
        bids_due_at = now + dt.timedelta(days=1 + number % 60) * (-1 if number % 10 == 0 else 1)
    elif public:
        bids_due_at = published_at + dt.timedelta(days=30)
    else:
        bids_due_at = None
    lead = city["departments"][number % len(city["departments"])]
    return Solicitation(
        municipality=city["municipality"],
        reference=f"{city['municipality'].code}-B{number:05d}",
        kind=Solicitation.Kind.values[number % 3],
        title=f"{lead.name}: equipment and services, lot {number}",
        description=f"Lot {number} of the joint purchase, led by {lead.code}.",
        lead_department=lead,
        status=status,
        published_at=published_at,
        publish_at=published_at,
        bids_due_at=bids_due_at,
        cancel_reason="Funding withdrawn." if status == S.CANCELLED else "",
        created_by=officer,
        created_at=created_at,
    )


def _participations(city: dict, solicitations, officer, now) -> list[Participation]:
    rows = []
    for s in solicitations:
        for department in city["departments"]:
            lead = department.pk == s.lead_department_id
            joined = lead or s.status not in (S.DRAFT, S.CANCELLED) or s.pk % 2 == 1
            rows.append(
                Participation(
                    solicitation=s,
                    department=department,
                    status=Participation.Status.JOINED if joined else Participation.Status.INVITED,
                    invited_by=officer,
                    responded_by=officer if joined else None,
                    responded_at=now if joined else None,
                )
            )
    return rows


def _insert(cities: list[dict], officer, public_from: int, public_to: int) -> None:
    """The solicitations that take the public ones from `public_from` to `public_to` (and
    the non-public ones in proportion), with their participations."""
    now = timezone.now()
    # created_at is auto_now_add, which bulk_create would fill with now: keep the spread.
    created_at = Solicitation._meta.get_field("created_at")
    with mock.patch.object(created_at, "auto_now_add", False):
        for city in cities:
            numbers = range(
                _span(round(public_from * city["share"])), _span(round(public_to * city["share"]))
            )
            rows = [_solicitation(city, number, officer, now) for number in numbers]
            created = Solicitation.objects.bulk_create(rows, batch_size=1_000)
            Participation.objects.bulk_create(
                _participations(city, created, officer, now), batch_size=2_000
            )
    _check_and_maintain(public_to)


def _delete_after(last_pk: int, public: int) -> None:
    extra = Solicitation.objects.filter(pk__gt=last_pk)
    Participation.objects.filter(solicitation__in=extra).delete()
    extra.delete()
    _check_and_maintain(public)


def _check_and_maintain(public: int) -> None:
    seeded = Solicitation.objects.filter(status__in=Solicitation.PUBLIC).count()
    if seeded != public:
        raise AssertionError(f"{seeded} public solicitations, not {public}")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Solicitation, Participation):
                cursor.execute(f'VACUUM ANALYZE "{model._meta.db_table}"')
        else:
            cursor.execute("ANALYZE")


# --- the requests -----------------------------------------------------------------------------


def _clients(officer) -> dict:
    session = Client()
    session.force_login(officer)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(officer)}")
    return {None: Client(), "page": session, "api": api}


def _get(client, url: str) -> int:
    """GET `url`; the number of solicitations on the page it answers."""
    response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url}: {response.status_code}")
    if response["Content-Type"].startswith("application/json"):
        return len(response.json()["results"])
    return len(set(REFERENCE.findall(response.content.decode())))


def _url(url: str, rows: int | None) -> str:
    return f"{url}?page_size={rows}" if rows and url.startswith("/api/") else url


def _measure(clients: dict, rows: int | None, runs: dict, shapes: dict) -> None:
    """Request every list REPEATS times at the current size, `rows` to a page (None: as
    served), adding the times to `runs[label]` and (queries, rows on the page) of one
    request to `shapes[label]`. The lists take turns in each round."""
    with contextlib.ExitStack() as stack:
        if rows:
            for module in (views_base, panels):
                stack.enter_context(mock.patch.object(module, "PAGE_SIZE", rows))
        for label, persona, url in LISTS:
            for _ in range(WARM_UP):
                _get(clients[persona], _url(url, rows))
            with CaptureQueriesContext(connection) as captured:
                on_page = _get(clients[persona], _url(url, rows))
            shapes[label].add((len(captured.captured_queries), on_page))
        for _ in range(REPEATS):
            for label, persona, url in LISTS:
                started = time.perf_counter()
                _get(clients[persona], _url(url, rows))
                runs[label].append(time.perf_counter() - started)


def _run() -> str:
    departments_demo.seed()
    officer = User.objects.get(username="officer")
    cities = []
    for slug, share, offset in CITIES:
        municipality = Municipality.objects.get(slug=slug)
        departments = list(Department.objects.filter(municipality=municipality).order_by("code"))
        city = {"municipality": municipality, "departments": departments}
        cities.append(city | {"share": share, "offset": offset})
    clients = _clients(officer)
    _insert(cities, officer, 0, SMALL)
    last_small = Solicitation.objects.order_by("-pk").values_list("pk", flat=True).first()
    # (size, rows to a page) -> label -> times / {(queries, rows on the page)}
    runs = defaultdict(lambda: defaultdict(list))
    shapes = defaultdict(lambda: defaultdict(set))
    for _ in range(CYCLES):
        for size in (SMALL, LARGE):
            if size == LARGE:
                _insert(cities, officer, SMALL, LARGE)
            for rows in (ROWS, None):
                _measure(clients, rows, runs[size, rows], shapes[size, rows])
            if size == LARGE:
                _delete_after(last_small, SMALL)
    return _report(runs, shapes)


def _report(runs, shapes) -> str:
    lines, worst, problems = [], 0.0, []
    for label, *_ in LISTS:
        p50 = {key: median(runs[key][label]) for key in runs}
        shape = {key: shapes[key][label] for key in shapes}
        ratio = p50[LARGE, ROWS] / p50[SMALL, ROWS]
        served = p50[LARGE, None] / p50[SMALL, None]
        worst = max(worst, ratio)
        queries = {q for key in shape for q, _ in shape[key]}
        if len(queries) != 1:
            problems.append(f"{label}: {sorted(queries)} queries")
        if shape[SMALL, ROWS] != shape[LARGE, ROWS] or len(shape[SMALL, ROWS]) != 1:
            problems.append(f"{label}: rows on the page {shape[SMALL, ROWS]} {shape[LARGE, ROWS]}")
        (_, served_small), (_, served_large) = (min(shape[SMALL, None]), min(shape[LARGE, None]))
        lines.append(
            f"  {label}: {ratio:.2f} ({SMALL}: {p50[SMALL, ROWS] * 1000:.1f} ms, {LARGE:,}: "
            f"{p50[LARGE, ROWS] * 1000:.1f} ms; {min(queries)} queries at both); as served "
            f"{served:.2f} ({served_small} rows: {p50[SMALL, None] * 1000:.1f} ms, "
            f"{served_large}: {p50[LARGE, None] * 1000:.1f} ms)"
        )
    if problems:
        raise AssertionError("the lists do not compare like with like: " + "; ".join(problems))
    verdict = "met" if worst <= TARGET else "MISSED"
    return "\n".join(
        [
            f"solicitation lists: p50({LARGE:,})/p50({SMALL}) public solicitations, {ROWS} rows "
            f"on each page at both sizes: worst {worst:.2f} (target <= {TARGET}: {verdict}; "
            f"p50 of {CYCLES * REPEATS} requests per list and size, sizes taking turns)",
            *lines,
        ]
    )


def run() -> str:
    staticfiles = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        # The test client's host; pages render {% static %} without a collected manifest.
        ALLOWED_HOSTS=["testserver"],
        STORAGES={**settings.STORAGES, "staticfiles": staticfiles},
        # The demo seed hashes eight passwords; their strength buys nothing here.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        return _run()
