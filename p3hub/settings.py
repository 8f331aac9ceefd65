"""P3 Hub settings: one module, configured from the environment.

Every value has a safe default for the embedded mode (`make run`): SQLite, kombu's filesystem
broker and media under `var/`, e-mail to the console, secrets generated once into `var/`. Set
DATABASE_URL and REDIS_URL for the services mode. Production is P3HUB_ENV=production, and only
that: every secret must then come from the environment (the process refuses to start without
one, naming it) and transport security is on unless P3HUB_HTTPS=false says otherwise.
"""

import base64
import datetime as dt
import os
import re
import secrets
import urllib.parse
from collections.abc import Callable
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be a boolean (true/false), not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


RATE = re.compile(r"^\d+/([1-9]\d*)?(s|sec|second|m|min|minute|h|hour|d|day)s?$")


def envrate(name: str, default: str) -> str:
    """A rate such as `10/15min` or `20/minute` (count / [n] unit), read by p3hub.throttling."""
    value = envstr(name, default).replace(" ", "")
    if not RATE.match(value):
        raise ValueError(f"{name} must be a rate such as 10/15min or 20/minute, not {value!r}")
    return value


VAR_DIR = Path(envstr("P3HUB_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


# --- production and secrets -------------------------------------------------------------------
# One rule: P3HUB_ENV=production is production (the image sets it). There no secret is ever
# generated: each must be set, or the process stops at start naming the variable. Anywhere
# else ("development", the default: make run, the services mode, the tests) a missing secret
# is generated once into var/ and kept there.
ENVIRONMENTS = ("development", "production")
ENVIRONMENT = envstr("P3HUB_ENV", "development")
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"P3HUB_ENV must be development or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"


def _token() -> str:
    return secrets.token_urlsafe(50)


def required_secret(name: str, *, embedded_file: str, generate: Callable[[], str] = _token) -> str:
    """The secret in the environment variable `name`. In production none is an error naming
    the variable; elsewhere one is generated into var/`embedded_file` once and read back."""
    if value := envstr(name).strip():
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} is not set: production (P3HUB_ENV=production) never generates secrets. "
            f"Set {name} in the environment."
        )
    key_file = VAR_DIR / embedded_file
    if not key_file.exists():
        _write_once(key_file, generate())
    return key_file.read_text().strip()


def _write_once(path: Path, value: str) -> None:
    """Write `value` to `path` unless it exists, readable by its owner only from the start.
    Processes starting together (web, worker, beat) race here: the first link wins and every
    process reads that one key back."""
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(value)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()


def required_file(name: str, *, embedded_file: str) -> Path:
    """The file named by the environment variable `name`. In production it must be set and
    name an existing file, else an error naming the variable; elsewhere it defaults to
    var/`embedded_file`, which its reader creates when missing (contracts.signing)."""
    value = envstr(name).strip()
    if not value and PRODUCTION:
        raise ImproperlyConfigured(
            f"{name} is not set: production (P3HUB_ENV=production) never generates keys or "
            f"certificates. Set {name} to the path of a PEM file."
        )
    if not value:
        return VAR_DIR / embedded_file
    if PRODUCTION and not Path(value).is_file():
        raise ImproperlyConfigured(
            f"{name} names {value}, which is not a file. Set {name} to the path of a PEM file."
        )
    return Path(value)


