"""The workspace's progress checklist: each step to a published solicitation, done or not,
with what is left in words and the section that does it. Read from what the workspace has
already fetched (no query of its own)."""

from dataclasses import dataclass

from procurements.models import CostSplitShare, CostSplitVersion, Participation, Solicitation


@dataclass(frozen=True)
class Step:
    label: str
    done: bool
    detail: str
    section: str  # the anchor of the workspace section that does it


def checklist(
    solicitation: Solicitation, *, participations: list, lines: list, criteria: list, current
) -> list[Step]:
    return [
        _departments(participations),
        Step(
            "Line items",
            bool(lines),
            f"{len(lines)} line item{'s' if len(lines) != 1 else ''}" if lines else "None yet",
            "line-items",
        ),
        Step(
            "Evaluation criteria",
            bool(criteria),
            f"{len(criteria)} criteri{'a' if len(criteria) != 1 else 'on'}"
            if criteria
            else "None yet",
            "criteria",
        ),
        Step(
            "Cost split proposed",
            current is not None,
            f"Version {current.number}" if current else "No version in force",
            "cost-split",
        ),
        _approvals(current),
        _publish(solicitation),
    ]


def _departments(participations: list) -> Step:
    def codes(status) -> list[str]:
        return [p.department.code for p in participations if p.status == status]

    invited, joined = codes(Participation.Status.INVITED), codes(Participation.Status.JOINED)
    if invited:
        detail = f"Waiting for {', '.join(invited)} to answer"
    else:
        detail = f"Joined: {', '.join(joined)}" if joined else "None yet"
    return Step("Departments joined", not invited and len(joined) > 1, detail, "participants")


def _approvals(current) -> Step:
    if current is None:
        return Step("Approvals", False, "After a split is proposed", "cost-split")
    if current.status == CostSplitVersion.Status.APPROVED:
        return Step("Approvals", True, "Every department approved", "cost-split")
    left = [
        share.department.code
        for share in current.shares.all()
        if share.status == CostSplitShare.Status.PENDING
    ]
    return Step("Approvals", False, f"Waiting for {', '.join(left) or 'nobody'}", "cost-split")


def _publish(solicitation: Solicitation) -> Step:
    status = solicitation.current_status
    done = status in Solicitation.PUBLIC or status == Solicitation.Status.SCHEDULED
    detail = solicitation.get_current_status_display() if done else "Not yet"
    return Step("Published", done, detail, "status")
