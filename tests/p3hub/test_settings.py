"""p3hub.settings: production configuration passes Django's deployment checks, and the typed
environment helpers refuse values they cannot read."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from p3hub.settings import envbool

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
    "P3HUB_AUDIT_KEY": secrets.token_urlsafe(48),
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


def test_production_refuses_to_start_without_the_audit_key(tmp_path):
    env = {**PRODUCTION, "P3HUB_AUDIT_KEY": ""}
    result = manage("check", env=env, var_dir=tmp_path)
    assert result.returncode != 0
    assert "P3HUB_AUDIT_KEY is not set: production (P3HUB_HTTPS=true) refuses" in result.stderr
    assert not (tmp_path / "audit_key").exists()  # none generated behind the operator's back


def test_a_short_audit_key_is_refused(tmp_path):
    env = {**PRODUCTION, "P3HUB_AUDIT_KEY": "short"}
    result = manage("check", env=env, var_dir=tmp_path)
    assert result.returncode != 0
    assert "P3HUB_AUDIT_KEY must be at least 32 characters long" in result.stderr


def test_the_embedded_mode_generates_the_audit_key_once_into_var(tmp_path):
    code = "from django.conf import settings; print(settings.AUDIT_KEY)"
    read_key = ["shell", "--no-imports", "-c", code]
    embedded = {"P3HUB_HTTPS": "false", "P3HUB_AUDIT_KEY": ""}
    first = manage(*read_key, env=embedded, var_dir=tmp_path)
    second = manage(*read_key, env=embedded, var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "audit_key"
    assert first.stdout == second.stdout == f"{key_file.read_text().encode()!r}\n"
    assert len(key_file.read_text()) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".audit_key")] == []


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
