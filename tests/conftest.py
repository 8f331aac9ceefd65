"""Shared fixtures: the demo personas of DESIGN.md section 8, API clients, personas as
TenantActors and a joint solicitation ready to split, eager Celery for unit tests, Debian's
Chromium for browser tests. Plain helpers are in tests/helpers.py and tests/factories.py."""

import os

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse ORM
# calls from the live-server tests (STACK-NOTES.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import json

import pytest
from django.core.cache import cache
from pytest_django.plugin import blocking_manager_key
from rest_framework.test import APIClient

from departments.models import Department
from departments.tenancy import tenant_actor_for
from p3hub.api.tokens import token_issue
from procurements import services
from tests.factories import build_cameras, build_published, line_item_split

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
    from celery._state import _set_task_join_will_block

    from p3hub.celery import app

    eager = "worker" not in request.keywords
    # The seed hashes eight passwords per test; PBKDF2's deliberate slowness buys nothing here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if not settings.REDIS_URL:
        # Without Redis the throttles count in a table of the database, which a test without
        # database access could not even clear. One process counts here; the tests of
        # tests/p3hub/test_throttle_processes.py run servers on the real store.
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    app.conf.task_always_eager = eager
    # An eager task marks joins as blocking while it runs and restores the mark after, in one
    # global: eager tasks racing in threads (the races' tests) can leave it set for the next
    # test in the process, whose `.delay().get()` would then refuse.
    _set_task_join_will_block(False)
    cache.clear()
    yield
    app.conf.task_always_eager = False
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path_factory):
    """Uploads a test stores (documents, certificates, the demo's PDFs) go to a folder of its
    own, never to var/media; tests that look at the files set MEDIA_ROOT themselves."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _static_files_without_manifest(settings):
    """Pages use {% static %}, and the manifest storage needs collectstatic first. The
    STATICFILES_STORAGE variable above comes too late for that: pytest-django has read the
    settings before this file is imported."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Django's flush after each transactional test (live server, real workers) empties every
    table, TRUNCATE on PostgreSQL and DELETE on SQLite, which the audit log's append-only
    triggers refuse. The test database lets that one through; tests/p3hub/test_audit.py
    switches it back on to prove it refuses."""
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE p3hub_auditevent DISABLE TRIGGER p3hub_audit_event_no_truncate"
            )
        else:
            cursor.execute("DROP TRIGGER p3hub_audit_event_no_delete")
    with django_db_blocker.unblock():
        _seed_personas()
    _personas_seeded_here.append(True)


# Set once the test database holds the personas: from then on each test's teardown checks they
# are still there.
_personas_seeded_here: list[bool] = []


def _seed_personas():
    """The personas, committed once per test process rather than per test (a seed is some 300
    queries): tests run in a transaction rolled back after them, so each one starts from these
    rows whatever it changed."""
    from django.test.utils import override_settings

    from departments import demo as departments_demo
    from p3hub.celery import app
    from vendors import demo as vendors_demo

    app.conf.task_always_eager = True
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        departments_demo.seed()
        vendors_demo.seed()
    app.conf.task_always_eager = False


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (live server, real worker) ends with Django emptying every table:
    the personas are committed again for the tests after it."""
    result = yield
    # After the last test the session's fixtures have dropped the test database already.
    if _personas_seeded_here and nextitem is not None:
        from departments.models import User

        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            if not User.objects.filter(username="officer").exists():
                _seed_personas()
    return result


@pytest.fixture
def personas(db):
    """The people and places of the demo (DESIGN.md 8): riverton (TRN, PSD), lakeside, two
    vendors, nine users; without the demo's solicitations, so tests start from a clean slate
    (tests of the whole demo call `seed_demo`). Seeded once per process (`_seed_personas`)."""
    from departments.models import User

    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def api_as(personas):
    """`api_as("officer")` is an APIClient authenticated with that persona's token."""

    def client_for(username: str | None) -> APIClient:
        client = APIClient()
        if username is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(personas[username])}")
        return client

    return client_for


@pytest.fixture
def api_json(api_as):
    """`api_as`, sending JSON bodies (the evaluation's and the award's nested payloads)."""

    def client_for(username: str | None) -> APIClient:
        client = api_as(username)
        client.default_format = "json"
        return client

    return client_for


@pytest.fixture
def actor(personas):
    """`actor("officer")` is that persona's TenantActor in riverton (or `slug`)."""

    def actor_for(username: str, slug: str = "riverton"):
        return tenant_actor_for(personas[username], slug)

    return actor_for


@pytest.fixture
def departments(personas):
    return {d.code: d for d in Department.objects.filter(municipality__slug="riverton")}


@pytest.fixture
def cameras(actor, departments):
    """Intersection cameras, led by TRN with PSD joined: a camera 50/50-able, a speed sensor,
    criteria set, dates in order. Still a draft: no split proposed yet."""
    return build_cameras(actor, departments)


@pytest.fixture
def published(actor, departments):
    """The cameras with their split approved and published at once (tests that publish
    otherwise, or later, define their own)."""
    return build_published(actor, departments)


@pytest.fixture
def proposed(cameras, actor):
    """The cameras with split version 1 (camera 50/50, sensor 100% TRN) awaiting both heads."""
    services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    return cameras


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with the flags this machine needs; never a downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture(scope="session")
def schema(django_db_blocker):
    """The OpenAPI schema the API serves, read once (tests/p3hub/test_openapi.py checks it)."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    return json.loads(response.content)
