"""What procurements adds to other apps' pages (settings.PAGE_PANELS): the published
solicitations on the home page, the latest solicitations and pending approvals on a member's
dashboard."""

from django.core.paginator import Paginator

from departments.views.base import Panel
from procurements import selectors
from procurements.views.base import PAGE_SIZE

DASHBOARD_LATEST = 5


def home_solicitations(view) -> Panel:
    page = Paginator(selectors.solicitations_public(), PAGE_SIZE).get_page(
        view.request.GET.get("page")
    )
    return Panel("procurements/panels/home_solicitations.html", {"page": page})


def dashboard_solicitations(view) -> Panel:
    actor = view.actor
    context = {"solicitations": selectors.solicitations_for(actor)[:DASHBOARD_LATEST]}
    if actor.headed_department_ids:
        context["pending_count"] = selectors.approvals_pending_for(actor).count()
    return Panel("procurements/panels/dashboard_solicitations.html", context)
