"""HTML pages of the tenant: dashboard, tenant admin, audit trail. Thin: parse, call, render."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.views.generic import TemplateView

from departments import selectors
from departments.tenancy import tenant_actor_for
from p3hub.errors import NotFound


class TenantViewMixin(LoginRequiredMixin):
    """Resolves `self.actor` from the URL's municipality slug once per request; 404 for
    non-members, exactly as for a municipality that does not exist."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.actor = tenant_actor_for(request.user, kwargs["municipality_slug"])
            except NotFound:
                raise Http404("Not found.") from None
            request.tenant_actor = self.actor
        return super().dispatch(request, *args, **kwargs)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = selectors.municipalities_public()
        if self.request.user.is_authenticated:
            context["my_memberships"] = selectors.memberships_of(self.request.user)
        return context


class DashboardView(TenantViewMixin, TemplateView):
    template_name = "departments/dashboard.html"
