"""The heads' approval inbox, and their decisions on one cost split version."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views import TenantViewMixin, apply_service_error, get_or_404
from p3hub.errors import ApplicationError
from p3hub.money import format_money
from procurements import forms, selectors, services
from procurements.views.base import PAGE_SIZE, version_table


class ApprovalInboxView(TenantViewMixin, TemplateView):
    """What awaits the actor's decision as a department head, one row per (version,
    department), each with its whole split; and the decisions taken lately."""

    template_name = "procurements/approval_inbox.html"
    section = "approvals"

    def get_context_data(self, **kwargs):
        currency = self.actor.municipality.currency
        page = Paginator(selectors.approvals_pending_for(self.actor), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        failed = kwargs.pop("failed_form", None)
        for row in page:
            version = row.costsplitversion
            row.share = format_money(version.result["departments"][row.department.code], currency)
            row.table = version_table(version, currency)
            key = (version.pk, row.department_id)
            row.reject_form = forms.ReasonForm(prefix=f"reject-{key[0]}-{key[1]}")
            if failed is not None and key == self.decision_key():
                row.error_form = failed
                if isinstance(failed, forms.ReasonForm):
                    row.reject_form = failed
        kwargs.update(
            page=page,
            currency=currency,
            is_head=bool(self.actor.headed_department_ids),
            decided=selectors.decisions_recent_for(self.actor),
            failed_form=failed,
        )
        return super().get_context_data(**kwargs)

    def decision_key(self):
        return None


class DecisionView(ApprovalInboxView):
    """POST only: approve or reject one version for one department. The department comes
    from the URL; the service checks that the actor heads it (403 otherwise)."""

    http_method_names = ["post"]

    def load_objects(self):
        solicitation = get_or_404(
            selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )
        self.version = get_or_404(selectors.split_version_get, solicitation, self.kwargs["number"])
        self.department = get_or_404(
            department_selectors.department_get_for, self.actor, self.kwargs["department_pk"]
        )

    def decision_key(self):
        return (self.version.pk, self.department.pk)

    def build_form(self):
        raise NotImplementedError

    def decide(self, form):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form, status = self.build_form(), 400
        if form.is_valid():
            try:
                message = self.decide(form)
            except ApplicationError as error:
                apply_service_error(form, error)
                status = error.status_code
            else:
                messages.success(request, message)
                return redirect("approval-inbox", self.actor.municipality.slug)
        return self.render_to_response(self.get_context_data(failed_form=form), status=status)


class ApproveView(DecisionView):
    def build_form(self):
        return forms.NoInputForm(self.request.POST)

    def decide(self, form):
        services.cost_split_approve(
            actor=self.actor, version=self.version, department=self.department
        )
        reference = self.version.solicitation.reference
        return (
            f"You approved the {self.department.code} share of {reference} v{self.version.number}."
        )


class RejectView(DecisionView):
    def build_form(self):
        key = f"reject-{self.version.pk}-{self.department.pk}"
        return forms.ReasonForm(self.request.POST, prefix=key)

    def decide(self, form):
        services.cost_split_reject(
            actor=self.actor,
            version=self.version,
            department=self.department,
            reason=form.cleaned_data["reason"],
        )
        reference = self.version.solicitation.reference
        return f"You rejected {reference} v{self.version.number} for {self.department.code}."
