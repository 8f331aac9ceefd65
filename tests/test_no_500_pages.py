"""No page form gives a 500 (DESIGN.md 5.10): every field of every form of the riverton pages
(found on the pages themselves, so a form added later is swept without editing this file)
takes each hostile value of tests/test_no_500.py; forms with too many fields or too big a
body are a 4xx; a refusal changes nothing. Apart from the API's sweeps so that the parallel
test processes share the work."""

import re
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_no_500 import FORM_VALUES, audit_count
from tests.test_page_isolation import kwarg_keys, riverton, tenant_page_patterns  # noqa: F401

pytestmark = pytest.mark.django_db


class FormFinder(HTMLParser):
    """The forms of a page: action, method and the fields with the values they start with."""

    def __init__(self):
        super().__init__()
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"action": attrs.get("action") or "", "method": method, "fields": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind == "file":
                pass  # uploads have tests of their own (tests/procurements/test_documents.py)
            elif kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._form["fields"][attrs["name"]] = attrs.get("value") or "on"
            elif kind not in ("submit", "button", "image", "reset"):
                self._form["fields"][attrs["name"]] = attrs.get("value") or ""
        elif tag == "select" and attrs.get("name"):
            self._select = attrs["name"]
            self._form["fields"].setdefault(self._select, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self._form["fields"][self._select] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["fields"][self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


DESTRUCTIVE = re.compile(r"/(cancel|publish|deactivate|revoke|withdraw|decline|join|reject)/$")


def page_forms(clients: dict, riverton_values: dict, method: str = "post") -> dict:
    """Every form of every riverton page sent by `method`, as the first persona who sees it
    finds it: {action: (persona, fields)}, the ones that end or move something last."""
    found = {}
    for route, name, _ in tenant_page_patterns():
        kwargs = {kwarg: riverton_values[key] for kwarg, key in kwarg_keys(route)}
        url = reverse(name, kwargs=kwargs)
        for persona, client in clients.items():
            response = client.get(url)
            if response.streaming:  # a document download: a file, no form
                b"".join(response.streaming_content)
                # Its file, closed the way response.close() would, without the request_finished
                # signal that would close the test's database connection.
                for close in response._resource_closers:
                    close()
                continue
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            finder = FormFinder()
            finder.feed(response.content.decode())
            for form in finder.forms:
                if form["method"] != method:
                    continue
                action = form["action"] or url
                fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
                if action.startswith("/accounts/logout/") or not fields:
                    continue
                found.setdefault(action, (persona, fields))
    return dict(sorted(found.items(), key=lambda item: bool(DESTRUCTIVE.search(item[0]))))


def encoded(fields: dict) -> bytes:
    def part(value) -> str:
        return quote_from_bytes(value if isinstance(value, bytes) else str(value).encode())

    return "&".join(f"{part(k)}={part(v)}" for k, v in fields.items()).encode()


def test_every_form_takes_every_hostile_value_without_a_500(personas, riverton):  # noqa: F811
    _, values = riverton
    clients = {}
    for persona in ("admin", "officer", "head.trn", "head.psd"):
        clients[persona] = Client()
        clients[persona].force_login(personas[persona])
    forms = page_forms(clients, values)
    assert len(forms) >= 15, sorted(forms)
    swept = 0
    for action, (persona, fields) in forms.items():
        for field in fields:
            for value in FORM_VALUES:
                before = audit_count()
                response = clients[persona].post(
                    action,
                    encoded({**fields, field: value}),
                    content_type="application/x-www-form-urlencoded",
                )
                assert response.status_code < 500, (action, field, value[:30])
                if response.status_code >= 400:
                    assert audit_count() == before, (action, field, "changed on a refusal")
                swept += 1
    assert swept > 500


def test_a_form_with_too_many_fields_or_too_big_a_body_is_a_4xx(personas, riverton, settings):  # noqa: F811
    _, values = riverton
    client = Client()
    client.force_login(personas["admin"])
    forms = page_forms({"admin": client}, values)
    for action, (_, fields) in forms.items():
        before = audit_count()
        many = client.post(
            action,
            urlencode({**fields, **{f"f{n}": "x" for n in range(5_000)}}),
            content_type="application/x-www-form-urlencoded",
        )
        assert 400 <= many.status_code < 500, (action, many.status_code)
        assert audit_count() == before
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    for action, (_, fields) in forms.items():
        big = client.post(
            action,
            urlencode({**fields, "x": "x" * 20_000}),
            content_type="application/x-www-form-urlencoded",
        )
        assert big.status_code == 413, (action, big.status_code)


def test_every_search_and_filter_takes_every_hostile_value_without_a_500(personas, riverton):  # noqa: F811
    _, values = riverton
    clients = {}
    for persona in ("admin", "officer", "head.trn"):
        clients[persona] = Client()
        clients[persona].force_login(personas[persona])
    clients["anonymous"] = Client()
    forms = page_forms(clients, values, method="get")
    assert {"/riverton/audit/", "/riverton/people/"} <= set(forms), sorted(forms)
    for action, (persona, fields) in forms.items():
        for field in fields:
            for value in FORM_VALUES:
                query = encoded({**fields, field: value}).decode()
                response = clients[persona].get(f"{action}?{query}")
                assert response.status_code < 500, (action, field, value[:30])
