"""The hash-chained audit log (DESIGN.md invariant 8) and `manage.py audit_verify`.

Chains are built by the real services (the demo seed, then department changes by riverton's
tenant admin). Tampering is done the way a DBA would: on PostgreSQL the append-only trigger is
switched off inside the test's transaction first. A forger without the audit key recomputes
plain SHA-256 hashes; tests that forge with `event_hash` give the forger the key too, and show
what still catches them.
"""

import datetime as dt
import importlib
import io
import os
import subprocess
import sys
import threading
import uuid
import zoneinfo
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from departments import services
from departments.models import Membership, Municipality
from departments.tenancy import TenantActor
from p3hub.audit import (
    GENESIS_HASH,
    PLATFORM_CHAIN,
    Verb,
    audit_chain_verify,
    audit_record,
    chain_key_for,
    event_hash,
    event_hash_unkeyed,
    to_json_safe,
)
from p3hub.models import AuditChain, AuditEvent
from tests.helpers import require_postgresql

BASE_DIR = Path(settings.BASE_DIR)
RIVERTON_EVENTS = 19  # 16 from the seed (people join by invitation), 3 department updates below


def alter_audit_table(action: str) -> None:
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while this transaction has deferred foreign-key checks pending
        # (Django's are INITIALLY DEFERRED): run them now, then defer again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE p3hub_auditevent {action}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


SQLITE_TRIGGERS = importlib.import_module("p3hub.migrations.0005_audit_append_only_sqlite")


def sqlite_triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'p3hub_auditevent' ORDER BY name"
        )
        return [row[0] for row in cursor.fetchall()]


def bypass_append_only() -> None:
    """What a DBA with table-owner rights can do; rolled back with the test's transaction."""
    if connection.vendor == "postgresql":
        alter_audit_table("DISABLE TRIGGER USER")
        return
    with connection.cursor() as cursor:
        for name in sqlite_triggers():
            cursor.execute(f"DROP TRIGGER {name}")


def append_only_as_migrated() -> None:
    """Every append-only trigger on, as the migrations leave them (tests/conftest.py lets the
    test database's flush through); rolled back with the test's transaction."""
    if connection.vendor == "postgresql":
        alter_audit_table("ENABLE TRIGGER USER")
        return
    with connection.cursor() as cursor:
        for name in sorted(set(SQLITE_TRIGGERS.TRIGGERS) - set(sqlite_triggers())):
            cursor.execute(SQLITE_TRIGGERS.create_trigger_sql(name))


def tenant_admin(municipality: Municipality) -> TenantActor:
    membership = Membership.objects.get(municipality=municipality, role=Membership.Role.ADMIN)
    return TenantActor.of(membership.user, municipality)


@pytest.fixture
def riverton(personas) -> str:
    """Riverton's chain after the seed and three changes by its tenant admin: its key."""
    actor = tenant_admin(Municipality.objects.get(slug="riverton"))
    trn = actor.municipality.departments.get(code="TRN")
    services.department_update(actor=actor, department=trn, name="Transportation & Mobility")
    services.department_update(actor=actor, department=trn, fund_codes=["100-TRN-CAP", "101"])
    services.department_create(actor=actor, code="PWD", name="Public Works", fund_codes=["300"])
    key = chain_key_for(actor.municipality)
    assert AuditEvent.objects.filter(chain=key).count() == RIVERTON_EVENTS
    return key


def event(key: str, seq: int) -> AuditEvent:
    return AuditEvent.objects.get(chain=key, seq=seq)


