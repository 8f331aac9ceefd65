"""The workspace's forms, each posting to its own URL: one form, one service. A refusal
re-renders the workspace with that form's errors; success redirects back to its section."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.cache import patch_vary_headers
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views import apply_service_error, get_or_404, raise_as_http
from p3hub.errors import ApplicationError
from procurements import forms, selectors, services
from procurements.views.base import split_table
from procurements.views.manage import SolicitationActionView, SolicitationMixin


class SolicitationUpdateView(SolicitationActionView):
    form_name, fragment = "edit_form", "overview"

    def build_form(self):
        return forms.SolicitationEditForm(self.request.POST, initial=self.edit_initial())

    def run_service(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.solicitation_update(
            actor=self.actor, solicitation=self.solicitation, **changes
        )

    def success_message(self, solicitation):
        return "The overview and key dates were saved."


class LineItemAddView(SolicitationActionView):
    form_name, fragment = "line_form", "line-items"

    def build_form(self):
        return forms.LineItemForm(self.request.POST, currency=self.currency)

    def run_service(self, form):
        data = form.cleaned_data
        return services.line_item_add(
            actor=self.actor,
            solicitation=self.solicitation,
            description=data["description"],
            quantity=data["quantity"],
            unit=data["unit"],
            site=data["site"],
            estimated_unit_price_minor=data["estimated_unit_price"],
        )

    def success_message(self, item):
        return f"Line item “{item.description}” was added."


class LineItemEditView(SolicitationMixin, TemplateView):
    """A focused page for one line item: GET shows it filled in, POST saves it."""

    template_name = "procurements/manage/line_item_form.html"

    def load_objects(self):
        super().load_objects()
        self.item = get_or_404(selectors.line_item_get, self.solicitation, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.form())
        kwargs.update(solicitation=self.solicitation, item=self.item, currency=self.currency)
        return super().get_context_data(**kwargs)

    def form(self, data=None) -> forms.LineItemForm:
        item = self.item
        initial = {
            "description": item.description,
            "quantity": item.quantity,
            "unit": item.unit,
            "site": item.site,
            "estimated_unit_price": item.estimated_unit_price_minor,
        }
        return forms.LineItemForm(data, initial=initial, currency=self.currency)

    def post(self, request, *args, **kwargs):
        form, status = self.form(request.POST), 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.line_item_update(
                    actor=self.actor,
                    item=self.item,
                    description=data["description"],
                    quantity=data["quantity"],
                    unit=data["unit"],
                    site=data["site"],
                    estimated_unit_price_minor=data["estimated_unit_price"],
                )
            except ApplicationError as error:
                apply_service_error(form, error)
                status = error.status_code
            else:
                messages.success(request, f"Line item “{data['description']}” was saved.")
                return redirect(self.detail_url("line-items"))
        return self.render_to_response(self.get_context_data(form=form), status=status)


class LineItemRemoveView(SolicitationActionView):
    form_name, fragment = "remove_form", "line-items"

    def load_objects(self):
        super().load_objects()
        self.item = get_or_404(selectors.line_item_get, self.solicitation, self.kwargs["pk"])

    def build_form(self):
        return forms.NoInputForm(self.request.POST)

    def run_service(self, form):
        services.line_item_remove(actor=self.actor, item=self.item)
        return self.item

    def success_message(self, item):
        return f"Line item “{item.description}” was removed."


class CriteriaSetView(SolicitationActionView):
    form_name, fragment = "criteria_formset", "criteria"

    def build_form(self):
        return forms.criteria_formset(self.request.POST)

    def run_service(self, formset):
        criteria, self.rows = forms.criteria_from(formset)
        return services.criteria_set(
            actor=self.actor, solicitation=self.solicitation, criteria=criteria
        )

    def apply_error(self, formset, error):
        raise_as_http(error)
        forms.apply_criteria_error(formset, self.rows, error)

    def success_message(self, criteria):
        return "The evaluation criteria were saved."


class ParticipationInviteView(SolicitationActionView):
    form_name, fragment = "invite_form", "participants"

    def build_form(self):
        departments = department_selectors.departments_for(self.actor)
        return forms.InviteForm(self.request.POST, departments=departments)

    def run_service(self, form):
        return services.participation_invite(
            actor=self.actor,
            solicitation=self.solicitation,
            department=form.cleaned_data["department"],
        )

    def success_message(self, participation):
        return f"{participation.department.name} was invited."


class ParticipationActionView(SolicitationActionView):
    """Join, decline or remove one participation: a button, no input."""

    form_name, fragment = "participation_form", "participants"
    service = None
    done = ""

    def load_objects(self):
        super().load_objects()
        self.participation = get_or_404(
            selectors.participation_get, self.solicitation, self.kwargs["pk"]
        )

    def build_form(self):
        return forms.NoInputForm(self.request.POST)

    def run_service(self, form):
        self.service(actor=self.actor, participation=self.participation)
        return self.participation

    def success_message(self, participation):
        return f"{participation.department.name} {self.done}."


class ParticipationJoinView(ParticipationActionView):
    service, done = staticmethod(services.participation_join), "joined"


class ParticipationDeclineView(ParticipationActionView):
    service, done = staticmethod(services.participation_decline), "declined"


class ParticipationRemoveView(ParticipationActionView):
    service, done = staticmethod(services.participation_remove), "no longer takes part"


class SplitProposeView(SolicitationActionView):
    form_name, fragment = "split_form", "cost-split"

    def build_form(self):
        return self.split_form(self.request.POST)

    def run_service(self, form):
        data = form.cleaned_data
        return services.cost_split_propose(
            actor=self.actor,
            solicitation=self.solicitation,
            in_kind_contributor=data["in_kind_contributor"],
            in_kind_description=data["in_kind_description"],
            note=data["note"],
            **form.service_arguments(),
        )

    def apply_error(self, form, error):
        raise_as_http(error)
        form.apply_service_error(error)

    def success_message(self, version):
        return (
            f"Version {version.number} of the cost split was proposed; each department head "
            "has been asked to approve it."
        )


class SplitPreviewView(SplitProposeView):
    """Computes the split without saving it. htmx swaps in the split form region (the table,
    or the errors beside the inputs); without JavaScript the whole page comes back."""

    partial_template_name = "procurements/manage/_split_form.html"

    def post(self, request, *args, **kwargs):
        form, status, preview = self.build_form(), 400, None
        if form.is_valid():
            try:
                result = services.cost_split_preview(
                    actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
                )
            except ApplicationError as error:
                self.apply_error(form, error)
                status = error.status_code
            else:
                status = 200
                descriptions = {line.pk: line.description for line in form.lines}
                caption = f"Preview of the cost split, in {self.currency}"
                preview = split_table(result.as_json(), descriptions, self.currency, caption)
        failed = self.fragment if preview is None else ""
        context = self.get_context_data(split_form=form, preview=preview, failed=failed)
        partial = request.htmx and not request.htmx.history_restore_request
        template = self.partial_template_name if partial else self.template_name
        response = TemplateResponse(request, template, context, status=status)
        patch_vary_headers(response, ["HX-Request"])
        return response


class DocumentAddView(SolicitationActionView):
    form_name, fragment = "document_form", "documents"

    def build_form(self):
        return forms.DocumentForm(self.request.POST, self.request.FILES)

    def run_service(self, form):
        return services.document_add(
            actor=self.actor,
            solicitation=self.solicitation,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )

    def success_message(self, document):
        return f"“{document.title}” was attached."


class PublishView(SolicitationActionView):
    form_name, fragment = "publish_form", "status"

    def build_form(self):
        return forms.NoInputForm(self.request.POST)

    def run_service(self, form):
        return services.solicitation_publish(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, solicitation):
        return f"{solicitation.reference} is published: vendors and the public can see it now."


class CancelView(SolicitationActionView):
    form_name, fragment = "cancel_form", "status"

    def build_form(self):
        return forms.ReasonForm(self.request.POST)

    def run_service(self, form):
        return services.solicitation_cancel(
            actor=self.actor, solicitation=self.solicitation, reason=form.cleaned_data["reason"]
        )

    def success_message(self, solicitation):
        return f"{solicitation.reference} was cancelled."
