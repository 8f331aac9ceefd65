"""GET /healthz: the state of the database, the broker and file storage (DESIGN.md 10)."""

import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from p3hub.celery import app as celery_app

log = logging.getLogger(__name__)

# A load balancer polls this; a dead broker must make it answer 503 quickly, not hang it.
BROKER_TIMEOUT_SECONDS = 2.0


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    # One attempt with short socket timeouts: kombu would otherwise sleep between retries
    # (2 s each) and redis-py would wait on the OS connect timeout for an unreachable host.
    timeouts = {
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
    }
    with celery_app.connection_for_write(
        connect_timeout=BROKER_TIMEOUT_SECONDS, transport_options=timeouts
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)


# Looked up on every call (a stat on disk, one HEAD on an S3-compatible store); written only
# when missing, on the first call against a new store, so polling never writes.
STORAGE_MARKER = "healthz/marker.txt"


def _storage() -> None:
    if not default_storage.exists(STORAGE_MARKER):
        default_storage.save(STORAGE_MARKER, ContentFile(b"ok"))


CHECKS: dict[str, Callable[[], None]] = {
    "database": _database,
    "broker": _broker,
    "storage": _storage,
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """No login: monitors and load balancers call it. Names only the failing part and the
    error's class, never its message (which may hold hosts or paths)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception as error:
            log.warning("healthz: the %s check failed", name, exc_info=True)
            results[name] = {"status": "error", "error": error.__class__.__name__}
    healthy = all(result["status"] == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "error", **results}
    return JsonResponse(body, status=200 if healthy else 503)
