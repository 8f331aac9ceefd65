"""The vendor portal: one company's home, with what other apps add (settings.PAGE_PANELS)."""

from departments.views.base import panels_for
from vendors.views.base import VendorTemplatePage


class PortalView(VendorTemplatePage):
    """A vendor user's portal; anyone else (staff of a city included) gets 404."""

    template_name = "vendors/portal.html"
    section = "portal"

    def get_context_data(self, **kwargs):
        kwargs["panels"] = panels_for("portal", self)
        return super().get_context_data(**kwargs)
