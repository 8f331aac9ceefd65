"""Django admin of vendors, which are global: one company registers once for every city."""

from django.contrib import admin

from departments.admin_scope import ReadOnlyAdmin, TenantScopedAdmin
from vendors.models import Certificate, Vendor, VendorUser


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    """Tenant admins and the platform operator may look a company up; nobody edits, adds or
    deletes one here: a company keeps its own profile in the vendor portal (audited there),
    and a city changing it would change what every other city sees."""

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


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    """A company's certificates are its own business: the platform operator may look one up;
    a city's staff read them only through the permission-checked pages, once the company
    bids there (vendors.selectors.certificate_for_staff)."""

    municipality_path = None
    tenant_admin_can_view = False
    list_display = ["vendor", "kind", "issuer", "expires_on", "uploaded_at", "removed_at"]
    list_filter = ["kind"]
    list_select_related = ["vendor"]
    search_fields = ["vendor__name", "issuer", "number"]
    exclude = ["file"]  # served only through the download view, never a media URL