def audit_verify(*args: str) -> tuple[int, str, str]:
    """Run the command in this test's transaction: (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def assert_broken_at(key: str, seq: int, event_id: int | None, reason: str) -> None:
    code, out, err = audit_verify()
    assert code == 1, out
    shown_id = "-" if event_id is None else str(event_id)
    assert f"BROKEN {key}: first broken event seq {seq}, id {shown_id}: " in err
    assert reason in err
    # Only the tampered chain is reported; lakeside's still verifies.
    assert f"OK {key}:" not in out
    assert "OK m" in out


# --- untampered -------------------------------------------------------------------------


def test_untampered_chains_verify(riverton):
    code, out, err = audit_verify()
    assert code == 0, err
    lakeside = chain_key_for(Municipality.objects.get(slug="lakeside"))
    assert f"OK {riverton}: {RIVERTON_EVENTS} events" in out.splitlines()
    assert f"OK {lakeside}: 6 events" in out.splitlines()
    assert err == ""


def test_municipality_option_verifies_one_chain(riverton):
    code, out, _ = audit_verify("--municipality", "riverton")
    assert (code, out) == (0, f"OK {riverton}: {RIVERTON_EVENTS} events\n")


@pytest.mark.django_db
def test_municipality_with_an_empty_chain_verifies():
    Municipality.objects.create(slug="newtown", name="Newtown", code="NEW")
    code, out, _ = audit_verify("--municipality", "newtown")
    assert code == 0
    assert out.endswith(": 0 events\n")


@pytest.mark.django_db
def test_unknown_municipality_is_a_command_error():
    with pytest.raises(CommandError, match="No municipality with the slug 'atlantis'"):
        call_command("audit_verify", "--municipality", "atlantis")


# --- tampering with events --------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"after": {"name": "Transportation"}},
        {"verb": "department.delete"},
        {"object_repr": "Nothing to see"},
        {"actor_label": "someone.else"},
        {"created_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
    ],
    ids=lambda change: next(iter(change)),
)
def test_edited_event_is_detected(riverton, change):
    bypass_append_only()
    target = event(riverton, 9)
    AuditEvent.objects.filter(pk=target.pk).update(**change)
    assert_broken_at(riverton, 9, target.pk, "content does not match its hash (edited)")


def test_only_the_first_of_several_edits_is_named(riverton):
    bypass_append_only()
    AuditEvent.objects.filter(chain=riverton, seq__in=[4, 7]).update(verb="tampered")
    assert_broken_at(riverton, 4, event(riverton, 4).pk, "(edited)")


def test_deleted_event_in_the_middle_is_detected(riverton):
    bypass_append_only()
    event(riverton, 5).delete()
    assert_broken_at(riverton, 6, event(riverton, 6).pk, "numbered #6 where #5 was due")


def test_deleted_last_event_is_detected_by_the_chain_head(riverton):
    bypass_append_only()
    event(riverton, RIVERTON_EVENTS).delete()
    reason = f"the chain head records #{RIVERTON_EVENTS}, the log ends before it (truncated)"
    assert_broken_at(riverton, RIVERTON_EVENTS, None, reason)


def test_events_swapped_by_number_are_detected(riverton):
    bypass_append_only()
    third, fourth = event(riverton, 3), event(riverton, 4)
    AuditEvent.objects.filter(pk=third.pk).update(seq=10**9)
    AuditEvent.objects.filter(pk=fourth.pk).update(seq=3)
    AuditEvent.objects.filter(pk=third.pk).update(seq=4)
    assert_broken_at(riverton, 3, fourth.pk, "does not link to the event before it")


def test_events_swapped_by_content_are_detected(riverton):
    bypass_append_only()
    third, fourth = event(riverton, 3), event(riverton, 4)
    moved = ["verb", "object_type", "object_id", "object_repr", "before", "after"]
    AuditEvent.objects.filter(pk=third.pk).update(**{f: getattr(fourth, f) for f in moved})
    AuditEvent.objects.filter(pk=fourth.pk).update(**{f: getattr(third, f) for f in moved})
    assert_broken_at(riverton, 3, third.pk, "(edited)")


def forge(key: str, seq: int, prev_hash: str) -> AuditEvent:
    """An event as a forger with database access would write it: well-formed, with a hash
    that matches its own content and links to the event before it."""
    forged = AuditEvent(
        chain=key,
        seq=seq,
        municipality=Municipality.objects.get(slug="riverton"),
        actor_label="system",
        verb="department.update",
        object_type="departments.department",
        object_id="1",
        after={"fund_codes": ["999-SLUSH"]},
        created_at=event(key, seq - 1).created_at + dt.timedelta(milliseconds=1),
        prev_hash=prev_hash,
    )
    forged.hash = event_hash(forged)
    forged.save()
    return forged


def test_forged_event_inserted_in_the_middle_is_detected(riverton):
    bypass_append_only()
    # Make room at #5 (two steps: (chain, seq) is unique), then slip the forgery in.
    later = AuditEvent.objects.filter(chain=riverton, seq__gte=5)
    later.update(seq=F("seq") + 1000)
    later.update(seq=F("seq") - 999)
    old_fifth = event(riverton, 6)
    forged = forge(riverton, 5, prev_hash=event(riverton, 4).hash)
    # The forgery itself checks out; the event after it no longer links.
    assert event_hash(forged) == forged.hash
    assert_broken_at(riverton, 6, old_fifth.pk, "does not link to the event before it")


def test_forged_event_with_the_rest_rehashed_is_caught_by_the_head(riverton):
    bypass_append_only()
    later = AuditEvent.objects.filter(chain=riverton, seq__gte=5)
    later.update(seq=F("seq") + 1000)
    later.update(seq=F("seq") - 999)
    previous = forge(riverton, 5, prev_hash=event(riverton, 4).hash)
    # The forger re-links and re-hashes every later event, but leaves the chain head alone.
    for moved in AuditEvent.objects.filter(chain=riverton, seq__gt=5).order_by("seq"):
        moved.prev_hash = previous.hash
        moved.hash = event_hash(moved)
        moved.save(update_fields=["prev_hash", "hash"])
        previous = moved
    last = RIVERTON_EVENTS + 1
    assert_broken_at(riverton, last, previous.pk, f"the chain head ends at #{last - 1}")


def test_event_appended_behind_the_heads_back_is_detected(riverton):
    # A plain INSERT, which the trigger allows: the chain head was not moved along.
    forged = forge(riverton, RIVERTON_EVENTS + 1, prev_hash=event(riverton, RIVERTON_EVENTS).hash)
    assert_broken_at(riverton, forged.seq, forged.pk, "events after it were not appended")


def rewrite_from(key: str, seq: int, hash_of, **change) -> None:
    """Edit event `seq`, then re-link and re-hash it and every later event with `hash_of`, and
    move the chain head along: everything a forger with the database can do."""
    bypass_append_only()
    AuditEvent.objects.filter(chain=key, seq=seq).update(**change)
    linked = event(key, seq - 1).hash if seq > 1 else GENESIS_HASH
    for later in AuditEvent.objects.filter(chain=key, seq__gte=seq).order_by("seq"):
        later.prev_hash = linked
        later.hash = linked = hash_of(later)
        later.save(update_fields=["prev_hash", "hash"])
    AuditChain.objects.filter(key=key).update(last_hash=linked)


def test_a_rewrite_with_every_later_sha256_and_the_head_recomputed_is_detected(riverton):
    # Given a forger with write access to the database but not the audit key, who edits event
    # #5 and recomputes every later plain SHA-256 and the head, as the unkeyed chain allowed
    rewrite_from(riverton, 5, event_hash_unkeyed, after={"fund_codes": ["999-SLUSH"]})

    # Then the edited event is the first that does not verify under the key
    assert_broken_at(riverton, 5, event(riverton, 5).pk, "content does not match its hash")


def test_the_same_rewrite_under_the_key_verifies_so_the_key_is_what_catches_it(riverton):
    # The rewrite above is complete: done with the key, nothing in the database shows it.
    rewrite_from(riverton, 5, event_hash, after={"fund_codes": ["999-SLUSH"]})

    code, out, err = audit_verify()

    assert code == 0, err
    assert f"OK {riverton}: {RIVERTON_EVENTS} events" in out.splitlines()


def test_a_rewrite_under_a_guessed_key_is_detected(riverton):
    guessed = b"p3hub-audit-key-guessed-by-a-forger"
    rewrite_from(riverton, 5, lambda e: event_hash(e, guessed), verb="department.create")
    assert_broken_at(riverton, 5, event(riverton, 5).pk, "content does not match its hash")


def test_verifying_under_another_key_names_the_first_event(riverton, settings):
    settings.AUDIT_KEY = b"not-the-key-these-chains-were-written-with"

    code, _, err = audit_verify()

    first = event(riverton, 1)
    assert code == 1
    assert f"BROKEN {riverton}: first broken event seq 1, id {first.pk}: " in err
    assert "(edited, or hashed under another key)" in err


def test_the_key_is_in_no_table_of_the_database(riverton, settings):
    key = settings.AUDIT_KEY.decode()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            assert all(key not in str(row) for row in cursor.fetchall()), table


# --- tampering with the chain head ------------------------------------------------------


def test_edited_chain_head_hash_is_detected(riverton):
    AuditChain.objects.filter(key=riverton).update(last_hash="f" * 64)
    last = event(riverton, RIVERTON_EVENTS)
    assert_broken_at(riverton, last.seq, last.pk, "the chain head's hash does not match")


def test_edited_chain_head_number_is_detected(riverton):
    AuditChain.objects.filter(key=riverton).update(last_seq=RIVERTON_EVENTS + 3)
    assert_broken_at(riverton, RIVERTON_EVENTS + 1, None, "(truncated)")


def test_deleted_chain_head_is_detected(riverton):
    AuditChain.objects.filter(key=riverton).delete()
    last = event(riverton, RIVERTON_EVENTS)
    assert_broken_at(riverton, last.seq, last.pk, "the chain head is missing")


# --- re-keying: chains written before the key, and key rotation -------------------------


def rehash_every_chain(hash_of) -> dict[str, str]:
    """Every chain as `hash_of` would have written it (the code before the key wrote plain
    SHA-256): the chain heads' hashes."""
    for key in AuditChain.objects.values_list("key", flat=True):
        rewrite_from(key, 1, hash_of)
    return dict(AuditChain.objects.values_list("key", "last_hash"))


