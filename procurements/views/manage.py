"""The staff workspace: the list of solicitations, creating one, and one solicitation's page
of small forms. Each form posts to its own SolicitationActionView (the subclasses are in
procurements.views.actions)."""

from django.core.exceptions import PermissionDenied as HttpForbidden
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments.views.audit import audit_rows
from departments.views.base import ServiceFormMixin, ServiceFormView, TenantViewMixin, get_or_404
from p3hub.clock import db_now
from p3hub.formatting import zone_name
from p3hub.money import format_amount
from procurements import forms, selectors, services
from procurements.checklist import checklist
from procurements.models import CostSplitVersion, Participation, Question, Solicitation
from procurements.views.base import (
    AFTER_OPENING,
    HISTORY_LIMIT,
    FilteredListMixin,
    solicitation_facts,
    version_table,
)


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
    admin_only = False
    section = "solicitations"

    def load_objects(self):
        # The service refuses too; checking here also keeps the empty form from others.
        if not self.actor.is_officer:
            raise HttpForbidden("Only a procurement officer may start a solicitation.")

    def build_form(self, data=None, files=None, initial=None):
        return forms.SolicitationCreateForm(data, initial=initial, departments=self.departments())

    def run(self, form):
        return services.solicitation_create(actor=self.actor, **form.cleaned_data)

    def success_message(self, solicitation):
        return f"{solicitation.reference} was created as a draft. Add line items next."

    def success_url(self, solicitation):
        return self.tenant_url("solicitation-manage", solicitation.reference)


class SolicitationMixin(TenantViewMixin):
    section = "solicitations"

    def load_objects(self):
        self.solicitation = get_or_404(
            selectors.solicitation_get_for, self.actor, self.kwargs["reference"]
        )

    @property
    def currency(self) -> str:
        return self.municipality.currency

    def detail_url(self, fragment: str = "") -> str:
        url = self.tenant_url("solicitation-manage", self.solicitation.reference)
        return f"{url}#{fragment}" if fragment else url


