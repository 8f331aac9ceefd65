"""contracts.pdf.render_pdf fetches nothing a contract's text could name (DESIGN.md 7, PDF):
no request reaches a server listening on this machine, no file outside the static folders is
read, whatever element or style names it, and the PDF still renders without it. The project's
own static files are served. And production refuses to start without its signing pair."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from contracts import pdf
from contracts.pdf import STATIC_ORIGIN, LocalOnlyFetcher, render_pdf

BASE_DIR = Path(django_settings.BASE_DIR)
TEXT = "Contract RIV-2026-0007"


@pytest.fixture
def decisions(monkeypatch):
    """Every (url, static file or None) LocalOnlyFetcher decided, in order."""
    seen: list[tuple[str, Path | None]] = []
    decide = LocalOnlyFetcher.static_file

    def spy(self, url):
        found = decide(self, url)
        seen.append((url, found))
        return found

    monkeypatch.setattr(LocalOnlyFetcher, "static_file", spy)
    return seen


def page(body: str) -> str:
    return f"<!doctype html><html><head></head><body><p>{TEXT}</p>{body}</body></html>"


def refusals(caplog) -> list[str]:
    """What contracts.pdf logged (WeasyPrint logs its own line for each resource left out)."""
    return [r.getMessage() for r in caplog.records if r.name == "contracts.pdf"]


def pdf_text(document: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-", "-"], input=document, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
# (what the contract's text smuggles in, with {srv} for the local server; the URL the fetcher
# is asked for and refuses, or None where WeasyPrint loads nothing for that element at all).
INJECTIONS = {
    "img": ('<img src="{srv}/img.png">', "{srv}/img.png"),
    "stylesheet-link": ('<link rel="stylesheet" href="{srv}/x.css">', "{srv}/x.css"),
    "file-passwd": ('<img src="file:///etc/passwd">', "file:///etc/passwd"),
    "css-import": ('<style>@import url("{srv}/i.css");</style>', "{srv}/i.css"),
    "css-background": ("<style>body{{background:url({srv}/b.png)}}</style>", "{srv}/b.png"),
    "font-face": (
        "<style>@font-face{{font-family:X;src:url({srv}/f.woff)}} p{{font-family:X}}</style>",
        "{srv}/f.woff",
    ),
    "relative-path": ('<img src="../../etc/hosts">', f"{STATIC_ORIGIN}/etc/hosts"),
    "static-then-parent": (
        '<link rel="stylesheet" href="/static/../p3hub/settings.py">',
        f"{STATIC_ORIGIN}/p3hub/settings.py",
    ),
    "static-encoded-parent": (
        '<link rel="stylesheet" href="/static/%2e%2e/%2e%2e/etc/hosts">',
        f"{STATIC_ORIGIN}/static/%2e%2e/%2e%2e/etc/hosts",
    ),
    "object": ('<object data="{srv}/o.svg"></object>', "{srv}/o.svg"),
    "embed": ('<embed src="{srv}/e.svg">', "{srv}/e.svg"),
    "iframe": ('<iframe src="{srv}/frame.html"></iframe>', None),
    "svg-image": (
        '<svg width="20" height="20" ' + SVG + '><image href="{srv}/s.png" width="9" '
        'height="9"/></svg>',
        "{srv}/s.png",
    ),
    "svg-xlink-image": (
        '<svg width="20" height="20" ' + SVG + '><image xlink:href="{srv}/x.png" width="9" '
        'height="9"/></svg>',
        "{srv}/x.png",
    ),
    "base-href": ('<base href="{srv}/"><img src="based.png">', "{srv}/based.png"),
    "attachment": ('<link rel="attachment" href="{srv}/a.txt">', "{srv}/a.txt"),
    "data-uri": (
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">',
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    ),
    "list-style-image": (
        "<style>li{{list-style-image:url({srv}/l.png)}}</style><ul><li>a</li></ul>",
        "{srv}/l.png",
    ),
    "generated-content": (
        "<style>p::after{{content:url({srv}/c.png)}}</style>",
        "{srv}/c.png",
    ),
}


@pytest.mark.parametrize("name", list(INJECTIONS))
def test_nothing_the_text_names_is_fetched_and_the_pdf_still_renders(
    name, server, decisions, caplog
):
    srv = f"http://127.0.0.1:{server.server_port}"
    snippet, refused = INJECTIONS[name]
    caplog.set_level(logging.WARNING, logger="contracts.pdf")

    document = render_pdf(page(snippet.format(srv=srv)))

    assert server.requests == []
    assert document.startswith(b"%PDF-")
    assert TEXT in pdf_text(document)
    assert all(found is None for _url, found in decisions)
    if refused is None:  # WeasyPrint does not load frames: nothing reaches even the fetcher
        assert decisions == []
        return
    assert [url for url, _found in decisions] == [refused.format(srv=srv)]
    assert refusals(caplog) == [f"PDF rendering refused to fetch {refused.format(srv=srv)}"]


def test_a_refused_url_is_logged_truncated(decisions, caplog):
    caplog.set_level(logging.WARNING, logger="contracts.pdf")
    long_path = "a" * 5000

    render_pdf(page(f'<img src="http://127.0.0.1:9/{long_path}.png">'))

    (record,) = [r for r in caplog.records if r.name == "contracts.pdf"]
    assert record.levelno == logging.WARNING
    assert len(record.getMessage()) < 300


def test_a_real_static_file_of_the_project_is_allowed(decisions, caplog):
    caplog.set_level(logging.WARNING, logger="contracts.pdf")

    render_pdf(page('<link rel="stylesheet" href="/static/css/app.css">'))

    assert decisions == [
        (f"{STATIC_ORIGIN}/static/css/app.css", (BASE_DIR / "static/css/app.css").resolve())
    ]
    assert refusals(caplog) == []


@pytest.fixture
def static_folder(settings, tmp_path):
    """A static folder of its own, with a stylesheet whose effect shows in the PDF's text."""
    folder = tmp_path / "static"
    (folder / "css").mkdir(parents=True)
    (folder / "css" / "contract.css").write_text('p::after { content: " (styled)"; }')
    settings.STATICFILES_DIRS = [folder]
    return folder


