"""The issue's story through the services: create, split by line item, approve, publish."""

import pytest

from p3hub.errors import InvalidTransition
from procurements import services
from procurements.models import CostSplitVersion, Solicitation
from tests.factories import line_item_split

pytestmark = pytest.mark.django_db


def test_joint_solicitation_from_draft_to_published(
    actor, departments, cameras, mailoutbox, django_capture_on_commit_callbacks
):
    # Given a draft with TRN and PSD, when the officer proposes camera 50/50, sensor 100% TRN
    with django_capture_on_commit_callbacks(execute=True):
        version = services.cost_split_propose(
            actor=actor("officer"),
            solicitation=cameras,
            method="line_item",
            inputs=line_item_split(cameras),
        )
    # then the shares add up exactly and both heads are told
    assert version.result["departments"] == {"PSD": 500_000, "TRN": 740_000}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "head.psd@riverton.example",
        "head.trn@riverton.example",
    ]
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.IN_APPROVAL
    assert cameras.reference.startswith("RIV-2026-")

    # Publishing before both heads approved is refused.
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=actor("officer"), solicitation=cameras)

    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])
    services.share_approve(actor=actor("head.psd"), version=version, department=departments["PSD"])
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.APPROVED

    services.solicitation_publish(actor=actor("officer"), solicitation=cameras)
    cameras.refresh_from_db()
    assert cameras.status == Solicitation.Status.PUBLISHED


def test_line_item_edit_after_approval_makes_a_new_version(actor, departments, cameras):
    officer = actor("officer")
    version = services.cost_split_propose(
        actor=officer, solicitation=cameras, method="line_item", inputs=line_item_split(cameras)
    )
    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])
    services.share_approve(actor=actor("head.psd"), version=version, department=departments["PSD"])

    services.line_item_update(actor=officer, item=cameras.camera, estimated_unit_price="2600.00")

    cameras.refresh_from_db()
    version.refresh_from_db()
    assert cameras.status == Solicitation.Status.IN_APPROVAL
    assert version.status == CostSplitVersion.Status.SUPERSEDED
    new = cameras.split_versions.get(status="proposed")
    assert new.number == 2 and not new.shares.exclude(status="pending").exists()
    assert new.result["departments"] == {"PSD": 520_000, "TRN": 760_000}
    with pytest.raises(InvalidTransition):
        services.solicitation_publish(actor=officer, solicitation=cameras)
