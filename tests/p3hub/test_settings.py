"""p3hub.settings: production configuration passes Django's deployment checks, and the typed
environment helpers refuse values they cannot read."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from p3hub.settings import envbool, envrate

BASE_DIR = Path(settings.BASE_DIR)
# Set by conftest for the test process (browser tests, no collectstatic); never in production.
TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "STATICFILES_STORAGE"}


def manage(*args: str, env: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess:
    """Run manage.py with a production-like environment and a var/ of its own."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**base, "P3HUB_VAR_DIR": str(var_dir), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "P3HUB_HTTPS": "true",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "p3hub.example.org",
}


def test_deploy_checks_pass_in_production(tmp_path):
    assert len(PRODUCTION["SECRET_KEY"]) >= 50
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, var_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_fail_without_https(tmp_path):
    # The check above is only worth something if it can fail.
    env = {**PRODUCTION, "P3HUB_HTTPS": "false"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env, var_dir=tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stderr  # SECURE_SSL_REDIRECT


def test_a_garbage_boolean_stops_the_process_at_start(tmp_path):
    result = manage("check", env={**PRODUCTION, "DEBUG": "maybe"}, var_dir=tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be a boolean (true/false), not 'maybe'" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "tru", "yes please", "enabled", "-1", " "])
def test_envbool_rejects_garbage(monkeypatch, value):
    monkeypatch.setenv("P3HUB_FLAG", value)
    with pytest.raises(ValueError, match="P3HUB_FLAG must be a boolean"):
        envbool("P3HUB_FLAG")


TRUE_SPELLINGS = ["1", "TRUE", "Yes", "on"]
FALSE_SPELLINGS = ["0", "False", "NO", "off"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(v, True) for v in TRUE_SPELLINGS] + [(v, False) for v in FALSE_SPELLINGS],
)
def test_envbool_reads_the_usual_spellings(monkeypatch, value, expected):
    monkeypatch.setenv("P3HUB_FLAG", value)
    assert envbool("P3HUB_FLAG", default=not expected) is expected


@pytest.mark.parametrize("default", [True, False])
def test_envbool_unset_or_empty_is_the_default(monkeypatch, default):
    monkeypatch.delenv("P3HUB_FLAG", raising=False)
    assert envbool("P3HUB_FLAG", default) is default
    monkeypatch.setenv("P3HUB_FLAG", "")
    assert envbool("P3HUB_FLAG", default) is default


def _site_url(env: dict[str, str], var_dir: Path) -> str:
    base = {k: v for k, v in os.environ.items() if k not in {"PORT", "SITE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", "from p3hub import settings; print(settings.SITE_URL)"],
        cwd=BASE_DIR,
        env={**base, "P3HUB_VAR_DIR": str(var_dir), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_links_in_e_mails_follow_the_port_the_embedded_server_listens_on(tmp_path):
    assert _site_url({}, tmp_path) == "http://127.0.0.1:8000"
    assert _site_url({"PORT": "8123"}, tmp_path) == "http://127.0.0.1:8123"
    # Behind a proxy the public address is set once and wins.
    env = {"PORT": "8123", "SITE_URL": "https://p3hub.example.org/"}
    assert _site_url(env, tmp_path) == "https://p3hub.example.org"


def test_the_embedded_run_exports_its_port_to_web_and_worker():
    script = (BASE_DIR / "bin" / "run-embedded").read_text()
    assert 'export PORT="${1:-${PORT:-8000}}"' in script
    assert "manage.py createcachetable" in script


@pytest.mark.parametrize(
    "variable",
    [
        "LOGIN_THROTTLE_ACCOUNT",
        "LOGIN_THROTTLE_ADDRESS",
        "TOKEN_THROTTLE",
        "PASSWORD_RESET_THROTTLE",
    ],
)
def test_a_garbage_rate_stops_the_process_at_start(tmp_path, variable):
    result = manage("check", env={**PRODUCTION, variable: "lots"}, var_dir=tmp_path)
    assert result.returncode != 0
    assert f"{variable} must be a rate such as 10/15min or 20/minute, not 'lots'" in result.stderr


@pytest.mark.parametrize("value", ["lots", "10/0min", "10/fortnight", "ten/minute", "10", "/m"])
def test_envrate_rejects_garbage(monkeypatch, value):
    monkeypatch.setenv("P3HUB_RATE", value)
    with pytest.raises(ValueError, match="P3HUB_RATE must be a rate"):
        envrate("P3HUB_RATE", "1/minute")


@pytest.mark.parametrize("value", ["10/15min", "20/minute", "5/hour", "100/d", "3/30s", "0/day"])
def test_envrate_reads_the_documented_forms(monkeypatch, value):
    monkeypatch.setenv("P3HUB_RATE", value)
    assert envrate("P3HUB_RATE", "1/minute") == value
