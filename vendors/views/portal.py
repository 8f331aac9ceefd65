"""The vendor portal: one company's home, with what other apps add (settings.PAGE_PANELS)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from departments.views.base import get_or_404, panels_for
from vendors import selectors


class PortalView(LoginRequiredMixin, TemplateView):
    """A vendor user's portal; anyone else (staff of a city included) gets 404."""

    template_name = "vendors/portal.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.vendor_user = get_or_404(selectors.vendor_user_of, request.user)
        response = super().dispatch(request, *args, **kwargs)
        patch_cache_control(response, private=True, no_store=True)
        return response

    def get_context_data(self, **kwargs):
        kwargs.update(
            vendor=self.vendor_user.vendor,
            panels=panels_for("portal", self),
        )
        return super().get_context_data(**kwargs)
