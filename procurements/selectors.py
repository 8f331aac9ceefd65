"""Every read of procurement data that depends on who asks: tenant staff see their own
municipality's solicitations in every state; the public sees published ones only."""

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Now

from departments.tenancy import TenantActor
from p3hub.errors import NotFound
from p3hub.models import AuditEvent
from procurements.models import (
    CostSplitDecision,
    CostSplitVersion,
    LineItem,
    Participation,
    Solicitation,
)


def _participations():
    participations = Participation.objects.select_related("department", "responded_by")
    return Prefetch("participations", queryset=participations)


def with_status_now(solicitations: QuerySet[Solicitation]) -> QuerySet[Solicitation]:
    """Annotate `status_now`, the status by the database clock: published and past the bid
    deadline is closed, with or without a worker to record it (STYLE.md 10)."""
    Status = Solicitation.Status
    past_deadline = When(status=Status.PUBLISHED, bids_due_at__lte=Now(), then=Value(Status.CLOSED))
    return solicitations.annotate(
        status_now=Case(past_deadline, default=F("status"), output_field=CharField())
    )


def solicitations_for(
    actor: TenantActor, *, q: str = "", status: str = "", department: str = ""
) -> QuerySet[Solicitation]:
    """The actor's municipality's solicitations, newest first, filtered for the lists."""
    solicitations = with_status_now(Solicitation.objects.filter(municipality=actor.municipality))
    return (
        _filtered(solicitations, q=q, status=status, department=department)
        .select_related("lead_department", "municipality")
        .prefetch_related(_participations())
    )


def _filtered(solicitations, *, q: str, status: str, department: str):
    # PostgreSQL refuses NUL in a string literal (a 500); no title or code contains one.
    q, status, department = (str(v or "").replace("\x00", "") for v in (q, status, department))
    if q:
        solicitations = solicitations.filter(
            Q(title__icontains=q) | Q(description__icontains=q) | Q(reference__iexact=q)
        )
    if status:
        solicitations = solicitations.filter(status_now=status)
    if department:
        solicitations = solicitations.filter(
            participations__department__code=department,
            participations__status=Participation.Status.JOINED,
        ).distinct()
    return solicitations


def _no_such_reference(reference) -> bool:
    # NUL would make PostgreSQL raise (a 500) instead of finding nothing.
    return not isinstance(reference, str) or "\x00" in reference


def solicitation_get_for(actor: TenantActor, reference: str) -> Solicitation:
    if _no_such_reference(reference):
        raise NotFound("Not found.")
    try:
        return solicitations_for(actor).get(reference=reference)
    except Solicitation.DoesNotExist:
        raise NotFound("Not found.") from None


def solicitations_public(
    *, municipality=None, q: str = "", status: str = "", department: str = ""
) -> QuerySet[Solicitation]:
    """Published (and later) solicitations of every municipality, or of one."""
    solicitations = with_status_now(Solicitation.objects.filter(status__in=Solicitation.PUBLIC))
    if municipality is not None:
        solicitations = solicitations.filter(municipality=municipality)
    if status and status not in Solicitation.PUBLIC:
        return solicitations.none()
    return (
        _filtered(solicitations, q=q, status=status, department=department)
        .select_related("lead_department", "municipality")
        .prefetch_related(_participations())
        .order_by("-published_at", "-id")
    )


def solicitation_public_get(municipality, reference: str) -> Solicitation:
    if _no_such_reference(reference):
        raise NotFound("Not found.")
    try:
        return solicitations_public(municipality=municipality).get(reference=reference)
    except Solicitation.DoesNotExist:
        raise NotFound("Not found.") from None


def line_items_of(solicitation: Solicitation) -> QuerySet[LineItem]:
    return solicitation.line_items.order_by("position", "id")


def line_item_get(solicitation: Solicitation, pk) -> LineItem:
    try:
        return line_items_of(solicitation).get(pk=pk)
    except (LineItem.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def participation_get(solicitation: Solicitation, pk) -> Participation:
    try:
        return solicitation.participations.select_related("department", "solicitation").get(pk=pk)
    except (Participation.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def split_versions_of(solicitation: Solicitation) -> QuerySet[CostSplitVersion]:
    decisions = CostSplitDecision.objects.select_related("department", "decided_by")
    return (
        solicitation.split_versions.select_related("created_by")
        .prefetch_related("departments", Prefetch("decisions", queryset=decisions))
        .order_by("-number")
    )


def split_version_get(solicitation: Solicitation, number) -> CostSplitVersion:
    try:
        return split_versions_of(solicitation).get(number=number)
    except (CostSplitVersion.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def current_split_of(solicitation: Solicitation) -> CostSplitVersion | None:
    return split_versions_of(solicitation).filter(status__in=CostSplitVersion.CURRENT).first()


def approvals_pending_for(actor: TenantActor) -> QuerySet:
    """(version, department) pairs awaiting the actor's decision as head: proposed versions
    of their municipality naming a department they head that has not decided yet. Rows of
    the version-department link table, with version, solicitation and department joined."""
    link = CostSplitVersion.departments.through
    decided = CostSplitDecision.objects.filter(
        version=OuterRef("costsplitversion"), department=OuterRef("department")
    )
    return (
        link.objects.filter(
            department_id__in=actor.headed_department_ids,
            costsplitversion__status=CostSplitVersion.Status.PROPOSED,
            costsplitversion__solicitation__municipality=actor.municipality,
            # A cancelled solicitation keeps its last proposed version, but nobody can decide it.
            costsplitversion__solicitation__status=Solicitation.Status.IN_APPROVAL,
        )
        .exclude(Exists(decided))
        .select_related(
            "department",
            "costsplitversion__solicitation__lead_department",
            "costsplitversion__created_by",
        )
        .order_by("costsplitversion__created_at", "department__code")
    )


def solicitation_history(solicitation: Solicitation) -> QuerySet[AuditEvent]:
    """Every recorded change of the solicitation, its line items, criteria, participants
    and split versions (services record them all on the solicitation), newest first."""
    return (
        AuditEvent.objects.filter(
            municipality_id=solicitation.municipality_id,
            object_type=Solicitation._meta.label_lower,
            object_id=str(solicitation.pk),
        )
        .select_related("actor")
        .order_by("-seq")
    )


def decisions_recent_for(actor: TenantActor, *, limit: int = 10) -> QuerySet[CostSplitDecision]:
    """The latest decisions taken for the departments the actor heads (the inbox's record)."""
    return (
        CostSplitDecision.objects.filter(
            department_id__in=actor.headed_department_ids,
            version__solicitation__municipality=actor.municipality,
        )
        .select_related("version__solicitation", "department", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def document_get(solicitation: Solicitation, pk):
    """A document of a solicitation the caller has already fetched through a selector."""
    try:
        return solicitation.documents.get(pk=pk)
    except (solicitation.documents.model.DoesNotExist, ValueError, TypeError):
        raise NotFound("Not found.") from None


def solicitations_filtered(
    solicitations: QuerySet[Solicitation], *, q: str = "", status: str = "", department: str = ""
) -> QuerySet[Solicitation]:
    """The lists' text search and filters, for the API's filter sets (same rules as pages)."""
    return _filtered(solicitations, q=q, status=status, department=department)
