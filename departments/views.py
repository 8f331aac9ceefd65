"""HTML pages of the tenant: dashboard, tenant admin, audit trail. Thin: parse, call, render.

Domain errors reach the browser through one path: `raise_as_http` turns NotFound and
PermissionDenied into Django's 404 and 403 pages, and `apply_service_error` puts every other
refusal on the form field it names, so the page re-renders with what the user typed.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import SimpleTemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.generic import FormView, TemplateView

from departments import forms, selectors, services
from departments.tenancy import tenant_actor_for
from p3hub.errors import ApplicationError, NotFound, PermissionDenied

AUDIT_PAGE_SIZE = 50


def raise_as_http(error: ApplicationError) -> None:
    """The one place where a refusal that is not about the input becomes a 404 or a 403."""
    if isinstance(error, NotFound):
        raise Http404(error.message) from None
    if isinstance(error, PermissionDenied):
        raise HttpForbidden(error.message) from None


def apply_service_error(form, error: ApplicationError) -> None:
    """Put a service's refusal on the field it names, or on the whole form when the form has
    no such field. Refusals that hide or forbid the object are raised as 404 / 403 instead."""
    raise_as_http(error)
    form.add_error(error.field if error.field in form.fields else None, error.message)


def get_or_404(selector, actor, pk):
    """Fetch through an actor-aware selector; missing and not-yours are the same 404."""
    try:
        return selector(actor, pk)
    except NotFound as error:
        raise_as_http(error)


class TenantViewMixin(LoginRequiredMixin):
    """Resolves `self.actor` from the URL's municipality slug once per request; 404 for
    non-members, exactly as for a municipality that does not exist. Then `admin_only` pages
    answer 403 to members who are not tenant admins, and `load_objects` fetches the URL's
    objects through selectors, so every check runs before any handler."""

    admin_only = False
    section = ""  # which navigation link is the current page

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)  # to the sign-in page
        try:
            self.actor = tenant_actor_for(request.user, kwargs["municipality_slug"])
        except ApplicationError as error:
            raise_as_http(error)
        request.tenant_actor = self.actor
        if self.admin_only and not self.actor.is_admin:
            raise HttpForbidden("Only a tenant admin may manage departments and people.")
        self.load_objects()
        # Staff read times in their municipality's zone (DESIGN.md 7), so render inside it:
        # a TemplateResponse would otherwise render after the zone is switched back.
        with timezone.override(self.actor.municipality.zone):
            response = super().dispatch(request, *args, **kwargs)
            if isinstance(response, SimpleTemplateResponse):
                response.render()
        return response

    def load_objects(self) -> None:
        """Fetch the objects the URL names (none by default)."""

    def get_context_data(self, **kwargs):
        kwargs.setdefault("actor", self.actor)
        kwargs.setdefault("section", self.section)
        return super().get_context_data(**kwargs)


class ServiceFormView(TenantViewMixin, FormView):
    """A tenant-admin form whose cleaned input goes to one service. A refusal re-renders the
    form with the typed values and the error's status (400 for bad input); the service is
    atomic, so a refused POST changes nothing."""

    admin_only = True

    def run_service(self, data: dict):
        raise NotImplementedError

    def success_message(self, result) -> str:
        raise NotImplementedError

    def success_url_for(self, result) -> str:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            result = self.run_service(form.cleaned_data)
        except ApplicationError as error:
            apply_service_error(form, error)
            return self.form_invalid(form, status=error.status_code)
        messages.success(self.request, self.success_message(result))
        return redirect(self.success_url_for(result))

    def form_invalid(self, form, status: int = 400):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def departments(self):
        return selectors.departments_for(self.actor)

    def tenant_url(self, name: str, *args) -> str:
        return reverse(name, args=[self.actor.municipality.slug, *args])


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
    section = "dashboard"

    def get_context_data(self, **kwargs):
        kwargs["departments"] = selectors.department_heads_for(self.actor)
        return super().get_context_data(**kwargs)


class DepartmentListView(TenantViewMixin, TemplateView):
    template_name = "departments/department_list.html"
    admin_only = True
    section = "departments"

    def get_context_data(self, **kwargs):
        kwargs["departments"] = selectors.department_heads_for(self.actor)
        return super().get_context_data(**kwargs)


class DepartmentCreateView(ServiceFormView):
    template_name = "departments/department_form.html"
    form_class = forms.DepartmentForm
    section = "departments"

    def run_service(self, data):
        return services.department_create(
            actor=self.actor, code=data["code"], name=data["name"], fund_codes=data["fund_codes"]
        )

    def success_message(self, department):
        return f"Department {department} was created."

    def success_url_for(self, department):
        return self.tenant_url("department-list")


class DepartmentUpdateView(ServiceFormView):
    template_name = "departments/department_form.html"
    form_class = forms.DepartmentEditForm
    section = "departments"

    def load_objects(self):
        self.department = get_or_404(selectors.department_get_for, self.actor, self.kwargs["pk"])

    def get_initial(self):
        department = self.department
        return {
            "code": department.code,
            "name": department.name,
            "fund_codes": department.fund_codes,
            "is_active": department.is_active,
        }

    def get_context_data(self, **kwargs):
        kwargs["department"] = self.department
        return super().get_context_data(**kwargs)

    def run_service(self, data):
        return services.department_update(
            actor=self.actor,
            department=self.department,
            code=data["code"],
            name=data["name"],
            fund_codes=data["fund_codes"],
            is_active=data["is_active"],
        )

    def success_message(self, department):
        return f"Department {department} was saved."

    def success_url_for(self, department):
        return self.tenant_url("department-list")


class PersonListView(TenantViewMixin, TemplateView):
    template_name = "departments/person_list.html"
    admin_only = True
    section = "people"

    def get_context_data(self, **kwargs):
        kwargs["people"] = selectors.people_for(self.actor)
        return super().get_context_data(**kwargs)


class PersonCreateView(ServiceFormView):
    template_name = "departments/person_form.html"
    form_class = forms.PersonForm
    section = "people"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": self.departments()}

    def run_service(self, data):
        return services.person_create(
            actor=self.actor,
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            department=data["department"],
        )

    def success_message(self, person):
        return (
            f"{person.username} was added. They set their password with “Forgot password?” "
            f"on the sign-in page, using {person.email}."
        )

    def success_url_for(self, person):
        return self.tenant_url("person-detail", person.pk)


class PersonDetailView(ServiceFormView):
    """A person's roles in this municipality, with the form that grants another one."""

    template_name = "departments/person_detail.html"
    form_class = forms.MembershipGrantForm
    section = "people"

    def load_objects(self):
        self.person = get_or_404(selectors.person_get_for, self.actor, self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "departments": self.departments()}

    def get_context_data(self, **kwargs):
        kwargs["person"] = self.person
        kwargs["memberships"] = self.person.tenant_memberships
        return super().get_context_data(**kwargs)

    def run_service(self, data):
        return services.membership_grant(
            actor=self.actor, user=self.person, role=data["role"], department=data["department"]
        )

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is now {membership.get_role_display()}{where}."

    def success_url_for(self, membership):
        return self.tenant_url("person-detail", self.person.pk)


