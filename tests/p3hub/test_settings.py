"""p3hub.settings: production configuration passes Django's deployment checks, production
refuses to start without each of its secrets (naming the variable) and never generates one,
the embedded mode generates each once, and the typed environment helpers refuse values they
cannot read."""

import base64
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


# The secrets production needs, each from its own variable.
SECRETS = ("SECRET_KEY", "P3HUB_AUDIT_KEY", "P3HUB_VAULT_KEY")


def manage(
    *args: str, env: dict[str, str], var_dir: Path, without: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run manage.py with a production-like environment, a var/ of its own and none of the
    variables in `without`."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and k not in SECRETS}
    full = {**base, "P3HUB_VAR_DIR": str(var_dir), **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={k: v for k, v in full.items() if k not in without},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "P3HUB_ENV": "production",  # which also turns P3HUB_HTTPS on
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "P3HUB_AUDIT_KEY": secrets.token_urlsafe(48),
    "P3HUB_VAULT_KEY": secrets.token_urlsafe(32),
    # Settings check only that the signing pair's files exist, and nothing here signs: any
    # existing file will do (tests/contracts/test_pdf_injection.py tests these two).
    "P3HUB_SIGNING_KEY_FILE": __file__,
    "P3HUB_SIGNING_CERT_FILE": __file__,
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


def test_a_short_audit_key_is_refused(tmp_path):
    env = {**PRODUCTION, "P3HUB_AUDIT_KEY": "short"}
    result = manage("check", env=env, var_dir=tmp_path)
    assert result.returncode != 0
    assert "P3HUB_AUDIT_KEY must be at least 32 characters long" in result.stderr


def test_the_embedded_mode_generates_the_audit_key_once_into_var(tmp_path):
    code = "from django.conf import settings; print(settings.AUDIT_KEY)"
    read_key = ["shell", "--no-imports", "-c", code]
    embedded = {"P3HUB_ENV": "development", "P3HUB_AUDIT_KEY": ""}
    first = manage(*read_key, env=embedded, var_dir=tmp_path)
    second = manage(*read_key, env=embedded, var_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "audit_key"
    assert first.stdout == second.stdout == f"{key_file.read_text().encode()!r}\n"
    assert len(key_file.read_text()) >= 32
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".audit_key")] == []


@pytest.mark.parametrize("name", SECRETS)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without_each_secret_naming_it(tmp_path, name, how):
    env = {**PRODUCTION, name: ""} if how == "empty" else PRODUCTION
    without = (name,) if how == "unset" else ()

    result = manage("check", env=env, var_dir=tmp_path, without=without)

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is not set" in result.stderr
    assert f"Set {name} in the environment." in result.stderr
    # Nothing generated in its place.
    assert not [path for path in tmp_path.iterdir() if path.is_file()]


def test_the_wsgi_application_refuses_to_start_without_a_secret(tmp_path):
    # What gunicorn imports: the same refusal, before any request is served.
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and k not in SECRETS}
    env = {**env, **PRODUCTION, "P3HUB_VAR_DIR": str(tmp_path)}
    del env["P3HUB_VAULT_KEY"]
    result = subprocess.run(
        [sys.executable, "-c", "import p3hub.wsgi"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "P3HUB_VAULT_KEY is not set" in result.stderr


PRINT_SECRETS = (
    "from django.conf import settings; "
    "print(settings.SECRET_KEY, settings.AUDIT_KEY.decode(), settings.VAULT_KEY)"
)


def test_the_embedded_mode_generates_each_secret_once_readable_by_its_owner_only(tmp_path):
    def secrets_printed():
        result = manage("shell", "-v", "0", "-c", PRINT_SECRETS, env={}, var_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    first = secrets_printed()

    assert len(set(first)) == 3
    assert secrets_printed() == first  # read back, not generated anew
    for file_name in ("secret_key", "audit_key", "vault_key"):
        assert (tmp_path / file_name).stat().st_mode & 0o777 == 0o600
    # The vault key has a Fernet key's shape: 32 bytes in URL-safe base64.
    assert len(base64.urlsafe_b64decode(first[2])) == 32


def test_a_secret_from_the_environment_wins_over_a_generated_one(tmp_path):
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        PRINT_SECRETS,
        env={"P3HUB_AUDIT_KEY": "from-the-environment-" + "x" * 20},
        var_dir=tmp_path,
    )
    assert result.stdout.split()[1] == "from-the-environment-" + "x" * 20
    assert not (tmp_path / "audit_key").exists()


def test_an_unknown_environment_stops_the_process_at_start(tmp_path):
    result = manage("check", env={**PRODUCTION, "P3HUB_ENV": "prod"}, var_dir=tmp_path)
    assert result.returncode != 0
    assert "P3HUB_ENV must be development or production, not 'prod'" in result.stderr


@pytest.mark.django_db
def test_the_browsable_api_is_off_without_debug(settings, client):
    assert not settings.DEBUG
    assert settings.REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] == [
        "rest_framework.renderers.JSONRenderer"
    ]
    browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/api/v1/public/solicitations/", HTTP_ACCEPT=browser)
    assert response["Content-Type"] == "application/json"
    assert client.get("/api/v1/public/solicitations/?format=api").status_code == 404


def test_sessions_last_a_working_day_and_end_with_the_browser(settings, tmp_path):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    result = manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.conf import settings; print(settings.SESSION_COOKIE_AGE)",
        env={"P3HUB_SESSION_HOURS": "2"},
        var_dir=tmp_path,
    )
    assert result.stdout.strip() == "7200"


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
