"""Every read of procurement data that depends on who asks: tenant staff see their own
municipality's solicitations in every state; the public sees published ones only."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Now, NullIf, Trim

from departments.tenancy import TenantActor
from p3hub.errors import NotFound, PermissionDenied, get_or_not_found
from p3hub.models import AuditEvent
from procurements.models import (
    Acknowledgement,
    Addendum,
    CostSplitShare,
    CostSplitVersion,
    Document,
    Follow,
    LineItem,
    Participation,
    Solicitation,
)
from procurements.models.solicitations import SEEN_BY_THE_PUBLIC


def participations_of(solicitation: Solicitation) -> QuerySet[Participation]:
    """The departments on the solicitation's list (withdrawn ones are off it)."""
    return solicitation.participations.filter(status__in=Participation.LISTED).select_related(
        "department", "responded_by"
    )


def _participations():
    participations = Participation.objects.filter(status__in=Participation.LISTED)
    return Prefetch(
        "participations", queryset=participations.select_related("department", "responded_by")
    )


def with_status_now(solicitations: QuerySet[Solicitation]) -> QuerySet[Solicitation]:
    """Annotate `status_now`, the status by the database clock, with or without a worker to
    record it (STYLE.md 10): scheduled and past the publish date is published, and published
    (or so released) past the bid deadline is closed. `db_now` is the database's time of the
    same read, for "closes in N days" without another query."""
    Status = Solicitation.Status
    released = Q(status=Status.SCHEDULED, publish_at__lte=Now())
    live = Q(status=Status.PUBLISHED) | released
    past_deadline = When(live & Q(bids_due_at__lte=Now()), then=Value(Status.CLOSED))
    return solicitations.annotate(
        status_now=Case(
            past_deadline,
            When(released, then=Value(Status.PUBLISHED)),
            default=F("status"),
            output_field=CharField(),
        ),
        db_now=Now(),
    )


def _public_now() -> Q:
    """What the public sees by the database clock: the public states; a scheduled one from its
    publish date on, never before; a cancelled one that had been public when it was cancelled
    (with its notice), never one cancelled before it was."""
    Status = Solicitation.Status
    # The first test repeats the partial indexes' condition: PostgreSQL cannot prove that the
    # OR below implies it, and without it the lists sort every public row.
    return Q(status__in=SEEN_BY_THE_PUBLIC) & (
        Q(status__in=Solicitation.PUBLIC)
        | Q(status=Status.SCHEDULED, publish_at__lte=Now())
        | Q(status=Status.CANCELLED, published_at__lte=F("cancelled_at"))
    )


# The public list's orders (`?sort=`): open ones by the soonest deadline first, then the rest
# by their latest deadline; or newest first (when each became public).
PUBLIC_SORTS = {"deadline": "Deadline, soonest first", "newest": "Newest first"}


def solicitations_sorted(solicitations, sort: str):
    """A public read in one of PUBLIC_SORTS (the API's `ordering`)."""
    if sort == "newest":
        return solicitations.order_by("-published_at", "-id")
    Status = Solicitation.Status
    is_open = Q(status_now=Status.PUBLISHED)
    return solicitations.annotate(
        open_rank=Case(When(is_open, then=Value(0)), default=Value(1)),
        open_due=Case(When(is_open, then=F("bids_due_at"))),
    ).order_by("open_rank", F("open_due").asc(nulls_last=True), "-bids_due_at", "-id")


def _display_name(prefix: str):
    """User.display_name in SQL: the full name, or the username when there is none."""
    full = Trim(Concat(F(f"{prefix}first_name"), Value(" "), F(f"{prefix}last_name")))
    return Coalesce(NullIf(full, Value("")), F(f"{prefix}username"), output_field=CharField())


