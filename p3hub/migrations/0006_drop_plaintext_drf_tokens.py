"""API tokens moved to django-rest-knox, which stores a digest. DRF's authtoken app kept each
token in plain text; it is no longer installed, so nothing would ever remove its table and the
secrets in it: drop them here (on a database that never had the app, this does nothing)."""

from django.db import migrations

SQL = [
    "DROP TABLE IF EXISTS authtoken_token",
    "DELETE FROM django_migrations WHERE app = 'authtoken'",
]


class Migration(migrations.Migration):
    dependencies = [("p3hub", "0005_audit_append_only_sqlite")]

    operations = [migrations.RunSQL(sql, reverse_sql=migrations.RunSQL.noop) for sql in SQL]
