"""The workspace's forms, each posting to its own URL: one form, one service. A refusal
re-renders the workspace with that form's errors; success redirects back to its section."""

from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views.base import ServiceFormMixin, get_or_404
from departments.views.confirm import ConfirmActionMixin
from p3hub.clock import db_now
from p3hub.money import format_amount
from procurements import consequences, forms, selectors, services
from procurements.models import Participation, Solicitation
from procurements.templatetags.procurement_tags import quantity
from procurements.views.base import split_table
from procurements.views.manage import SolicitationActionView, SolicitationMixin


class SolicitationUpdateView(SolicitationActionView):
    form_name, fragment = "edit_form", "overview"

    def build_form(self, data=None, files=None):
        return forms.SolicitationEditForm(data, initial=self.edit_initial())

    def run(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        return services.solicitation_update(
            actor=self.actor, solicitation=self.solicitation, **changes
        )

    def success_message(self, solicitation):
        return "The overview and key dates were saved."


class LineItemAddView(SolicitationActionView):
    form_name, fragment = "line_form", "line-items"

    def build_form(self, data=None, files=None):
        return forms.LineItemForm(data, currency=self.currency)

    def run(self, form):
        return services.line_item_add(
            actor=self.actor, solicitation=self.solicitation, **form.cleaned_data
        )

    def success_message(self, item):
        return f"Line item “{item.description}” was added."


class LineItemMixin(SolicitationMixin):
    def load_objects(self):
        super().load_objects()
        self.item = get_or_404(selectors.line_item_get, self.solicitation, self.kwargs["pk"])


class LineItemEditView(ServiceFormMixin, LineItemMixin, TemplateView):
    """A focused page for one line item: GET shows it filled in, POST saves it."""

    template_name = "procurements/manage/line_item_form.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.build_form())
        kwargs.update(solicitation=self.solicitation, item=self.item, currency=self.currency)
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        item = self.item
        initial = {
            "description": item.description,
            "quantity": quantity(item.quantity),  # “1”, not the column's “1.000”
            "unit": item.unit,
            "site": item.site,
            "estimated_unit_price": format_amount(item.estimated_unit_price_minor, self.currency),
        }
        return forms.LineItemForm(data, initial=initial, currency=self.currency)

    def run(self, form):
        return services.line_item_update(actor=self.actor, item=self.item, **form.cleaned_data)

    def success_message(self, item):
        return f"Line item “{item.description}” was saved."

    def success_url(self, item):
        return self.detail_url("line-items")


class WorkspaceConfirmMixin(ConfirmActionMixin):
    """The confirm step of a workspace action: back to the section, crumbs to the workspace."""

    def confirm_back_url(self) -> str:
        return self.detail_url(self.fragment)

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [
            ("Solicitations", self.tenant_url("solicitation-manage-list")),
            (self.solicitation.reference, self.detail_url()),
        ]


class LineItemRemoveView(WorkspaceConfirmMixin, LineItemMixin, SolicitationActionView):
    form_name, fragment = "remove_form", "line-items"
    confirm_button = "Remove line item"
    confirm_button_class = "button button--warning"

    @property
    def confirm_title(self) -> str:
        return f"Remove “{self.item.description}” from {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        return [
            f"Line item {self.item.position}, “{self.item.description}”, is removed; "
            "bidders will not price it.",
            *consequences.split_needs_redoing(self.solicitation),
        ]

    def build_form(self, data=None, files=None):
        return forms.NoInputForm(data)

    def run(self, form):
        services.line_item_remove(actor=self.actor, item=self.item)
        return self.item

    def success_message(self, item):
        return f"Line item “{item.description}” was removed."


class CriteriaSetView(SolicitationActionView):
    form_name, fragment = "criteria_formset", "criteria"

    def build_form(self, data=None, files=None):
        return forms.criteria_formset(data)

    def run(self, formset):
        return services.criteria_set(
            actor=self.actor, solicitation=self.solicitation, criteria=formset.criteria()
        )

    def success_message(self, criteria):
        return "The evaluation criteria were saved."


class ParticipationInviteView(SolicitationActionView):
    form_name, fragment = "invite_form", "participants"

    def build_form(self, data=None, files=None):
        departments = department_selectors.departments_for(self.actor)
        return forms.InviteForm(data, departments=departments)

    def run(self, form):
        return services.participation_invite(
            actor=self.actor,
            solicitation=self.solicitation,
            department=form.cleaned_data["department"],
        )

    def success_message(self, participation):
        return f"{participation.department.name} was invited."


