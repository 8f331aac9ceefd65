"""The bid tabulation for the companies whose bid was opened (in the portal, their own row
marked) and for the public, where the municipality publishes tabulations. Before the
opening, for a company that did not bid, or where the setting hides it: 404, as for a
solicitation that does not exist (invariant 2)."""

from django.views.generic import TemplateView

from departments.views.base import MunicipalityPage, get_or_404
from p3hub.formatting import zone_name
from procurements import selectors
from procurements.views.vendor import VendorSolicitationPage


def tabulation_context(solicitation) -> dict:
    municipality = solicitation.municipality
    return {
        "solicitation": solicitation,
        "municipality": municipality,
        "currency": municipality.currency,
        "zone": zone_name(municipality.time_zone),
        "tabulation": selectors.tabulation_of(solicitation),
    }


class VendorTabulationView(VendorSolicitationPage):
    """The tabulation, for a company whose bid was opened (404 for any other)."""

    template_name = "procurements/bids/vendor_tabulation.html"
    find = staticmethod(selectors.vendor_tabulation_get)

    def get_context_data(self, **kwargs):
        kwargs.update(tabulation_context(self.solicitation))
        return super().get_context_data(**kwargs)


class PublicTabulationView(MunicipalityPage, TemplateView):
    template_name = "procurements/bids/public_tabulation.html"

    def load_objects(self):
        self.solicitation = get_or_404(
            selectors.public_tabulation_get, self.municipality, self.kwargs["reference"]
        )

    def get_context_data(self, **kwargs):
        kwargs.update(tabulation_context(self.solicitation))
        return super().get_context_data(**kwargs)
