"""The demo's contract (issue 13): the signal cabinets' award to Acme (procurements.demo)
prepared by `officer` with the cabinets as the one-time part and five years of maintenance,
year 1 donated in kind by Acme; sent, signed by vendor.acme, head.trn and head.psd, executed,
and its PDF rendered and signed here (not in a worker, so it is there when the seed ends).
Idempotent: an award that has its contract is left as it is."""

import datetime as dt

from contracts import services
from contracts.models import Contract
from departments.models import Municipality, User
from departments.tenancy import TenantActor
from p3hub.clock import db_now
from procurements.demo import CABINETS
from procurements.models import Solicitation
from vendors.actor import vendor_actor_for


def _actor(username: str) -> TenantActor:
    riverton = Municipality.objects.get(slug="riverton")
    return TenantActor.of(User.objects.get(username=username), riverton)


def seed() -> None:
    solicitation = Solicitation.objects.filter(
        municipality__slug="riverton", title=CABINETS
    ).first()
    if solicitation is None or Contract.objects.filter(solicitation=solicitation).exists():
        return
    contract = _prepared(solicitation)
    services.contract_send(actor=_actor("officer"), contract=contract)
    _signed_by_every_party(contract)
    services.contract_pdf_render(contract.pk)


def _prepared(solicitation: Solicitation) -> Contract:
    """From the first of next month, five years; the cabinets (6 x 4,650.00) once, the
    maintenance spread over the years, year 1 donated by Acme."""
    today = db_now().astimezone(solicitation.municipality.zone).date()
    start = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return services.contract_prepare(
        actor=_actor("officer"),
        solicitation=solicitation,
        start_date=start,
        term_years=5,
        capital="27,900.00",
        in_kind=[{"period": 1, "donor": "vendor"}],
        special_terms=(
            "The Contractor keeps two spare cabinets and four battery packs in the City's "
            "Harbor Yard for the term, and answers an outage alarm within four hours."
        ),
    )


def _signed_by_every_party(contract: Contract) -> None:
    for party in contract.parties.select_related("department", "signatory"):
        signer = party.signatory
        actor = vendor_actor_for(signer) if party.is_vendor else _actor(signer.username)
        services.contract_sign(
            actor=actor,
            contract=contract,
            department=None if party.is_vendor else party.department.code,
            typed_name=signer.display_name,
            consent=True,
            client_address="127.0.0.1",
            user_agent="P3 Hub demo seed",
        )