class ParticipationActionView(SolicitationActionView):
    """Join, decline or withdraw one participation: a button, no input."""

    form_name, fragment = "participation_form", "participants"
    service = None
    done = ""

    def load_objects(self):
        super().load_objects()
        self.participation = get_or_404(
            selectors.participation_get, self.solicitation, self.kwargs["pk"]
        )

    def build_form(self, data=None, files=None):
        return forms.NoInputForm(data)

    def run(self, form):
        return self.service(actor=self.actor, participation=self.participation)

    def success_message(self, participation):
        return f"{participation.department.name} {self.done}."

    def success_url(self, participation) -> str:
        """Back to where the button was (the dashboard, the inbox) when that is one of our own
        pages; the workspace's section otherwise."""
        back = self.request.POST.get("next", "")
        if back.startswith("/") and url_has_allowed_host_and_scheme(
            back, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return back
        return super().success_url(participation)


class ParticipationJoinView(ParticipationActionView):
    service, done = staticmethod(services.participation_join), "joined"


class ParticipationDeclineView(ParticipationActionView):
    service, done = staticmethod(services.participation_decline), "declined"


class ParticipationWithdrawView(WorkspaceConfirmMixin, ParticipationActionView):
    service, done = staticmethod(services.participation_withdraw), "no longer takes part"
    confirm_button_class = "button button--warning"

    @property
    def confirm_title(self) -> str:
        department = self.participation.department
        return f"Remove {department.name} ({department.code}) from {self.solicitation.reference}?"

    @property
    def confirm_button(self) -> str:
        return f"Remove {self.participation.department.code}"

    def confirm_consequences(self) -> list[str]:
        department = self.participation.department
        if self.participation.status != Participation.Status.JOINED:
            return [f"The invitation to {department.name} is withdrawn."]
        return [
            f"{department.name} no longer takes part and shares none of the cost.",
            *consequences.split_needs_redoing(self.solicitation),
        ]


class CostSplitFormView(SolicitationActionView):
    form_name, fragment = "split_form", "cost-split"

    def build_form(self, data=None, files=None):
        return self.split_form(data)


class CostSplitProposeView(WorkspaceConfirmMixin, CostSplitFormView):
    """Proposing asks for confirmation only when it discards approvals (of the version in
    force, or those given to a version another head rejected), saying whose; the first
    version is proposed at once."""

    confirm_template_name = "procurements/manage/confirm_propose.html"
    confirm_button = "Propose the new version"

    @property
    def confirm_title(self) -> str:
        return f"Propose a new cost split version for {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        return [
            *consequences.approvals_not_carried_over(self.solicitation),
            "Every head decides the new version; approvals never carry over.",
        ]

    def get(self, request, *args, **kwargs):
        # The confirm step carries the typed split; without one there is nothing to confirm.
        return redirect(self.detail_url(self.fragment))

    def post(self, request, *args, **kwargs):
        if not consequences.approvals_not_carried_over(self.solicitation):
            return ServiceFormMixin.post(self, request, *args, **kwargs)
        return super().post(request, *args, **kwargs)

    def run(self, form):
        return services.cost_split_propose(
            actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
        )

    def success_message(self, version):
        return (
            f"Version {version.number} of the cost split was proposed; each department head "
            "has been asked to approve it."
        )