class MembershipRevokeView(PersonDetailView):
    """POST only. A refusal (the last tenant admin) re-renders the person's page, with the
    message beside the role that could not be revoked."""

    http_method_names = ["post"]

    def load_objects(self):
        super().load_objects()
        membership_pk = self.kwargs["membership_pk"]
        self.membership = get_or_404(selectors.membership_get_for, self.actor, membership_pk)
        if self.membership.user_id != self.person.pk:
            raise_as_http(NotFound("Not found."))

    def get_form(self, form_class=None):
        return forms.MembershipRevokeForm(self.request.POST)

    def get_context_data(self, **kwargs):
        kwargs["revoke_form"] = kwargs.pop("form")
        kwargs["revoke_membership"] = self.membership
        kwargs["form"] = forms.MembershipGrantForm(departments=self.departments())
        return super().get_context_data(**kwargs)

    def run_service(self, data):
        services.membership_revoke(actor=self.actor, membership=self.membership)
        return self.membership

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is no longer {membership.get_role_display()}{where}."

    def success_url_for(self, membership):
        # Without any role left the person is no longer on this municipality's list.
        if len(self.person.tenant_memberships) > 1:
            return self.tenant_url("person-detail", self.person.pk)
        return self.tenant_url("person-list")


def _shown(value) -> str:
    """An audit value as a short string: lists joined, booleans in words, nothing as a dash."""
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        separator = "; " if any(isinstance(item, dict) for item in value) else ", "
        return separator.join(_shown(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown(item)}" for key, item in sorted(value.items()))
    return str(value)


def audit_changes(event) -> list[tuple[str, str | None, str | None]]:
    """(field, before, after) for every field an event mentions; None where a side lacks it
    (a creation has no before, a revocation no after)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    names = dict.fromkeys([*before, *after])
    return [
        (
            name,
            _shown(before[name]) if name in before else None,
            _shown(after[name]) if name in after else None,
        )
        for name in names
    ]


class AuditTrailView(TenantViewMixin, TemplateView):
    """Every member may read their municipality's trail. The filter form answers htmx
    requests with the results region only, and plain GETs with the whole page."""

    template_name = "departments/audit_trail.html"
    partial_template_name = "departments/_audit_results.html"
    section = "audit"

    def get(self, request, *args, **kwargs):
        verbs, object_types = selectors.audit_vocabulary_for(self.actor)
        form = forms.AuditFilterForm(request.GET or None, verbs=verbs, object_types=object_types)
        context = {"form": form, "zone": self.actor.municipality.time_zone}
        status = 200
        if form.is_bound and not form.is_valid():
            status = 400
        else:
            context["page"] = self._page(form.cleaned_data if form.is_bound else {})
        partial = request.htmx and not request.htmx.history_restore_request
        if not partial:
            context["chain"] = selectors.audit_chain_status_for(self.actor)
        response = self.response_class(
            request=request,
            template=self.partial_template_name if partial else self.template_name,
            context=self.get_context_data(**context),
            status=status,
        )
        patch_vary_headers(response, ["HX-Request"])  # caches keep the two renderings apart
        return response

    def _page(self, filters: dict):
        events = selectors.audit_events_for(self.actor, **filters)
        page = Paginator(events, AUDIT_PAGE_SIZE).get_page(self.request.GET.get("page"))
        for event in page:
            event.changes = audit_changes(event)
        return page