def with_rejection(solicitations: QuerySet[Solicitation]) -> QuerySet[Solicitation]:
    """Annotate why a solicitation in approval is stuck: its latest split version was
    rejected (no newer one proposed yet). One subquery per field of the row's query, so lists
    keep their query count; `Solicitation.rejection` reads them."""
    newer = CostSplitVersion.objects.filter(
        solicitation_id=OuterRef("version__solicitation_id"), number__gt=OuterRef("version__number")
    )
    rejected = (
        CostSplitShare.objects.filter(
            version__solicitation=OuterRef("pk"),
            version__solicitation__status=Solicitation.Status.IN_APPROVAL,
            version__status=CostSplitVersion.Status.REJECTED,
            status=CostSplitShare.Status.REJECTED,
        )
        .exclude(Exists(newer))
        .annotate(decider=_display_name("decided_by__"))
        .order_by("-version__number", "department__code")
    )

    def field(name: str):
        return Subquery(rejected.values(name)[:1])

    return solicitations.annotate(
        rejection_department=field("department__code"),
        rejection_department_name=field("department__name"),
        rejection_reason=field("reason"),
        rejection_by=field("decider"),
        rejection_at=field("decided_at"),
        rejection_version=field("version__number"),
    )


def solicitations_for(
    actor: TenantActor, *, q: str = "", status: str = "", department: str = ""
) -> QuerySet[Solicitation]:
    """The actor's municipality's solicitations, newest first, filtered for the lists."""
    solicitations = with_status_now(Solicitation.objects.filter(municipality=actor.municipality))
    solicitations = with_rejection(solicitations)
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


MAX_REFERENCE = Solicitation._meta.get_field("reference").max_length


def _reference(reference) -> str:
    """A reference that cannot exist (not text, longer than any) is NotFound at once."""
    if not isinstance(reference, str) or len(reference) > MAX_REFERENCE:
        raise NotFound("Not found.")
    return reference


def solicitation_get_for(actor: TenantActor, reference: str) -> Solicitation:
    return get_or_not_found(solicitations_for(actor), reference=_reference(reference))


PUBLIC_STATUSES = Solicitation.PUBLIC | {Solicitation.Status.CANCELLED}


def solicitations_public(
    *,
    municipality=None,
    q: str = "",
    status: str = "",
    department: str = "",
    sort: str = "newest",
) -> QuerySet[Solicitation]:
    """The solicitations the public sees now (`_public_now`) of every municipality, or of
    one, newest first or by deadline (PUBLIC_SORTS)."""
    solicitations = with_status_now(Solicitation.objects.filter(_public_now()))
    if municipality is not None:
        solicitations = solicitations.filter(municipality=municipality)
    if status and status not in PUBLIC_STATUSES:
        return solicitations.none()
    solicitations = (
        _filtered(solicitations, q=q, status=status, department=department)
        .select_related("lead_department", "municipality")
        .prefetch_related(_participations())
    )
    return solicitations_sorted(solicitations, sort)


def solicitation_public_get(municipality, reference: str) -> Solicitation:
    solicitations = solicitations_public(municipality=municipality)
    return get_or_not_found(solicitations, reference=_reference(reference))


def solicitations_open(
    *,
    vendor=None,
    q: str = "",
    city: str = "",
    category: str = "",
    mine: bool = False,
    sort: str = "deadline",
) -> QuerySet[Solicitation]:
    """The vendor portal's search: what every city has open for bids now (by the database
    clock), by text, city (a municipality's slug) and category of work, or with `mine` in
    any of `vendor`'s own categories; with `vendor`, each row says whether that company
    follows it (`following`), in the same query."""
    solicitations = solicitations_public(status=Solicitation.Status.PUBLISHED, q=q, sort=sort)
    city, category = (str(v or "").replace("\x00", "") for v in (city, category))
    if city:
        solicitations = solicitations.filter(municipality__slug=city)
    if category:
        solicitations = solicitations.filter(category=category)
    elif mine and vendor is not None:
        solicitations = solicitations.filter(category__in=vendor.categories)
    if vendor is not None:
        follows = Follow.objects.filter(solicitation=OuterRef("pk"), vendor=vendor)
        solicitations = solicitations.annotate(following=Exists(follows))
    return solicitations


def addenda_of(solicitation: Solicitation) -> QuerySet[Addendum]:
    """A solicitation's addenda in order, with their documents: public once it is."""
    return solicitation.addenda.select_related("solicitation__municipality").prefetch_related(
        "documents"
    )


