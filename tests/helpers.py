"""Plain helpers shared by test modules: tests import them from here (or data builders from
tests/factories.py), never from another test module. Fixtures stay in the conftest.py files."""

import os
import re
from contextlib import contextmanager
from html import unescape
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from playwright.sync_api import expect
from rest_framework.test import APIClient

from contracts.models import Contract, ContractPdf, ContractUserPermission, Party, Signature
from departments.models import Department, Membership, User
from p3hub.models import AuditEvent
from procurements.models import (
    CostSplitShare,
    CostSplitVersion,
    Criterion,
    LineItem,
    Participation,
    Solicitation,
)

DEMO_PASSWORD = "demo-pass-2026"  # every persona's password (DESIGN.md 8)
CI = os.environ.get("CI", "").lower() in {"1", "true"}


# --- what a refused request must leave untouched ----------------------------------------------

# Rows whose every column must survive a refused request unchanged; users too, but for the
# time of their last sign-in (tests sign people in between two snapshots).
WATCHED = [
    Department,
    Membership,
    Solicitation,
    LineItem,
    Criterion,
    Participation,
    CostSplitVersion,
    CostSplitShare,
    # Invariant 7: an executed contract, its parties, signatures, grants and PDF never change.
    Contract,
    Party,
    Signature,
    ContractUserPermission,
    ContractPdf,
]


def every_row_count() -> dict[str, int]:
    """The row count of every model."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def database_state() -> dict:
    """What a refused request must leave untouched: the row count of every model (API tokens
    aside: clients get theirs as they log in), every column of the watched tables and of the
    users (their last sign-in aside), and the audit chain's hashes."""
    models = [m for m in apps.get_models() if m._meta.app_label != "knox"]
    state = {model._meta.label: model._default_manager.count() for model in models}
    for model in WATCHED:
        state[f"{model._meta.label} rows"] = list(model._default_manager.order_by("pk").values())
    user_columns = [f.attname for f in User._meta.concrete_fields if f.name != "last_login"]
    state["users"] = list(User.objects.order_by("pk").values(*user_columns))
    state["audit"] = list(AuditEvent.objects.order_by("pk").values_list("hash", flat=True))
    return state


def require_postgresql() -> None:
    """Skip on the embedded SQLite database, but never in CI, which must run everything."""
    if connection.vendor == "postgresql":
        return
    if CI:
        pytest.fail("CI runs on PostgreSQL: this test must run, not skip")
    pytest.skip("needs PostgreSQL (set DATABASE_URL)")


# --- the URL resolver ---------------------------------------------------------------------------


def walk_url_patterns(patterns=None, prefix: str = "", namespace: str = ""):
    """(route, namespace prefix, pattern) for every view of the URLconf (the root one unless
    `patterns` is given), in the order the resolver tries them."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk_url_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            yield route, namespace, pattern


# --- the staff API ------------------------------------------------------------------------------

TENANT_API_PREFIX = "api/v1/<slug:municipality_slug>/"
METHODS = ["get", "head", "options", "post", "put", "patch", "delete"]


def tenant_url_patterns() -> list[tuple[str, URLPattern]]:
    """Every view registered under /api/v1/<municipality-slug>/, with its namespace prefix."""
    found = [
        (namespace, pattern)
        for route, namespace, pattern in walk_url_patterns()
        if route.startswith(TENANT_API_PREFIX)
    ]
    assert found, "no tenant API patterns found: did the root URLconf change?"
    return found


def token_for(username: str) -> str:
    """An API token obtained the way an integrator would."""
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": DEMO_PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def client_with_token(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def url(solicitation, tail: str = "") -> str:
    """The tenant API URL of a solicitation (or of one of its nested resources)."""
    reference = getattr(solicitation, "reference", solicitation)
    return f"/api/v1/riverton/solicitations/{reference}/{tail}"


# --- HTML pages ---------------------------------------------------------------------------------


def manage(solicitation, suffix: str = "") -> str:
    """The staff workspace URL of a solicitation (or of one of its actions)."""
    return f"/riverton/manage/solicitations/{solicitation.reference}/{suffix}"


def shown_again(client, response):
    """The page that shows a refused form again: the response itself when the form's page was
    re-rendered in place, or the page a workspace action's 303 returns to (Post/Redirect/Get)."""
    if response.status_code != 303:
        return response
    page = client.get(response["Location"])
    assert page.status_code == 200, page.status_code
    return page


def post_refused(client, url: str, data: dict | None = None):
    """POST a form the service refuses at an action URL; assert the 303 back to its page and
    return that page, which shows the form again with the errors and what was typed."""
    response = client.post(url, data or {})
    assert response.status_code == 303, (response.status_code, response.content.decode()[:500])
    return shown_again(client, response)


