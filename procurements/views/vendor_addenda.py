"""The vendor portal's addenda: acknowledging one (a button on the solicitation's page) and
the company's list of addenda, those still to acknowledge first (`/vendor/addenda/`)."""

from django.core.paginator import Paginator

from departments.views.base import get_or_404
from p3hub.forms import NoInputForm
from procurements import selectors, services
from procurements.views.base import PAGE_SIZE
from procurements.views.vendor import VendorSolicitationActionView
from vendors.views.base import VendorTemplatePage


class AcknowledgeView(VendorSolicitationActionView):
    form_name, fragment = "acknowledge_form", "addenda"

    def load_objects(self):
        super().load_objects()
        self.addendum = get_or_404(
            selectors.addendum_get_public, self.solicitation, self.kwargs["number"]
        )

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        return services.addendum_acknowledge(actor=self.actor, addendum=self.addendum)

    def success_message(self, acknowledgement):
        return (
            f"Your company acknowledged addendum {self.addendum.number} to "
            f"{self.solicitation.reference}."
        )


class VendorAddendaView(VendorTemplatePage):
    """Addenda of the solicitations the company follows: those it still has to acknowledge
    while bidding is open, then every one, newest first."""

    template_name = "procurements/vendor/addenda.html"
    section = "addenda"

    def get_context_data(self, **kwargs):
        kwargs["pending"] = list(selectors.vendor_addenda(self.actor, pending=True))
        every = selectors.vendor_addenda(self.actor)
        kwargs["page"] = Paginator(every, PAGE_SIZE).get_page(self.request.GET.get("page"))
        return super().get_context_data(**kwargs)
