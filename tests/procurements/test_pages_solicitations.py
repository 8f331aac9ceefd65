"""The solicitation pages against invariants 1, 4 and 5: publishing before every approval, after
a line-item edit, or with shares that miss by a cent or 0.0001% is refused through the pages;
nobody approves for a department they do not head; the other city's officer and the public see
nothing that is not theirs (404, as for something that does not exist)."""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from p3hub.money import format_money
from procurements import services
from procurements.models import (
    CostSplitVersion,
    Participation,
    Solicitation,
)
from tests.factories import line_item_split
from tests.helpers import database_state, error_at, manage, shown_again

pytestmark = pytest.mark.django_db


def decide(solicitation, version, department, verb: str = "approve") -> str:
    return (
        f"/riverton/approvals/{solicitation.reference}/versions/{version.number}"
        f"/departments/{department.pk}/{verb}/"
    )


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def proposed(actor, cameras):
    """The cameras draft with version 1 (camera 50/50, sensor 100% TRN) awaiting both heads."""
    version = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    cameras.refresh_from_db()
    return version


def approve_as(client, personas, username, solicitation, version, department):
    client.force_login(personas[username])
    return client.post(decide(solicitation, version, department))


# --- invariant 4: publishing ----------------------------------------------------------------------


def test_publishing_before_every_head_approved_is_refused(
    client, personas, departments, cameras, proposed
):
    # Given TRN approved and PSD has not
    approve_as(client, personas, "head.trn", cameras, proposed, departments["TRN"])
    before = database_state()

    # when the officer presses Publish anyway (a crafted POST: the button is disabled)
    client.force_login(personas["officer"])
    response = client.post(manage(cameras, "publish/"))

    # then nothing changes and the page says why
    assert response.status_code == 303
    response = shown_again(client, response)
    assert "This solicitation is in approval: it cannot be published." in text(response)
    assert database_state() == before


def test_approvals_of_the_version_before_a_line_item_edit_do_not_publish(
    client, personas, departments, cameras, proposed
):
    for username, code in (("head.trn", "TRN"), ("head.psd", "PSD")):
        assert (
            approve_as(client, personas, username, cameras, proposed, departments[code]).status_code
            == 302
        )
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.APPROVED

    # When the officer edits the camera's price through its page
    client.force_login(personas["officer"])
    response = client.post(
        manage(cameras, f"line-items/{cameras.camera.pk}/edit/"),
        {
            "description": "Traffic camera",
            "quantity": "4",
            "unit": "each",
            "site": "Main St & Elm St",
            "estimated_unit_price": "2600.00",
        },
    )
    assert response.status_code == 302

    # then the old approvals no longer count: a new version awaits both heads
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.IN_APPROVAL
    proposed.refresh_from_db()
    assert proposed.status == CostSplitVersion.Status.SUPERSEDED
    before = database_state()
    response = client.post(manage(cameras, "publish/"))
    assert response.status_code == 303
    response = shown_again(client, response)
    assert database_state() == before
    inbox = client.get("/riverton/approvals/")
    assert inbox.status_code == 200


@pytest.mark.parametrize(
    ("inputs", "group", "message"),
    [
        # One cent short of the USD 12,400.00 estimate.
        ({"amounts.TRN": "7399.99", "amounts.PSD": "5000.00"}, "amounts", "must total exactly"),
        ({"percentages.TRN": "59.9999", "percentages.PSD": "40"}, "percentages", "not exactly 100"),
    ],
)
def test_shares_off_by_a_cent_or_a_ten_thousandth_percent_are_refused_at_propose(
    client, personas, cameras, inputs, group, message
):
    client.force_login(personas["officer"])
    method = "fixed" if group == "amounts" else "percentage"
    before = database_state()

    response = client.post(
        manage(cameras, "cost-split-versions/new/"), {"method": method, **inputs}
    )

    assert response.status_code == 303
    response = shown_again(client, response)
    assert message in error_at(response, f"id_split-{group}")
    assert database_state() == before


