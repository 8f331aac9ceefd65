"""Public audit checkpoints (issue 14 item 4, DESIGN.md 11): each municipality chain's head,
taken once a local day (beat) or on demand, listed publicly; `audit_verify --checkpoints`
proves the chain still extends checkpoints an outsider saved, so a history rewritten with the
audit key (which plain `audit_verify` cannot see) is caught."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from departments import services
from departments.models import Municipality
from p3hub import checkpoints
from p3hub.audit import chain_key_for, event_hash
from p3hub.models import AuditChain, AuditCheckpoint
from p3hub.tasks import audit_checkpoints_daily
from tests.helpers import queries_for_get
from tests.p3hub.test_audit import audit_verify, rewrite_from, tenant_admin

DAY_ONE = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the database clock as the checkpoints read it: `clock(when)`."""

    def set_clock(when: dt.datetime) -> None:
        monkeypatch.setattr(checkpoints, "db_now", lambda: when)

    set_clock(DAY_ONE)
    return set_clock


@pytest.fixture
def riverton(personas) -> Municipality:
    return Municipality.objects.get(slug="riverton")


def add_events(municipality: Municipality, count: int) -> None:
    actor = tenant_admin(municipality)
    department = municipality.departments.order_by("code").first()
    for n in range(count):
        services.department_update(actor=actor, department=department, name=f"Renamed {n}")


def public_url(slug: str) -> str:
    return reverse("public_api:audit-checkpoint-list", args=[slug])


def take_url(slug: str) -> str:
    return reverse("tenant_api:audit-checkpoint-take", args=[slug])


def saved_from_public_endpoint(slug: str, folder) -> str:
    """What an outsider does: fetch the public list, anonymously, and keep it in a file."""
    response = APIClient().get(public_url(slug))
    assert response.status_code == 200
    path = folder / f"{slug}-checkpoints.json"
    path.write_bytes(response.content)
    return str(path)


# --- taking -----------------------------------------------------------------------------


def test_take_records_the_head_once_per_local_day(riverton, clock):
    key = chain_key_for(riverton)
    first, created = checkpoints.audit_checkpoint_take(key)
    head = AuditChain.objects.get(key=key)
    assert created
    assert (first.seq, first.hash, first.taken_at) == (head.last_seq, head.last_hash, DAY_ONE)
    assert first.day == dt.date(2026, 3, 2)  # 9 a.m. in Chicago

    # Later the same local day, with the chain moved on: the day's first checkpoint stands.
    add_events(riverton, 2)
    clock(DAY_ONE + dt.timedelta(hours=8))  # 17:00 in Chicago, already 3 March in UTC
    again, created = checkpoints.audit_checkpoint_take(key)
    assert not created
    assert again == first
    assert again.seq == head.last_seq

    clock(DAY_ONE + dt.timedelta(days=1))
    next_day, created = checkpoints.audit_checkpoint_take(key)
    assert created
    assert next_day.seq == head.last_seq + 2
    assert AuditCheckpoint.objects.filter(chain=key).count() == 2


def test_the_beat_task_takes_one_per_municipality_however_often_it_runs(personas, clock):
    municipality_chains = AuditChain.objects.filter(municipality__isnull=False).count()
    assert municipality_chains == 2

    assert audit_checkpoints_daily() == municipality_chains
    assert audit_checkpoints_daily() == 0
    assert audit_checkpoints_daily.delay().get() == 0

    assert AuditCheckpoint.objects.count() == municipality_chains
    assert not AuditCheckpoint.objects.filter(chain="platform").exists()


# --- the public list and taking one on demand -------------------------------------------


