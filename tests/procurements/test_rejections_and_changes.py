"""What a rejection, an invitation and a new version show (issue 9, items 4 and 5): "Rejected
by PSD: <reason>" and what to do next in the workspace, every list and the API, until a new
version is proposed; invited departments named in the split form; each head's amount before
and now in the approval inbox. Lists keep a constant number of queries with all of it."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Municipality
from p3hub.money import format_money
from procurements import services
from procurements.models import (
    CostSplitShare,
    CostSplitVersion,
    Participation,
    Rejection,
    Solicitation,
)
from tests.helpers import manage

pytestmark = pytest.mark.django_db

REASON = "Our share is too high."
NEXT = Rejection.NEXT_STEP


def text(response) -> str:
    assert response.status_code == 200
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def money(minor: int) -> str:
    return format_money(minor, "USD")


def propose(actor, solicitation, trn: str, psd: str) -> CostSplitVersion:
    return services.cost_split_propose(
        actor=actor("officer"),
        solicitation=solicitation,
        method="percentage",
        inputs={"percentages": {"TRN": trn, "PSD": psd}},
    )


@pytest.fixture
def rejected(actor, departments, cameras) -> CostSplitVersion:
    """Version 1 (TRN 60%, PSD 40%) rejected by PSD's head."""
    version = propose(actor, cameras, "60", "40")
    services.share_reject(
        actor=actor("head.psd"), version=version, department=departments["PSD"], reason=REASON
    )
    return version


# --- rejections show ----------------------------------------------------------------------------


def test_the_workspace_says_who_rejected_why_and_what_to_do_next(
    client, personas, cameras, rejected
):
    client.force_login(personas["officer"])

    page = text(client.get(manage(cameras)))

    assert f"Rejected by PSD: {REASON}" in page
    assert "Public Safety rejected version 1 of the cost split (Priya Shah," in page
    assert f"Next: {NEXT}" in page


@pytest.mark.parametrize("url", ["/riverton/manage/solicitations/", "/riverton/"])
def test_every_staff_list_says_rejected_by_psd_with_the_reason(
    client, personas, cameras, rejected, url
):
    client.force_login(personas["head.trn"])

    page = text(client.get(url))

    assert f"Rejected by PSD: {REASON} {NEXT}" in page


def test_the_api_gives_the_rejection_in_the_list_and_the_detail(api_as, cameras, rejected):
    client = api_as("officer")

    listed = client.get("/api/v1/riverton/solicitations/").json()["results"]
    detail = client.get(f"/api/v1/riverton/solicitations/{cameras.reference}/").json()

    row = next(r for r in listed if r["reference"] == cameras.reference)
    for body in (row, detail):
        assert body["status"] == "in_approval"
        assert body["status_note"] == f"Rejected by PSD: {REASON}"
        rejection = body["rejection"]
        assert {k: rejection[k] for k in ("department", "reason", "by", "version")} == {
            "department": "PSD",
            "reason": REASON,
            "by": "Priya Shah",
            "version": 1,
        }
        assert rejection["next_step"] == NEXT and rejection["at"]


def test_a_new_version_or_a_cancellation_clears_the_rejection(
    client, api_as, personas, actor, cameras, rejected
):
    propose(actor, cameras, "50", "50")

    detail = api_as("officer").get(f"/api/v1/riverton/solicitations/{cameras.reference}/").json()
    assert (detail["status_note"], detail["rejection"]) == (None, None)
    client.force_login(personas["officer"])
    assert "Rejected by" not in text(client.get(manage(cameras)))

    services.solicitation_cancel(actor=actor("officer"), solicitation=cameras, reason="No budget.")
    assert "Rejected by" not in text(client.get("/riverton/manage/solicitations/"))


def test_the_split_form_starts_from_the_rejected_version(client, personas, cameras, rejected):
    client.force_login(personas["officer"])

    html = client.get(manage(cameras)).content.decode()

    assert re.search(r'value="percentage"[^>]*checked', html)
    assert re.search(r'name="percentages\.PSD"[^>]*value="40"', html)


