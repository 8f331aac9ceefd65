"""HTML pages of solicitations: public list and detail, the officer's workspace, the heads'
approval inbox. Thin: parse, call a service or selector, render."""

from django.views.generic import TemplateView

from departments.views import TenantViewMixin
from procurements import selectors


class ApprovalInboxView(TenantViewMixin, TemplateView):
    template_name = "procurements/approval_inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["pending"] = selectors.approvals_pending_for(self.actor)
        return context
