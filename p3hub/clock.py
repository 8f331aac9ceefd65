"""The authoritative clock is the database's, not the application server's (DESIGN.md 5.3)."""

import datetime as dt

from django.db import connection

# The clock as SQL, for a statement that reads it along with something else (p3hub.audit).
# PostgreSQL's clock_timestamp() moves within a transaction (now() would be its start);
# SQLite only has its own process clock, which in the embedded mode is the same machine. The
# SQLite text holds no "%s", so it survives the parameter style of a query with parameters.
NOW_SQL = {
    "postgresql": "clock_timestamp()",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%f', 'now')",
}


def db_time(value: dt.datetime | str) -> dt.datetime:
    """A value of NOW_SQL as the driver gives it back, as an aware datetime in UTC."""
    if isinstance(value, str):  # SQLite's text, in UTC
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def db_now() -> dt.datetime:
    """The database server's current time, in UTC."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {NOW_SQL[connection.vendor]}")
        return db_time(cursor.fetchone()[0])
