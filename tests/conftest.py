"""Shared fixtures: the demo personas of DESIGN.md section 8, API clients, eager Celery for
unit tests, Debian's Chromium for browser tests."""

import os

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from the live-server tests (STACK-NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Templates use {% static %}; the manifest storage would need collectstatic first.
os.environ.setdefault(
    "STATICFILES_STORAGE", "django.contrib.staticfiles.storage.StaticFilesStorage"
)

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

DEMO_PASSWORD = "demo-pass-2026"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_sessionstart(session):
    """In CI the suite must run on the real services: fail, never skip, when they are absent."""
    if os.environ.get("CI", "").lower() not in {"1", "true"}:
        return
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" not in engine or not os.environ.get("REDIS_URL"):
        pytest.exit("CI needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)", returncode=3)


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(request, settings):
    """Unit tests run tasks eagerly; tests marked `worker` use a real worker instead."""
    from p3hub.celery import app

    eager = "worker" not in request.keywords
    # The seed hashes eight passwords per test; PBKDF2's deliberate slowness buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    app.conf.task_always_eager = eager
    cache.clear()
    yield
    app.conf.task_always_eager = False
    cache.clear()


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Pages use {% static %}, and the manifest storage needs collectstatic first. The
    STATICFILES_STORAGE variable above comes too late for that: pytest-django has read the
    settings before this file is imported."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _flush_past_the_audit_trigger(request):
    """Transactional tests (live server, real workers) end with a flush: a TRUNCATE, which the
    append-only trigger on the audit log refuses on PostgreSQL. Triggers are switched off in
    this session for that flush only: TransactionTestCase closes the connection right after,
    so no test ever runs with them off. (Needs a superuser, as the test database has.)"""
    if not _is_transactional(request):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up first, so torn down after this
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")


@pytest.fixture
def personas(db):
    """The demo of DESIGN.md 8: riverton (TRN, PSD), lakeside, two vendors, eight users."""
    from departments.models import User

    call_command("seed_demo", verbosity=0)
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def api_as(personas):
    """`api_as("officer")` is an APIClient authenticated with that persona's token."""

    def client_for(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            token, _ = Token.objects.get_or_create(user=personas[username])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with the flags this machine needs; never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
    }
