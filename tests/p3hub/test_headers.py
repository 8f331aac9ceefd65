"""The Content-Security-Policy every page and the API docs answer with, and the templates that
let it be this strict: no inline script, style, style attribute or event handler anywhere.
(tests/e2e/test_content_security_policy_e2e.py checks that a real Chromium reports no
violation.)"""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
TEMPLATES = Path(settings.BASE_DIR) / "templates"
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx inline code": re.compile(r"\shx-on|js:", re.I),
}


def policy(response) -> dict[str, str]:
    directives = (d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    return {name: value for name, value in directives}


@pytest.mark.parametrize(
    "path", ["/", "/accounts/login/", "/riverton/solicitations/", "/api/docs/", "/no-such-page/"]
)
def test_pages_answer_with_the_policy(client, personas, path):
    assert policy(client.get(path)) == POLICY


def test_staff_pages_answer_with_the_policy(client, personas):
    client.force_login(personas["officer"])
    assert policy(client.get("/riverton/")) == POLICY


def is_email(template) -> bool:
    """E-mail bodies (templates/email/, templates/<app>/email/) go to mail clients, never
    under our policy: they carry their styles inline, as mail clients need."""
    return "email" in template.relative_to(TEMPLATES).parts


@pytest.mark.parametrize(
    "template",
    sorted(t for t in TEMPLATES.rglob("*.html") if not is_email(t)),
    ids=lambda path: str(path.relative_to(TEMPLATES)),
)
def test_templates_carry_nothing_inline(template):
    html = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.S)
    for what, pattern in INLINE.items():
        assert not pattern.search(html), f"{what} in {template.relative_to(TEMPLATES)}"


@pytest.mark.parametrize(
    "template",
    sorted(t for t in TEMPLATES.rglob("*.html") if is_email(t)),
    ids=lambda path: str(path.relative_to(TEMPLATES)),
)
def test_email_templates_carry_no_code(template):
    # Styles inline, but never a script, a handler or a javascript: link.
    html = re.sub(r"{#.*?#}", "", template.read_text(), flags=re.S)
    for what, pattern in INLINE.items():
        if what not in ("style element", "style attribute"):
            assert not pattern.search(html), f"{what} in {template.relative_to(TEMPLATES)}"


def test_htmx_adds_no_style_and_evaluates_nothing(client, personas):
    html = client.get("/").content.decode()
    assert "{#" not in html  # a one-line comment tag spread over lines shows on the page
    config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', html).group(1)
    assert '"includeIndicatorStyles":false' in config
    assert '"allowEval":false' in config
    assert '"historyCacheSize":0' in config
