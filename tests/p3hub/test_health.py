"""GET /healthz (DESIGN.md 10): 200 with each part's state, 503 naming the part that is down."""

import time

import pytest
from django.core.files.storage import default_storage

from p3hub import health
from p3hub.celery import app as celery_app
from p3hub.health import STORAGE_MARKER

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the connection is refused at once, on this machine only.
DEAD_BROKER = "redis://127.0.0.1:1/0"


def test_all_parts_up_is_200_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "broker": {"status": "ok"},
        "storage": {"status": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


def test_unreachable_broker_is_503_within_seconds(client, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "broker_url", DEAD_BROKER)
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["broker"] == {"status": "error", "error": "OperationalError"}
    assert body["database"] == body["storage"] == {"status": "ok"}
    # A load balancer's probe must not hang on a dead broker (kombu used to sleep 2 s).
    assert elapsed < 1.5


def test_unwritable_storage_is_503(client, settings, tmp_path):
    # A path below a regular file cannot be created, even by root (chmod would not stop root).
    (blocker := tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = str(blocker / "media")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["storage"]["status"] == "error"
    assert body["database"] == {"status": "ok"}


class ReadOnlyStorage:
    """The real storage for lookups; a failed test for any write."""

    def exists(self, name):
        return default_storage.exists(name)

    def save(self, *args, **kwargs):
        raise AssertionError("/healthz wrote to storage")

    delete = open = save


def test_polling_does_not_write_to_storage(client, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    assert client.get("/healthz").status_code == 200  # the first call leaves its marker
    written = sorted(path for path in tmp_path.rglob("*") if path.is_file())
    assert written == [tmp_path / STORAGE_MARKER]

    monkeypatch.setattr(health, "default_storage", ReadOnlyStorage())
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert sorted(path for path in tmp_path.rglob("*") if path.is_file()) == written


class UnreachableStorage:
    def exists(self, name):
        raise ConnectionError("no route to the store")


def test_storage_that_cannot_be_reached_is_503(client, monkeypatch):
    monkeypatch.setattr(health, "default_storage", UnreachableStorage())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == {"status": "error", "error": "ConnectionError"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_is_allowed(client, method):
    assert getattr(client, method)("/healthz").status_code == 405