def test_an_edit_after_the_rejection_keeps_saying_it_until_a_new_version(
    client, personas, actor, cameras, rejected
):
    # Editing a line item voids nothing (no version in force) and proposes nothing.
    services.line_item_update(actor=actor("officer"), item=cameras.camera, quantity="5")
    client.force_login(personas["officer"])

    assert f"Rejected by PSD: {REASON}" in text(client.get(manage(cameras)))


def test_nothing_is_rejected_for_the_other_city_or_the_public(
    client, api_as, personas, cameras, rejected
):
    assert api_as("officer.lakeside").get("/api/v1/riverton/solicitations/").status_code == 404
    # The public never sees a solicitation in approval, let alone why.
    assert "Rejected by" not in text(client.get("/riverton/solicitations/"))


# --- invited departments in the split form ------------------------------------------------------


def test_the_split_form_names_invited_departments_that_cannot_share_yet(
    client, personas, actor, cameras, works_department
):
    services.participation_invite(
        actor=actor("officer"), solicitation=cameras, department=works_department
    )
    client.force_login(personas["officer"])

    page = text(client.get(manage(cameras)))

    form = page[page.index("Propose a new version") :]
    assert (
        "Public Works (PWD): invited, not yet joined: cannot share the cost until they join."
        in (form)
    )
    # in the per-department groups and the grid, where PWD has no input
    assert form.count("Invited, not yet joined: cannot share the cost until they join") >= 4
    assert "PWD (invited)" in form
    html = client.get(manage(cameras)).content.decode()
    assert 'name="percentages.PWD"' not in html and 'name="percentages.PSD"' in html


@pytest.fixture
def works_department(personas):
    from departments.models import Department

    riverton = Municipality.objects.get(slug="riverton")
    return Department.objects.create(municipality=riverton, code="PWD", name="Public Works")


# --- what changed since a head last decided -----------------------------------------------------


def test_the_inbox_shows_each_head_their_amount_before_and_now(
    client, api_as, personas, actor, cameras, rejected
):
    # Given PSD rejected version 1 (40%: 4,960.00), the officer proposes 50/50 (6,200.00)
    propose(actor, cameras, "50", "50")
    client.force_login(personas["head.psd"])

    page = text(client.get("/riverton/approvals/"))

    assert f"PSD\u2019s share: {money(496_000)} → {money(620_000)}" in page
    assert "since version 1, which PSD rejected: Priya Shah" in page
    # TRN decided nothing before: nothing to compare
    client.force_login(personas["head.trn"])
    assert "since version" not in text(client.get("/riverton/approvals/"))

    rows = api_as("head.psd").get("/api/v1/riverton/approvals/").json()["results"]
    (row,) = [r for r in rows if r["solicitation"] == cameras.reference]
    assert row["decided_before"] == {
        "version": 1,
        "status": "rejected",
        "by": "Priya Shah",
        "amount": "4960.00",
    }


def test_an_unchanged_amount_says_so(client, personas, actor, departments, cameras):
    # TRN approves version 1; a line item's new quantity rebuilds nothing here (percentages
    # of the whole), so the officer proposes the same percentages again as version 2.
    version = propose(actor, cameras, "60", "40")
    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])
    propose(actor, cameras, "60", "40")
    client.force_login(personas["head.trn"])

    page = text(client.get("/riverton/approvals/"))

    assert f"TRN\u2019s share is unchanged: {money(744_000)}" in page
    assert "since version 1, which TRN approved: Tomas Reyes" in page


# --- constant queries ---------------------------------------------------------------------------


