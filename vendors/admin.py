"""Django admin of vendors, which are global: one company registers once for every city."""

from django.contrib import admin

from departments.admin_scope import TenantScopedAdmin
from vendors.models import Vendor, VendorUser


@admin.register(Vendor)
class VendorAdmin(TenantScopedAdmin):
    """Tenant admins may look a company up; only the platform operator edits one, since a city
    changing it would change what every other city sees."""

    municipality_path = None
    list_display = ["name", "legal_name", "contact_email", "created_at"]
    search_fields = ["name", "legal_name", "tax_id", "contact_email"]


@admin.register(VendorUser)
class VendorUserAdmin(TenantScopedAdmin):
    """Who acts for which company is the vendor's and the platform operator's business."""

    municipality_path = None
    tenant_admin_can_view = False
    list_display = ["user", "vendor", "created_at"]
    list_select_related = ["user", "vendor"]
    search_fields = ["user__username", "user__email", "vendor__name"]
