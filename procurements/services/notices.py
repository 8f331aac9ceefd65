"""E-mails at every participation and cost split step (issue 9): who is told of each event,
with what. Each notice is keyed by the event it tells of, so however often a service or a
retry asks for it, a person gets it once (p3hub.mail.email_people), after the change commits.

Recipients are always people of the solicitation's municipality with an active account and
an active role: a department's heads (departments.selectors.heads_of), or the officer who
created the solicitation while they are still one. Services call these functions inside
their transaction; nothing here checks permissions (the caller did)."""

from django.urls import reverse

from departments.models import Membership, User
from departments.selectors import heads_of
from p3hub.audit import Verb
from p3hub.mail import email_people, site_link
from p3hub.models import AuditEvent
from p3hub.money import format_money
from procurements.models import (
    CostSplitShare,
    CostSplitVersion,
    Participation,
    ShareChange,
    Solicitation,
)

TEMPLATES = "procurements/email"


def _workspace_link(solicitation: Solicitation, fragment: str = "") -> str:
    path = reverse(
        "solicitation-manage", args=[solicitation.municipality.slug, solicitation.reference]
    )
    return site_link(path + (f"#{fragment}" if fragment else ""))


def _inbox_link(solicitation: Solicitation) -> str:
    return site_link(reverse("approval-inbox", args=[solicitation.municipality.slug]))


def _creator(solicitation: Solicitation) -> list[User]:
    """The officer who created the solicitation, while still an active officer of its
    municipality with an active account (nobody otherwise)."""
    return list(
        User.objects.filter(
            pk=solicitation.created_by_id,
            is_active=True,
            memberships__municipality_id=solicitation.municipality_id,
            memberships__role=Membership.Role.OFFICER,
            memberships__is_active=True,
        ).distinct()
    )


def _officer_and_lead_heads(solicitation: Solicitation) -> list[User]:
    """The creating officer and the lead department's heads, each once."""
    people = {person.pk: person for person in _creator(solicitation)}
    for head in heads_of([solicitation.lead_department]).order_by("pk"):
        people.setdefault(head.pk, head)
    return list(people.values())


def _context(solicitation: Solicitation, **extra) -> dict:
    municipality = solicitation.municipality
    return {
        "solicitation": solicitation,
        "municipality": municipality,
        "zone": municipality.time_zone,
        "workspace_link": _workspace_link(solicitation),
        **extra,
    }


def _send(key: str, people, event: str, solicitation: Solicitation, **context) -> int:
    return email_people(
        key=key,
        people=people,
        template=f"{TEMPLATES}/{event}",
        context=_context(solicitation, **context),
        municipality=solicitation.municipality,
    )


def _last_event_seq(solicitation: Solicitation, verb: str) -> int:
    """The solicitation's latest audit event of `verb`: the identity of the move just made
    (the solicitation is locked, so no other move of it came between). An invitation made
    again after a withdrawal is a new event, told again; the same one is told once."""
    return (
        AuditEvent.objects.filter(
            municipality_id=solicitation.municipality_id,
            object_type=Solicitation._meta.label_lower,
            object_id=str(solicitation.pk),
            verb=verb,
        )
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    ) or 0


# --- participation ------------------------------------------------------------------------------


def notify_invited(participation: Participation) -> int:
    """The invited department's heads: who invites them to what, by when, and where to answer."""
    solicitation = participation.solicitation
    seq = _last_event_seq(solicitation, Verb.PARTICIPATION_INVITE)
    return _send(
        f"participation-invited:{participation.pk}:{seq}",
        heads_of([participation.department]).order_by("pk"),
        "participation_invited",
        solicitation,
        department=participation.department,
        workspace_link=_workspace_link(solicitation, "participants"),
    )


def notify_answered(participation: Participation) -> int:
    """The officer and the lead department's heads: a department joined or declined."""
    solicitation = participation.solicitation
    joined = participation.status == Participation.Status.JOINED
    answered = participation.responded_at.isoformat() if participation.responded_at else ""
    return _send(
        f"participation-{participation.status}:{participation.pk}:{answered}",
        _officer_and_lead_heads(solicitation),
        "participation_joined" if joined else "participation_declined",
        solicitation,
        department=participation.department,
        responded_by=participation.responded_by,
        workspace_link=_workspace_link(solicitation, "participants"),
    )


def notify_removed(participation: Participation, *, had_joined: bool) -> int:
    """The removed department's heads: the officer took it off the solicitation."""
    solicitation = participation.solicitation
    seq = _last_event_seq(solicitation, Verb.PARTICIPATION_WITHDRAW)
    return _send(
        f"participation-removed:{participation.pk}:{seq}",
        heads_of([participation.department]).order_by("pk"),
        "participation_removed",
        solicitation,
        department=participation.department,
        had_joined=had_joined,
    )


# --- cost split versions ------------------------------------------------------------------------


def earlier_decisions(version: CostSplitVersion) -> dict[int, CostSplitShare]:
    """Each department's latest decided share on an earlier version of the same solicitation
    (one query), by department id."""
    decided = (
        CostSplitShare.objects.filter(
            version__solicitation_id=version.solicitation_id,
            version__number__lt=version.number,
            decided_at__isnull=False,
        )
        .select_related("version", "decided_by")
        .order_by("-version__number")
    )
    latest: dict[int, CostSplitShare] = {}
    for share in decided:
        latest.setdefault(share.department_id, share)
    return latest


def notify_proposed(version: CostSplitVersion) -> int:
    """Each head of each department in the version: their department's amount, the total,
    a link to the approval inbox and, when the department decided an earlier version, what
    changed for it since."""
    solicitation = version.solicitation
    currency = solicitation.municipality.currency
    before = earlier_decisions(version)
    queued = 0
    for share in version.shares.select_related("department").order_by("department__code"):
        department = share.department
        previous = before.get(department.pk)
        change = ShareChange.between(previous, share) if previous is not None else None
        queued += _send(
            f"split-proposed:{version.pk}:{department.pk}",
            heads_of([department]).order_by("pk"),
            "split_proposed",
            solicitation,
            version=version,
            department=department,
            amount=format_money(share.amount_minor, currency),
            total=format_money(version.total_minor, currency),
            payable=format_money(version.payable_minor, currency),
            in_kind=format_money(version.in_kind_minor, currency) if version.in_kind_minor else "",
            change=change,
            before_amount=format_money(change.before_minor, currency) if change else "",
            inbox_link=_inbox_link(solicitation),
        )
    return queued


def _amounts(version: CostSplitVersion) -> list[tuple[str, str]]:
    currency = version.solicitation.municipality.currency
    return [
        (code, format_money(minor, currency))
        for code, minor in sorted(version.result["departments"].items())
    ]


def notify_split_approved(version: CostSplitVersion) -> int:
    """The officer and the lead department's heads: every department approved the version."""
    solicitation = version.solicitation
    return _send(
        f"split-approved:{version.pk}",
        _officer_and_lead_heads(solicitation),
        "split_approved",
        solicitation,
        version=version,
        amounts=_amounts(version),
        total=format_money(version.total_minor, solicitation.municipality.currency),
    )


def notify_share_rejected(share: CostSplitShare) -> int:
    """The officer: which department rejected the version, who, and why."""
    version = share.version
    solicitation = version.solicitation
    return _send(
        f"split-rejected:{version.pk}",
        _creator(solicitation),
        "split_rejected",
        solicitation,
        version=version,
        share=share,
        department=share.department,
        amount=format_money(share.amount_minor, solicitation.municipality.currency),
        workspace_link=_workspace_link(solicitation, "cost-split"),
    )
