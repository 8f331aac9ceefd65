"""GET /healthz: the state of the database, the broker and file storage (DESIGN.md 10)."""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from p3hub.celery import app as celery_app


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


def _storage() -> None:
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    default_storage.delete(name)


CHECKS = {"database": _database, "broker": _broker, "storage": _storage}


@never_cache
@require_GET
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception as error:
            results[name] = {"status": "error", "error": error.__class__.__name__}
    healthy = all(result["status"] == "ok" for result in results.values())
    body = {"status": "ok" if healthy else "error", **results}
    return JsonResponse(body, status=200 if healthy else 503)