class CostSplitPreviewView(CostSplitFormView):
    """Computes the split without saving it. htmx swaps in the split form region (the table,
    or the errors beside the inputs); without JavaScript the whole page comes back."""

    partial_template_name = "procurements/manage/_split_form.html"

    def run(self, form):
        self.preview_form = form
        return services.cost_split_preview(
            actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
        )

    def failure_context(self, form):
        if self.request.htmx:  # only the split form's region: its own summary announces it
            return {"split_form": form}
        return {"split_form": form, "failed": self.fragment, "failed_form": form}

    def refusal_page_url(self) -> str | None:
        return None  # a preview is an answer, not a move: shown where it was asked for

    def succeeded(self, result):
        form = self.preview_form
        descriptions = {line.pk: line.description for line in form.lines}
        caption = f"Preview of the cost split, in {self.currency}"
        preview = split_table(result.as_json(), descriptions, self.currency, caption)
        return self.render_split(form, preview=preview)

    def render_to_response(self, context, **response_kwargs):
        partial = self.request.htmx and not self.request.htmx.history_restore_request
        template = self.partial_template_name if partial else self.template_name
        response = TemplateResponse(self.request, template, context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response

    def render_split(self, form, *, preview):
        return self.render_to_response(self.get_context_data(split_form=form, preview=preview))


class DocumentAddView(SolicitationActionView):
    form_name, fragment = "document_form", "documents"

    def build_form(self, data=None, files=None):
        return forms.DocumentForm(data, files)

    def run(self, form):
        return services.document_add(
            actor=self.actor,
            solicitation=self.solicitation,
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
        )

    def success_message(self, document):
        return f"“{document.title}” was attached."


class AddendumPublishView(SolicitationActionView):
    form_name, fragment = "addendum_form", "addenda"

    def build_form(self, data=None, files=None):
        return forms.AddendumForm(data, files, lines=selectors.line_items_of(self.solicitation))

    def run(self, form):
        return services.addendum_publish(
            actor=self.actor, solicitation=self.solicitation, **form.service_arguments()
        )

    def success_message(self, addendum):
        return (
            f"Addendum {addendum.number} was published; companies that follow "
            f"{self.solicitation.reference} are being e-mailed."
        )


def shown_when(value) -> str:
    """A date as the pages show it, in the municipality's zone (the view runs in it)."""
    return date_format(timezone.localtime(value), "D j M Y H:i T")


def _codes(departments) -> str:
    codes = [department.code for department in departments]
    return " and ".join([", ".join(codes[:-1]), codes[-1]] if len(codes) > 1 else codes)


class SolicitationConfirmMixin(ConfirmActionMixin):
    """The confirm step of a move of the solicitation's lifecycle, back to its status panel."""

    move = ""

    def confirm_check(self) -> None:
        Solicitation.lifecycle.check_actor(self.solicitation, self.move, self.actor)

    def confirm_back_url(self) -> str:
        return self.detail_url("status")

    def confirm_breadcrumbs(self):
        return [
            ("Solicitations", self.tenant_url("solicitation-manage-list")),
            (self.solicitation.reference, self.detail_url()),
        ]


class PublishView(SolicitationConfirmMixin, SolicitationActionView):
    form_name, fragment, move = "publish_form", "status", "publish"
    confirm_button = "Publish"

    @property
    def confirm_title(self) -> str:
        return f"Publish {self.solicitation.reference}?"

    def confirm_blockers(self) -> list[str]:
        return [blocker.message for blocker in services.publish_blockers(self.solicitation)]

    def confirm_consequences(self) -> list[str]:
        solicitation = self.solicitation
        publish_at = solicitation.publish_at
        if publish_at is not None and publish_at > db_now():
            becomes = (
                f"It becomes public on {shown_when(publish_at)}; until then only staff see it."
            )
        else:
            becomes = "It becomes public now: vendors and the public can see it at once."
        sentences = [becomes, f"Bids close {shown_when(solicitation.bids_due_at)}."]
        joined = solicitation.joined_departments()
        if joined:
            sentences.append(f"The heads of {_codes(joined)} are told by e-mail.")
        return sentences

    def build_form(self, data=None, files=None):
        return forms.NoInputForm(data)

    def run(self, form):
        return services.solicitation_publish(actor=self.actor, solicitation=self.solicitation)

    def success_message(self, solicitation):
        if solicitation.status == solicitation.Status.SCHEDULED:
            return (
                f"{solicitation.reference} is scheduled: it becomes public on "
                f"{shown_when(solicitation.publish_at)}."
            )
        return f"{solicitation.reference} is published: vendors and the public can see it now."


class CancelView(SolicitationConfirmMixin, SolicitationActionView):
    form_name, fragment, move = "cancel_form", "status", "cancel"
    confirm_button = "Cancel solicitation"
    confirm_button_class = "button button--warning"
    confirm_back_label = "Keep it, go back"

    @property
    def confirm_title(self) -> str:
        return f"Cancel {self.solicitation.reference}?"

    def confirm_consequences(self) -> list[str]:
        solicitation = self.solicitation
        if solicitation.is_public:
            public = "The public page will show the cancellation notice with your reason."
        else:
            public = "It was never public, so it stays hidden from the public."
        told = len(services.cancel_recipients(solicitation))
        people = "person is" if told == 1 else "people are"
        return [
            public,
            f"{told} {people} e-mailed: the heads of the participating departments and the "
            "officer who created it.",
            "This cannot be undone.",
        ]

    def build_form(self, data=None, files=None):
        return forms.ReasonForm(data)

    def run(self, form):
        return services.solicitation_cancel(
            actor=self.actor, solicitation=self.solicitation, reason=form.cleaned_data["reason"]
        )

    def success_message(self, solicitation):
        return f"{solicitation.reference} was cancelled."