def addenda_for_staff(solicitation: Solicitation) -> QuerySet[Addendum]:
    """The addenda with the companies that acknowledged each (staff only)."""
    acknowledgements = Acknowledgement.objects.select_related("vendor", "acknowledged_by")
    return addenda_of(solicitation).prefetch_related(
        Prefetch("acknowledgements", queryset=acknowledgements.order_by("acknowledged_at"))
    )


def with_acknowledgement(addenda: QuerySet[Addendum], vendor) -> QuerySet[Addendum]:
    """Annotate when `vendor` acknowledged each addendum (`acknowledged_at`, None if not)."""
    mine = Acknowledgement.objects.filter(addendum=OuterRef("pk"), vendor=vendor)
    return addenda.annotate(acknowledged_at=Subquery(mine.values("acknowledged_at")[:1]))


def vendor_addenda(actor, *, pending: bool = False) -> QuerySet[Addendum]:
    """The addenda of every solicitation the company follows or acknowledged, newest first,
    each with when the company acknowledged it; with `pending`, only those still to
    acknowledge on solicitations open for bids now (by the database clock)."""
    vendor = actor.vendor
    concerned = Q(solicitation__follows__vendor=vendor) | Q(acknowledgements__vendor=vendor)
    public = with_status_now(Solicitation.objects.filter(_public_now()))
    addenda = Addendum.objects.filter(
        Q(solicitation__in=public.values("pk")) & concerned
    ).distinct()
    addenda = with_acknowledgement(addenda, vendor).select_related("solicitation__municipality")
    if pending:
        open_now = public.filter(status_now=Solicitation.Status.PUBLISHED).values("pk")
        addenda = addenda.filter(acknowledged_at__isnull=True, solicitation__in=open_now)
    return addenda.order_by("-published_at", "-id")


def addendum_get_public(solicitation: Solicitation, number) -> Addendum:
    """An addendum of a solicitation the caller already fetched through a public selector."""
    if isinstance(number, bool) or not str(number).isdigit():
        raise NotFound("Not found.")
    return get_or_not_found(addenda_of(solicitation), number=int(number))


def line_items_of(solicitation: Solicitation) -> QuerySet[LineItem]:
    return solicitation.line_items.order_by("position", "id")


def line_item_get(solicitation: Solicitation, pk) -> LineItem:
    return get_or_not_found(line_items_of(solicitation), pk=pk)


def participation_get(solicitation: Solicitation, pk) -> Participation:
    participation = get_or_not_found(participations_of(solicitation), pk=pk)
    participation.solicitation = solicitation
    return participation


def invited_departments_of(solicitation: Solicitation) -> list:
    """Departments invited and not yet answering, by code: they cannot share the cost until
    they join. Reads the participations a selector prefetched."""
    invited = [
        p.department
        for p in solicitation.participations.all()
        if p.status == Participation.Status.INVITED
    ]
    return sorted(invited, key=lambda department: department.code)


def split_versions_of(solicitation: Solicitation) -> QuerySet[CostSplitVersion]:
    """Every version, newest first, with its shares (department and decider joined)."""
    shares = CostSplitShare.objects.select_related("department", "decided_by")
    return (
        solicitation.split_versions.select_related("created_by")
        .prefetch_related(Prefetch("shares", queryset=shares))
        .order_by("-number")
    )


def split_version_get(solicitation: Solicitation, number) -> CostSplitVersion:
    return get_or_not_found(split_versions_of(solicitation), number=number)


def current_split_of(solicitation: Solicitation) -> CostSplitVersion | None:
    return split_versions_of(solicitation).current().first()


def approvals_pending_for(actor: TenantActor) -> QuerySet[CostSplitShare]:
    """The shares awaiting the actor's decision as head: of the departments they head, in
    proposed versions of their municipality's solicitations in approval, oldest first."""
    shares = CostSplitShare.objects.filter(
        department_id__in=actor.headed_department_ids,
        status=CostSplitShare.Status.PENDING,
        version__status=CostSplitVersion.Status.PROPOSED,
        version__solicitation__municipality=actor.municipality,
        # A cancelled solicitation keeps its last proposed version, but nobody can decide it.
        version__solicitation__status=Solicitation.Status.IN_APPROVAL,
    )
    return (
        with_decided_before(shares)
        .select_related(
            "department", "version__solicitation__lead_department", "version__created_by"
        )
        .order_by("version__created_at", "department__code")
    )


