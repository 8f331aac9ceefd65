"""Every read of contracts that depends on who asks (STYLE.md 5, 6).

- Staff of the municipality (any member) read its contracts, drafts included; nobody of
  another city learns that one exists (the same 404 as a number that does not exist).
- A company's users read the company's contracts once sent for signature (never a draft).
- The public reads contracts of record (executed and after): the summary and the schedule;
  the signed PDF only where the municipality publishes contracts.
- The PDF itself: the municipality's staff and the company's users, once it is ready.
"""

from django.db.models import Prefetch, QuerySet

from contracts.models import Contract, ContractPdf, Party, Signature
from departments.tenancy import TenantActor
from p3hub.errors import NotFound, get_or_not_found
from procurements.models import Award

LIST_RELATED = ("municipality", "vendor", "solicitation", "pdf")


def _with_parties(queryset: QuerySet[Contract]) -> QuerySet[Contract]:
    """The contracts with their parties (department, signatory) and live signatures in
    three more queries, whatever their number."""
    live = Signature.objects.filter(voided_at__isnull=True).select_related("signer")
    parties = Party.objects.select_related("department", "signatory").prefetch_related(
        Prefetch("signatures", queryset=live, to_attr="live_signatures")
    )
    return queryset.select_related(*LIST_RELATED).prefetch_related(
        Prefetch("parties", queryset=parties)
    )


def contracts_for_staff(actor: TenantActor, *, status: str = "") -> QuerySet[Contract]:
    found = Contract.objects.filter(municipality=actor.municipality)
    if status:
        found = found.filter(status=status)
    return _with_parties(found).order_by("-prepared_at", "-id")


def contract_get_for_staff(actor: TenantActor, number) -> Contract:
    if not isinstance(number, str):
        raise NotFound("Not found.")
    return get_or_not_found(
        _with_parties(Contract.objects), municipality=actor.municipality, number=number
    )


def contracts_for_vendor(actor) -> QuerySet[Contract]:
    found = Contract.objects.filter(vendor=actor.vendor).exclude(status=Contract.Status.DRAFT)
    return _with_parties(found).order_by("-prepared_at", "-id")


def contract_get_for_vendor(actor, municipality_slug, number) -> Contract:
    if not isinstance(number, str) or not isinstance(municipality_slug, str):
        raise NotFound("Not found.")
    return get_or_not_found(
        contracts_for_vendor(actor),
        municipality__slug=municipality_slug,
        number=number,
    )


def contracts_public(municipality) -> QuerySet[Contract]:
    found = Contract.objects.filter(municipality=municipality, status__in=Contract.OF_RECORD)
    return _with_parties(found).order_by("-executed_at", "-id")


def contract_public_get(municipality, number) -> Contract:
    if not isinstance(number, str):
        raise NotFound("Not found.")
    return get_or_not_found(contracts_public(municipality), number=number)


def pdf_public(contract: Contract) -> bool:
    """Whether the public may download the signed PDF (the municipality's choice)."""
    return contract.is_of_record and contract.municipality.contracts_published


def ready_pdf(contract: Contract):
    """The contract's stored PDF, or NotFound while there is none (not executed, rendering,
    failed)."""
    try:
        document = contract.pdf
    except ContractPdf.DoesNotExist:
        raise NotFound("Not found.") from None
    if not document.is_ready:
        raise NotFound("Not found.")
    return document


def awards_ready_for_contract(actor: TenantActor) -> QuerySet[Award]:
    """The municipality's final awards that have no contract yet: what the officer prepares
    next."""
    return (
        Award.objects.filter(
            solicitation__municipality=actor.municipality,
            status=Award.Status.FINAL,
            contracts__isnull=True,
        )
        .select_related("solicitation", "bid__vendor")
        .order_by("-final_at", "-id")
    )


def party_rows(contract: Contract) -> list[Party]:
    """The parties in order, each with `.signature` (its live one or None), from the
    prefetch of `_with_parties` (no query)."""
    rows = list(contract.parties.all())
    for party in rows:
        party.contract = contract
        live = getattr(party, "live_signatures", None)
        if live is None:
            live = list(party.signatures.filter(voided_at__isnull=True))
        party.signature = live[0] if live else None
    return rows


def signatures_of(contract: Contract) -> QuerySet[Signature]:
    """Every signature, voided ones included, newest first: the contract's signing history."""
    return (
        Signature.objects.filter(contract=contract)
        .select_related("party__department", "signer")
        .order_by("-signed_at", "-id")
    )
