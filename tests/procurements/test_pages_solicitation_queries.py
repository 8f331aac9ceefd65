"""The solicitation lists and the approval inbox cost the same number of queries with 10
solicitations as with 200: rows come in one query, their departments in one more."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departments.models import Municipality
from procurements import services
from procurements.models import CostSplitShare, CostSplitVersion, Participation, Solicitation
from tests.factories import line_item_split
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

# Every tenant page starts with the same three: the session, the signed-in user, and the
# actor's memberships in the municipality (with the municipality and department joined).
PER_REQUEST = 3


@pytest.fixture
def top_up(personas, actor, departments, cameras):
    """`top_up(n)` brings riverton to `n` solicitations, written in bulk (the services would
    take minutes for 200): half published, half with a version awaiting both heads that
    copies the cameras' version 1."""
    proposed = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    riverton = Municipality.objects.get(slug="riverton")
    trn, psd = departments["TRN"], departments["PSD"]

    def add(total: int) -> None:
        start = Solicitation.objects.filter(municipality=riverton).count()
        now = timezone.now()
        solicitations = Solicitation.objects.bulk_create(
            Solicitation(
                municipality=riverton,
                reference=f"RIV-2099-{number:04d}",
                title=f"Intersection cameras, batch {number}",
                lead_department=trn,
                status="published" if number % 2 else "in_approval",
                published_at=now if number % 2 else None,
                bids_due_at=now + dt.timedelta(days=20),
                created_by=personas["officer"],
            )
            for number in range(start, total)
        )
        Participation.objects.bulk_create(
            Participation(
                solicitation=s, department=d, status="joined", invited_by=personas["officer"]
            )
            for s in solicitations
            for d in (trn, psd)
        )
        versions = CostSplitVersion.objects.bulk_create(
            CostSplitVersion(
                solicitation=s,
                number=1,
                method=proposed.method,
                inputs=proposed.inputs,
                basis=proposed.basis,
                result=proposed.result,
                total_minor=proposed.total_minor,
                created_by=personas["officer"],
            )
            for s in solicitations
            if s.status == "in_approval"
        )
        CostSplitShare.objects.bulk_create(
            CostSplitShare(version=v, department=d) for v in versions for d in (trn, psd)
        )
        assert Solicitation.objects.filter(municipality=riverton).count() == total

    return add


def queries_for(client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types, templates) out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize(
    ("username", "url", "expected"),
    [
        # The municipality, its departments (the filter), the count, the page of rows with
        # lead department and municipality joined, and every row's participations with their
        # departments.
        (None, "/riverton/solicitations/", 5),
        # The count, the page of rows, their participations, and the municipalities list.
        (None, "/", 4),
        # PER_REQUEST, the departments (the filter), the count, the rows, their participations.
        ("officer", "/riverton/manage/solicitations/", PER_REQUEST + 4),
        # PER_REQUEST, the count of pending (version, department) pairs, the page of them with
        # version, solicitation, department and proposer joined, the recent decisions, and the
        # invitations to answer with solicitation, lead department and inviter joined, and the
        # award amounts awaiting the head.
        ("head.trn", "/riverton/approvals/", PER_REQUEST + 5),
    ],
)
def test_lists_cost_the_same_with_10_and_200_solicitations(
    client, personas, top_up, username, url, expected
):
    if username:
        client.force_login(personas[username])
    top_up(10)
    with_10 = queries_for(client, url)

    top_up(200)
    before = database_state()
    with_200 = queries_for(client, url)

    assert with_10 == with_200 == expected
    assert database_state() == before  # reading changes nothing