def with_decided_before(shares: QuerySet[CostSplitShare]) -> QuerySet[CostSplitShare]:
    """Annotate each share with its department's latest decision on an earlier version of
    the same solicitation (number, status, who, and that version's allocation), so the inbox
    shows "your amount before -> now" without a query per row
    (`CostSplitShare.change_since_decided` reads them)."""
    decided = (
        CostSplitShare.objects.filter(
            department_id=OuterRef("department_id"),
            version__solicitation_id=OuterRef("version__solicitation_id"),
            version__number__lt=OuterRef("version__number"),
            decided_at__isnull=False,
        )
        .annotate(decider=_display_name("decided_by__"))
        .order_by("-version__number")
    )

    def field(name: str):
        return Subquery(decided.values(name)[:1])

    return shares.annotate(
        decided_before_number=field("version__number"),
        decided_before_status=field("status"),
        decided_before_by=field("decider"),
        decided_before_result=field("version__result"),
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
        .select_related("actor", "municipality")
        .order_by("-seq")
    )


def shares_decided_for(actor: TenantActor, *, limit: int = 10) -> QuerySet[CostSplitShare]:
    """The latest decisions on shares of the departments the actor heads (the inbox's
    record)."""
    return (
        CostSplitShare.objects.filter(
            department_id__in=actor.headed_department_ids,
            version__solicitation__municipality=actor.municipality,
            status__in=[CostSplitShare.Status.APPROVED, CostSplitShare.Status.REJECTED],
        )
        .select_related("version__solicitation", "department", "decided_by")
        .order_by("-decided_at", "-id")[:limit]
    )


def document_get(solicitation: Solicitation, pk) -> Document:
    """A document of a solicitation the caller has already fetched through a selector."""
    return get_or_not_found(solicitation.documents.all(), pk=pk)


def solicitations_filtered(
    solicitations: QuerySet[Solicitation], *, q: str = "", status: str = "", department: str = ""
) -> QuerySet[Solicitation]:
    """The lists' text search and filters, for the API's filter sets (same rules as pages)."""
    return _filtered(solicitations, q=q, status=status, department=department)


# --- questions and follows (issue 10) -----------------------------------------------------------


def vendor_solicitation_get(actor, municipality_slug, reference) -> Solicitation:
    """A solicitation the public sees now, of any city, as a company (the VendorActor `actor`)
    reads it in the portal; NotFound for a draft, a scheduled one before its date, a missing
    one, alike."""
    from departments.selectors import municipality_public_get

    municipality = municipality_public_get(municipality_slug)
    return solicitation_public_get(municipality, reference)


def _questions():
    from procurements.models import Question

    return Question.objects.all()


def vendor_questions(actor):
    """The company's own questions across every city, newest first: never another's."""
    return (
        _questions()
        .filter(vendor=actor.vendor)
        .select_related("solicitation__municipality")
        .order_by("-asked_at", "-id")
    )


def vendor_questions_on(actor, solicitation: Solicitation):
    """The company's own questions on one solicitation, by number."""
    return _questions().filter(vendor=actor.vendor, solicitation=solicitation).order_by("number")


def vendor_follows(actor, solicitation: Solicitation) -> bool:
    return Follow.objects.filter(vendor=actor.vendor, solicitation=solicitation).exists()


def questions_for_staff(actor: TenantActor, solicitation: Solicitation):
    """Every question on a solicitation of the actor's municipality, by number, with the
    asking company (staff may see it) and who answered."""
    return (
        _questions()
        .filter(solicitation=solicitation, solicitation__municipality=actor.municipality)
        .select_related("vendor", "asked_by", "answered_by")
        .order_by("number")
    )


def question_get_for_staff(actor: TenantActor, solicitation: Solicitation, number):
    """One question by its number; another city's is the same NotFound as a missing one."""
    question = get_or_not_found(questions_for_staff(actor, solicitation), number=number)
    question.solicitation = solicitation
    return question


