"""Re-hash the chains written before the audit key (plain SHA-256) under P3HUB_AUDIT_KEY, once,
at deploy: set the key first. A chain that does not verify as it was written stops the
migration, naming its first break, rather than be re-keyed and its break hidden (README,
"Audit key"). `manage.py audit_rekey` does the same later, and rotates the key."""

from django.db import migrations


def rekey(apps, schema_editor):
    from p3hub.audit import ChainNotRekeyed, audit_rekey, event_hash_unkeyed

    try:
        audit_rekey(
            event_hash_unkeyed,
            chain_model=apps.get_model("p3hub", "AuditChain"),
            event_model=apps.get_model("p3hub", "AuditEvent"),
        )
    except ChainNotRekeyed as error:
        raise RuntimeError(f"The audit log cannot be keyed: {error}.") from None


class Migration(migrations.Migration):
    dependencies = [("p3hub", "0003_outbound_email_tenant_like_audit")]

    # Backwards: nothing to undo in the schema; the chains stay keyed.
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop, elidable=True)]