def audit_rekey(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_rekey", *args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), err.getvalue() + str(error)
    return 0, out.getvalue(), err.getvalue()


def test_chains_written_before_the_key_are_rekeyed_and_then_verify(riverton):
    # Given the chains as they were before the key: plain SHA-256, which no longer verifies
    rehash_every_chain(event_hash_unkeyed)
    contents = list(AuditEvent.objects.order_by("id").values("id", "chain", "seq", "after"))
    assert audit_verify()[0] == 1

    code, out, err = audit_rekey("--from-sha256")

    assert code == 0, err
    assert f"Re-keyed {riverton}: {RIVERTON_EVENTS} events" in out.splitlines()
    assert audit_verify()[0] == 0
    # Only the hashes changed.
    assert list(AuditEvent.objects.order_by("id").values("id", "chain", "seq", "after")) == contents


def test_a_chain_broken_before_it_was_keyed_is_not_rekeyed_and_no_other_is(riverton):
    # Given unkeyed chains, one of them edited without its hash recomputed
    heads = rehash_every_chain(event_hash_unkeyed)
    target = event(riverton, 5)
    AuditEvent.objects.filter(pk=target.pk).update(verb="department.create")
    hashes = dict(AuditEvent.objects.values_list("id", "hash"))

    code, _, err = audit_rekey("--from-sha256")

    # Then nothing is re-keyed: the break stays where it was, for audit_verify to find
    assert code == 1
    assert f"chain {riverton}: event #5 (id {target.pk}): content does not match its hash" in err
    assert "no chain was re-keyed" in err
    assert dict(AuditEvent.objects.values_list("id", "hash")) == hashes
    assert dict(AuditChain.objects.values_list("key", "last_hash")) == heads


def test_the_deploy_migration_rekeys_unkeyed_chains_once(riverton):
    from django.apps import apps

    migration = importlib.import_module("p3hub.migrations.0004_audit_chain_keyed")
    rehash_every_chain(event_hash_unkeyed)

    migration.rekey(apps, schema_editor=None)

    assert audit_verify()[0] == 0
    # Run again, it refuses: the chains no longer verify as plain SHA-256.
    with pytest.raises(RuntimeError, match="The audit log cannot be keyed: chain m"):
        migration.rekey(apps, schema_editor=None)


def test_rotating_the_key(riverton, settings, monkeypatch):
    monkeypatch.setenv("P3HUB_AUDIT_OLD_KEY", settings.AUDIT_KEY.decode())
    settings.AUDIT_KEY = b"the-next-audit-key-of-at-least-32-characters"
    assert audit_verify()[0] == 1

    code, out, err = audit_rekey("--from-key-env", "P3HUB_AUDIT_OLD_KEY")
    assert f"Re-keyed {riverton}: {RIVERTON_EVENTS} events" in out.splitlines()

    assert code == 0, err
    assert audit_verify()[0] == 0


def test_rotating_from_an_unset_variable_is_refused(riverton, monkeypatch):
    monkeypatch.delenv("P3HUB_AUDIT_OLD_KEY", raising=False)
    code, _, err = audit_rekey("--from-key-env", "P3HUB_AUDIT_OLD_KEY")
    assert code == 2
    assert "P3HUB_AUDIT_OLD_KEY is not set" in err


def test_the_append_only_triggers_are_back_after_a_rekey(riverton):
    rehash_every_chain(event_hash_unkeyed)
    append_only_as_migrated()  # rehash_every_chain bypassed them, as a DBA would

    assert audit_rekey("--from-sha256")[0] == 0

    refused("UPDATE p3hub_auditevent SET verb = 'x' WHERE id = %s", (event(riverton, 2).pk,))
    refused("DELETE FROM p3hub_auditevent WHERE id = %s", (event(riverton, 2).pk,))
    with transaction.atomic():
        audit_record(
            actor=None, verb=Verb.DEPARTMENT_UPDATE, municipality=event(riverton, 1).municipality
        )
    assert audit_verify()[0] == 0


# --- the append-only triggers (PostgreSQL and SQLite) ------------------------------------


def refused(sql: str, params: tuple = ()) -> None:
    """Run one statement in a savepoint and expect the trigger to refuse it."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_trigger_refuses_update_and_delete_by_raw_sql(riverton):
    append_only_as_migrated()
    target = event(riverton, 2)
    refused("UPDATE p3hub_auditevent SET verb = 'x' WHERE id = %s", (target.pk,))
    refused("DELETE FROM p3hub_auditevent WHERE id = %s", (target.pk,))
    refused("DELETE FROM p3hub_auditevent")
    assert audit_chain_verify(riverton) is None


def test_trigger_refuses_truncate(riverton):
    require_postgresql()
    with connection.cursor() as cursor:
        # Test databases switch this one off for Django's flush (tests/conftest.py);
        # the migration creates it enabled, which the catalogue shows.
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'p3hub_auditevent'::regclass"
            " AND NOT tgisinternal ORDER BY tgname"
        )
        names = [row[0] for row in cursor.fetchall()]
    alter_audit_table("ENABLE TRIGGER p3hub_audit_event_no_truncate")
    assert names == ["p3hub_audit_event_no_truncate", "p3hub_audit_event_no_update_delete"]
    refused("TRUNCATE p3hub_auditevent")
    refused("TRUNCATE p3hub_auditevent CASCADE")
    assert AuditEvent.objects.filter(chain=riverton).count() == RIVERTON_EVENTS


@pytest.mark.django_db
def test_sqlite_has_the_triggers_postgresql_has():
    if connection.vendor != "sqlite":
        pytest.skip("the embedded mode's database")
    # Test databases drop the DELETE one for Django's flush (tests/conftest.py).
    assert sqlite_triggers() == ["p3hub_audit_event_no_update"]
    append_only_as_migrated()
    assert sqlite_triggers() == ["p3hub_audit_event_no_delete", "p3hub_audit_event_no_update"]


def test_trigger_refuses_update_and_delete_through_the_orm(riverton):
    append_only_as_migrated()
    target = event(riverton, 3)
    attempts = {
        "queryset update": lambda: AuditEvent.objects.filter(pk=target.pk).update(verb="x"),
        "instance save": lambda: AuditEvent.objects.get(pk=target.pk).save(),
        "instance delete": lambda: AuditEvent.objects.get(pk=target.pk).delete(),
        "queryset delete": lambda: AuditEvent.objects.filter(chain=riverton).delete(),
    }
    for name, attempt in attempts.items():
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
            pytest.fail(f"{name} went through")
    # Appending still works, and the chain is whole.
    with transaction.atomic():
        audit_record(actor=None, verb=Verb.DEPARTMENT_UPDATE, municipality=target.municipality)
    assert audit_chain_verify(riverton) is None


# --- appending ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_audit_record_outside_a_transaction_raises():
    events, chains = AuditEvent.objects.count(), list(AuditChain.objects.values_list())
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(actor=None, verb=Verb.DEPARTMENT_UPDATE)
    assert AuditEvent.objects.count() == events
    assert list(AuditChain.objects.values_list()) == chains


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_are_numbered_without_gaps():
    require_postgresql()
    # A municipality without a chain yet: the threads also race to create the chain head.
    city = Municipality.objects.create(slug="concord", name="Concord", code="CON")
    threads, per_thread = 8, 10
    start, errors = threading.Barrier(threads), []

    def append(worker: int) -> None:
        try:
            start.wait(timeout=10)
            for n in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        actor=None, verb=Verb.DEPARTMENT_UPDATE, municipality=city, after={"n": n}
                    )
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread opened its own connection

    pool = [threading.Thread(target=append, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert errors == []
    key = chain_key_for(city)
    seqs = list(AuditEvent.objects.filter(chain=key).values_list("seq", flat=True))
    assert seqs == list(range(1, threads * per_thread + 1))
    # Each append reads the clock once it holds the chain: times never run backwards.
    times = list(AuditEvent.objects.filter(chain=key).values_list("created_at", flat=True))
    assert times == sorted(times)
    assert audit_chain_verify(key) is None
    assert AuditChain.objects.get(key=key).last_seq == threads * per_thread


def database_url() -> str:
    """The test database as a URL, for a subprocess to connect to."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_command_line_exit_codes():
    require_postgresql()
    call_command("seed_demo", verbosity=0)
    env = {**os.environ, "DATABASE_URL": database_url()}

    def run() -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "audit_verify"]
        return subprocess.run(
            command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
        )

    intact = run()
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.count("OK m") == 2
    # A DBA edits an event, bypassing the trigger for their session only.
    riverton = chain_key_for(Municipality.objects.get(slug="riverton"))
    target = AuditEvent.objects.get(chain=riverton, seq=2)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE p3hub_auditevent SET verb = 'x' WHERE id = %s", [target.pk])
        cursor.execute("RESET session_replication_role")
    broken = run()
    assert broken.returncode == 1
    assert f"first broken event seq 2, id {target.pk}: " in broken.stderr
    # The key comes from the environment: under another one the chains start broken.
    env["P3HUB_AUDIT_KEY"] = "another-key-than-the-one-the-chains-were-written-with"
    wrong_key = run()
    assert wrong_key.returncode == 1
    first = AuditEvent.objects.get(chain=riverton, seq=1)
    assert f"BROKEN {riverton}: first broken event seq 1, id {first.pk}: " in wrong_key.stderr


