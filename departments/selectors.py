"""Every read of tenant data that depends on who asks. Scoped by the actor's municipality;
objects of another municipality raise the same NotFound as missing ones."""

import datetime as dt

from django.db.models import Case, Exists, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Now

from departments.models import Department, Invitation, Membership, Municipality, User
from departments.tenancy import TenantActor
from p3hub.audit import ChainReport, audit_chain_check, chain_key_for
from p3hub.errors import NotFound, PermissionDenied, ValidationFailed, get_or_not_found
from p3hub.models import AuditEvent


def municipalities_public() -> QuerySet[Municipality]:
    """Every municipality, for the public home page: names and slugs are public."""
    return Municipality.objects.order_by("name")


def municipality_public_get(slug) -> Municipality:
    """One municipality by its slug, for public pages and the public API alike."""
    return get_or_not_found(municipalities_public(), slug=slug)


def memberships_of(user) -> QuerySet[Membership]:
    """The user's own memberships across municipalities (for /api/v1/me/ and the home page)."""
    return Membership.objects.filter(user=user, is_active=True).select_related(
        "municipality", "department"
    )


def departments_for(actor: TenantActor) -> QuerySet[Department]:
    return Department.objects.filter(municipality=actor.municipality).order_by("code")


def department_get_for(actor: TenantActor, pk) -> Department:
    return get_or_not_found(departments_for(actor), pk=pk)


UNKNOWN_DEPARTMENT = "No department has the code “{code}”."


def department_named(actor: TenantActor, value, *, field: str) -> Department | None:
    """The department a page or an API body names, by code (any case) or as a Department:
    None for nothing, ValidationFailed naming `field` for a code of no department here
    (another city's included). Services call it, so pages and the API say the same."""
    if value is None or value == "":
        return None
    if isinstance(value, Department):
        if value.municipality_id == actor.municipality.pk:
            return value
        value = value.code
    if not isinstance(value, str):
        raise ValidationFailed("Give a department code, such as TRN.", field=field)
    try:
        return department_by_code_for(actor, value)
    except NotFound:
        raise ValidationFailed(
            UNKNOWN_DEPARTMENT.format(code=value[:20]), field=field, code="does_not_exist"
        ) from None


def department_by_code_for(actor: TenantActor, code) -> Department:
    """A department of the actor's municipality by its code, any case: how pages and the
    API name one. NotFound for a code of no department here (another city's included)."""
    if not isinstance(code, str) or len(code) > 40:
        raise NotFound("Not found.")
    return get_or_not_found(departments_for(actor), code__iexact=code.strip())


def department_heads_for(actor: TenantActor) -> QuerySet[Department]:
    """Departments with their heads prefetched: one query for departments, one for heads."""
    heads = Membership.objects.filter(role=Membership.Role.HEAD, is_active=True).select_related(
        "user"
    )
    return departments_for(actor).prefetch_related(
        Prefetch("memberships", queryset=heads, to_attr="head_memberships")
    )


def people_for(actor: TenantActor, *, q: str = "") -> QuerySet[User]:
    """People who hold or held a role in the actor's municipality (deactivated ones too),
    with those roles prefetched and `is_active_here` annotated; `q` searches their name,
    username and e-mail address."""
    roles = Membership.objects.filter(municipality=actor.municipality).select_related("department")
    here = Membership.objects.filter(municipality=actor.municipality, user=OuterRef("pk"))
    people = (
        User.objects.filter(Exists(here))
        .annotate(is_active_here=Exists(here.filter(is_active=True)))
        .order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=roles, to_attr="tenant_memberships"))
    )
    q = str(q or "").replace("\x00", "").strip()[:150]
    for word in q.split():
        people = people.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    return people


def person_get_for(actor: TenantActor, pk) -> User:
    return get_or_not_found(people_for(actor), pk=pk)