def test_a_static_stylesheet_is_served_and_applied(static_folder, decisions):
    document = render_pdf(page('<link rel="stylesheet" href="/static/css/contract.css">'))

    assert f"{TEXT} (styled)" in pdf_text(document)
    assert decisions[0][1] == static_folder.resolve() / "css" / "contract.css"


def test_a_symbolic_link_out_of_the_static_folder_is_refused(static_folder, tmp_path, decisions):
    secret = tmp_path / "secret.css"
    secret.write_text('p::after { content: " (leaked)"; }')
    (static_folder / "css" / "leak.css").symlink_to(secret)

    document = render_pdf(page('<link rel="stylesheet" href="/static/css/leak.css">'))

    assert "(leaked)" not in pdf_text(document)
    assert decisions == [(f"{STATIC_ORIGIN}/static/css/leak.css", None)]


def test_a_static_file_under_another_origin_or_with_a_query_is_refused(static_folder):
    fetcher = LocalOnlyFetcher()

    assert fetcher.static_file(f"{STATIC_ORIGIN}/static/css/contract.css") is not None
    assert fetcher.static_file("http://127.0.0.1/static/css/contract.css") is None
    assert fetcher.static_file(f"{STATIC_ORIGIN}/static/css/contract.css?v=1") is None
    assert fetcher.static_file(f"file://{static_folder}/css/contract.css") is None
    assert fetcher.static_file(f"{STATIC_ORIGIN}/static/") is None
    assert fetcher.static_file(f"{STATIC_ORIGIN}/static/css%00/contract.css") is None


def test_the_renderer_never_gets_a_file_base_url(monkeypatch):
    seen = {}
    html_class = pdf.weasyprint.HTML

    def recording(*args, **kwargs):
        seen.update(kwargs)
        return html_class(*args, **kwargs)

    monkeypatch.setattr(pdf.weasyprint, "HTML", recording)

    render_pdf(page(""))

    assert seen["base_url"] == f"{STATIC_ORIGIN}/"
    assert isinstance(seen["url_fetcher"], LocalOnlyFetcher)


# --- production's signing pair -----------------------------------------------------------------

TEST_ONLY = {"DJANGO_ALLOW_ASYNC_UNSAFE", "STATICFILES_STORAGE"}
SIGNING = ("P3HUB_SIGNING_KEY_FILE", "P3HUB_SIGNING_CERT_FILE")


def manage_check(env: dict[str, str], var_dir: Path) -> subprocess.CompletedProcess:
    """`manage.py check` in production with every secret set, then `env` over it (a value of
    None removes the variable)."""
    base = {k: v for k, v in os.environ.items() if k not in TEST_ONLY and k not in SIGNING}
    production = {
        "P3HUB_ENV": "production",
        "P3HUB_VAR_DIR": str(var_dir),
        "SECRET_KEY": "s" * 60,
        "P3HUB_AUDIT_KEY": "a" * 48,
        "P3HUB_VAULT_KEY": "v" * 44,
        "ALLOWED_HOSTS": "p3hub.example.org",
    }
    full = {**base, **production, **env}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={k: v for k, v in full.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def pem_files(tmp_path):
    """Two files where production's pair would be (settings check only that they exist)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    key.write_text("key")
    cert.write_text("cert")
    return {"P3HUB_SIGNING_KEY_FILE": str(key), "P3HUB_SIGNING_CERT_FILE": str(cert)}


@pytest.mark.parametrize("name", SIGNING)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without_each_signing_file_naming_it(
    tmp_path, pem_files, name, how
):
    env = {**pem_files, name: None if how == "unset" else ""}

    result = manage_check(env, tmp_path / "var")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} is not set" in result.stderr
    assert f"Set {name} to the path of a PEM file." in result.stderr
    assert not (tmp_path / "var" / "signing").exists()  # nothing generated in its place


@pytest.mark.parametrize("name", SIGNING)
def test_production_refuses_a_signing_file_that_does_not_exist(tmp_path, pem_files, name):
    missing = str(tmp_path / "nowhere.pem")

    result = manage_check({**pem_files, name: missing}, tmp_path / "var")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {name} names {missing}, which is not a file." in result.stderr


def test_production_starts_with_both_signing_files(tmp_path, pem_files):
    result = manage_check(pem_files, tmp_path / "var")

    assert result.returncode == 0, result.stderr
