"""The throttles hold across web processes: two real gunicorn servers on the test database and
one store (Redis, or the database's cache table of the embedded mode), requests alternating
between them, and each limit counted once for both. A control run gives each server a cache of
its own, as the per-process LocMemCache did: then the same requests get through, because each
server saw too few of them, so these tests can tell a shared count from two counts."""

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.db import connection

from tests.helpers import CI, DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")
TIMEOUT = 30.0
# Small limits, the same shapes as the defaults. The windows start with their first hit, so a
# run is never split by a clock boundary.
LIMITS = {
    "LOGIN_THROTTLE_ACCOUNT": "4/15min",
    "LOGIN_THROTTLE_ADDRESS": "6/15min",
    "TOKEN_THROTTLE": "6/minute",
}
STORES = ["redis", "database", "per-process"]


@dataclass
class Answer:
    status: int
    body: str
    signed_in: bool  # a session opened (pages) or a token issued (the API)


@dataclass
class Server:
    url: str
    log: Path

    def _open(self, opener, path: str, data: bytes | None = None, headers=None):
        request = urllib.request.Request(  # noqa: S310 - our own servers, on 127.0.0.1
            self.url + path, data=data, headers=headers or {}
        )
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def page_sign_in(self, username: str, password: str, path="/accounts/login/", **headers):
        """Open the sign-in form (for its CSRF token), then post it, as a browser does."""
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        _, form = self._open(opener, path, headers=headers)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        fields = {"csrfmiddlewaretoken": csrf, "username": username, "password": password}
        status, body = self._open(opener, path, urlencode(fields).encode(), headers)
        return Answer(status, body, any(cookie.name == "sessionid" for cookie in jar))

    def admin_sign_in(self, username: str, password: str, **headers):
        return self.page_sign_in(username, password, "/admin/login/", **headers)

    def token(self, username: str, password: str | None = None, **headers):
        fields = {"username": username} | ({} if password is None else {"password": password})
        status, body = self._open(
            urllib.request.build_opener(),
            "/api/v1/auth/token/",
            json.dumps(fields).encode(),
            {"Content-Type": "application/json", **headers},
        )
        return Answer(status, body, status == 200 and "token" in json.loads(body))


