"""Benchmarks: `make bench` (or `python -m bench`) runs every public module of this package in
a throwaway database: a temporary SQLite file under var/bench, or, when DATABASE_URL is set, a
database of its own on that server. Each module has `run() -> str`, which returns its result."""
