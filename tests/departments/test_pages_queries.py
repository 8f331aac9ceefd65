"""List pages cost the same number of queries with 5 rows as with 60."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments import services
from departments.models import Department, Membership, Municipality
from departments.tenancy import tenant_actor_for
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# Every tenant page starts with the same three: the session, the signed-in user, and the
# actor's memberships in the municipality (with the municipality and department joined).
PER_REQUEST = 3


@pytest.fixture
def riverton(personas) -> Municipality:
    return Municipality.objects.get(slug="riverton")


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, templates) out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def add_departments_with_heads(riverton, total: int) -> None:
    for _ in range(total - Department.objects.filter(municipality=riverton).count()):
        department = DepartmentFactory(municipality=riverton)
        MembershipFactory(municipality=riverton, department=department, role="head")


# PER_REQUEST, then the departments, then every department's heads with their users; the
# dashboard also reads the bids due this week ("Needs you": the admin heads nothing and
# prepares nothing) and lists the latest solicitations (none here, so their prefetch does not
# run). tests/procurements/test_dashboard_needs_you.py counts the dashboard with rows.
EXTRA_QUERIES = {"/riverton/": 4, "/riverton/departments/": 2}


@pytest.mark.parametrize("url", list(EXTRA_QUERIES))
def test_department_pages_cost_the_same_with_5_and_60_departments(client, personas, riverton, url):
    client.force_login(personas["admin"])
    add_departments_with_heads(riverton, 5)
    with_5 = queries_for(client, url)

    add_departments_with_heads(riverton, 60)
    with_60 = queries_for(client, url)

    assert with_5 == with_60 == PER_REQUEST + EXTRA_QUERIES[url]
    assert Department.objects.filter(municipality=riverton).count() == 60


def test_people_list_costs_the_same_with_5_and_60_people(client, personas, riverton):
    client.force_login(personas["admin"])
    trn = Department.objects.get(municipality=riverton, code="TRN")
    people = Membership.objects.filter(municipality=riverton).values("user").distinct().count
    assert people() == 5
    with_5 = queries_for(client, "/riverton/people/")

    MembershipFactory.create_batch(55, municipality=riverton, department=trn)
    admin = tenant_actor_for(personas["admin"], "riverton")
    for n in range(20):
        services.invitation_send(actor=admin, email=f"new{n}@riverton.example", role="officer")
    with_60 = queries_for(client, "/riverton/people/")

    # PER_REQUEST, then the count and the page of people, all their roles here with the
    # departments joined, and the pending invitations with their departments and inviters.
    assert with_5 == with_60 == PER_REQUEST + 4
    assert people() == 60


def test_audit_trail_costs_the_same_with_5_and_60_events(client):
    admin = UserFactory(username="harbor.admin")
    harbor = services.municipality_create(
        actor=None, slug="harbor", name="Harbor City", code="HBR", first_admin=admin
    )
    actor = tenant_actor_for(admin, "harbor")
    client.force_login(admin)

    def add_events(total: int) -> None:  # opening the city wrote two; a department adds one
        for n in range(harbor.audit_events.count(), total):
            services.department_create(actor=actor, code=f"X{n:03d}", name=f"Extra {n}")

    add_events(5)
    with_5 = queries_for(client, "/harbor/audit/")
    add_events(60)
    with_60 = queries_for(client, "/harbor/audit/")

    # PER_REQUEST, then the verbs and object types for the filter, the paginator's count, the
    # page of events with their actors, the department names the sentences use, and the chain
    # check: its head and all its events.
    assert with_5 == with_60 == PER_REQUEST + 6
    assert harbor.audit_events.count() == 60
