"""Browser tests share the process with Playwright's event loop, which changes where Django
keeps database connections: while a loop runs in the thread, they live in context-local
storage instead of the thread-local one (asgiref's thread-critical Local)."""

import pytest
from django.db import connections


@pytest.fixture(scope="session", autouse=True)
def _close_connections_opened_under_playwright(playwright):
    """Close, before the loop stops, what was opened while it ran. Once it stops those
    connections are out of sight, and on PostgreSQL dropping the test database would then
    fail because "other users" are still connected."""
    yield
    connections.close_all()
