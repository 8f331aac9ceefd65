"""Contract tests sign with the pair the settings name, as web, worker and beat do: in tests,
like the other secrets, the development pair under var/signing, made once (race-safe) by
whichever process needs it first. A worker process a test starts signs with the same pair, so
its PDFs verify in the test."""

import http.server
import threading

import pytest
from django.conf import settings as django_settings

from contracts.signing import ensure_demo_certificate


@pytest.fixture(scope="session")
def signing_pair():
    """The (key, certificate) paths of the platform's signing pair."""
    key_path, cert_path = django_settings.SIGNING_KEY_FILE, django_settings.SIGNING_CERT_FILE
    ensure_demo_certificate(key_path, cert_path, django_settings.SIGNING_KEY_PASSPHRASE)
    return key_path, cert_path


class RecordingHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with a small stylesheet, and records its path."""

    def do_GET(self):
        self.server.requests.append(self.path)
        body = b"body { color: red }"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A local HTTP server recording every request it gets: the PDF renderer must send it
    none, whatever the contract's text or the HTML names."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RecordingHandler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
