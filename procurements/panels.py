"""What procurements adds to other apps' pages (settings.PAGE_PANELS): the published
solicitations on the home page; the open ones on the vendor portal; on a member's dashboard,
first what needs them, then the latest solicitations and pending approvals."""

from django.core.paginator import Paginator

from departments.views.base import Panel
from procurements import needs, selectors
from procurements.views.base import PAGE_SIZE

DASHBOARD_LATEST = 5


def home_solicitations(view) -> Panel:
    page = Paginator(selectors.solicitations_public(), PAGE_SIZE).get_page(
        view.request.GET.get("page")
    )
    return Panel(
        "procurements/panels/public_solicitations.html",
        {
            "page": page,
            "id": "published",
            "title": "Published solicitations",
            "caption": "Published solicitations of every municipality, newest first",
            "empty": "Published solicitations of every municipality on P3 Hub appear here.",
        },
    )


def portal_open_solicitations(view) -> Panel:
    """The vendor portal: what every city has open for bids now, the soonest deadline first."""
    open_now = selectors.solicitations_open(vendor=view.vendor)
    page = Paginator(open_now, PAGE_SIZE).get_page(view.request.GET.get("page"))
    return Panel(
        "procurements/panels/public_solicitations.html",
        {
            "page": page,
            "id": "open",
            "title": "Open for bids",
            "caption": "Solicitations open for bids in every city, soonest deadline first",
            "portal": True,
            "empty": "Solicitations every city publishes appear here until their deadline.",
        },
    )


def portal_addenda_to_acknowledge(view) -> Panel | None:
    """The vendor portal: the addenda the company still has to acknowledge for its bids to
    count, first; nothing when there are none."""
    pending = list(selectors.vendor_addenda(view.actor, pending=True)[: needs.NEEDS_LIMIT])
    if not pending:
        return None
    return Panel("procurements/panels/addenda_to_acknowledge.html", {"addenda": pending})


def dashboard_solicitations(view) -> Panel:
    actor = view.actor
    context = {"solicitations": selectors.solicitations_for(actor)[:DASHBOARD_LATEST]}
    if actor.headed_department_ids:
        context["pending_count"] = selectors.approvals_pending_for(actor).count()
    return Panel("procurements/panels/dashboard_solicitations.html", context)


def dashboard_needs_you(view) -> Panel:
    """Approvals waiting, invitations to answer, drafts blocked and on whom, bids due this
    week: each a fixed number of queries (procurements.needs)."""
    actor = view.actor
    approvals = []
    if actor.headed_department_ids:
        approvals = list(selectors.approvals_pending_for(actor)[: needs.NEEDS_LIMIT])
    context = {
        "approvals": approvals,
        "invitations": needs.invitations_with_moves(actor) if actor.headed_department_ids else [],
        "blocked": needs.drafts_blocked_for(actor),
        "deadlines": list(needs.deadlines_this_week_for(actor)),
        "back": view.request.get_full_path(),
    }
    kinds = ("approvals", "invitations", "blocked", "deadlines")
    context["anything"] = any(context[kind] for kind in kinds)
    return Panel("procurements/panels/dashboard_needs_you.html", context)
