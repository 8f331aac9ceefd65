"""Django admin of solicitations and cost splits: read-only for everyone, superusers included.

Every write goes through procurements.services, which check the actor, the state and the
clock and record the audit event; an admin form would skip all three (and could, say, flip a
split version to approved). Tenant admins see their own municipalities' rows only
(departments.admin_scope.TenantScopedAdmin): another city's row answers exactly like a missing one.
"""

from django.contrib import admin
from django.db.models import Count, Q

from departments.admin_scope import ReadOnlyAdmin
from p3hub.money import format_money
from procurements.models import (
    Acknowledgement,
    Addendum,
    Award,
    AwardShare,
    Bid,
    BidAttachment,
    BidOpening,
    BidRevision,
    ConflictDeclaration,
    CostSplitShare,
    CostSplitVersion,
    Criterion,
    Document,
    Evaluation,
    LateAttempt,
    LineItem,
    Participation,
    Protest,
    Question,
    ScoreSheet,
    Solicitation,
)
from procurements.selectors import OPENED_BIDS


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
    readonly_fields = ["bids_received"]

    def get_list_display(self, request):
        return [*self.list_display, "bids_received"]

    def get_queryset(self, request):
        # The count all staff may know before the opening (services.bids.bids_received),
        # one query for the whole list.
        arrived = Q(bids__status__in=[Bid.Status.SUBMITTED, *OPENED_BIDS])
        return super().get_queryset(request).annotate(bids_count=Count("bids", filter=arrived))

    @admin.display(description="Bids received", ordering="bids_count")
    def bids_received(self, solicitation) -> int:
        return solicitation.bids_count


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


# --- sealed bids (issue 11) ----------------------------------------------------------------------
# Invariant 2 holds here too: before the opening the admin shows how many bids there are and
# when they came, never who bid, a price, a total or anything of a file. The sealed columns
# (sealed_draft, sealed_content, the files) are never shown, opened or not.

SEALED = "sealed"


def _opened(solicitation) -> bool:
    return solicitation.opened_at is not None


class SealedBidAdmin(ReadOnlyAdmin):
    """Fields are listed explicitly (never the model's own: they include the company)."""

    municipality_path = "bid__solicitation__municipality"

    def get_fields(self, request, obj=None):
        return self.readonly_fields


@admin.register(Bid)
class BidAdmin(SealedBidAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["__str__", "solicitation", "company", "status", "submitted_at", "total"]
    list_filter = ["status"]
    list_select_related = ["solicitation__municipality", "vendor"]
    search_fields = ["solicitation__reference"]  # not the company: that would tell who bid
    readonly_fields = [
        "solicitation",
        "company",
        "status",
        "revision",
        "submitted_at",
        "created_at",
        "total",
        "hashes_to_receipt",
    ]

    def get_queryset(self, request):
        # A draft has not arrived: staff learn of submitted bids only (their count).
        return super().get_queryset(request).exclude(status=Bid.Status.DRAFT)

    @admin.display(description="Company")
    def company(self, bid) -> str:
        return bid.vendor.name if _opened(bid.solicitation) else SEALED

    @admin.display(description="Total")
    def total(self, bid) -> str:
        if not _opened(bid.solicitation):
            return SEALED
        if bid.total_minor is None:  # withdrawn, or sent back: never opened
            return "—"
        return format_money(bid.total_minor, bid.solicitation.municipality.currency)

    @admin.display(description="Hashes to its receipt")
    def hashes_to_receipt(self, bid) -> str:
        if not _opened(bid.solicitation):
            return SEALED
        return {True: "Yes", False: "No"}.get(bid.receipt_matches, "—")


@admin.register(BidRevision)
class BidRevisionAdmin(SealedBidAdmin):
    list_display = ["receipt_number", "bid", "kind", "submitted_at", "submitted_by_shown"]
    list_filter = ["kind"]
    list_select_related = ["bid__solicitation", "submitted_by"]
    search_fields = ["receipt_number", "bid__solicitation__reference"]
    readonly_fields = [
        "receipt_number",
        "bid",
        "number",
        "kind",
        "content_sha256",
        "submitted_at",
        "submitted_by_shown",
    ]

    @admin.display(description="Submitted by")
    def submitted_by_shown(self, revision) -> str:
        # The person (and the declared name) would name the company.
        if not _opened(revision.bid.solicitation):
            return SEALED
        return f"{revision.declared_name} ({revision.submitted_by.display_name})"


@admin.register(BidAttachment)
class BidAttachmentAdmin(SealedBidAdmin):
    """Only once the bids are opened: a title, a file name or a size would tell too much."""

    list_display = ["title", "bid", "file_name", "size", "uploaded_at", "removed_at"]
    list_select_related = ["bid__solicitation"]
    readonly_fields = [
        "bid",
        "title",
        "file_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_at",
        "removed_at",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(bid__solicitation__opened_at__isnull=False)


@admin.register(LateAttempt)
class LateAttemptAdmin(SealedBidAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "company", "action", "attempted_at"]
    list_filter = ["action"]
    list_select_related = ["solicitation", "vendor"]
    readonly_fields = ["solicitation", "company", "action", "attempted_at"]

    @admin.display(description="Company")
    def company(self, attempt) -> str:
        return attempt.vendor.name if _opened(attempt.solicitation) else SEALED


@admin.register(BidOpening)
class BidOpeningAdmin(SealedBidAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "bids_total", "bids_opened", "requested_at", "finished_at"]
    list_select_related = ["solicitation"]
    readonly_fields = [
        "solicitation",
        "requested_by",
        "requested_at",
        "bids_total",
        "bids_opened",
        "finished_at",
    ]


# --- the evaluation and the award (issue 12): the record, never the scores themselves (an
# evaluator's draft is theirs alone until submitted; the committee view shows the rest).


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "status", "round", "started_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["solicitation"]


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    fields = ["solicitation", "evaluator", "status", "submitted_at"]
    list_display = ["solicitation", "evaluator", "status", "submitted_at"]
    list_filter = ["status"]
    list_select_related = ["solicitation", "evaluator"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "evaluator", "vendor", "has_conflict", "declared_at"]
    list_filter = ["has_conflict"]
    list_select_related = ["solicitation", "evaluator", "vendor"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    municipality_path = "solicitation__municipality"
    list_display = ["solicitation", "number", "status", "bid", "total_minor", "protest_ends_at"]
    list_filter = ["status"]
    list_select_related = ["solicitation", "bid"]


@admin.register(AwardShare)
class AwardShareAdmin(ReadOnlyAdmin):
    municipality_path = "award__solicitation__municipality"
    list_display = ["award", "department", "amount_minor", "status", "decided_by", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["award__solicitation", "department", "decided_by"]


@admin.register(Protest)
class ProtestAdmin(ReadOnlyAdmin):
    municipality_path = "award__solicitation__municipality"
    list_display = ["award", "vendor", "status", "filed_at", "resolved_at"]
    list_filter = ["status"]
    list_select_related = ["award__solicitation", "vendor"]
