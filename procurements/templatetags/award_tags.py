"""Template helpers about the award: where a reader of a solicitation's page may read its
award notice."""

from django import template
from django.urls import reverse

from p3hub.errors import NotFound
from procurements import selectors
from procurements.models import Solicitation

register = template.Library()


@register.simple_tag(takes_context=True)
def award_link(context, solicitation) -> dict | None:
    """Where the reader of the page reads the award notice ({url, own}): in the portal a
    company whose bid was opened gets its own page (`own`: its rank and scores, its
    protests), anyone else the public notice; None before the notice is published."""
    # A published award makes the solicitation awarded (and an upheld protest undoes both):
    # any other status needs no query.
    if solicitation.status != Solicitation.Status.AWARDED:
        return None
    try:
        selectors.award_public(solicitation)
    except NotFound:
        return None
    args = [solicitation.municipality.slug, solicitation.reference]
    actor = getattr(context.get("request"), "vendor_actor", None)
    if actor is not None and selectors.vendor_bid_here(actor.vendor, solicitation):
        return {"url": reverse("vendor-award", args=args), "own": True}
    return {"url": reverse("solicitation-award", args=args), "own": False}
