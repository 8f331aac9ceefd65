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
)


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
