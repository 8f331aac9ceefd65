"""Fund codes on each share (DESIGN.md 6, issue 9 item 9): the head approving a share names
the department fund code it is charged to, through the service, the approval inbox and the
API; the code shows in the split table, the history and the API's shares."""

import pytest

from departments.models import Department
from p3hub.errors import ValidationFailed
from p3hub.models import AuditEvent
from procurements import services
from procurements.models import CostSplitShare
from tests.helpers import error_at, manage, shown_again, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def psd_with_two_funds(departments):
    psd = departments["PSD"]
    Department.objects.filter(pk=psd.pk).update(fund_codes=["200-PSD-OPS", "210-PSD-CAP"])
    psd.refresh_from_db()
    return psd


def share_of(proposed, code) -> CostSplitShare:
    return CostSplitShare.objects.get(
        version__solicitation=proposed, version__number=1, department__code=code
    )


def approve(actor, proposed, department, **kwargs):
    version = proposed.split_versions.get(number=1)
    return services.share_approve(
        actor=actor(f"head.{department.code.lower()}"),
        version=version,
        department=department,
        **kwargs,
    )


def test_the_chosen_code_is_recorded_and_audited(actor, proposed, psd_with_two_funds):
    share = approve(actor, proposed, psd_with_two_funds, fund_code="210-PSD-CAP")
    assert share_of(proposed, "PSD").fund_code == "210-PSD-CAP" == share.fund_code
    event = AuditEvent.objects.filter(verb="share.approve").latest("seq")
    assert event.after["fund_code"] == "210-PSD-CAP"
    assert event.after["department"] == "PSD"


def test_a_department_with_one_code_is_charged_to_it_when_none_is_named(
    actor, proposed, departments
):
    approve(actor, proposed, departments["TRN"])
    assert share_of(proposed, "TRN").fund_code == departments["TRN"].fund_codes[0]


@pytest.mark.parametrize(
    ("fund_code", "words"),
    [("", "Choose the fund code"), ("999-XYZ", "is not a fund code of PSD"), ("x" * 31, "At most")],
)
def test_a_missing_or_foreign_code_is_refused_naming_the_field(
    actor, proposed, psd_with_two_funds, fund_code, words
):
    with pytest.raises(ValidationFailed) as refused:
        approve(actor, proposed, psd_with_two_funds, fund_code=fund_code)
    assert refused.value.field == "fund_code" and words in refused.value.message
    assert share_of(proposed, "PSD").status == CostSplitShare.Status.PENDING


def test_a_department_without_codes_takes_none(actor, proposed, departments):
    Department.objects.filter(code="PSD").update(fund_codes=[])
    psd = Department.objects.get(pk=departments["PSD"].pk)
    with pytest.raises(ValidationFailed) as refused:
        approve(actor, proposed, psd, fund_code="200-PSD-OPS")
    assert refused.value.field == "fund_code"
    approve(actor, proposed, psd)
    assert share_of(proposed, "PSD").fund_code == ""


def inbox_approve_url(proposed, department) -> str:
    version = proposed.split_versions.get(number=1)
    return (
        f"/riverton/approvals/{proposed.reference}/versions/{version.number}"
        f"/departments/{department.pk}/approve/"
    )


def test_the_inbox_offers_the_departments_codes_and_preselects_a_single_one(
    client, personas, proposed, departments, psd_with_two_funds
):
    client.force_login(personas["head.trn"])
    html = client.get("/riverton/approvals/").content.decode()
    assert '<option value="100-TRN-CAP" selected>100-TRN-CAP</option>' in html
    client.force_login(personas["head.psd"])
    html = client.get("/riverton/approvals/").content.decode()
    assert '<option value="" selected>Choose a fund code</option>' in html
    assert '<option value="210-PSD-CAP">210-PSD-CAP</option>' in html


def test_the_inbox_refuses_a_foreign_code_beside_the_select_and_records_a_good_one(
    client, personas, proposed, psd_with_two_funds
):
    client.force_login(personas["head.psd"])
    version = proposed.split_versions.get(number=1)
    field = f"approve-{version.pk}-{psd_with_two_funds.pk}-fund_code"
    target = inbox_approve_url(proposed, psd_with_two_funds)
    refused = client.post(target, {field: "999-XYZ"})
    assert refused.status_code == 303
    refused = shown_again(client, refused)
    assert "is not a fund code of PSD" in error_at(refused, f"id_{field}")
    assert share_of(proposed, "PSD").status == CostSplitShare.Status.PENDING

    done = client.post(target, {field: "210-PSD-CAP"})
    assert done.status_code == 302
    assert share_of(proposed, "PSD").fund_code == "210-PSD-CAP"
    # The workspace's split table shows it under PSD's amount.
    client.force_login(personas["officer"])
    detail = client.get(manage(proposed)).content.decode()
    assert "<code>210-PSD-CAP</code>" in detail and "Fund code" in detail


def test_the_api_takes_and_shows_the_fund_code(api_as, proposed, psd_with_two_funds):
    head = api_as("head.psd")
    target = url(proposed, "cost-split-versions/1/approve/")
    refused = head.post(target, {"department": "PSD"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "fund_code"
    done = head.post(target, {"department": "PSD", "fund_code": "210-PSD-CAP"}, format="json")
    assert done.status_code == 200
    shares = {share["department"]: share for share in done.json()["shares"]}
    assert shares["PSD"]["fund_code"] == "210-PSD-CAP" and shares["TRN"]["fund_code"] == ""


def test_the_demo_approved_shares_carry_their_fund_codes(personas):
    from procurements import demo

    demo.seed()
    approved = CostSplitShare.objects.filter(status=CostSplitShare.Status.APPROVED)
    assert approved.exists()
    for share in approved.select_related("department"):
        assert share.fund_code in share.department.fund_codes