def _fernet_style_key() -> str:
    """32 random bytes, URL-safe base64 with padding: the shape Fernet keys have."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# Django's signing key (sessions, password-reset links, CSRF).
SECRET_KEY = required_secret("SECRET_KEY", embedded_file="secret_key")
# The audit log's HMAC key (p3hub.audit): never in the database, so rewriting history takes
# the key as well as the database. One key for web, worker and beat alike.
AUDIT_KEY_MIN_LENGTH = 32
AUDIT_KEY = required_secret("P3HUB_AUDIT_KEY", embedded_file="audit_key").encode()
if len(AUDIT_KEY) < AUDIT_KEY_MIN_LENGTH:
    raise ImproperlyConfigured(
        f"P3HUB_AUDIT_KEY must be at least {AUDIT_KEY_MIN_LENGTH} characters long, e.g. "
        'python -c "import secrets; print(secrets.token_urlsafe(48))".'
    )
# The key that will seal bids and other confidential files at rest (required already, so a
# deployment has it before the first bid arrives).
VAULT_KEY = required_secret(
    "P3HUB_VAULT_KEY", embedded_file="vault_key", generate=_fernet_style_key
)
# The platform's key and certificate that sign every contract PDF (PEM files, read by
# contracts.signing; the key may be encrypted with the passphrase). Outside production a
# self-signed demo pair is made there on first use (`manage.py signing_certificate`).
SIGNING_KEY_FILE = required_file("P3HUB_SIGNING_KEY_FILE", embedded_file="signing/platform-key.pem")
SIGNING_CERT_FILE = required_file(
    "P3HUB_SIGNING_CERT_FILE", embedded_file="signing/platform-cert.pem"
)
SIGNING_KEY_PASSPHRASE = envstr("P3HUB_SIGNING_KEY_PASSPHRASE") or None
# --- end of production and secrets --------------------------------------------------------------

DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Behind TLS: P3HUB_HTTPS=true (the default in production) turns on every transport-security
# setting that `manage.py check --deploy` asks for. Off in the embedded mode (plain HTTP).
HTTPS = envbool("P3HUB_HTTPS", PRODUCTION)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- sessions -----------------------------------------------------------------------------------
# Made for shared office computers: a sign-in lasts P3HUB_SESSION_HOURS (a working day) and
# ends with the browser. A password change ends every other session of that person: Django
# checks each session's copy of the password hash on every request, and the password change
# page renews only the session it was made in.
SESSION_COOKIE_AGE = envint("P3HUB_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# --- end of sessions ----------------------------------------------------------------------------

# --- content security policy (django-csp) ------------------------------------------------------
# Everything from this origin only, and nothing inline: the pages and htmx carry no inline
# script or style (htmx is told not to add its indicator style), Swagger UI starts from a
# script file. Images may be data: URIs too, which Swagger UI's stylesheet uses for its icons.
# File downloads answer with a stricter policy of their own (sandboxed, nothing loads).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# --- end of content security policy -------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_filters",
    "django_htmx",
    "csp",
    "guardian",
    "p3hub",
    "departments",
    "vendors",
    "procurements",
    "contracts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last of the request phase, so still before CSRF's check reads a form body.
    "p3hub.middleware.RequestBodyLimitMiddleware",
]

ROOT_URLCONF = "p3hub.urls"
WSGI_APPLICATION = "p3hub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "departments.context_processors.tenant",
            ],
            # Dates, zones and money read the same on every page and in every e-mail.
            "builtins": ["p3hub.templatetags.formatting"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file: wait for locks instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
else:
    # An unreachable database host fails requests and /healthz fast instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 5
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "departments.User"
AUTHENTICATION_BACKENDS = [
    # ModelBackend that refuses while an account or a client address is throttled, and counts
    # failures: every sign-in (the pages, the admin, the token endpoint) goes through it.
    "p3hub.login.ThrottledModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: Django tells it of every saved password change, and it revokes the
    # person's API tokens (see the class for why there).
    {"NAME": "p3hub.api.tokens.TokensEndWithThePassword"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing folder
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served publicly: files go through permission-checked views


def _addressing_style() -> str | None:
    """`path` for stores reached by one host name (MinIO and most self-hosted ones), `virtual`
    for bucket.host; unset lets boto3 choose."""
    style = envstr("P3HUB_S3_ADDRESSING_STYLE").strip()
    if style not in {"", "auto", "path", "virtual"}:
        raise ValueError(f"P3HUB_S3_ADDRESSING_STYLE must be path, virtual or auto, not {style!r}")
    return style or None


def file_storage() -> dict:
    """Uploaded files (documents, certificates, sealed bid attachments) on an S3-compatible
    store when P3HUB_S3_BUCKET is set, else on disk under MEDIA_ROOT (the embedded default).
    Objects are private and `.url` is never signed: every download goes through a
    permission-checked view, never a link that works for whoever holds it. Names are never
    overwritten, as on disk. Without keys boto3 takes its own chain (an instance role...)."""
    bucket = envstr("P3HUB_S3_BUCKET").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": envstr("P3HUB_S3_ENDPOINT_URL") or None,
        "region_name": envstr("P3HUB_S3_REGION") or None,
        "access_key": envstr("P3HUB_S3_ACCESS_KEY_ID") or None,
        "secret_key": envstr("P3HUB_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": _addressing_style(),
        "default_acl": "private",
        "querystring_auth": False,
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": file_storage(),
    "staticfiles": {
        "BACKEND": envstr(
            "STATICFILES_STORAGE", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- uploads ------------------------------------------------------------------------------------
# The largest file any form takes (P3HUB_UPLOAD_MAX_MB). It holds while the body arrives:
# UploadLimitHandler keeps nothing of a file past it, and a body declared larger than it plus
# the form's other fields (DATA_UPLOAD_MAX_MEMORY_SIZE, Django's default, which also bounds
# every JSON body) is answered 413 before it is read (p3hub/middleware.py).
UPLOAD_MAX_BYTES = envint("P3HUB_UPLOAD_MAX_MB", 25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "p3hub.files.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- end of uploads -----------------------------------------------------------------------------

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = envstr("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)  # the send task holds a row lock meanwhile
# Absolute links in e-mails, never from a request's Host header (a task has no request, and a
# forged Host would point a password-reset link at someone else's server). In the embedded
# mode the server listens on PORT, so the default follows it.
PORT = envint("PORT", 8000)
SITE_URL = envstr("SITE_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "P3 Hub <no-reply@p3hub.local>")

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport under var/ (producer
# and worker share one settings module, so data_folder_in and data_folder_out are one folder).
REDIS_URL = envstr("REDIS_URL")
CELERY_QUEUE_DIR = VAR_DIR / "celery"
# The test suite runs in parallel processes (pytest-xdist names them gw0, gw1, ...): each gets
# its own Redis database and queue folder, so one's cache clears, throttle counts and queued
# tasks never reach another. The processes a test starts (workers, servers) inherit the name
# and the moved REDIS_URL, marked as moved so that it moves once.
TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
if TEST_PROCESS.startswith("gw") and TEST_PROCESS[2:].isdigit():
    CELERY_QUEUE_DIR = CELERY_QUEUE_DIR / TEST_PROCESS
    if REDIS_URL and os.environ.get("P3HUB_REDIS_MOVED_FOR") != TEST_PROCESS:
        _redis = urllib.parse.urlsplit(REDIS_URL)
        _database = (int(_redis.path.strip("/") or 0) + 1 + int(TEST_PROCESS[2:])) % 16
        REDIS_URL = urllib.parse.urlunsplit(_redis._replace(path=f"/{_database}"))
        os.environ.update(REDIS_URL=REDIS_URL, P3HUB_REDIS_MOVED_FOR=TEST_PROCESS)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    for folder in ("queue", "processed", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
        "processed_folder": str(CELERY_QUEUE_DIR / "processed"),
    }
CELERY_TASK_DEFAULT_QUEUE = envstr("CELERY_QUEUE", "p3hub")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True  # redeliver on worker crash: tasks are idempotent (invariant 9)
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "send-pending-email": {
        "task": "p3hub.tasks.email_send_pending",
        "schedule": envint("EMAIL_SWEEP_SECONDS", 60),
    },
    # Reads already show a scheduled solicitation public at its publish date and a published
    # one closed at its deadline; this records both, then starts the openings that are due.
    "chronograph": {
        "task": "procurements.tasks.chronograph",
        "schedule": envint("DEADLINE_SWEEP_SECONDS", 30),
    },
    # Contracts: active from their start date, completed at the end of their term, and the
    # signed PDFs still waiting queued again (each once, however often this runs).
    "contracts-clock": {
        "task": "contracts.tasks.contracts_clock",
        "schedule": envint("CONTRACT_SWEEP_SECONDS", 300),
    },
    # Expired tokens already fail; this only keeps their rows from piling up.
    "delete-expired-tokens": {"task": "p3hub.tasks.tokens_delete_expired", "schedule": 3600},
    # Once a day; a run missed or repeated sends each reminder once all the same (its key).
    "remind-expiring-certificates": {
        "task": "vendors.tasks.certificate_expiry_reminders",
        "schedule": 24 * 3600,
    },
    # The public audit checkpoints (p3hub.checkpoints): one per chain and local day, so a run
    # repeated or early keeps the day's first; hourly, so each city's day gets one soon.
    "audit-checkpoints": {
        "task": "p3hub.tasks.audit_checkpoints_daily",
        "schedule": envint("CHECKPOINT_SWEEP_SECONDS", 3600),
    },
}

# The client address of a request (sign-in and API throttles, p3hub.throttling.client_address):
# behind NUM_PROXIES trusted proxies, the address the outermost one saw, from X-Forwarded-For;
# with 0 (no proxy), REMOTE_ADDR alone, and X-Forwarded-For is ignored: anyone can write it.
NUM_PROXIES = envint("NUM_PROXIES", 0)
# Failed sign-ins (pages, admin, token endpoint), counted in the cache every process shares:
# past either limit, sign-in is refused (even with the right password) until the window ends.
LOGIN_THROTTLE_ACCOUNT = envrate("LOGIN_THROTTLE_ACCOUNT", "10/15min")  # per username
LOGIN_THROTTLE_ADDRESS = envrate("LOGIN_THROTTLE_ADDRESS", "50/15min")  # per client address
# Requests to the token endpoint per client address, whatever their outcome.
TOKEN_THROTTLE = envrate("TOKEN_THROTTLE", "20/minute")
# Password-reset requests, per client address and per e-mail address entered.
PASSWORD_RESET_THROTTLE = envrate("PASSWORD_RESET_THROTTLE", "5/hour")
VENDOR_REGISTRATION_THROTTLE = envrate("VENDOR_REGISTRATION_THROTTLE", "10/hour")
# Contract verifications (page and API together) per client address: each may check a PDF's
# signature, which costs some CPU.
CONTRACT_VERIFY_THROTTLE = envrate("CONTRACT_VERIFY_THROTTLE", "30/hour")

# API tokens (django-rest-knox): stored as SHA-512 digests, shown once, expiring.
TOKEN_TTL_HOURS = envint("TOKEN_TTL_HOURS", 720)
TOKEN_LIMIT_PER_USER = envint("TOKEN_LIMIT_PER_USER", 10)  # a new one past it ends the oldest
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=TOKEN_TTL_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
    # Recognisable in a leaked log or repository (secret scanners match the prefix).
    "TOKEN_PREFIX": "p3h_",
    "AUTO_REFRESH": False,
}

REST_FRAMEWORK = {
    # JSON only; DRF's browsable pages (inline script, forms of their own) only with DEBUG.
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "p3hub.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON only by default: DRF's form parsing turns a missing checkbox into `false`.
    "DEFAULT_PARSER_CLASSES": ["p3hub.api.parsers.JSONParser"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "p3hub.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "p3hub.api.errors.exception_handler",
    # For any DRF throttle left on DRF's own get_ident: the same trusted proxies. Ours ask
    # p3hub.throttling.client_address.
    "NUM_PROXIES": NUM_PROXIES,
}
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "EXCEPTION_HANDLER_CLASS": "p3hub.api.errors.P3ExceptionHandler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "P3 Hub API",
    "DESCRIPTION": (
        "Joint public procurement: solicitations shared by several departments, sealed bids, "
        "cost-sharing contracts. Tenant staff use /api/v1/<municipality-slug>/..., vendors "
        "/api/v1/vendor/..., the public /api/v1/public/.... Authenticate with "
        "`POST /api/v1/auth/token/` and send `Authorization: Token <token>`.\n\n"
        "**Date-times** are ISO 8601 in the municipality's local time with its UTC offset "
        "(`2026-03-30T14:00:00-05:00`), in every answer; one given without an offset is read "
        "in that local time. The public list gives each row in its own municipality's time.\n\n"
        "**Money** is a decimal string in major units of the municipality's currency "
        '(`"2500.00"`) in every answer. Amounts you send may be written as people do '
        '(`"2500"`, `"2,500.00"`, `"$2,500.00"`) or as JSON integers; JSON numbers '
        "with a fraction are refused, since a float may already have lost the amount.\n\n"
        '**Errors** are `{"type": ..., "errors": [{"code", "detail", "attr"}]}`, '
        "`attr` naming the value at fault; the same input gets the same words as on the pages."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
        for name in (
            ["ValidationErrorEnum", "ClientErrorEnum", "ServerErrorEnum"]
            + [f"ErrorCode{code}Enum" for code in (401, 403, 404, 405, 406, 415, 429, 500)]
        )
    },
    "POSTPROCESSING_HOOKS": [
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

# What apps add to another app's pages, in order: each entry names a callable taking the view
# and returning a departments.views.base.Panel (or None). Imports keep pointing one way.
PAGE_PANELS = {
    "home": ["procurements.panels.home_solicitations", "vendors.panels.home_register"],
    "portal": [
        "procurements.panels.portal_addenda_to_acknowledge",
        "procurements.panels.portal_open_solicitations",
        "vendors.panels.profile_certificates",
    ],
    "profile": ["vendors.panels.profile_certificates"],
    "dashboard": [
        "procurements.panels.dashboard_needs_you",
        "procurements.panels.dashboard_solicitations",
    ],
}

# Who on a municipality's staff may read a vendor's certificates (vendors.selectors.
# certificate_for_staff): dotted paths of callables `(tenant_actor, vendor) -> bool`, any one
# granting enough: once one of the vendor's bids in the municipality was opened (before, staff
# do not even learn who bid).
VENDOR_DOCUMENT_ACCESS: list[str] = ["procurements.selectors.vendor_has_opened_bid_here"]

# Where a person lands after signing in, when not on a city's dashboard: each callable takes
# the user and returns a URL or None (the first URL wins; the home page otherwise).
LOGIN_LANDINGS = ["vendors.selectors.portal_landing"]
# What a sign-in with the right password to an account never confirmed is told (p3hub.login);
# only accounts that register themselves (companies) are ever in that state.
UNCONFIRMED_LOGIN_MESSAGE = (
    "This account's e-mail address is not confirmed yet: follow the link in the e-mail we "
    "sent when you registered. If it has expired, ask for a new one at /vendor/confirm/new/."
)

# Why an account may hold no municipal role: each callable takes the user and returns a
# refusal message or None (vendors' accounts never hold one). Imports keep pointing one way.
MUNICIPAL_ROLE_REFUSALS = ["vendors.selectors.municipal_role_refusal"]
# Days an invitation link stays valid.
INVITATION_DAYS = envint("INVITATION_DAYS", 7)

# `manage.py seed_demo` runs these in order; each app seeds its own part of the demo.
DEMO_SEEDERS = [
    "departments.demo.seed",
    "vendors.demo.seed",
    "vendors.demo.seed_certificates",
    "procurements.demo.seed",
    "contracts.demo.seed",
]

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; the public needs no grants

# Error reports never show a bid's posted prices (p3hub/error_reports.py).
DEFAULT_EXCEPTION_REPORTER_FILTER = "p3hub.error_reports.SealedBidReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO: seven lines per contract PDF.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# The cache holds the throttles' counts, so it must be one store for every web process (a
# per-process cache lets each gunicorn worker count alone): Redis in the services mode, a table
# of the database in the embedded mode (`manage.py createcachetable`; bin/run-embedded runs it).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "p3hub_cache"}
    )
}
