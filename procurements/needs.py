"""What needs the actor now (the dashboard's "Needs you" and the inbox's invitations): reads
that depend on who asks, so they are selectors, kept in their own module because the
dashboard is their only page. Every function costs a fixed number of queries, however many
rows it returns."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import Now

from departments.tenancy import TenantActor
from procurements import selectors
from procurements.models import CostSplitShare, CostSplitVersion, Participation, Solicitation

NEEDS_LIMIT = 10  # per kind; the inbox and the lists have the rest
DEADLINE_WINDOW = dt.timedelta(days=7)


def invitations_to_answer_for(actor: TenantActor) -> QuerySet[Participation]:
    """Invitations of the departments the actor heads, on solicitations still being prepared
    (one query). Each row carries its solicitation, so the lifecycle can tell its moves."""
    return (
        Participation.objects.filter(
            status=Participation.Status.INVITED,
            department_id__in=actor.headed_department_ids,
            solicitation__municipality=actor.municipality,
            solicitation__status__in=Solicitation.EDITABLE,
        )
        .select_related("department", "solicitation__lead_department", "invited_by")
        .order_by("solicitation__created_at", "department__code")
    )


def invitations_with_moves(actor: TenantActor, limit: int | None = NEEDS_LIMIT) -> list:
    rows = list(invitations_to_answer_for(actor)[:limit])
    for row in rows:
        row.moves = Participation.lifecycle.open_names(row, actor)
    return rows


@dataclass(frozen=True)
class Blocked:
    """A solicitation the officer prepares, and what it waits on, in words."""

    solicitation: Solicitation
    waits_on: list[str]


def drafts_blocked_for(actor: TenantActor, limit: int = NEEDS_LIMIT) -> list[Blocked]:
    """For officers: the solicitations still being prepared, oldest first, each with what it
    waits on (three queries: the solicitations with their line item and criterion counts, their
    participations, their versions in force with the shares)."""
    if not actor.is_officer:
        return []
    shares = CostSplitShare.objects.select_related("department").order_by("department__code")
    versions = CostSplitVersion.objects.filter(status__in=CostSplitVersion.CURRENT)
    solicitations = (
        selectors.solicitations_for(actor)
        .filter(status__in=[Solicitation.Status.DRAFT, Solicitation.Status.IN_APPROVAL])
        .annotate(
            line_count=Count("line_items", distinct=True),
            criterion_count=Count("criteria", distinct=True),
        )
        .prefetch_related(
            Prefetch(
                "split_versions",
                queryset=versions.prefetch_related(Prefetch("shares", queryset=shares)),
                to_attr="versions_in_force",
            )
        )
        .order_by("created_at", "id")[:limit]
    )
    return [Blocked(s, waits_on(s)) for s in solicitations]


def waits_on(solicitation: Solicitation) -> list[str]:
    """What keeps a solicitation from its next step, from the rows already fetched."""
    reference = solicitation.reference
    invited = [
        p.department.code
        for p in solicitation.participations.all()
        if p.status == Participation.Status.INVITED
    ]
    reasons = [f"{reference} waits for {code} to join or decline" for code in invited]
    if not solicitation.line_count:
        reasons.append(f"{reference} has no line items yet")
    if not solicitation.criterion_count:
        reasons.append(f"{reference} has no evaluation criteria yet")
    current = next(iter(solicitation.versions_in_force), None)
    if current is None:
        reasons.append(f"{reference} has no cost split yet")
    else:
        pending = [
            share.department.code
            for share in current.shares.all()
            if share.status == CostSplitShare.Status.PENDING
        ]
        reasons += [f"{reference} waits for {code}'s approval" for code in pending]
    return reasons


def deadlines_this_week_for(actor: TenantActor) -> QuerySet[Solicitation]:
    """Published solicitations of the actor's municipality whose bids are due in the next
    seven days by the database clock, soonest first (one query)."""
    return (
        selectors.with_status_now(
            Solicitation.objects.filter(
                municipality=actor.municipality,
                status=Solicitation.Status.PUBLISHED,
                bids_due_at__gt=Now(),
                bids_due_at__lte=Now() + DEADLINE_WINDOW,
            )
        )
        .select_related("lead_department")
        .order_by("bids_due_at", "id")[:NEEDS_LIMIT]
    )
