"""E-mails of the contract (issue 13), each keyed by its event so a person gets it once however
often a service or a retry asks (p3hub.mail.email_people), after the change commits. Nothing
here checks permissions: the calling service did."""

from django.urls import reverse
from django.utils import timezone

from contracts.models import Contract, Party
from departments.selectors import officers_of
from p3hub.mail import email_people, site_link
from p3hub.money import format_money
from vendors.selectors import users_of_companies

TEMPLATES = "contracts/email"


def staff_link(contract: Contract, name: str = "contract") -> str:
    return site_link(reverse(name, args=[contract.municipality.slug, contract.number]))


def vendor_link(contract: Contract) -> str:
    return site_link(reverse("vendor-contract", args=[contract.municipality.slug, contract.number]))


def _send(key: str, people, event: str, contract: Contract, **context) -> int:
    municipality = contract.municipality
    with timezone.override(municipality.zone):
        return email_people(
            key=key,
            people=people,
            template=f"{TEMPLATES}/{event}",
            context={
                "contract": contract,
                "municipality": municipality,
                "total": format_money(contract.total_minor, municipality.currency),
                "staff_link": staff_link(contract),
                "vendor_link": vendor_link(contract),
                **context,
            },
            municipality=municipality,
        )


def _parties(contract: Contract) -> list[Party]:
    return list(contract.parties.select_related("department", "signatory"))


def _everyone(contract: Contract) -> list:
    """The signatories, the company's users and the municipality's officers, each once."""
    people = {party.signatory for party in _parties(contract)}
    people |= set(users_of_companies([contract.vendor_id]))
    people |= set(officers_of(contract.municipality))
    return sorted(people, key=lambda person: person.pk)


def signing_round(contract: Contract) -> str:
    """The signing round a notice belongs to: the revision and the moment it was sent. A
    contract recalled and sent again unchanged keeps its revision, yet its signatories are
    asked, and told of the signatures voided, again."""
    return f"{contract.revision}:{contract.sent_at:%Y%m%dT%H%M%S.%f}"


def notify_out_for_signature(contract: Contract) -> int:
    """Each signatory: what to sign and where (the portal for the vendor, the page for
    staff)."""
    sent = 0
    for party in _parties(contract):
        sent += _send(
            f"contract-sign:{contract.pk}:{signing_round(contract)}:{party.pk}",
            [party.signatory],
            "out_for_signature",
            contract,
            party=party,
            link=vendor_link(contract) if party.is_vendor else staff_link(contract),
        )
    return sent


def notify_signed(contract: Contract, party: Party) -> int:
    """The officers: one more party signed."""
    return _send(
        f"contract-signed:{contract.pk}:{signing_round(contract)}:{party.pk}",
        officers_of(contract.municipality),
        "signed",
        contract,
        party=party,
    )


def notify_returned(contract: Contract, *, reason: str, signers, round_key: str) -> int:
    """Everyone who had signed, and the other signatories: the signatures of that round
    (`round_key`, its signing_round read before it returned to draft) are void."""
    people = {party.signatory for party in _parties(contract)} | set(signers)
    return _send(
        f"contract-returned:{contract.pk}:{round_key}",
        sorted(people, key=lambda person: person.pk),
        "returned",
        contract,
        reason=reason,
    )


def notify_executed(contract: Contract) -> int:
    return _send(f"contract-executed:{contract.pk}", _everyone(contract), "executed", contract)


def notify_pdf_ready(contract: Contract) -> int:
    return _send(f"contract-pdf:{contract.pk}", _everyone(contract), "pdf_ready", contract)


def notify_terminated(contract: Contract) -> int:
    return _send(f"contract-terminated:{contract.pk}", _everyone(contract), "terminated", contract)
