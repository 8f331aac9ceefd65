"""On SQLite (the embedded mode), refuse UPDATE and DELETE of audit events as PostgreSQL's
trigger does (0002). SQLite has no TRUNCATE: an unqualified DELETE fires the trigger too.

SQLite rebuilds a table to alter it, which drops its triggers: a later migration that alters
p3hub_auditevent must create these again (tests/p3hub/test_audit.py checks they exist)."""

from django.db import migrations

TRIGGERS = {
    "p3hub_audit_event_no_update": "UPDATE",
    "p3hub_audit_event_no_delete": "DELETE",
}


def create_trigger_sql(name: str) -> str:
    operation = TRIGGERS[name]
    return (
        f"CREATE TRIGGER {name} BEFORE {operation} ON p3hub_auditevent BEGIN "
        f"SELECT RAISE(ABORT, 'p3hub_auditevent is append-only: {operation} refused'); END"
    )


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(create_trigger_sql(name))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("p3hub", "0004_audit_chain_keyed")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
