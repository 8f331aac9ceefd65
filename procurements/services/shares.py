"""Shares: a department head approves or rejects their department's share of one cost split
version (invariant 5). The last approval approves the version and the solicitation; one
rejection rejects the version."""

from django.db import transaction

from departments.models import Department
from departments.tenancy import TenantActor
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import InvalidTransition, ValidationFailed, get_or_not_found
from procurements.models import CostSplitShare, CostSplitVersion, Solicitation
from procurements.services import notices
from procurements.services.common import Status, lock_solicitation

Version = CostSplitVersion
Share = CostSplitShare


def _lock_share(actor, version: Version, department) -> tuple[Solicitation, Version, Share]:
    """Lock solicitation, then version, then the share (the one lock order). Another city's
    version is NotFound before any check could confirm it exists."""
    solicitation = lock_solicitation(actor, version.solicitation)
    locked = Version.objects.select_for_update()
    version = get_or_not_found(locked, pk=version.pk, solicitation=solicitation)
    if not isinstance(department, Department):
        raise ValidationFailed("No such department.", field="department")
    share = version.shares.select_for_update().filter(department=department).first()
    if share is None:
        raise ValidationFailed(f"{department.code} is not part of this split.", field="department")
    version.solicitation, share.version = solicitation, version
    return solicitation, version, share


def _decide(
    actor, version: Version, department, move: str, *, reason: str = "", extra: dict | None = None
) -> Share:
    solicitation, version, share = _lock_share(actor, version, department)
    Share.lifecycle.check_actor(share, move, actor)
    if version.status != Version.Status.PROPOSED or solicitation.status != Status.IN_APPROVAL:
        raise InvalidTransition(
            f"Version {version.number} is {version.status}; only the current proposed version "
            "can be decided.",
            code="version_not_open",
        )
    details = {"version": version.number, "department": department.code}
    details |= {"reason": reason} if reason else {"share_minor": share.amount_minor}
    details |= extra or {}
    Share.lifecycle.apply(
        share,
        move,
        actor=actor,
        changes={
            "reason": reason,
            "decided_by": actor.user,
            "decided_at": db_now(),
            **(extra or {}),
        },
        details=details,
    )
    return share


def _fund_code_of(department, fund_code) -> str:
    """The fund code a share is charged to (DESIGN.md 6): one of the department's own codes,
    and required when the department has several. With just one, a blank confirms it (the
    inbox preselects it); with none, the share is charged to no code."""
    if not isinstance(department, Department):
        return ""  # _lock_share refuses it, naming the department
    codes = list(department.fund_codes or [])
    fund_code = clean_text(fund_code or "", field="fund_code", limit=30)
    if not fund_code and len(codes) == 1:
        return codes[0]
    if not fund_code and codes:
        raise ValidationFailed(
            f"Choose the fund code {department.code}'s share is charged to: {', '.join(codes)}.",
            field="fund_code",
        )
    if fund_code and fund_code not in codes:
        known = f"one of {', '.join(codes)}" if codes else "none: it has no fund codes"
        raise ValidationFailed(
            f"“{fund_code}” is not a fund code of {department.code} ({known}).",
            field="fund_code",
        )
    return fund_code


@transaction.atomic
def share_approve(
    *, actor: TenantActor, version: Version, department: Department, fund_code: str = ""
) -> Share:
    """The head of `department` (and no one else: invariant 5) approves its share of this
    exact version, charged to `fund_code`, one of the department's fund codes (required when
    it has several; its only one when blank). When the last share is approved, the version
    and the solicitation are."""
    fund_code = _fund_code_of(department, fund_code)
    extra = {"fund_code": fund_code} if fund_code else None
    share = _decide(actor, version, department, "approve", extra=extra)
    version, solicitation = share.version, share.version.solicitation
    if not version.shares.exclude(status=Share.Status.APPROVED).exists():
        Version.lifecycle.apply(
            version, "approve", actor=actor, details={"version": version.number}
        )
        Solicitation.lifecycle.apply(solicitation, "approve", actor=actor)
        notices.notify_split_approved(version)
    return share


@transaction.atomic
def share_reject(
    *, actor: TenantActor, version: Version, department: Department, reason: str
) -> Share:
    """The head of `department` rejects its share of this version, with a reason; the version
    is rejected and the officer must propose a new one."""
    reason = clean_text(reason, field="reason", limit=2000, required=True)
    share = _decide(actor, version, department, "reject", reason=reason)
    version = share.version
    Version.lifecycle.apply(version, "reject", actor=actor, details={"version": version.number})
    notices.notify_share_rejected(share)
    return share
