"""Django admin of solicitations and cost splits: read-only for everyone, superusers included.

Every write goes through procurements.services, which check the actor, the state and the
clock and record the audit event; an admin form would skip all three (and could, say, flip a
split version to approved). Tenant admins see their own municipalities' rows only
(departments.admin_scope.TenantScopedAdmin): another city's row answers exactly like a missing one.
"""

from django.contrib import admin

from departments.admin_scope import ReadOnlyAdmin
from procurements.models import (
    Acknowledgement,
    Addendum,
    CostSplitShare,
    CostSplitVersion,
    Criterion,
    Document,
    LineItem,
    Participation,
    Question,
    Solicitation,
)


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LineItemInline(_ReadOnlyInline):
    model = LineItem
    fields = ["position", "description", "quantity", "unit", "site", "estimated_unit_price_minor"]


class CriterionInline(_ReadOnlyInline):
    model = Criterion
    fields = ["position", "name", "weight", "is_price"]


class ParticipationInline(_ReadOnlyInline):
    model = Participation
    fields = ["department", "status", "responded_by", "responded_at"]


@admin.register(Solicitation)
class SolicitationAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title", "status", "lead_department", "municipality"]
    list_filter = ["status", "kind", ("municipality", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["lead_department", "municipality"]
    search_fields = ["reference", "title"]
    inlines = [LineItemInline, CriterionInline, ParticipationInline]


@admin.register(LineItem)
class LineItemAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "position", "description", "quantity", "unit", "site"]
    list_select_related = ["solicitation"]
    search_fields = ["description", "site", "solicitation__reference"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "position", "name", "weight", "is_price"]
    list_select_related = ["solicitation"]


@admin.register(Participation)
class ParticipationAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "department", "status", "responded_at"]
    list_filter = ["status"]
    list_select_related = ["solicitation", "department"]


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["title", "solicitation", "size", "sha256", "uploaded_at"]
    list_select_related = ["solicitation"]
    # The file's URL would bypass the permission check documents get elsewhere (DESIGN.md 7).
    exclude = ["file"]


@admin.register(CostSplitVersion)
class CostSplitVersionAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "number", "method", "status", "total_minor", "in_kind_minor"]
    list_filter = ["method", "status"]
    list_select_related = ["solicitation"]


@admin.register(CostSplitShare)
class CostSplitShareAdmin(ReadOnlyAdmin):
    municipality_path = "version__solicitation__municipality"
    list_display = ["version", "department", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["version__solicitation", "department", "decided_by"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """The asking company is shown to the city's staff here as in the workspace; it is never
    public."""

    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "number", "vendor", "status", "asked_at", "answered_at"]
    list_filter = ["status"]
    list_select_related = ["solicitation", "vendor"]
    search_fields = ["solicitation__reference", "text"]


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "number", "title", "published_at"]
    list_select_related = ["solicitation"]
    search_fields = ["solicitation__reference", "title"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    municipality_path = "addendum__solicitation__municipality"
    list_display = ["addendum", "vendor", "acknowledged_by", "acknowledged_at"]
    list_select_related = ["addendum__solicitation", "vendor", "acknowledged_by"]