# --- what the hash covers survives a database round trip -------------------------------


def round_trip(data: dict) -> AuditEvent:
    with transaction.atomic():
        written = audit_record(actor=None, verb=Verb.DEPARTMENT_UPDATE, before=data, after=data)
    stored = AuditEvent.objects.get(pk=written.pk)
    assert stored.after == to_json_safe(data)
    assert event_hash(stored) == stored.hash
    return stored


CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        Decimal("0.10"),
        Decimal("-0"),
        Decimal("1E+3"),
        Decimal("12345678901234567890.1234"),
        dt.datetime(2026, 3, 8, 2, 30, 0, 123456, tzinfo=CHICAGO),
        dt.datetime(2026, 11, 24, 23, 59, 59),
        dt.date(2026, 2, 28),
        dt.timedelta(days=10, seconds=5),
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        'Zürich ✓ 東京 🚦 \u2028 "quoted" \\ back',
        {"nested": [{"deeper": [1, [2, [3, {"k": None}]]]}], 7: "int key"},
        (1, "tuple", True),
        1e16,
        -0.0,
        0.1,
        5e-324,
        2**70,
    ],
    ids=repr,
)
def test_tricky_values_re_verify_after_a_round_trip(value):
    round_trip({"value": value})
    assert audit_chain_verify(PLATFORM_CHAIN) is None


