"""The Django admin shows contracts as a record and changes nothing: every change goes through
the services (the officer's page and the API), and from execution on nothing changes at all
(invariant 7), superusers included."""

from django.contrib import admin

from contracts.models import Contract, ContractPdf, Party, Signature
from departments.admin_scope import ReadOnlyAdmin


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    municipality_path = "municipality"
    list_display = ["number", "title", "vendor", "status", "start_date", "term_years"]
    list_filter = ["status"]
    list_select_related = ["vendor"]
    search_fields = ["number", "title"]


@admin.register(Party)
class PartyAdmin(ReadOnlyAdmin):
    municipality_path = "contract__municipality"
    list_display = ["contract", "kind", "department", "signatory", "amount_minor"]
    list_select_related = ["contract", "department", "signatory"]


@admin.register(Signature)
class SignatureAdmin(ReadOnlyAdmin):
    municipality_path = "contract__municipality"
    list_display = ["contract", "party", "typed_name", "signed_at", "revision", "voided_at"]
    list_select_related = ["contract", "party__department", "party__contract__vendor"]


@admin.register(ContractPdf)
class ContractPdfAdmin(ReadOnlyAdmin):
    municipality_path = "contract__municipality"
    fields = ["contract", "status", "sha256", "size", "requested_at", "rendered_at", "attempts"]
    list_display = ["contract", "status", "sha256", "rendered_at"]
    list_filter = ["status"]
    list_select_related = ["contract"]
