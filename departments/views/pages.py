"""The tenant's own pages: home, dashboard, departments, people and their roles. Thin: parse,
call one service or selector, render."""

from django.utils.cache import patch_cache_control
from django.views.generic import TemplateView

from departments import forms, selectors, services
from departments.views.base import (
    ServiceFormView,
    TenantViewMixin,
    get_or_404,
    panels_for,
    raise_as_http,
)
from p3hub.errors import NotFound
from p3hub.forms import NoInputForm


class HomeView(TemplateView):
    """The public home page; apps add their panels (settings.PAGE_PANELS["home"])."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["municipalities"] = selectors.municipalities_public()
        if self.request.user.is_authenticated:
            context["my_memberships"] = selectors.memberships_of(self.request.user)
        context["panels"] = panels_for("home", self)
        return context

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if request.user.is_authenticated:  # it lists the person's memberships
            patch_cache_control(response, private=True, no_store=True)
        return response


class DashboardView(TenantViewMixin, TemplateView):
    """A member's dashboard; apps add their panels (settings.PAGE_PANELS["dashboard"])."""

    template_name = "departments/dashboard.html"
    section = "dashboard"

    def get_context_data(self, **kwargs):
        kwargs["departments"] = selectors.department_heads_for(self.actor)
        kwargs["panels"] = panels_for("dashboard", self)
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
    section = "departments"

    def build_form(self, data=None, files=None, initial=None):
        return forms.DepartmentForm(data, initial=initial)

    def run(self, form):
        data = form.cleaned_data
        return services.department_create(
            actor=self.actor, code=data["code"], name=data["name"], fund_codes=data["fund_codes"]
        )

    def success_message(self, department):
        return f"Department {department} was created."

    def success_url(self, department):
        return self.tenant_url("department-list")


class DepartmentUpdateView(DepartmentCreateView):
    def load_objects(self):
        self.department = get_or_404(selectors.department_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return forms.DepartmentEditForm(data, initial=initial)

    def initial(self):
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

    def run(self, form):
        data = form.cleaned_data
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


class PersonListView(TenantViewMixin, TemplateView):
    template_name = "departments/person_list.html"
    admin_only = True
    section = "people"

    def get_context_data(self, **kwargs):
        kwargs["people"] = selectors.people_for(self.actor)
        return super().get_context_data(**kwargs)


class PersonCreateView(ServiceFormView):
    template_name = "departments/person_form.html"
    section = "people"

    def build_form(self, data=None, files=None, initial=None):
        return forms.PersonForm(data, initial=initial, departments=self.departments())

    def run(self, form):
        data = form.cleaned_data
        return services.person_create(
            actor=self.actor,
            username=data["username"],
            email=data["email"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            role=data["role"],
            department=data["department"] or None,
        )

    def success_message(self, person):
        return (
            f"{person.username} was added. They set their password with “Forgot password?” "
            f"on the sign-in page, using {person.email}."
        )

    def success_url(self, person):
        return self.tenant_url("person-detail", person.pk)


class PersonDetailView(ServiceFormView):
    """A person's roles in this municipality, with the form that grants another one."""

    template_name = "departments/person_detail.html"
    section = "people"

    def load_objects(self):
        self.person = get_or_404(selectors.person_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return forms.MembershipGrantForm(data, initial=initial, departments=self.departments())

    def get_context_data(self, **kwargs):
        kwargs["person"] = self.person
        kwargs["memberships"] = self.person.tenant_memberships
        return super().get_context_data(**kwargs)

    def run(self, form):
        data = form.cleaned_data
        return services.membership_grant(
            actor=self.actor,
            user=self.person,
            role=data["role"],
            department=data["department"] or None,
        )

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is now {membership.get_role_display()}{where}."

    def success_url(self, membership):
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

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def failure_context(self, form):
        return {"revoke_form": form, "revoke_membership": self.membership}

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", super().build_form())  # the grant form, blank
        return super().get_context_data(**kwargs)

    def run(self, form):
        services.membership_revoke(actor=self.actor, membership=self.membership)
        return self.membership

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is no longer {membership.get_role_display()}{where}."

    def success_url(self, membership):
        # Without any role left the person is no longer on this municipality's list.
        if len(self.person.tenant_memberships) > 1:
            return self.tenant_url("person-detail", self.person.pk)
        return self.tenant_url("person-list")