class SolicitationDetailView(SolicitationMixin, TemplateView):
    """The workspace: every section of one solicitation, with a form for each move and
    action the actor may take. Views that handle a form pass their bound form in to replace
    the blank one."""

    template_name = "procurements/manage/detail.html"

    def get_context_data(self, **kwargs):
        solicitation = self.solicitation
        facts = solicitation_facts(solicitation)
        versions = list(selectors.split_versions_of(solicitation))
        current = next((v for v in versions if v.is_current), None)
        for version in versions:
            version.table = version_table(version, self.currency, shares=version.shares.all())
        # A new proposal starts from the version in force or, once none is (a rejection), from
        # the latest: the officer edits the rejected split rather than retyping it.
        start_from = current or next(iter(versions), None)
        kwargs = {**facts, **self.blank_forms(facts, start_from), **kwargs}
        kwargs.update(
            currency=self.currency,
            zone=zone_name(self.municipality.time_zone),
            versions=versions,
            current=current,
            moves=Solicitation.lifecycle.open_names(solicitation, self.actor),
            participations=self.participations(),
            history=self.history(),
            editable=solicitation.status in Solicitation.EDITABLE,
            publish_blockers=self.publish_blockers(),
            questions=list(selectors.questions_for_staff(self.actor, solicitation)),
            addenda=list(selectors.addenda_for_staff(solicitation)),
            addendum_open=services.open_for_bids(solicitation, db_now()),
            bids_received=self.bids_received(),
            evaluation_links=self.evaluation_links(),
        )
        unanswered = [q for q in kwargs["questions"] if q.status == Question.Status.ASKED]
        for question in unanswered:
            question.answer_form = forms.answer_form(question.number)
        kwargs["unanswered_count"] = len(unanswered)
        kwargs["checklist"] = checklist(
            solicitation,
            participations=kwargs["participations"],
            lines=kwargs["lines"],
            criteria=kwargs["criteria"],
            current=current,
        )
        return super().get_context_data(**kwargs)

    def bids_received(self) -> int | None:
        """How many bids arrived (all staff may know the count); None before publication,
        when there can be none."""
        if self.solicitation.published_at is None:
            return None
        return selectors.bids_received(self.solicitation)

    def evaluation_links(self) -> dict:
        """Once the bids are opened, the evaluation page and, after it closed, the award."""
        solicitation = self.solicitation
        if solicitation.status not in AFTER_OPENING:
            return {}
        evaluation = selectors.evaluation_of(solicitation)
        closed = evaluation is not None and not evaluation.is_open
        return {"award": closed or solicitation.status == Solicitation.Status.AWARDED}

    def publish_blockers(self) -> list[dict]:
        """What the status panel says stops publishing, each with a link to what to edit."""
        if self.solicitation.status not in Solicitation.EDITABLE:
            return []
        return [
            {"message": blocker.message, "link": blocker_link(blocker.field)}
            for blocker in services.publish_blockers(self.solicitation)
        ]

    def history(self) -> list:
        events = list(selectors.solicitation_history(self.solicitation)[:HISTORY_LIMIT])
        audit_rows(
            events,
            contacts=department_selectors.contacts_visible_to(self.actor),
            municipality=self.municipality,
        )
        return events

    def participations(self) -> list:
        """Each participation, with the moves the actor may make on it (join, withdraw...)."""
        rows = list(self.solicitation.participations.all())
        for row in rows:
            row.solicitation = self.solicitation
            row.moves = Participation.lifecycle.open_names(row, self.actor)
        return rows

    def blank_forms(self, facts: dict, current) -> dict:
        taken = {p.department_id for p in self.solicitation.participations.all()}
        invitable = department_selectors.departments_for(self.actor).filter(is_active=True)
        return {
            "edit_form": forms.SolicitationEditForm(initial=self.edit_initial()),
            "line_form": forms.LineItemForm(currency=self.currency),
            "criteria_formset": forms.criteria_formset(criteria=facts["criteria"]),
            "invite_form": forms.InviteForm(departments=invitable.exclude(pk__in=taken)),
            "split_form": self.split_form(initial=split_initial(current, self.currency)),
            "document_form": forms.DocumentForm(),
            "cancel_form": forms.ReasonForm(),
            "publish_form": forms.NoInputForm(),
            "addendum_form": forms.AddendumForm(lines=facts["lines"]),
        }

    def edit_initial(self) -> dict:
        names = ["kind", "title", "description", "category", *Solicitation.DATE_FIELDS]
        return {name: getattr(self.solicitation, name) for name in names}

    def split_form(self, data=None, initial=None) -> forms.CostSplitForm:
        return forms.CostSplitForm(
            data,
            initial=initial,
            departments=self.solicitation.joined_departments(),
            lines=list(selectors.line_items_of(self.solicitation)),
            currency=self.currency,
            invited=selectors.invited_departments_of(self.solicitation),
        )


# Where the workspace edits what a publish blocker names (services.publish_blockers).
BLOCKER_LINKS = {
    **{name: f"#id_edit-{name}" for name in Solicitation.DATE_FIELDS},
    "criteria": "#criteria",
    "departments": "#participants",
    "cost_split": "#cost-split",
}


def blocker_link(field: str | None) -> str:
    return BLOCKER_LINKS.get(field or "", "#status")


def split_initial(version: CostSplitVersion | None, currency: str) -> dict:
    """The split form filled with the current version, so a new proposal starts from it;
    amounts as people write them."""
    if version is None:
        return {}
    initial = {
        "method": version.method,
        "in_kind_amount": format_amount(version.in_kind_minor, currency)
        if version.in_kind_minor
        else "",
        "in_kind_contributor": version.in_kind_contributor,
        "in_kind_description": version.in_kind_description,
    }
    for group, values in version.inputs.items():
        for key, value in values.items():
            if isinstance(value, dict):  # per line: {line: {code: value}}
                initial.update({f"{group}.{key}.{code}": v for code, v in value.items()})
            elif group == "amounts":
                initial[f"{group}.{key}"] = format_amount(value, currency)
            else:
                initial[f"{group}.{key}"] = value
    return initial


class SolicitationActionView(ServiceFormMixin, SolicitationDetailView):
    """POST only: one form, one service. A refusal returns to the workspace (303), which
    shows the bound form in place of the blank one and the section marked; success returns
    to the section too."""

    http_method_names = ["post"]
    fragment = ""  # the section to return to

    def failure_context(self, form) -> dict:
        return {self.form_name: form, "failed": self.fragment, "failed_form": form}

    def refusal_page_url(self) -> str | None:
        return self.detail_url(self.fragment)

    def success_url(self, result) -> str:
        return self.detail_url(self.fragment)