def test_nan_is_refused_before_anything_is_written():
    with pytest.raises(ValueError):
        to_json_safe({"share": float("nan")})


def test_a_lone_surrogate_hashes_instead_of_crashing():
    unsaved = AuditEvent(
        chain="m1",
        seq=1,
        verb="x",
        after=to_json_safe({"name": "\ud800"}),
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        prev_hash="0" * 64,
    )
    assert len(event_hash(unsaved)) == 64


# PostgreSQL text cannot hold NUL, nor jsonb a lone surrogate: bad input, refused elsewhere.
text = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.datetimes(timezones=st.none() | st.timezones())
    | st.dates()
    | text
)
json_values = st.recursive(
    leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(text, children, max_size=4),
    max_leaves=12,
)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.dictionaries(text, json_values, max_size=5))
def test_any_before_and_after_data_re_verifies_after_a_round_trip(data):
    round_trip(data)
    assert audit_chain_verify(PLATFORM_CHAIN) is None


@pytest.mark.django_db
def test_an_unknown_verb_is_refused_so_every_event_is_one_of_the_enumeration():
    with pytest.raises(ValueError, match="not an audit verb"), transaction.atomic():
        audit_record(actor=None, verb="department.updated")
    assert set(AuditEvent.objects.values_list("verb", flat=True)) <= set(Verb.values)
