"""What the contract services share: the officer check, the locked read, the audit in the
municipality's chain whoever signs."""

from dataclasses import dataclass

from contracts.models import Contract
from p3hub.errors import InvalidTransition, PermissionDenied, get_or_not_found

OFFICERS_ONLY = "Only a procurement officer may do this."


def require_officer(actor) -> None:
    if not actor.is_officer:
        raise PermissionDenied(OFFICERS_ONLY)


def lock_contract(contract: Contract, **scope) -> Contract:
    """Re-read and lock the contract row alone (of=self: not the joined municipality or
    vendor), within `scope` (the actor's municipality or company)."""
    locked = Contract.objects.select_for_update(of=("self",)).select_related(
        "municipality", "vendor", "solicitation", "award"
    )
    return get_or_not_found(locked, pk=contract.pk, **scope)


def require_editable(contract: Contract) -> None:
    """Invariant 7: from `executed` on the contract never changes."""
    if not contract.is_editable:
        label = contract.get_status_display().lower()
        raise InvalidTransition(
            f"This contract is {label}: it can no longer be changed.", code="contract_of_record"
        )


@dataclass(frozen=True)
class InMunicipality:
    """An actor whose events about this contract go to its municipality's chain: a vendor
    user's signature belongs beside the departments' (VendorActor.audit takes the chain)."""

    actor: object
    municipality: object

    def __getattr__(self, name):
        return getattr(self.actor, name)

    def audit(self, verb, obj=None, *, before=None, after=None):
        if hasattr(self.actor, "vendor_user"):
            return self.actor.audit(
                verb, obj, before=before, after=after, municipality=self.municipality
            )
        return self.actor.audit(verb, obj, before=before, after=after)
