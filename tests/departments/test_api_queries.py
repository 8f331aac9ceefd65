"""List endpoints cost a fixed number of queries however many rows there are (STYLE.md 14)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Membership, Municipality
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def queries_for(client, url: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] == expected_rows
    return len(captured.captured_queries)


def add_departments_with_heads(riverton: Municipality, count: int) -> None:
    for department in DepartmentFactory.create_batch(count, municipality=riverton):
        MembershipFactory(municipality=riverton, department=department, role="head")


def test_department_list_query_count_does_not_grow_with_rows(api_as, personas):
    riverton = Municipality.objects.get(slug="riverton")
    client = api_as("officer")
    url = "/api/v1/riverton/departments/?page_size=100"
    add_departments_with_heads(riverton, 3)  # 5 departments

    few = queries_for(client, url, 5)
    add_departments_with_heads(riverton, 55)  # 60 departments
    many = queries_for(client, url, 60)

    # 1 the token and its user, 2 the caller's memberships in riverton (the tenant actor),
    # 3 the page's count, 4 the page of departments, 5 their heads with their users.
    assert few == many == 5


def test_membership_list_query_count_does_not_grow_with_rows(api_as, personas):
    riverton = Municipality.objects.get(slug="riverton")
    trn = riverton.departments.get(code="TRN")
    client = api_as("admin")
    url = "/api/v1/riverton/memberships/?page_size=100"

    few = queries_for(client, url, Membership.objects.filter(municipality=riverton).count())
    assert Membership.objects.filter(municipality=riverton).count() == 5
    for user in UserFactory.create_batch(55):
        Membership.objects.create(user=user, municipality=riverton, role="member", department=trn)
    many = queries_for(client, url, 60)

    # 1 the token and its user, 2 the caller's memberships in riverton (the tenant actor),
    # 3 the page's count, 4 the page of memberships joined with users and departments.
    assert few == many == 4


def test_department_detail_costs_as_much_as_one_list_row(api_as, personas):
    department = Municipality.objects.get(slug="riverton").departments.get(code="TRN")

    client = api_as("officer")

    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/riverton/departments/{department.pk}/")

    assert response.status_code == 200
    # 1 token, 2 tenant actor, 3 the department by pk within riverton, 4 the same row with
    # 5 its heads prefetched.
    assert len(captured.captured_queries) == 5