def test_exact_shares_propose_a_version_and_a_complete_approval_publishes(
    client, personas, departments, cameras
):
    client.force_login(personas["officer"])
    response = client.post(
        manage(cameras, "cost-split-versions/new/"),
        {"method": "fixed", "amounts.TRN": "7400.00", "amounts.PSD": "5000.00"},
    )
    assert response.status_code == 302
    version = cameras.split_versions.get()
    assert version.result["departments"] == {"PSD": 500_000, "TRN": 740_000}

    for username, code in (("head.trn", "TRN"), ("head.psd", "PSD")):
        approve_as(client, personas, username, cameras, version, departments[code])
    client.force_login(personas["officer"])
    confirm = client.post(manage(cameras, "publish/"))  # the button leads to the confirm step
    assert confirm.status_code == 200 and "It becomes public now" in text(confirm)
    assert client.post(manage(cameras, "publish/"), {"confirmed": "1"}).status_code == 302
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.PUBLISHED


def test_preview_shows_the_table_and_saves_nothing(client, personas, cameras):
    client.force_login(personas["officer"])
    before = database_state()
    data = {"method": "line_item"} | {
        f"lines.{line}.{code}": share
        for line, shares in line_item_split(cameras)["lines"].items()
        for code, share in shares.items()
    }

    plain = client.post(manage(cameras, "cost-split-versions/preview/"), data)
    partial = client.post(
        manage(cameras, "cost-split-versions/preview/"), data, headers={"HX-Request": "true"}
    )

    assert plain.status_code == partial.status_code == 200
    assert format_money(740_000, "USD") in text(plain)
    assert format_money(500_000, "USD") in text(plain)
    assert "<html" in plain.content.decode() and "<html" not in partial.content.decode()
    assert "Preview — not saved" in text(partial)
    assert database_state() == before


# --- invariant 5: who decides ---------------------------------------------------------------------


@pytest.mark.parametrize("username", ["head.psd", "officer", "evaluator", "admin"])
def test_nobody_but_the_head_of_trn_approves_or_rejects_for_trn(
    client, personas, departments, cameras, proposed, username
):
    client.force_login(personas[username])
    before = database_state()

    approve = client.post(decide(cameras, proposed, departments["TRN"]))
    reject = client.post(
        decide(cameras, proposed, departments["TRN"], "reject"),
        {f"reject-{proposed.pk}-{departments['TRN'].pk}-reason": "No."},
    )

    assert approve.status_code == reject.status_code == 403
    assert database_state() == before


