"""The bases of the vendor portal's pages (STYLE.md 9): `VendorPage` resolves the company a
signed-in person acts for (`self.actor`, a VendorActor) once per request, before any handler,
and answers 404 to everyone else, staff of a city included, exactly as for a page that does
not exist; `load_objects` then fetches the URL's objects through selectors scoped to that
company, so another company's profile, documents and questions are the same 404.
`VendorFormView` is a portal page with one form, run by the pages' one POST loop
(departments.views.base.ServiceFormMixin)."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from departments.views.base import RefusedFormPage, ServiceFormMixin, get_or_404
from vendors.actor import vendor_actor_for


class VendorPage(LoginRequiredMixin, RefusedFormPage):
    section = ""  # which link of the portal's navigation is the current page

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()  # to the sign-in page
        self.actor = get_or_404(vendor_actor_for, request.user)
        request.vendor_actor = self.actor  # the base template's portal navigation
        self.vendor = self.actor.vendor
        self.load_objects()
        response = super().dispatch(request, *args, **kwargs)
        # A company's data stays out of every cache, a shared computer's browser included.
        patch_cache_control(response, private=True, no_store=True)
        return response

    def load_objects(self) -> None:
        """Fetch the objects the URL names (none by default), before any handler."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actor", self.actor)
        kwargs.setdefault("vendor", self.vendor)
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)


class VendorTemplatePage(VendorPage, TemplateView):
    """A portal page that shows what its context says."""


class VendorFormView(ServiceFormMixin, VendorPage, TemplateView):
    """A portal page of one form whose input goes to one service; a form posted here from
    another page names that page in `refusal_page_url`."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault(self.form_name, self.build_form(initial=self.initial()))
        return super().get_context_data(**kwargs)

    def initial(self) -> dict:
        return {}