def wait_until(condition: Callable[[], bool], what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            shown = "\n".join(log.read_text() for log in logs)
            pytest.fail(f"timed out after {TIMEOUT:.0f}s waiting for {what}\n{shown}")
        time.sleep(0.1)


def database_url() -> str:
    """The test database (test_<name>) as a URL the servers can connect to."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(store: str, var_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        **LIMITS,
        "DJANGO_SETTINGS_MODULE": "tests.p3hub.server_settings",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL if store == "redis" else "",
        "P3HUB_VAR_DIR": str(var_dir),
        "P3HUB_TEST_PER_PROCESS_CACHE": "true" if store == "per-process" else "false",
        "SECRET_KEY": "test-servers-" + "x" * 50,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "LOG_LEVEL": "WARNING",
    }
    env["NUM_PROXIES"] = "1"  # X-Forwarded-For's last entry names the client (see `pair`)
    return env


def _require(store: str) -> None:
    reason = None
    if connection.vendor != "postgresql":
        reason = "needs PostgreSQL (set DATABASE_URL) for the servers to share the test DB"
    elif store == "redis" and not settings.REDIS_URL:
        reason = "needs Redis (set REDIS_URL)"
    if reason and CI:
        pytest.fail(f"CI runs on PostgreSQL and Redis: this test must run ({reason})")
    if reason:
        pytest.skip(reason)


def _clear_database_store() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM p3hub_cache")


@pytest.fixture(scope="module", params=STORES)
def servers(request, django_db_setup, tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """Two gunicorn servers of one worker each, on free ports, sharing the test database and
    the store named by the parameter; started once for the tests of each store."""
    store = request.param
    _require(store)
    tmp_path = tmp_path_factory.mktemp(f"servers-{store}")
    env = server_env(store, tmp_path / "var")
    if store == "database":
        made = subprocess.run(
            [sys.executable, "manage.py", "createcachetable"],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    command = [str(GUNICORN), "p3hub.wsgi", "--bind", "127.0.0.1:0", "--workers", "1"]
    command += ["--no-control-socket", "--log-level", "info", "--timeout", "60"]
    processes = []
    for log in logs:
        with log.open("w") as out:
            processes.append(
                subprocess.Popen(
                    command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
    try:
        listening = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)")
        wait_until(
            lambda: (
                all(listening.search(log.read_text()) for log in logs)
                or any(process.poll() is not None for process in processes)
            ),
            "both servers to listen",
            logs,
        )
        assert all(process.poll() is None for process in processes), "a server exited"
        pair = tuple(Server(listening.search(log.read_text())[1], log) for log in logs)
        wait_until(lambda: all(_answers(server) for server in pair), "both servers to answer", logs)
        yield store, pair
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture
def pair(servers, transactional_db, request) -> Iterator[tuple[Server, Server]]:
    """The servers, with no count left from an earlier test: Redis is cleared by the suite's
    own fixture (the servers use this process's Redis database), the database store here. The
    control run's per-process caches cannot be cleared from outside: each test uses names and
    a client address of its own (the servers trust one proxy, NUM_PROXIES=1)."""
    store, found = servers
    if store == "database":
        _clear_database_store()
    request.node.store = store
    yield found
    for server in found:
        print(f"--- {server.log.name} ---\n{server.log.read_text()}")  # shown on failure


def _answers(server: Server) -> bool:
    try:
        with urllib.request.urlopen(  # noqa: S310 - our own servers, on 127.0.0.1
            server.url + "/accounts/login/", timeout=5
        ) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError):
        return False


def shared(request) -> bool:
    return request.node.store != "per-process"


# --- the tests ------------------------------------------------------------------------------


def client(address: str, *written_by_the_client: str) -> dict[str, str]:
    """The header the trusted proxy sends for a client at `address`: whatever the client put
    in it, then the address the proxy saw."""
    return {"X-Forwarded-For": ", ".join([*written_by_the_client, address])}


def test_failed_sign_ins_are_counted_once_across_both_servers_and_every_form(
    pair, personas, request
):
    a, b = pair
    me = client("203.0.113.1")
    # Given the account's limit of wrong passwords (4), alternating servers and forms: each
    # server sees two, fewer than the limit
    wrong = [a.page_sign_in, b.admin_sign_in, a.token, b.page_sign_in]
    assert not any(attempt("officer", "not-the-password", **me).signed_in for attempt in wrong)

    # When the right password is typed on each server and form
    right = [a.token, b.token, a.page_sign_in, b.admin_sign_in]
    answers = [attempt("officer", DEMO_PASSWORD, **me) for attempt in right]

    # Then none lets the officer in (the control run, counting per process, does)
    if not shared(request):
        assert [answer.signed_in for answer in answers[:3]] == [True] * 3
        return
    assert [answer.signed_in for answer in answers] == [False] * 4
    assert [answer.status for answer in answers] == [429, 429, 200, 200]
    for answer in answers:
        assert "Too many failed sign-ins with this username or from your network" in answer.body


def test_failures_from_one_address_are_counted_once_across_both_servers(pair, personas, request):
    a, b = pair
    # Given six failures (the address's limit) for made-up usernames, each request with a new
    # address of the client's own making in X-Forwarded-For, ahead of the proxy's entry
    for n in range(6):
        server = (a, b)[n % 2]
        attempt = server.token if n % 3 else server.page_sign_in
        forged = client("203.0.113.2", f"198.51.100.{n}")
        assert not attempt(f"guess{n}", "x", **forged).signed_in

    # When real people sign in from that address, on either server
    me = client("203.0.113.2")
    answers = [
        a.page_sign_in("head.trn", DEMO_PASSWORD, **me),
        b.token("head.psd", DEMO_PASSWORD, **me),
    ]

    # Then the address is refused (each server alone saw only three)
    assert [answer.signed_in for answer in answers] == [not shared(request)] * 2


def test_the_token_endpoints_rate_is_counted_once_across_both_servers(pair, request):
    a, b = pair
    # Eight requests alternating between the servers against a limit of six a minute (no
    # password, so no account is involved and each answers at once)
    me = client("203.0.113.3")
    statuses = [(a, b)[n % 2].token(f"client{n}", **me).status for n in range(8)]

    expected = [400] * 6 + [429] * 2 if shared(request) else [400] * 8
    assert statuses == expected