def answered_questions(solicitation: Solicitation):
    """What the public reads: the answered questions, by number, with nothing of who asked
    (only these columns are read)."""
    from procurements.models import Question

    return (
        _questions()
        .filter(solicitation=solicitation, status=Question.Status.ANSWERED)
        .only("id", "solicitation_id", "number", "text", "answer", "answered_at", "status")
        .order_by("number")
    )


# --- bids (issue 11) -----------------------------------------------------------------------------


def _bids():
    from procurements.models import Bid

    return Bid.objects.select_related("solicitation__municipality", "vendor")


def vendor_bids(actor) -> QuerySet:
    """The company's bids across cities, newest first, each with its latest receipt number
    (one query for any number of bids)."""
    from procurements.models import BidRevision

    latest = BidRevision.objects.filter(bid=OuterRef("pk")).order_by("-number")
    return (
        _bids()
        .filter(vendor=actor.vendor)
        .annotate(latest_receipt=Subquery(latest.values("receipt_number")[:1]))
        .order_by("-created_at", "-id")
    )


def vendor_bid_on(actor, solicitation: Solicitation):
    """The company's live bid on `solicitation` (None when it has none: never bid, or
    withdrew)."""
    from procurements.models import Bid

    return (
        _bids()
        .filter(vendor=actor.vendor, solicitation=solicitation)
        .exclude(status=Bid.Status.WITHDRAWN)
        .first()
    )


def vendor_bid_get(actor, pk):
    """One of the company's own bids; NotFound for another company's, as for a missing one."""
    return get_or_not_found(_bids().filter(vendor=actor.vendor), pk=pk)


def bid_attachments_of(bid) -> QuerySet:
    return bid.attachments.filter(removed_at__isnull=True).order_by("uploaded_at", "id")


def vendor_bids_shown(actor) -> QuerySet:
    """vendor_bids, each with what the API shows of it: its live attachments (as
    bid_attachments_of lists them) as `live_attachments` and its solicitation's line items,
    one query each for any number of bids."""
    from procurements.models import BidAttachment

    live = BidAttachment.objects.filter(removed_at__isnull=True).order_by("uploaded_at", "id")
    return vendor_bids(actor).prefetch_related(
        Prefetch("attachments", queryset=live, to_attr="live_attachments"),
        "solicitation__line_items",
    )


def bid_attachment_get(bid, pk):
    return get_or_not_found(bid_attachments_of(bid).select_related("bid__solicitation"), pk=pk)


def bid_revisions_of(bid) -> QuerySet:
    return bid.revisions.select_related("submitted_by").order_by("number")


def vendor_receipt_get(actor, receipt_number: str):
    """A receipt of the company's own bids by its number; NotFound for anyone else's."""
    from procurements.models import BidRevision

    revisions = BidRevision.objects.select_related(
        "bid__solicitation__municipality", "bid__vendor", "submitted_by"
    ).filter(bid__vendor=actor.vendor)
    return get_or_not_found(revisions, receipt_number=str(receipt_number)[:40])


# --- the opening and the tabulation (issue 11) ---------------------------------------------------

OPENED_BIDS = ("opened", "responsive", "non_responsive")  # Bid.Status values after the opening


@dataclass(frozen=True)
class TabulationRow:
    rank: int
    bid: object
    vendor_name: str
    lines: list  # services.bids.PricedLine, in line order
    total_minor: int
    receipt_number: str
    receipt_matches: bool


@dataclass(frozen=True)
class Tabulation:
    """The opened bids, lowest total first (ties by submission time): vendors, totals and
    each line's unit price, with whether each bid hashed to its receipt."""

    solicitation: Solicitation
    line_items: list
    rows: list[TabulationRow]


