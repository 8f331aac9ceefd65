"""Signing (issue 13): each party's named signatory signs the contract out for signature with
the name they type and their consent to sign electronically, at the database's time, from
their client address. Only that person signs for that party: a department's head for their
own department (invariant 5), a user of the awarded company for it. The last signature
executes the contract and queues its PDF."""

from django.db import transaction

from contracts import notices
from contracts.models import SIGN, Contract, ContractPdf, Party, Signature
from contracts.services.common import InMunicipality, lock_contract
from contracts.services.documents import queue_render
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.clock import db_now
from p3hub.errors import Checks, InvalidTransition, PermissionDenied, ValidationFailed

__all__ = ["awaits_signature", "contract_sign", "may_sign", "may_sign_now", "party_for"]

NAME_LIMIT = 200
USER_AGENT_LIMIT = 300
CONSENT_NEEDED = "Agree to sign electronically: your typed name is your signature."


def party_for(contract: Contract, actor, code: str | None = None) -> Party:
    """The party `actor` would sign for: the vendor's for a vendor user, the department
    `code` for staff. NotFound-free: an unknown code is a refusal naming the field."""
    parties = contract.parties.select_related("department", "signatory")
    if hasattr(actor, "vendor_user"):
        return parties.get(kind=Party.Kind.VENDOR)
    if not isinstance(code, str) or "\x00" in code:
        code = ""  # what PostgreSQL cannot compare is no department of this contract either
    party = parties.filter(kind=Party.Kind.DEPARTMENT, department__code=code).first()
    if party is None:
        raise ValidationFailed(
            f"{str(code)[:30]} is not a department of this contract.", field="department"
        )
    return party


def may_sign(actor, party: Party) -> bool:
    """The named signatory, still holding the grant, and still what the party needs: a user
    of the company for the vendor, an active head of the department for a department."""
    user = actor.user
    if party.signatory_id != user.pk or not user.has_perm(SIGN, party.contract):
        return False
    if party.is_vendor:
        return getattr(actor, "vendor", None) == party.contract.vendor
    return hasattr(actor, "heads") and actor.heads(party.department)


def awaits_signature(party: Party) -> bool:
    """The contract is out for signature and the party has not signed this revision (a
    party from selectors.party_rows carries its live `signature`)."""
    if party.contract.status != Contract.Status.OUT_FOR_SIGNATURE:
        return False
    if hasattr(party, "signature"):
        return party.signature is None
    return not party.signatures.filter(voided_at__isnull=True).exists()


def may_sign_now(actor, party: Party) -> bool:
    """Whether to offer `actor` the sign form for `party`: what pages and the API ask."""
    return awaits_signature(party) and may_sign(actor, party)


def _refusal(party: Party) -> str:
    return f"Only {party.signatory_title} may sign for {party.name}."


@transaction.atomic
def contract_sign(
    *,
    actor,
    contract: Contract,
    typed_name: str,
    consent: bool,
    department: str | None = None,
    client_address: str | None = None,
    user_agent: str = "",
) -> Signature:
    """`actor` signs for their party (for staff, the department `department`). The last
    party's signature executes the contract and queues its PDF."""
    scope = (
        {"vendor": actor.vendor}
        if hasattr(actor, "vendor_user")
        else {"municipality": actor.municipality}
    )
    contract = lock_contract(contract, **scope)
    party = party_for(contract, actor, department)
    party.contract = contract
    if not may_sign(actor, party):
        raise PermissionDenied(_refusal(party))
    if contract.status != Contract.Status.OUT_FOR_SIGNATURE:
        raise InvalidTransition(
            f"This contract is {contract.get_status_display().lower()}: it cannot be signed.",
            code="not_out_for_signature",
        )
    if party.signatures.filter(voided_at__isnull=True).exists():
        raise InvalidTransition(f"{party.name} has already signed.", code="already_signed")
    checks = Checks()
    typed_name = checks.run(
        clean_text, typed_name, field="typed_name", limit=NAME_LIMIT, required=True
    )
    if consent is not True:
        checks.refuse(CONSENT_NEEDED, field="consent", code="consent_required")
    checks.raise_any()
    signature = Signature.objects.create(
        contract=contract,
        party=party,
        revision=contract.revision,
        signer=actor.user,
        typed_name=typed_name,
        consented=True,
        signed_at=db_now(),
        client_address=client_address or None,
        user_agent=(user_agent or "")[:USER_AGENT_LIMIT],
    )
    auditor = InMunicipality(actor, contract.municipality)
    auditor.audit(
        Verb.CONTRACT_SIGN,
        contract,
        after={
            "party": party.code,
            "typed_name": typed_name,
            "revision": contract.revision,
            "client_address": signature.client_address,
        },
    )
    signed = Signature.objects.filter(contract=contract, voided_at__isnull=True)
    if not contract.parties.exclude(pk__in=signed.values("party")).exists():
        _execute(auditor, contract)
    else:
        notices.notify_signed(contract, party)
    return signature


def _execute(auditor, contract: Contract) -> None:
    now = db_now()
    Contract.lifecycle.apply(
        contract,
        "execute",
        actor=auditor,
        changes={"executed_at": now},
        details={"number": contract.number, "revision": contract.revision},
    )
    pdf, _ = ContractPdf.objects.get_or_create(contract=contract, defaults={"requested_at": now})
    queue_render(pdf)
    notices.notify_executed(contract)
