"""The throwaway database the benchmarks run in, set up before Django reads its settings."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import psycopg2
from psycopg2 import sql

BASE_DIR = Path(__file__).resolve().parent.parent
# BENCH_DATABASE names another one, so two runs on one server do not drop each other's.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "p3hub_bench")


def _sqlite_file() -> Path:
    var_dir = Path(os.environ.get("P3HUB_VAR_DIR", BASE_DIR / "var"))
    folder = var_dir / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"bench-{os.getpid()}.sqlite3"


@contextmanager
def _sqlite() -> Iterator[str]:
    path = _sqlite_file()
    path.unlink(missing_ok=True)
    try:
        yield f"sqlite:///{path}"
    finally:
        path.unlink(missing_ok=True)


def _recreate(url: str, *, create: bool) -> None:
    """Drop the bench database on the server of `url` (and create it afresh, if asked)."""
    config = dj_database_url.parse(url)
    maintenance = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    # CREATE / DROP DATABASE refuse to run in a transaction, and psycopg2's `with connection`
    # opens one even in autocommit mode: close by hand.
    maintenance.autocommit = True
    name = sql.Identifier(BENCH_DATABASE)
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if create:
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(name))
    finally:
        maintenance.close()


@contextmanager
def _postgresql(url: str) -> Iterator[str]:
    _recreate(url, create=True)
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{BENCH_DATABASE}"))
    finally:
        from django.db import connections

        connections.close_all()
        _recreate(url, create=False)


@contextmanager
def throwaway_database() -> Iterator[str]:
    """Point DATABASE_URL at a new, empty database for the duration; drop it afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if url and not url.startswith("postgres"):
        raise SystemExit(f"benchmarks run on SQLite or PostgreSQL, not {url.split(':')[0]}")
    with _postgresql(url) if url else _sqlite() as bench_url:
        os.environ["DATABASE_URL"] = bench_url
        yield bench_url