def tabulation_of(solicitation: Solicitation) -> Tabulation:
    """Two queries whatever the number of bids. Before the opening there is none to show:
    PermissionDenied, as the vault says."""
    from procurements.models import Bid, BidRevision
    from procurements.services.bids import priced_lines
    from procurements.vault import SEALED_UNTIL_OPENING

    if solicitation.opened_at is None:
        raise PermissionDenied(SEALED_UNTIL_OPENING)
    line_items = list(line_items_of(solicitation))
    latest = BidRevision.objects.filter(bid=OuterRef("pk"), number=OuterRef("revision"))
    bids = (
        Bid.objects.filter(solicitation=solicitation, status__in=OPENED_BIDS)
        .select_related("vendor")
        .annotate(receipt_number=Subquery(latest.values("receipt_number")[:1]))
        .order_by("total_minor", "submitted_at", "pk")
    )
    rows = []
    for rank, bid in enumerate(bids, start=1):
        prices = {
            str(line["position"]): line["unit_price_minor"] for line in bid.opened_content["lines"]
        }
        lines, _total = priced_lines(line_items, prices)
        rows.append(
            TabulationRow(
                rank=rank,
                bid=bid,
                vendor_name=bid.vendor.name,
                lines=lines,
                total_minor=bid.total_minor,
                receipt_number=bid.receipt_number,
                receipt_matches=bool(bid.receipt_matches),
            )
        )
    return Tabulation(solicitation=solicitation, line_items=line_items, rows=rows)


def vendor_tabulation_get(actor, municipality_slug, reference) -> Solicitation:
    """A solicitation whose tabulation the company may read: one where its bid was opened;
    NotFound otherwise (before the opening, for a company that did not bid)."""
    from procurements.models import Bid

    solicitation = vendor_solicitation_get(actor, municipality_slug, reference)
    opened = Bid.objects.filter(
        solicitation=solicitation, vendor=actor.vendor, status__in=OPENED_BIDS
    )
    if solicitation.opened_at is None or not opened.exists():
        raise NotFound("Not found.")
    return solicitation


def public_tabulation_get(municipality, reference) -> Solicitation:
    """A public solicitation's tabulation, where its municipality publishes tabulations and
    the bids were opened; NotFound otherwise."""
    solicitation = solicitation_public_get(municipality, reference)
    if solicitation.opened_at is None or not municipality.bid_tabulation_public:
        raise NotFound("Not found.")
    return solicitation


def bid_opening_of(solicitation: Solicitation):
    """The opening's progress (None before anyone started it)."""
    from procurements.models import BidOpening

    return BidOpening.objects.filter(solicitation=solicitation).first()


def may_read_opened_bids(actor: TenantActor, solicitation: Solicitation) -> bool:
    """Who on staff reads the opened bids: the officers, the tenant admins, the heads, and
    the evaluators cleared on this solicitation; a plain member only how many arrived, as
    before the opening (an evaluator not yet declared must not see a bid: issue 12)."""
    from procurements.selectors.evaluation import is_cleared

    if actor.is_officer or actor.is_admin or actor.headed_department_ids:
        return True
    return is_cleared(actor.user, solicitation)


def bids_overview(solicitation: Solicitation, actor: TenantActor) -> dict:
    """What staff see of the bids (the page, its progress region, the API): how many arrived,
    the opening's progress (None before it started) and, once opened, the tabulation for
    those who may read it (may_read_opened_bids); never anything of a bid before the
    opening."""

    opened = solicitation.opened_at is not None and may_read_opened_bids(actor, solicitation)
    return {
        "bids_received": bids_received(solicitation),
        "opening": bid_opening_of(solicitation),
        "tabulation": tabulation_of(solicitation) if opened else None,
    }


def vendor_has_opened_bid_here(actor, vendor) -> bool:
    """settings.VENDOR_DOCUMENT_ACCESS: a municipality's staff may read a company's
    certificates once one of its bids there was opened (before, they do not even learn that
    it bid: invariant 2)."""
    from procurements.models import Bid

    return Bid.objects.filter(
        vendor=vendor,
        solicitation__municipality=actor.municipality,
        solicitation__opened_at__isnull=False,
        status__in=OPENED_BIDS,
    ).exists()


def bids_received(solicitation: Solicitation) -> int:
    """How many bids arrived (submitted, or opened since): all staff learn this before the
    opening, and nothing more of them."""
    from procurements.models import Bid

    counted = (Bid.Status.SUBMITTED, *OPENED_BIDS)
    return solicitation.bids.filter(status__in=counted).count()


# --- the evaluation and the award (issue 12) ---------------------------------------------------

from procurements.selectors.evaluation import *  # noqa: E402, F403