@pytest.fixture
def top_up(personas, departments):
    """`top_up(n)` adds n solicitations in bulk, each with version 1 rejected by PSD (TRN
    approved it) and, for every other one, version 2 proposed: so the lists have rejections
    to say and the inbox has earlier decisions to compare with."""
    riverton = Municipality.objects.get(slug="riverton")
    trn, psd = departments["TRN"], departments["PSD"]
    officer = personas["officer"]
    result = {
        "total_minor": 100,
        "in_kind_minor": 0,
        "payable_minor": 100,
        "departments": {"PSD": 40, "TRN": 60},
        "lines": [],
    }
    added = [0]

    def version(solicitation, number, status):
        return CostSplitVersion(
            solicitation=solicitation,
            number=number,
            method="percentage",
            status=status,
            inputs={"percentages": {"TRN": "60", "PSD": "40"}},
            basis=[],
            result=result,
            total_minor=100,
            created_by=officer,
        )

    def add(count: int) -> None:
        start = added[0]
        added[0] += count
        solicitations = Solicitation.objects.bulk_create(
            Solicitation(
                municipality=riverton,
                reference=f"RIV-REJ-{start + i:05d}",
                title=f"Rejected purchase {start + i}",
                lead_department=trn,
                status="in_approval",
                created_by=officer,
            )
            for i in range(count)
        )
        Participation.objects.bulk_create(
            Participation(solicitation=s, department=d, status="joined", invited_by=officer)
            for s in solicitations
            for d in (trn, psd)
        )
        firsts = CostSplitVersion.objects.bulk_create(
            version(s, 1, "rejected") for s in solicitations
        )
        seconds = CostSplitVersion.objects.bulk_create(
            version(s, 2, "proposed") for s in solicitations[::2]
        )
        decided = {"decided_at": firsts[0].created_at}
        CostSplitShare.objects.bulk_create(
            [
                *(
                    CostSplitShare(
                        version=v,
                        department=trn,
                        status="approved",
                        decided_by=personas["head.trn"],
                        **decided,
                    )
                    for v in firsts
                ),
                *(
                    CostSplitShare(
                        version=v,
                        department=psd,
                        status="rejected",
                        reason=REASON,
                        decided_by=personas["head.psd"],
                        **decided,
                    )
                    for v in firsts
                ),
                *(CostSplitShare(version=v, department=d) for v in seconds for d in (trn, psd)),
            ]
        )

    return add


def count_queries(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm per-process caches (content types, templates) out of the count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


@pytest.mark.parametrize(
    ("username", "url", "shown", "expected"),
    [
        # The session, the user, the memberships; the departments (the filter), the count,
        # the rows (with their rejection annotated), their participations.
        ("officer", "/riverton/manage/solicitations/", "Rejected by PSD:", 7),
        # The same three; the count of pending pairs, the page of them (with the earlier
        # decision annotated), the recent decisions, the award amounts awaiting the head, the
        # invitations to answer.
        ("head.trn", "/riverton/approvals/", "which TRN approved", 8),
    ],
)
def test_pages_cost_the_same_with_rejections_and_earlier_decisions(
    client, personas, top_up, username, url, shown, expected
):
    client.force_login(personas[username])
    top_up(10)
    few, page = count_queries(client, url)
    assert shown in page

    top_up(190)
    many, _ = count_queries(client, url)

    assert few == many == expected


@pytest.mark.parametrize(
    ("username", "url", "field", "expected"),
    [
        # The token, the actor, the count, the page (rejection annotated), participations.
        ("officer", "/api/v1/riverton/solicitations/?page_size=200", "rejection", 5),
        # The token, the actor, the count, the page of shares (earlier decision annotated).
        ("head.psd", "/api/v1/riverton/approvals/?page_size=200", "decided_before", 4),
    ],
)
def test_api_lists_cost_the_same_with_rejections_and_earlier_decisions(
    api_as, top_up, username, url, field, expected
):
    client = api_as(username)
    top_up(10)
    with CaptureQueriesContext(connection) as captured:
        few_rows = client.get(url).json()["results"]
    few = len(captured.captured_queries)
    assert sum(1 for row in few_rows if row[field]) == 5  # every other one is still rejected

    top_up(190)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)

    assert few == len(captured.captured_queries) == expected