def invitations_for(actor: TenantActor) -> QuerySet[Invitation]:
    """The municipality's invitations, pending ones first (tenant admins), with `expired`
    annotated by the database clock."""
    if not actor.is_admin:
        raise PermissionDenied("Only a tenant admin may manage departments and people.")
    return (
        Invitation.objects.filter(municipality=actor.municipality)
        .annotate(expired=Q(status=Invitation.Status.PENDING, expires_at__lte=Now()))
        .select_related("department", "invited_by", "accepted_by")
        .order_by(
            Case(When(status=Invitation.Status.PENDING, then=0), default=1), "-created_at", "-id"
        )
    )


def invitation_get_for(actor: TenantActor, pk) -> Invitation:
    return get_or_not_found(invitations_for(actor), pk=pk)


def membership_get_for(actor: TenantActor, pk) -> Membership:
    memberships = Membership.objects.filter(municipality=actor.municipality)
    return get_or_not_found(memberships.select_related("user", "department"), pk=pk)


def _day_start(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def audit_events_for(
    actor: TenantActor,
    *,
    verb: str | None = None,
    actor_username: str | None = None,
    object_type: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """The audit trail of the actor's municipality, newest first. Dates are whole days in the
    municipality's time zone, as its staff read them; `date_to` includes its whole day."""
    events = AuditEvent.objects.filter(municipality=actor.municipality).select_related(
        "actor", "municipality"
    )
    if verb:
        events = events.filter(verb=verb)
    if actor_username:
        events = events.filter(actor__username__iexact=actor_username)
    if object_type:
        events = events.filter(object_type=object_type)
    zone = actor.municipality.zone
    # The first and last days the calendar has bound nothing (and their midnights may lie
    # outside it once converted to UTC).
    if date_from and date_from > dt.date.min:
        events = events.filter(created_at__gte=_day_start(date_from, zone))
    if date_to and date_to < dt.date.max - dt.timedelta(days=1):
        events = events.filter(created_at__lt=_day_start(date_to + dt.timedelta(days=1), zone))
    # seq orders one chain exactly (the clock may repeat a microsecond); the index is on it.
    return events.order_by("-seq")


def audit_vocabulary_for(actor: TenantActor) -> tuple[list[str], list[str]]:
    """The verbs and object types that occur in the municipality's trail, for filter choices:
    one query however long the trail."""
    pairs = (
        AuditEvent.objects.filter(municipality=actor.municipality)
        .values_list("verb", "object_type")
        .distinct()
        .order_by()
    )
    verbs, object_types = set(), set()
    for verb, object_type in pairs:
        verbs.add(verb)
        if object_type:
            object_types.add(object_type)
    return sorted(verbs), sorted(object_types)


def audit_chain_status_for(actor: TenantActor) -> ChainReport:
    """Re-verify the municipality's whole chain: how many events are intact, and the first
    break if any. Reads every event, which is fine while chains are small."""
    return audit_chain_check(chain_key_for(actor.municipality))


def contacts_visible_to(actor: TenantActor) -> bool:
    """Whether the actor reads people's usernames and e-mail addresses (the people list, the
    audit trail): tenant admins and procurement officers, who staff solicitations. Everyone
    else sees people by name."""
    return actor.is_admin or actor.is_officer


def memberships_for(actor: TenantActor) -> QuerySet[Membership]:
    """Everyone's roles in the actor's municipality, for tenant admins and officers only (they
    staff solicitations); heads and members see departments, not the people list. One query:
    the user and department come joined."""
    if not contacts_visible_to(actor):
        raise PermissionDenied(
            "Only tenant admins and procurement officers may see people and their roles."
        )
    return (
        Membership.objects.filter(municipality=actor.municipality)
        .select_related("user", "department")
        .order_by("role", "department__code", "user__username", "pk")
    )


def heads_of(departments) -> QuerySet[User]:
    """The active heads (active accounts) of the given departments, each person once: whom a
    notice about those departments' shares or participation goes to."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.HEAD,
        memberships__is_active=True,
        memberships__department__in=departments,
    ).distinct()


def officers_of(municipality) -> QuerySet[User]:
    """The municipality's active procurement officers (active accounts), each person once:
    whom a notice about a contract's progress goes to."""
    return User.objects.filter(
        is_active=True,
        memberships__role=Membership.Role.OFFICER,
        memberships__is_active=True,
        memberships__municipality=municipality,
    ).distinct()