def page_text(response) -> str:
    """A page's words, tags stripped and white space collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def typed_value(response, element_id: str) -> str:
    """What a (re-rendered) form shows in the text input, textarea or select with this id."""
    html = response.content.decode()
    tag = re.search(rf'<(input|textarea|select)\b[^>]*id="{re.escape(element_id)}"[^>]*>', html)
    assert tag, f"no input {element_id}"
    if tag.group(1) == "textarea":
        end = html.index("</textarea>", tag.end())
        return unescape(html[tag.end() : end]).strip()
    if tag.group(1) == "select":
        select = html[tag.end() : html.index("</select>", tag.end())]
        chosen = re.search(r'<option value="([^"]*)" selected>', select)
        return chosen.group(1) if chosen else ""
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return unescape(value.group(1)) if value else ""


def error_at(response, element_id: str) -> str:
    """The error rendered beside an input (or a group of inputs) with this id."""
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(element_id)}_error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error shown beside {element_id}"
    return unescape(re.sub(r"<[^>]+>", "", match.group(1))).replace("Error:", "").strip()


# --- the Django admin ---------------------------------------------------------------------------

MISSING_PK = 987_654


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def outcome(response, pk) -> tuple:
    """What the admin answered, with the primary key masked, to compare two answers."""
    shown = [
        (m.level, str(m).replace(f"“{pk}”", "“<pk>”")) for m in get_messages(response.wsgi_request)
    ]
    return response.status_code, response.get("Location"), shown


# --- real Chromium ------------------------------------------------------------------------------

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}


def serious_violations(page) -> list[tuple]:
    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def downloaded(response) -> bytes:
    """A file response's content, its file closed (without response.close(), whose
    request_finished signal would close the test's database connection)."""
    content = b"".join(response.streaming_content)
    for close in response._resource_closers:
        close()
    return content


def queries_for_get(client, url: str) -> int:
    """How many queries a GET of `url` costs (it must answer 200)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


def race(jobs, *, wait_seconds: float = 30, run_seconds: float = 120) -> dict:
    """Start every job at once (a barrier), each in its own thread with its own database
    connection, closed after. Each job's result, or the ApplicationError it raised; anything
    else fails the test (in the test's thread)."""
    import threading

    from django.db import connection

    from p3hub.errors import ApplicationError

    start, outcomes, crashes = threading.Barrier(len(jobs)), {}, []

    def run(name, job) -> None:
        try:
            start.wait(timeout=wait_seconds)
            outcomes[name] = job()
        except ApplicationError as refused:
            outcomes[name] = refused
        except BaseException as error:
            crashes.append((name, error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in jobs.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=run_seconds)
    assert crashes == []
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def api_refused(response, attr, status: int = 400) -> dict:
    """An API refusal in the one error format, naming `attr` first: its body."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"type", "errors"}
    assert body["errors"][0]["attr"] == attr, body
    return body


# --- a real Celery worker -------------------------------------------------------------------------


def wait_for(condition, what: str, *, timeout: float = 60, log=None) -> None:
    """Poll `condition` until it holds, failing with `what` (and the `log` file) after
    `timeout` seconds: a deadline, never a fixed sleep."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            shown = log.read_text() if log is not None else ""
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{shown}")
        time.sleep(0.1)


def worker_database_url() -> str:
    """The test database (test_<name>) as a URL another process can connect to."""
    from urllib.parse import quote

    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextmanager
def celery_worker(folder: Path, **env: str):
    """A real `celery worker` on the configured broker, consuming a queue of its own, on the
    test database (PostgreSQL only: a transactional test's committed rows), with `env` added
    to its environment and its log in `folder`. This process publishes to that queue while
    it runs. Yields the log's path."""
    import subprocess
    import sys
    import uuid

    from p3hub.celery import app

    require_postgresql()
    queue = f"p3hub-test-{uuid.uuid4().hex[:12]}"
    log = folder / "worker.log"
    command = [str(Path(sys.executable).with_name("celery")), "-A", "p3hub", "worker"]
    command += ["-Q", queue, "-n", f"{queue}@%h", "--pool", "solo", "--loglevel", "INFO"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "p3hub.settings",
        "DATABASE_URL": worker_database_url(),
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        **env,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    try:
        wait_for(
            lambda: process.poll() is not None or " ready." in log.read_text(),
            "the worker to be ready",
            log=log,
        )
        assert process.poll() is None, f"the worker exited:\n{log.read_text()}"
        yield log
    finally:
        app.conf.task_default_queue = default_queue
        process.terminate()  # warm shutdown: finishes the task in hand
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if settings.REDIS_URL:
            with app.connection_for_write() as conn:
                conn.default_channel.client.delete(queue, f"_kombu.binding.{queue}")
        print(f"--- worker log ---\n{log.read_text()}")  # shown when the test fails
