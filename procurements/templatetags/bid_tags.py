"""Template helpers about bids: where a reader of a solicitation's page may see its
tabulation."""

from django import template
from django.urls import reverse

from p3hub.errors import NotFound
from procurements import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def tabulation_url(context, solicitation) -> str:
    """The tabulation's URL for whoever reads the page: in the portal a company whose bid
    was opened gets its own page (its row marked), anyone else the public one where the
    municipality publishes it; "" before the opening or where the reader may not see it."""
    if solicitation.opened_at is None:
        return ""
    args = [solicitation.municipality.slug, solicitation.reference]
    actor = getattr(context.get("request"), "vendor_actor", None)
    if actor is not None:
        try:
            selectors.vendor_tabulation_get(actor, *args)
            return reverse("vendor-tabulation", args=args)
        except NotFound:
            pass
    if solicitation.municipality.bid_tabulation_public:
        return reverse("solicitation-tabulation", args=args)
    return ""