def test_the_public_list_shows_only_that_municipality_newest_first_without_login(riverton, clock):
    audit_checkpoints_daily()
    add_events(riverton, 1)
    clock(DAY_ONE + dt.timedelta(days=1))
    audit_checkpoints_daily()

    response = APIClient().get(public_url("riverton"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert [row["date"] for row in results] == ["2026-03-03", "2026-03-02"]
    assert {row["chain"] for row in results} == {chain_key_for(riverton)}
    assert set(results[0]) == {"date", "seq", "hash", "chain", "taken_at"}
    assert results[0]["seq"] == results[1]["seq"] + 1
    assert response.json()["count"] == 2


def test_an_unknown_slug_is_404(personas):
    assert APIClient().get(public_url("nowhere")).status_code == 404


def test_the_public_list_costs_the_same_queries_for_2_and_30_checkpoints(riverton):
    key, head = chain_key_for(riverton), AuditChain.objects.get(key=chain_key_for(riverton))

    def checkpoints_up_to(days: int) -> None:
        for day in range(AuditCheckpoint.objects.count(), days):
            AuditCheckpoint.objects.create(
                chain=key,
                municipality=riverton,
                seq=head.last_seq,
                hash=head.last_hash,
                taken_at=DAY_ONE + dt.timedelta(days=day),
                day=(DAY_ONE + dt.timedelta(days=day)).date(),
            )

    checkpoints_up_to(2)
    few = queries_for_get(APIClient(), public_url("riverton"))
    checkpoints_up_to(30)
    many = queries_for_get(APIClient(), public_url("riverton"))
    assert few == many


def test_a_tenant_admin_takes_one_on_demand_once_a_day(api_as, riverton, clock):
    first = api_as("admin").post(take_url("riverton"))
    assert first.status_code == 201, first.content
    head = AuditChain.objects.get(key=chain_key_for(riverton))
    assert (first.json()["seq"], first.json()["hash"]) == (head.last_seq, head.last_hash)

    again = api_as("admin").post(take_url("riverton"))
    assert again.status_code == 200
    assert again.json() == first.json()


@pytest.mark.parametrize(
    ("username", "status"), [("officer", 403), ("admin.lakeside", 404), (None, 401)]
)
def test_only_the_tenant_admin_takes_one(api_as, personas, username, status):
    assert api_as(username).post(take_url("riverton")).status_code == status
    assert not AuditCheckpoint.objects.exists()


# --- verifying saved checkpoints --------------------------------------------------------


@pytest.fixture
def saved(riverton, clock, tmp_path) -> tuple[str, list[dict]]:
    """Two days' checkpoints of riverton, saved from the public endpoint: (file, rows)."""
    checkpoints.audit_checkpoint_take(chain_key_for(riverton))
    add_events(riverton, 3)
    clock(DAY_ONE + dt.timedelta(days=1))
    checkpoints.audit_checkpoint_take(chain_key_for(riverton))
    add_events(riverton, 2)
    path = saved_from_public_endpoint("riverton", tmp_path)
    return path, json.loads(Path(path).read_text())["results"]


def ok_line(row: dict) -> str:
    return f"OK checkpoint {row['chain']} #{row['seq']} ({row['date']})"


def test_untouched_history_extends_every_saved_checkpoint(saved):
    path, rows = saved
    code, out, err = audit_verify("--checkpoints", path)
    assert code == 0, err
    assert out.splitlines() == [ok_line(row) for row in rows]


def test_a_rewrite_under_the_key_is_caught_by_the_checkpoint_before_it(saved, riverton):
    # Given the history rewritten after the older checkpoint and before the newer: an event
    # edited, every later hash and the head recomputed WITH the audit key
    path, (newer, older) = saved
    key = chain_key_for(riverton)
    rewrite_from(key, older["seq"] + 1, event_hash, after={"name": "Slush fund"})
    code, _, err = audit_verify()
    assert code == 0, err  # nothing in the database shows it

    code, out, err = audit_verify("--checkpoints", path)

    # Then the newer checkpoint no longer holds and is named; the older one still does
    assert code == 1
    assert f"BROKEN checkpoint {key} #{newer['seq']} ({newer['date']}): " in err
    assert "history rewritten" in err
    assert out.splitlines() == [ok_line(older)]


def test_a_checkpoint_beyond_the_head_is_truncation(saved, tmp_path):
    _, (newer, _) = saved
    beyond = dict(newer, seq=newer["seq"] + 50)
    path = tmp_path / "beyond.json"
    path.write_text(json.dumps([beyond]))

    code, _, err = audit_verify("--checkpoints", str(path))

    assert code == 1
    assert f"BROKEN checkpoint {beyond['chain']} #{beyond['seq']}" in err
    assert "truncated" in err


def test_a_broken_chain_fails_its_checkpoints_too(saved, riverton):
    path, (newer, older) = saved
    # Edited without re-hashing: plain verification catches it, and so do the checkpoints.
    rewrite_from(chain_key_for(riverton), 2, lambda event: event.hash, actor_label="nobody")
    code, out, err = audit_verify("--checkpoints", path)
    assert code == 1
    assert out == ""
    for row in (newer, older):
        assert f"BROKEN checkpoint {row['chain']} #{row['seq']} ({row['date']}): " in err
    assert "the chain does not verify" in err


@pytest.mark.parametrize("content", ["not json", '{"page": 1}', '[{"seq": 3}]'])
def test_an_unreadable_source_exits_2(personas, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    code, _, err = audit_verify("--checkpoints", str(path))
    assert code == 2
    assert "Cannot read checkpoints" in err


def test_a_missing_file_exits_2(personas, tmp_path):
    code, _, err = audit_verify("--checkpoints", str(tmp_path / "none.json"))
    assert code == 2
    assert "Cannot read checkpoints" in err


def serve_once(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/checkpoints.json"


def test_checkpoints_read_from_a_url(saved, riverton):
    path, (newer, older) = saved
    server, url = serve_once(Path(path).read_bytes())
    try:
        code, out, err = audit_verify("--checkpoints", url)
        assert code == 0, err
        assert ok_line(older) in out.splitlines()

        rewrite_from(chain_key_for(riverton), older["seq"] + 1, event_hash, verb="person.update")
        code, _, err = audit_verify("--checkpoints", url)
        assert code == 1
        assert f"#{newer['seq']} ({newer['date']})" in err
    finally:
        server.shutdown()
        server.server_close()


def test_members_list_the_city_checkpoints_as_the_public_does(api_as, riverton, clock):
    audit_checkpoints_daily()
    listed = api_as("officer").get(take_url("riverton"))
    assert listed.status_code == 200
    assert listed.json()["results"] == APIClient().get(public_url("riverton")).json()["results"]
