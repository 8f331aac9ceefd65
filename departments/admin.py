"""Django admin of municipalities, departments, memberships and people, and of the platform's
audit log and outbound e-mail (p3hub's rows, scoped by tenant here, where tenancy lives).

Tenant admins see and manage their own municipalities only
(departments.admin_scope.TenantScopedAdmin).
Writes go through the same services as the UI and the API, so they are permission-checked and
audited like any other; a refusal comes back as an error message instead of a 500.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import admin as auth_admin
from django.db import transaction
from django.http import HttpResponseRedirect

from departments import services
from departments.admin_scope import ReadOnlyAdmin, TenantScopedAdmin, administered_municipality_ids
from departments.models import Department, Membership, Municipality, User
from departments.tenancy import TenantActor
from p3hub.errors import ApplicationError
from p3hub.models import AuditEvent, OutboundEmail

Role = Membership.Role


def admin_actor(request, municipality: Municipality) -> TenantActor:
    """The admin user as a TenantActor of `municipality`, for the services. The platform
    operator (a superuser) acts with a tenant admin's powers in any municipality; the audit
    event records them by name."""
    return TenantActor.of(request.user, municipality, operator=True)


class ServiceBackedAdmin(TenantScopedAdmin):
    """Turns a service's refusal during a save or a delete into an error message.

    The admin's own view runs in a transaction, which the refusal rolls back whole.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ApplicationError as error:
            return self._refused(request, error)

    def _refused(self, request, error: ApplicationError):
        where = f"{error.field}: " if error.field else ""
        self.message_user(request, f"{where}{error.message}", messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def get_actions(self, request):
        # Bulk delete would skip the services (and their rules and audit events).
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class MunicipalityAddForm(forms.ModelForm):
    first_admin = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True),
        help_text="Every municipality starts with one tenant admin.",
    )

    class Meta:
        model = Municipality
        fields = ["slug", "name", "code", "time_zone", "currency"]


@admin.register(Municipality)
class MunicipalityAdmin(TenantScopedAdmin):
    """Tenant admins see their municipalities; the platform operator opens new ones."""

    municipality_path = "pk"
    list_display = ["name", "slug", "code", "time_zone", "currency"]
    search_fields = ["name", "slug", "code"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = MunicipalityAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["slug", "name", "code", "time_zone", "currency", "first_admin"]
        return [
            "slug",
            "name",
            "code",
            "time_zone",
            "currency",
            "protest_period_days",
            "bid_tabulation_public",
            "contracts_published",
        ]

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every URL of the tenant and the code in every reference number.
        return ["slug", "code"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:  # superusers only; there is no municipality_update service yet
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        municipality = services.municipality_create(
            actor=request.user,
            slug=data["slug"],
            name=data["name"],
            code=data["code"],
            time_zone=data["time_zone"],
            currency=data["currency"],
            first_admin=data["first_admin"],
        )
        obj.pk, obj.created_at = municipality.pk, municipality.created_at


@admin.register(Department)
class DepartmentAdmin(ServiceBackedAdmin):
    tenant_admin_can_add = True
    tenant_admin_can_change = True
    list_display = ["code", "name", "municipality", "is_active"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "is_active"]
    list_select_related = ["municipality"]
    search_fields = ["code", "name"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["municipality", "code", "name", "fund_codes"]
        return ["municipality", "code", "name", "fund_codes", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        return ["municipality"] if obj is not None else []  # never moves to another tenant

    def has_delete_permission(self, request, obj=None) -> bool:
        # Departments are retired (is_active), never deleted: solicitations, splits and
        # contracts keep pointing at them, and a delete would cascade to memberships unaudited.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        actor = admin_actor(request, obj.municipality)
        if change:
            services.department_update(
                actor=actor,
                department=obj,
                code=data["code"],
                name=data["name"],
                fund_codes=data["fund_codes"] or [],
                is_active=data["is_active"],
            )
            return
        department = services.department_create(
            actor=actor, code=data["code"], name=data["name"], fund_codes=data["fund_codes"] or []
        )
        obj.pk = department.pk


@admin.register(Membership)
class MembershipAdmin(ServiceBackedAdmin):
    """Roles are granted and revoked; to change one, grant the new role and revoke the old."""

    tenant_admin_can_add = True
    tenant_admin_can_change = True  # opens the page with its delete link; fields read-only
    tenant_admin_can_delete = True
    fields = ["municipality", "user", "role", "department"]
    list_display = ["user", "role", "department", "municipality", "created_at"]
    list_filter = [
        "role",
        ("municipality", admin.RelatedOnlyFieldListFilter),
        ("department", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["user", "municipality", "department"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return  # every field is read-only
        data = form.cleaned_data
        membership = services.membership_grant(
            actor=admin_actor(request, data["municipality"]),
            user=data["user"],
            role=data["role"],
            department=data.get("department"),
        )
        obj.pk, obj.created_at = membership.pk, membership.created_at

    def delete_model(self, request, obj):
        services.membership_revoke(actor=admin_actor(request, obj.municipality), membership=obj)


@admin.register(User)
class UserAdmin(TenantScopedAdmin, auth_admin.UserAdmin):
    """Tenant admins see the people of their municipalities, read-only: a person may also work
    for another city or a vendor, and the account itself (password, staff and superuser flags)
    is the platform operator's to change. Tenant admins add people in the tenant's own pages.

    The operator's changes are audited (departments.services.person_account_audit) in the
    transaction of the change: Django's form saves the account, then the service compares it
    with the account as it was before."""

    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]

    def scope_queryset(self, request, queryset):
        people = Membership.objects.filter(
            municipality_id__in=administered_municipality_ids(request)
        ).values("user_id")
        return queryset.filter(pk__in=people)

    def save_model(self, request, obj, form, change):
        # The form has already put the new values on `obj`: the account as it was is read again.
        form.account_before = (
            services.account_snapshot(User.objects.get(pk=obj.pk)) if change else None
        )
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.account_deactivate(operator=request.user, user=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # groups and permissions
        services.person_account_audit(
            actor=request.user, user=form.instance, before=form.account_before
        )

    def user_change_password(self, request, id, form_url=""):
        # Django's view saves the password outside any transaction: this one holds the save
        # and its audit event together.
        with transaction.atomic():
            user = self.get_object(request, unquote(id))
            before = services.account_snapshot(user) if user is not None else None
            response = super().user_change_password(request, id, form_url)
            if before is not None and request.method == "POST":
                user.refresh_from_db()
                services.person_account_audit(actor=request.user, user=user, before=before)
        return response

    def delete_model(self, request, obj):
        services.person_delete(actor=request.user, user=obj)

    def get_actions(self, request):
        # Bulk delete would skip the service and its audit events.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit log is append-only (DESIGN.md 5.8): it can be read here, never changed."""

    list_display = ["chain", "seq", "created_at", "actor_label", "verb", "object_repr"]
    list_filter = [("municipality", admin.RelatedOnlyFieldListFilter), "verb"]
    search_fields = ["verb", "actor_label", "object_repr", "object_id"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", ("municipality", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["subject"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if request.user.is_superuser:
            return fields
        # A body may carry a one-time link (a password reset); the platform operator alone
        # reads it, so a tenant admin cannot take over an account through the outbox.
        return [name for name in fields if name != "body"]
