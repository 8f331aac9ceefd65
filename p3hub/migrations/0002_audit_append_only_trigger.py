"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE of audit events at the database itself,
so not even a bug or a shell in the application can rewrite history quietly."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION p3hub_audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'p3hub_auditevent is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER p3hub_audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON p3hub_auditevent
    FOR EACH ROW EXECUTE FUNCTION p3hub_audit_event_append_only();

CREATE TRIGGER p3hub_audit_event_no_truncate
    BEFORE TRUNCATE ON p3hub_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION p3hub_audit_event_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS p3hub_audit_event_no_truncate ON p3hub_auditevent;
DROP TRIGGER IF EXISTS p3hub_audit_event_no_update_delete ON p3hub_auditevent;
DROP FUNCTION IF EXISTS p3hub_audit_event_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("p3hub", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
