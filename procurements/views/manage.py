"""The staff workspace: the dashboard, the list of solicitations, creating one, and one
solicitation's page of small forms. Each form posts to its own SolicitationActionView (the
subclasses are in procurements.views.actions)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments import views as department_views
from departments.views import (
    ServiceFormView,
    TenantViewMixin,
    apply_service_error,
    get_or_404,
)
from p3hub.errors import ApplicationError
from procurements import forms, selectors, services
from procurements.models import CostSplitVersion, Participation, Solicitation
from procurements.views.base import (
    HISTORY_LIMIT,
    FilteredListMixin,
    joined_departments,
    solicitation_facts,
    version_summary,
    version_table,
)


class DashboardView(department_views.DashboardView):
    """The tenant dashboard with the latest solicitations, and for heads what awaits them."""

    def get_context_data(self, **kwargs):
        kwargs["solicitations"] = selectors.solicitations_for(self.actor)[:5]
        if self.actor.headed_department_ids:
            kwargs["pending_count"] = selectors.approvals_pending_for(self.actor).count()
        return super().get_context_data(**kwargs)


class ManageListView(TenantViewMixin, FilteredListMixin, TemplateView):
    template_name = "procurements/manage/list.html"
    partial_template_name = "procurements/manage/_results.html"
    section = "solicitations"

    def filter_statuses(self):
        return Solicitation.Status.choices

    def filter_departments(self):
        return department_selectors.departments_for(self.actor)

    def solicitations(self, **filters):
        return selectors.solicitations_for(self.actor, **filters)


class SolicitationCreateView(ServiceFormView):
    template_name = "procurements/manage/create.html"
    form_class = forms.SolicitationCreateForm
    admin_only = False
    section = "solicitations"

    def load_objects(self):
        # The service refuses too; checking here also keeps the empty form from others.
        if not self.actor.is_officer:
            raise HttpForbidden("Only a procurement officer may start a solicitation.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": self.departments()}

    def run_service(self, data):
        return services.solicitation_create(actor=self.actor, **data)

    def success_message(self, solicitation):
        return f"{solicitation.reference} was created as a draft. Add line items next."

    def success_url_for(self, solicitation):
        return self.tenant_url("solicitation-manage", solicitation.reference)


class SolicitationMixin(TenantViewMixin):
    section = "solicitations"

    def load_objects(self):
        self.solicitation = get_or_404(
            selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )

    @property
    def currency(self) -> str:
        return self.actor.municipality.currency

    def detail_url(self, fragment: str = "") -> str:
        slug = self.actor.municipality.slug
        url = reverse("solicitation-manage", args=[slug, self.solicitation.reference])
        return f"{url}#{fragment}" if fragment else url


class SolicitationDetailView(SolicitationMixin, TemplateView):
    """The workspace: every section of one solicitation, with a form for each action the
    actor may take. Views that handle a form pass their bound form in to replace the blank."""

    template_name = "procurements/manage/detail.html"

    def get_context_data(self, **kwargs):
        solicitation = self.solicitation
        facts = solicitation_facts(solicitation)
        versions = list(selectors.split_versions_of(solicitation))
        current = next((v for v in versions if v.status in CostSplitVersion.CURRENT), None)
        for version in versions:
            version.table = version_table(version, self.currency)
            version.summary = version_summary(version, self.currency)
        kwargs = {**facts, **self.blank_forms(facts, current), **kwargs}
        kwargs.update(
            currency=self.currency,
            zone=self.actor.municipality.time_zone,
            versions=versions,
            current=current,
            participations=self.participations(),
            history=self.history(),
            editable=solicitation.status in Solicitation.EDITABLE,
        )
        return super().get_context_data(**kwargs)

    def history(self) -> list:
        events = list(selectors.solicitation_history(self.solicitation)[:HISTORY_LIMIT])
        for event in events:
            event.changes = department_views.audit_changes(event)
        return events

    def participations(self) -> list:
        """Each participation, marked with what the actor may do about it."""
        own = {m.department_id for m in self.actor.memberships if m.department_id}
        lead = self.solicitation.lead_department_id
        rows = list(self.solicitation.participations.all())
        for row in rows:
            row.can_answer = row.status == Participation.Status.INVITED and row.department_id in own
            row.can_remove = self.actor.is_officer and row.department_id != lead
        return rows

    def blank_forms(self, facts: dict, current) -> dict:
        solicitation = self.solicitation
        taken = {p.department_id for p in solicitation.participations.all()}
        return {
            "edit_form": forms.SolicitationEditForm(initial=self.edit_initial()),
            "line_form": forms.LineItemForm(currency=self.currency),
            "criteria_formset": forms.criteria_formset(criteria=facts["criteria"]),
            "invite_form": forms.InviteForm(
                departments=department_selectors.departments_for(self.actor)
                .filter(is_active=True)
                .exclude(pk__in=taken)
            ),
            "split_form": self.split_form(initial=split_initial(current)),
            "document_form": forms.DocumentForm(),
            "cancel_form": forms.ReasonForm(),
            "publish_form": forms.NoInputForm(),
        }

    def edit_initial(self) -> dict:
        names = ["kind", "title", "description", *forms.DATE_FIELDS]
        return {name: getattr(self.solicitation, name) for name in names}

    def split_form(self, data=None, initial=None) -> forms.CostSplitForm:
        return forms.CostSplitForm(
            data,
            initial=initial,
            departments=joined_departments(self.solicitation),
            lines=list(selectors.line_items_of(self.solicitation)),
            currency=self.currency,
        )


def split_initial(version: CostSplitVersion | None) -> dict:
    """The split form filled with the current version, so a new proposal starts from it."""
    if version is None:
        return {}
    initial = {
        "method": version.method,
        "in_kind_amount": version.in_kind_minor or None,
        "in_kind_contributor": version.in_kind_contributor,
        "in_kind_description": version.in_kind_description,
    }
    for group, values in version.inputs.items():
        for key, value in values.items():
            if isinstance(value, dict):  # per line: {line: {code: value}}
                initial.update({f"{group}.{key}.{code}": v for code, v in value.items()})
            else:
                initial[f"{group}.{key}"] = value
    return initial


class SolicitationActionView(SolicitationDetailView):
    """POST only: one form, one service. A refusal re-renders the workspace with the bound
    form in place of the blank one; the service is atomic, so nothing changed."""

    http_method_names = ["post"]
    form_name = ""  # the form's name in the workspace context
    fragment = ""  # the section to return to

    def build_form(self):
        raise NotImplementedError

    def run_service(self, form):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def apply_error(self, form, error: ApplicationError) -> None:
        apply_service_error(form, error)

    def post(self, request, *args, **kwargs):
        form, status = self.build_form(), 400
        if form.is_valid():
            try:
                result = self.run_service(form)
            except ApplicationError as error:
                self.apply_error(form, error)
                status = error.status_code
            else:
                messages.success(request, self.success_message(result))
                return redirect(self.detail_url(self.fragment))
        context = self.get_context_data(**{self.form_name: form, "failed": self.fragment})
        return self.render_to_response(context, status=status)
