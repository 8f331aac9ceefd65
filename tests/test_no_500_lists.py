"""No API list gives a 500 (DESIGN.md 5.10): every query parameter of every list of the
OpenAPI schema (and page, page_size, ordering) takes each hostile form value; each answer is
below 500 and a refusal comes in the error format. Apart from the writes' sweep so that the
parallel test processes share the work."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.test_no_500 import FORM_VALUES, assert_api_refusal, client_for, fill
from tests.test_no_500_pages import encoded
from tests.test_page_isolation import riverton  # noqa: F401

pytestmark = pytest.mark.django_db


def list_operations() -> list[tuple[str, list[str]]]:
    """(path template, query parameter names) of every API list (a GET without an id)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema["paths"].items():
        operation = item.get("get")
        if operation and not re.search(r"\{(id|number)\}/$", path):
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            found.append((path, names))
    return found


def test_every_api_list_takes_every_hostile_query_without_a_500(api_as, riverton):  # noqa: F811
    solicitation, _ = riverton
    swept = 0
    for template, names in list_operations():
        client = client_for(template, api_as)
        path = fill(template, client, solicitation.reference)
        if path is None:  # a read under a row this persona lists none of (a vendor's file)
            continue
        for name in [*names, "page", "page_size", "ordering"]:
            for value in FORM_VALUES:
                response = client.get(f"{path}?{encoded({name: value}).decode()}")
                assert_api_refusal(response, (path, name, value[:30]))
                swept += 1
    assert swept > 200
