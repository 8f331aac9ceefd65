"""`{% load contract_links %}`: where the readers of a solicitation's pages (its public page,
its award notice) find the contract of record that came of it."""

from django import template

from contracts import selectors
from procurements.models import Solicitation

register = template.Library()


@register.simple_tag
def contract_of_record(solicitation):
    """The solicitation's contract once executed (of record), or None; no query before the
    solicitation is awarded."""
    if solicitation.status != Solicitation.Status.AWARDED:
        return None
    found = selectors.contracts_public(solicitation.municipality).filter(solicitation=solicitation)
    return found.select_related(None).prefetch_related(None).only("number", "title").first()
