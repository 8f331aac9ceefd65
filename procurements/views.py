"""HTML pages of solicitations: the public list and detail (no login), the staff workspace, the
heads' approval inbox. Thin: parse with a form, call one service or selector, render.

A solicitation's workspace is one page holding many small forms. Each form posts to its own URL
(a SolicitationActionView); a refusal re-renders the whole page with that form's errors and
what was typed, at the error's status, and success redirects back to the form's section.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import SimpleTemplateResponse, TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views import View
from django.views.generic import TemplateView

from departments import selectors as department_selectors
from departments import views as department_views
from departments.models import Municipality
from departments.tenancy import tenant_actor_for
from departments.views import (
    ServiceFormView,
    TenantViewMixin,
    apply_service_error,
    get_or_404,
    raise_as_http,
)
from p3hub.errors import ApplicationError, NotFound
from p3hub.money import format_money
from procurements import forms, selectors, services
from procurements.models import CostSplitVersion, Participation, Solicitation
from procurements.splits import line_amount_minor

PAGE_SIZE = 20
HISTORY_LIMIT = 100  # the full trail is on the audit page
PUBLIC_STATUSES = [(s.value, s.label) for s in Solicitation.Status if s in Solicitation.PUBLIC]


# --- presentation -----------------------------------------------------------------------------


def split_table(result: dict, descriptions: dict, currency: str, caption: str) -> dict:
    """A split's allocation as rows of formatted money: one row per line item, one column per
    department (by code, the order the money module breaks ties in), a totals row."""
    codes = sorted(result["departments"])

    def shown(minor: int) -> str:
        return format_money(minor, currency)

    rows = [
        {
            "description": descriptions.get(line["line"], f"Line item {line['line']}"),
            "amount": shown(line["amount"]),
            "in_kind": shown(line["in_kind"]),
            "shares": [shown(line["shares"].get(code, 0)) for code in codes],
        }
        for line in result["lines"]
    ]
    totals = {
        "amount": shown(result["total_minor"]),
        "in_kind": shown(result["in_kind_minor"]),
        "shares": [shown(result["departments"][code]) for code in codes],
    }
    return {
        "caption": caption,
        "codes": codes,
        "rows": rows,
        "totals": totals,
        "has_in_kind": bool(result["in_kind_minor"]),
    }


def version_table(version: CostSplitVersion, currency: str) -> dict:
    descriptions = {line["id"]: line["description"] for line in version.basis}
    caption = f"Cost split version {version.number}, in {currency}"
    return split_table(version.result, descriptions, currency, caption)


def version_summary(version: CostSplitVersion, currency: str) -> list[dict]:
    """Each department of a version with its share and its head's decision (prefetched)."""
    decisions = {decision.department_id: decision for decision in version.decisions.all()}
    return [
        {
            "department": department,
            "share": format_money(version.result["departments"].get(department.code, 0), currency),
            "decision": decisions.get(department.pk),
        }
        for department in version.departments.all()
    ]


def joined_departments(solicitation: Solicitation) -> list:
    """From the participations the selectors prefetch: no query."""
    return [
        p.department
        for p in solicitation.participations.all()
        if p.status == Participation.Status.JOINED
    ]


def priced_lines(lines) -> list:
    for line in lines:
        line.amount_minor = line_amount_minor(line.quantity, line.estimated_unit_price_minor)
    return lines


class FilteredListMixin:
    """A filter form over a paginated list. htmx requests get the results region only, plain
    GETs the whole page; an invalid filter answers 400 with the problem in the results."""

    template_name = ""
    partial_template_name = ""

    def filter_statuses(self) -> list:
        raise NotImplementedError

    def filter_departments(self):
        raise NotImplementedError

    def solicitations(self, **filters):
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        form = forms.SolicitationFilterForm(
            request.GET or None,
            statuses=self.filter_statuses(),
            departments=self.filter_departments(),
        )
        context, status = {"form": form}, 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            filters = form.cleaned_data if form.is_bound else {}
            context["page"] = Paginator(self.solicitations(**filters), PAGE_SIZE).get_page(
                request.GET.get("page")
            )
        partial = request.htmx and not request.htmx.history_restore_request
        response = TemplateResponse(
            request,
            self.partial_template_name if partial else self.template_name,
            self.get_context_data(**context),
            status=status,
        )
        patch_vary_headers(response, ["HX-Request"])  # caches keep the two renderings apart
        return response


# --- public pages -----------------------------------------------------------------------------


class HomeView(department_views.HomeView):
    """The public home: published solicitations of every municipality, then the
    municipalities themselves."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(selectors.solicitations_public(), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return context


class PublicMunicipalityMixin:
    """Resolves the URL's municipality (names and slugs are public) and renders in its time
    zone, so every time on the page is local there."""

    def dispatch(self, request, *args, **kwargs):
        self.municipality = get_object_or_404(Municipality, slug=kwargs["municipality_slug"])
        with timezone.override(self.municipality.zone):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def get_context_data(self, **kwargs):
        kwargs.setdefault("municipality", self.municipality)
        return super().get_context_data(**kwargs)


class PublicSolicitationListView(PublicMunicipalityMixin, FilteredListMixin, TemplateView):
    template_name = "procurements/public_list.html"
    partial_template_name = "procurements/_public_results.html"

    def filter_statuses(self):
        return PUBLIC_STATUSES

    def filter_departments(self):
        return self.municipality.departments.order_by("code")

    def solicitations(self, **filters):
        return selectors.solicitations_public(municipality=self.municipality, **filters)


def solicitation_facts(solicitation: Solicitation) -> dict:
    """What both detail pages show: participants, priced line items, criteria, documents."""
    lines = priced_lines(list(selectors.line_items_of(solicitation)))
    return {
        "solicitation": solicitation,
        "participants": joined_departments(solicitation),
        "lines": lines,
        "estimate_minor": sum(line.amount_minor for line in lines),
        "criteria": list(solicitation.criteria.all()),
        "documents": list(solicitation.documents.all()),
    }


class PublicSolicitationDetailView(PublicMunicipalityMixin, TemplateView):
    template_name = "procurements/public_detail.html"

    def get_context_data(self, **kwargs):
        solicitation = get_or_404(
            selectors.solicitation_public_get, self.municipality, self.kwargs["reference"]
        )
        kwargs.update(solicitation_facts(solicitation))
        return super().get_context_data(**kwargs)


class DocumentDownloadView(View):
    """A published solicitation's documents are anyone's; before publication only members of
    the municipality may fetch them (404 for everyone else, as for a missing file). Files are
    streamed from storage, never linked from a public media URL."""

    def get(self, request, municipality_slug, reference, pk):
        municipality = get_object_or_404(Municipality, slug=municipality_slug)
        solicitation, public = self._solicitation(request, municipality, reference)
        document = get_or_404(selectors.document_get, solicitation, pk)
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,  # never rendered in our origin, whatever it contains
            filename=document.file.name.rsplit("/", 1)[-1],
        )
        if not public:
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _solicitation(self, request, municipality, reference) -> tuple[Solicitation, bool]:
        try:
            return selectors.solicitation_public_get(municipality, reference), True
        except NotFound:
            pass
        try:
            actor = tenant_actor_for(request.user, municipality.slug)
            return selectors.solicitation_get_for(actor, reference), False
        except NotFound:
            raise Http404("Not found.") from None


# --- staff workspace --------------------------------------------------------------------------


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


# --- approval inbox ---------------------------------------------------------------------------


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
