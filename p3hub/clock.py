"""The authoritative clock is the database's, not the application server's (DESIGN.md 5.3)."""

import datetime as dt

from django.db import connection


def db_now() -> dt.datetime:
    """The database server's current time, in UTC.

    PostgreSQL's clock_timestamp() moves within a transaction (now() would be its start);
    SQLite only has its own process clock, which in the embedded mode is the same machine.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT clock_timestamp()")
            return cursor.fetchone()[0].astimezone(dt.UTC)
        cursor.execute("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
        naive = dt.datetime.fromisoformat(cursor.fetchone()[0])
        return naive.replace(tzinfo=dt.UTC)
