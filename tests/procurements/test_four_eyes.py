"""Four eyes (DESIGN.md 5, invariant 11): whoever proposed a split version approves no share
of it, even when they head a department in it; a head of several departments decides each
share on its own. Tried through the services, the pages and the API."""

import pytest

from departments import services as people
from departments.models import Membership
from p3hub.errors import NotFound, PermissionDenied
from procurements import services
from procurements.models import CostSplitShare, CostSplitVersion
from tests.factories import join_by_invitation, line_item_split
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

REFUSAL = "You proposed version 1: another head of TRN must approve it."


@pytest.fixture
def officer_heading_trn(actor, personas, departments):
    """The officer is also a head of TRN (a second one beside head.trn)."""
    people.membership_grant(
        actor=actor("admin"), user=personas["officer"], role="head", department=departments["TRN"]
    )
    return personas["officer"]


@pytest.fixture
def proposed_by_a_head(actor, cameras, officer_heading_trn):
    return services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )


def share_status(version, code: str) -> str:
    return CostSplitShare.objects.get(version=version, department__code=code).status


def test_the_proposer_cannot_approve_the_share_of_a_department_they_head(
    actor, departments, proposed_by_a_head
):
    before = database_state()

    with pytest.raises(PermissionDenied) as refused:
        services.share_approve(
            actor=actor("officer"), version=proposed_by_a_head, department=departments["TRN"]
        )

    assert refused.value.message == REFUSAL
    assert database_state() == before


def test_another_head_of_the_department_approves_it(actor, departments, proposed_by_a_head):
    services.share_approve(
        actor=actor("head.trn"), version=proposed_by_a_head, department=departments["TRN"]
    )
    services.share_approve(
        actor=actor("head.psd"), version=proposed_by_a_head, department=departments["PSD"]
    )

    proposed_by_a_head.refresh_from_db()
    assert proposed_by_a_head.status == CostSplitVersion.Status.APPROVED


def test_the_page_refuses_the_proposer_and_says_why(
    client, personas, departments, cameras, proposed_by_a_head
):
    client.force_login(personas["officer"])
    before = database_state()
    url = (
        f"/riverton/approvals/{cameras.reference}/versions/1"
        f"/departments/{departments['TRN'].pk}/approve/"
    )

    inbox = client.get("/riverton/approvals/")
    response = client.post(url)

    assert response.status_code == 403
    assert REFUSAL in response.content.decode()
    assert "another head of TRN approves it (four eyes)" in inbox.content.decode()
    assert database_state() == before


def test_the_api_refuses_the_proposer_with_403(api_as, cameras, proposed_by_a_head):
    before = database_state()

    response = api_as("officer").post(
        f"/api/v1/riverton/solicitations/{cameras.reference}/cost-split-versions/1/approve/",
        {"department": "TRN"},
        format="json",
    )

    assert response.status_code == 403, response.content
    assert response.json()["errors"][0]["detail"] == REFUSAL
    assert database_state() == before


def test_a_head_of_two_departments_decides_each_share_on_its_own(
    actor, personas, departments, proposed
):
    head = personas["head.trn"]
    join_by_invitation(actor("admin"), head, "head", departments["PSD"])
    version = CostSplitVersion.objects.get(solicitation=proposed, number=1)

    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])

    version.refresh_from_db()
    assert (share_status(version, "TRN"), share_status(version, "PSD")) == ("approved", "pending")
    assert version.status == CostSplitVersion.Status.PROPOSED

    services.share_approve(actor=actor("head.trn"), version=version, department=departments["PSD"])
    version.refresh_from_db()
    assert version.status == CostSplitVersion.Status.APPROVED


def test_a_deactivated_head_decides_nothing(client, actor, personas, departments, proposed):
    version = CostSplitVersion.objects.get(solicitation=proposed, number=1)
    people.person_deactivate(actor=actor("admin"), person=personas["head.trn"])
    client.force_login(personas["head.trn"])
    url = (
        f"/riverton/approvals/{proposed.reference}/versions/1"
        f"/departments/{departments['TRN'].pk}/approve/"
    )

    # No longer a member here: no actor to decide with, and the pages are another city's.
    with pytest.raises(NotFound):
        actor("head.trn")
    assert client.post(url).status_code == 404
    assert share_status(version, "TRN") == "pending"
    assert not Membership.objects.filter(user=personas["head.trn"], is_active=True).exists()
