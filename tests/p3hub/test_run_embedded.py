"""`make run` (bin/run-embedded): Ctrl-C stops web, worker and beat with status 0 and no
"process stopped" scare, and the logs of earlier runs are kept (appended, never truncated).

The script runs on the embedded default in a var/ of its own (a temporary directory), with a
static manifest already there so it skips collectstatic; Ctrl-C is SIGINT to its whole
process group, as a terminal sends it."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
SCRIPT = BASE_DIR / "bin" / "run-embedded"
pytestmark = pytest.mark.worker  # starts a real worker (and web and beat)

STARTUP_SECONDS = 90  # migrate and seed on a loaded machine


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


@pytest.fixture
def embedded_env(tmp_path) -> dict:
    var, static = tmp_path / "var", tmp_path / "static"
    (var / "log").mkdir(parents=True)
    static.mkdir()
    # A manifest newer than every static file and the installed packages: no collectstatic.
    manifest = static / "staticfiles.json"
    manifest.write_text('{"paths": {}, "version": "1.1"}')
    future = time.time() + 3600
    os.utime(manifest, (future, future))
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    return env | {"P3HUB_VAR_DIR": str(var), "STATIC_ROOT": str(static)}


def as_from_a_terminal() -> None:
    """In the child before exec: Ctrl-C delivered and handled by default, as a shell started
    from a terminal has it. Exec keeps blocked and ignored signals, and a test process that
    has run hundreds of tests before this one (servers, workers, browsers) once handed the
    script a SIGINT it never saw: the trap did not run."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_stops_all_three_with_status_0_and_keeps_the_logs(embedded_env):
    var = Path(embedded_env["P3HUB_VAR_DIR"])
    (var / "log" / "web.log").write_text("a line from an earlier run\n")
    port = free_port()
    run = subprocess.Popen(
        [str(SCRIPT), str(port)],
        cwd=BASE_DIR,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=as_from_a_terminal,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not healthy(port):
            assert run.poll() is None, run.stdout.read()
            assert time.monotonic() < deadline, "bin/run-embedded did not come up"
            time.sleep(0.5)
        os.killpg(run.pid, signal.SIGINT)  # Ctrl-C
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        run.stdout.close()  # else its garbage collection warns in whichever test runs then

    assert run.returncode == 0, output
    assert "Stopped." in output
    assert "stopped on its own" not in output and "A process exited" not in output
    web_log = (var / "log" / "web.log").read_text()
    assert web_log.startswith("a line from an earlier run\n")
    assert "=== P3 Hub started" in web_log and f"on port {port} ===" in web_log
    for name in ("worker", "beat"):
        assert "=== P3 Hub started" in (var / "log" / f"{name}.log").read_text()