def test_a_rejection_needs_a_reason_shown_beside_the_field(
    client, personas, departments, cameras, proposed
):
    client.force_login(personas["head.psd"])
    prefix = f"reject-{proposed.pk}-{departments['PSD'].pk}"
    before = database_state()

    response = client.post(
        decide(cameras, proposed, departments["PSD"], "reject"), {f"{prefix}-reason": " "}
    )

    assert response.status_code == 303
    response = shown_again(client, response)
    assert error_at(response, f"id_reason-{prefix}-reason") == "This field is required."
    assert database_state() == before

    response = client.post(
        decide(cameras, proposed, departments["PSD"], "reject"), {f"{prefix}-reason": "Too much."}
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.status == CostSplitVersion.Status.REJECTED


def test_the_inbox_shows_each_head_their_share_and_explains_itself_to_others(
    client, personas, cameras, proposed
):
    client.force_login(personas["head.psd"])
    body = text(client.get("/riverton/approvals/"))
    assert (
        cameras.reference in body and f"Public Safety pays {format_money(500_000, 'USD')}" in body
    )

    client.force_login(personas["evaluator"])
    body = text(client.get("/riverton/approvals/"))
    assert "Approvals are for department heads" in body and cameras.reference not in body


def test_only_an_officer_opens_the_new_solicitation_form(client, personas):
    for username, status in (("officer", 200), ("head.trn", 403), ("evaluator", 403)):
        client.force_login(personas[username])
        assert client.get("/riverton/manage/solicitations/new/").status_code == status


def test_the_invited_departments_head_joins_from_the_workspace(
    client, personas, actor, departments
):
    officer = actor("officer")
    solicitation = services.solicitation_create(
        actor=officer, kind="IFB", title="Road salt", lead_department=departments["TRN"]
    )
    invitation = services.participation_invite(
        actor=officer, solicitation=solicitation, department=departments["PSD"]
    )
    join = manage(solicitation, f"participations/{invitation.pk}/join/")

    client.force_login(personas["head.trn"])  # TRN's head cannot answer for PSD
    assert "Join for PSD" not in text(client.get(manage(solicitation)))
    assert client.post(join).status_code == 403

    client.force_login(personas["head.psd"])
    assert "Join for PSD" in text(client.get(manage(solicitation)))
    assert client.post(join).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Participation.Status.JOINED


# --- invariant 1: the other city and the public ---------------------------------------------------
# (Every page against outsiders and anonymous visitors: tests/test_page_isolation.py.)


def test_drafts_are_not_public_not_even_to_the_other_citys_officer(client, personas, cameras):
    for username in (None, "officer.lakeside", "vendor.acme"):
        if username:
            client.force_login(personas[username])
        else:
            client.logout()
        assert client.get(f"/riverton/solicitations/{cameras.reference}/").status_code == 404
        assert cameras.reference not in text(client.get("/riverton/solicitations/"))
        assert cameras.reference not in text(client.get("/"))
        assert client.get("/riverton/solicitations/?status=draft").status_code == 400
    assert client.get("/nowhere/solicitations/").status_code == 404


def body_of(response) -> bytes:
    """A file response's bytes. Reading to the end closes the file (the test client's
    wrapper); response.close() would also close the test's database connection."""
    return b"".join(response.streaming_content)


def test_draft_documents_are_for_members_only_and_public_once_published(
    client, personas, actor, departments, cameras, proposed, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = services.document_add(
        actor=actor("officer"),
        solicitation=cameras,
        title="Specification",
        file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 Four cameras, two sensors."),
    )
    url = f"/riverton/solicitations/{cameras.reference}/documents/{document.pk}/"

    client.force_login(personas["officer.lakeside"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    client.force_login(personas["evaluator"])
    response = client.get(url)
    assert response.status_code == 200
    assert body_of(response) == b"%PDF-1.4 Four cameras, two sensors."
    assert "private" in response["Cache-Control"]

    for username, code in (("head.trn", "TRN"), ("head.psd", "PSD")):
        services.share_approve(
            actor=actor(username), version=proposed, department=departments[code]
        )
    services.solicitation_publish(actor=actor("officer"), solicitation=cameras)
    client.logout()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert body_of(response) == b"%PDF-1.4 Four cameras, two sensors."
    detail = text(client.get(f"/riverton/solicitations/{cameras.reference}/"))
    assert "Specification" in detail and "Main St & Elm St" in detail and "Central Time" in detail


def test_the_public_list_filters_by_text_status_and_department(
    client, personas, actor, departments, cameras, proposed
):
    for username, code in (("head.trn", "TRN"), ("head.psd", "PSD")):
        services.share_approve(
            actor=actor(username), version=proposed, department=departments[code]
        )
    services.solicitation_publish(actor=actor("officer"), solicitation=cameras)

    def listed(query: str) -> bool:
        response = client.get(f"/riverton/solicitations/{query}")
        assert response.status_code == 200
        return cameras.reference in text(response)

    assert listed("") and listed("?q=cameras&status=published&department=PSD")
    assert not listed("?q=salt") and not listed("?status=awarded")
    assert client.get("/riverton/solicitations/?department=PWD").status_code == 400
    partial = client.get("/riverton/solicitations/?q=cameras", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and cameras.reference in text(partial)
