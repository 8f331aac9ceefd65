"""Procurement list endpoints cost a fixed number of queries however many rows there are
(STYLE.md 14): 10 rows and 200 rows, the same count, each query named."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Department, Municipality
from procurements.models import (
    CostSplitShare,
    CostSplitVersion,
    Document,
    LineItem,
    Participation,
    Solicitation,
)

pytestmark = pytest.mark.django_db

PAGE = "?page_size=200"


def measure(client, url: str) -> tuple[int, int]:
    """(queries, rows) of one GET of a list; rows may include the demo seed's own."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured.captured_queries), response.json()["count"]


def add_solicitations(personas, count: int, status: str, start: int = 0) -> list[Solicitation]:
    """`count` joint solicitations (TRN leads, PSD joined) in one bulk insert per table."""
    riverton = Municipality.objects.get(slug="riverton")
    trn, psd = (Department.objects.get(municipality=riverton, code=c) for c in ("TRN", "PSD"))
    officer = personas["officer"]
    solicitations = Solicitation.objects.bulk_create(
        Solicitation(
            municipality=riverton,
            reference=f"RIV-BULK-{start + i:05d}",
            title=f"Bulk purchase {start + i}",
            lead_department=trn,
            status=status,
            created_by=officer,
        )
        for i in range(count)
    )
    Participation.objects.bulk_create(
        Participation(solicitation=s, department=d, status="joined", invited_by=officer)
        for s in solicitations
        for d in (trn, psd)
    )
    return solicitations


def add_versions(personas, solicitations, *, per_solicitation: int = 1) -> None:
    """Split versions of each solicitation: the newest proposed, older ones superseded, each
    with a TRN decision on the older ones so the decisions prefetch has rows."""
    riverton = Municipality.objects.get(slug="riverton")
    departments = list(Department.objects.filter(municipality=riverton, code__in=["PSD", "TRN"]))
    result = {
        "total_minor": 100,
        "in_kind_minor": 0,
        "payable_minor": 100,
        "departments": {"PSD": 40, "TRN": 60},
        "lines": [],
    }
    versions = CostSplitVersion.objects.bulk_create(
        CostSplitVersion(
            solicitation=s,
            number=n,
            method="percentage",
            status="proposed" if n == per_solicitation else "superseded",
            inputs={"percentages": {"TRN": "60", "PSD": "40"}},
            basis=[],
            result=result,
            total_minor=100,
            created_by=personas["officer"],
        )
        for s in solicitations
        for n in range(1, per_solicitation + 1)
    )
    # TRN approved every superseded version; every other share is pending.
    CostSplitShare.objects.bulk_create(
        CostSplitShare(
            version=v,
            department=d,
            status="approved" if decided else "pending",
            decided_by=personas["head.trn"] if decided else None,
            decided_at=v.created_at if decided else None,
        )
        for v in versions
        for d in departments
        for decided in [v.status == "superseded" and d.code == "TRN"]
    )


def test_solicitation_list_query_count_is_constant(api_as, personas):
    client = api_as("officer")
    url = f"/api/v1/riverton/solicitations/{PAGE}"
    add_solicitations(personas, 10, "draft")

    few, few_rows = measure(client, url)
    add_solicitations(personas, 190, "in_approval", start=10)
    many, many_rows = measure(client, url)
    assert many_rows - few_rows == 190

    # 1 the token and its user, 2 the caller's memberships in riverton (the tenant actor),
    # 3 the page's count, 4 the page joined with lead department and municipality,
    # 5 the participations with their departments.
    assert few == many == 5


def test_filtered_solicitation_list_query_count_is_constant(api_as, personas):
    client = api_as("evaluator")
    url = f"/api/v1/riverton/solicitations/{PAGE}&department=PSD&q=Bulk&kind=RFP"
    add_solicitations(personas, 10, "draft")

    few, few_rows = measure(client, url)
    add_solicitations(personas, 190, "draft", start=10)
    many, many_rows = measure(client, url)
    assert many_rows - few_rows == 190

    # The same five: filters only add conditions to the count and the page.
    assert few == many == 5


def test_approval_inbox_query_count_is_constant(api_as, personas):
    client = api_as("head.trn")
    url = f"/api/v1/riverton/approvals/{PAGE}"
    add_versions(personas, add_solicitations(personas, 10, "in_approval"))

    few, few_rows = measure(client, url)
    add_versions(personas, add_solicitations(personas, 190, "in_approval", start=10))
    many, many_rows = measure(client, url)
    assert many_rows - few_rows == 190

    # 1 token, 2 tenant actor, 3 the count, 4 the page of shares joined with version,
    # solicitation, lead department, proposer and department.
    assert few == many == 4


def test_split_version_list_query_count_is_constant(api_as, personas):
    client = api_as("officer")
    few_versions, many_versions = add_solicitations(personas, 2, "in_approval")
    add_versions(personas, [few_versions], per_solicitation=10)
    add_versions(personas, [many_versions], per_solicitation=200)

    def versions_url(solicitation) -> str:
        return f"/api/v1/riverton/solicitations/{solicitation.reference}/cost-split-versions/{PAGE}"

    few, few_rows = measure(client, versions_url(few_versions))
    many, many_rows = measure(client, versions_url(many_versions))
    assert many_rows - few_rows == 190

    # 1 token, 2 tenant actor, 3 the solicitation with 4 its participations (the selector),
    # 5 the count, 6 the page of versions with their proposer, 7 their shares with
    # department and decider.
    assert few == many == 7


def test_public_list_query_count_is_constant(api_as, personas):
    anonymous = api_as(None)
    url = f"/api/v1/public/solicitations/{PAGE}"
    add_solicitations(personas, 10, "published")
    add_solicitations(personas, 5, "draft", start=1000)  # never shown

    few, few_rows = measure(anonymous, url)
    add_solicitations(personas, 190, "published", start=10)
    many, many_rows = measure(anonymous, url)
    assert many_rows - few_rows == 190

    # 1 the count, 2 the page joined with municipality and lead department,
    # 3 the participations with their departments. No login, so no token or actor.
    assert few == many == 3


def test_public_detail_query_count_does_not_grow_with_line_items(api_as, personas):
    anonymous = api_as(None)
    [few_items, many_items] = add_solicitations(personas, 2, "published")
    for solicitation, count in ((few_items, 3), (many_items, 60)):
        LineItem.objects.bulk_create(
            LineItem(
                solicitation=solicitation,
                position=i,
                description=f"Item {i}",
                quantity=1,
                estimated_unit_price_minor=100,
            )
            for i in range(count)
        )
        Document.objects.bulk_create(
            Document(
                solicitation=solicitation,
                title=f"Doc {i}",
                size=1,
                sha256="0" * 64,
                uploaded_by=personas["officer"],
                file="x.pdf",
            )
            for i in range(count)
        )

    def count(solicitation):
        with CaptureQueriesContext(connection) as captured:
            url = f"/api/v1/public/solicitations/riverton/{solicitation.reference}/"
            assert anonymous.get(url).status_code == 200
        return len(captured.captured_queries)

    # 1 the municipality, 2 the solicitation, 3 participations, 4 line items, 5 documents,
    # 6 the answered questions.
    assert count(few_items) == count(many_items) == 6
