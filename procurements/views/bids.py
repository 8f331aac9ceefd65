"""The bids of one solicitation as its municipality's staff see them (any member): before the
opening only how many arrived; an officer opens them once the deadline has passed (a confirm
step); while the opening runs the page polls its progress; afterwards the tabulation.

Invariant 2: nothing here reads a bid's content before the opening; the count is the one
thing staff learn (selectors.tabulation_of refuses before the opening anyway)."""

from django.views.generic import TemplateView

from departments.views.base import ServiceFormMixin
from departments.views.confirm import ConfirmActionMixin
from p3hub.formatting import zone_name
from p3hub.forms import NoInputForm
from procurements import selectors
from procurements.models import Solicitation
from procurements.services.opening import opening_check, opening_start
from procurements.views.manage import SolicitationMixin


def may_open(actor, solicitation: Solicitation, opening) -> bool:
    """Whether to offer the officer the button: past the deadline (the status by the
    database clock) and not started yet. The service decides again when it is pressed."""
    closed = solicitation.current_status == Solicitation.Status.CLOSED
    return actor.is_officer and closed and opening is None


class BidsMixin(SolicitationMixin):
    def tabulation_url(self) -> str:
        return self.tenant_url("tabulation", self.solicitation.reference)


class TabulationView(BidsMixin, TemplateView):
    template_name = "procurements/bids/staff.html"

    def get_context_data(self, **kwargs):
        state = selectors.bids_overview(self.solicitation, self.actor)
        kwargs.setdefault("open_form", NoInputForm())
        kwargs.update(
            state,
            solicitation=self.solicitation,
            currency=self.currency,
            zone=zone_name(self.municipality.time_zone),
            can_open=may_open(self.actor, self.solicitation, state["opening"]),
            public=self.municipality.bid_tabulation_public,
        )
        return super().get_context_data(**kwargs)


class OpeningStartView(ConfirmActionMixin, ServiceFormMixin, BidsMixin, TemplateView):
    """GET: the confirm step; POST with confirmed=1 starts the opening and returns to the
    page, which shows the progress. A refusal (the deadline has not passed) comes back to
    the page after a 303, with the service's message on the button's form."""

    form_name = "open_form"
    confirm_button = "Open the bids"

    @property
    def confirm_title(self) -> str:
        return f"Open the bids on {self.solicitation.reference}?"

    def confirm_check(self) -> None:
        opening_check(actor=self.actor, solicitation=self.solicitation)

    def confirm_consequences(self) -> list[str]:
        count = selectors.bids_received(self.solicitation)
        seen_by = "staff and the companies that bid"
        if self.municipality.bid_tabulation_public:
            seen_by += ", and the public"
        return [
            f"{_bids(count)} received {'is' if count == 1 else 'are'} decrypted and each is "
            "checked against the receipt its company was given.",
            f"The tabulation (companies, totals and every line's prices) is shown to {seen_by}.",
            "The companies that bid and the departments' heads are told by e-mail.",
            "This cannot be undone.",
        ]

    def confirm_back_url(self) -> str:
        return self.tabulation_url()

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [
            ("Solicitations", self.tenant_url("solicitation-manage-list")),
            (self.solicitation.reference, self.detail_url()),
            ("Bids", self.tabulation_url()),
        ]

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return opening_start(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, opening) -> str:
        opening.refresh_from_db()  # a worker (or eager Celery) may have finished it already
        if opening.finished_at is not None:
            return "The bids are open: the tabulation is below."
        return "The bids are being opened; the page shows how far it got."

    def success_url(self, opening) -> str:
        return self.tabulation_url()

    def refusal_page_url(self) -> str:
        return self.tabulation_url()


class OpeningProgressView(BidsMixin, TemplateView):
    """The progress region the page polls every second while the opening runs. Once it
    has finished, the answer carries no trigger (polling stops) and htmx reloads the page,
    which then shows the tabulation."""

    template_name = "procurements/bids/_progress.html"

    def get_context_data(self, **kwargs):
        kwargs.update(
            solicitation=self.solicitation,
            opening=selectors.bid_opening_of(self.solicitation),
            bids_received=selectors.bids_received(self.solicitation),
        )
        return super().get_context_data(**kwargs)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        opening = response.context_data["opening"]
        if request.htmx and opening is not None and opening.finished_at is not None:
            response["HX-Refresh"] = "true"
        return response


def _bids(count: int) -> str:
    if count == 0:
        return "No bid"
    return "The 1 bid" if count == 1 else f"The {count} bids"
