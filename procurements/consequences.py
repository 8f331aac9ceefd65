"""What a change will undo, in the words the confirm pages show (issue 9, item 6). The
services decide; these sentences only say, before the person confirms, what the service will
do to the split in force: approvals never carry over to another version (DESIGN.md 4)."""

from procurements import selectors
from procurements.models import CostSplitShare, Solicitation


def approvals_discarded(solicitation: Solicitation) -> list[str]:
    """One sentence per department of the version in force: its approval (or its pending
    decision) ends with that version. Nothing while there is no version in force."""
    version = selectors.current_split_of(solicitation)
    if version is None:
        return []
    sentences = []
    for share in sorted(version.shares.all(), key=lambda share: share.department.code):
        code, number = share.department.code, version.number
        if share.status == CostSplitShare.Status.APPROVED:
            sentences.append(f"{code}'s approval of version {number} will be discarded.")
        else:
            sentences.append(f"{code} will no longer be asked to decide on version {number}.")
    return sentences


def approvals_not_carried_over(solicitation: Solicitation) -> list[str]:
    """What proposing a new version discards: the decisions on the version in force or, once
    a head rejected the latest one, the approvals other heads had given it (the next version
    needs them again)."""
    if discarded := approvals_discarded(solicitation):
        return discarded
    latest = selectors.split_versions_of(solicitation).first()
    if latest is None or latest.status != latest.Status.REJECTED:
        return []
    return [
        f"{share.department.code}'s approval of version {latest.number} will be discarded."
        for share in sorted(latest.shares.all(), key=lambda share: share.department.code)
        if share.status == CostSplitShare.Status.APPROVED
    ]


def split_needs_redoing(solicitation: Solicitation) -> list[str]:
    """A change that takes the split in force out of force: what the officer then does."""
    discarded = approvals_discarded(solicitation)
    if not discarded:
        return []
    return [
        *discarded,
        "The solicitation goes back to approval: every head approves the next version again.",
    ]
