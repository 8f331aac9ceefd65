"""The Django admin's tenant scoping, shared by every app's admin (it lives next to tenancy).

Tenant admins (staff users holding the `admin` role in a municipality) may use Django's admin
for their own municipalities only (DESIGN.md 5.1). Every ModelAdmin of the project derives from
TenantScopedAdmin: its queryset, permissions and foreign-key choices come from the user's
tenant-admin memberships, never from Django's model permissions, so granting a tenant admin a
model permission by mistake cannot widen what they see. Superusers (the platform operator) see
everything. An object outside the user's municipalities is simply not in the queryset, so the
admin answers exactly as for a primary key that does not exist.
"""

from django.contrib import admin
from django.contrib.admin.sites import NotRegistered

from departments.models import Membership


def administered_municipality_ids(request) -> frozenset[int]:
    """Municipalities where the requesting user is a tenant admin, looked up once per request."""
    cached = getattr(request, "_administered_municipality_ids", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(
                user_id=request.user.pk, role=Membership.Role.ADMIN, is_active=True
            ).values_list("municipality_id", flat=True)
        )
        request._administered_municipality_ids = cached
    return cached


class TenantScopedAdmin(admin.ModelAdmin):
    """A ModelAdmin limited to the municipalities the user administers (superusers: all).

    Subclasses say how a row reaches its municipality (`municipality_path`, an ORM path; "pk"
    for Municipality itself; None for global rows such as vendors) and what tenant admins may
    do with rows of their own municipalities.
    """

    municipality_path: str | None = "municipality"
    tenant_admin_can_view = True
    tenant_admin_can_add = False
    tenant_admin_can_change = False
    tenant_admin_can_delete = False

    def scope_queryset(self, request, queryset):
        ids = administered_municipality_ids(request)
        if not ids or not self.tenant_admin_can_view:
            return queryset.none()
        if self.municipality_path is None:
            return queryset
        return queryset.filter(**{f"{self.municipality_path}__in": ids})

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return self.scope_queryset(request, queryset)

    def _tenant_admin_may(self, request, allowed: bool, obj=None) -> bool:
        if not (allowed and request.user.is_active and request.user.is_staff):
            return False
        if not administered_municipality_ids(request):
            return False
        # The admin fetched `obj` through get_queryset already; checking again keeps the rule
        # true for any other caller of these methods.
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request) -> bool:
        if request.user.is_superuser:
            return super().has_module_permission(request)
        return self._tenant_admin_may(request, self.tenant_admin_can_view)

    def has_view_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_view_permission(request, obj)
        allowed = self.tenant_admin_can_view or self.tenant_admin_can_change
        return self._tenant_admin_may(request, allowed, obj)

    def has_add_permission(self, request) -> bool:
        if request.user.is_superuser:
            return super().has_add_permission(request)
        return self._tenant_admin_may(request, self.tenant_admin_can_add)

    def has_change_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_change_permission(request, obj)
        return self._tenant_admin_may(request, self.tenant_admin_can_change, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return super().has_delete_permission(request, obj)
        return self._tenant_admin_may(request, self.tenant_admin_can_delete, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A choice list is a read: offer only rows the related model's admin would show.
        if "queryset" not in kwargs:
            try:
                related_admin = self.admin_site.get_model_admin(db_field.related_model)
            except NotRegistered:
                related_admin = None
            if isinstance(related_admin, TenantScopedAdmin):
                kwargs["queryset"] = related_admin.get_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(TenantScopedAdmin):
    """Rows that no one edits through the admin, superusers included."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
