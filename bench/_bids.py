"""What the bid benchmarks share: a published solicitation built through the services (the
tests' cameras: two line items), and the clean-up that leaves the throwaway database as the
other benchmarks expect it (bench.list_pages counts every public solicitation)."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from departments import demo as departments_demo
from departments.models import Department, User
from departments.tenancy import tenant_actor_for
from procurements.models import Bid, BidAttachment, BidRevision, Solicitation
from tests.factories import build_published


def officer():
    return tenant_actor_for(User.objects.get(username="officer"), "riverton")


@contextmanager
def published_solicitation() -> Iterator[Solicitation]:
    """Riverton's cameras, published (the demo's people seeded first); removed afterwards
    with every bid on it."""
    departments_demo.seed()
    departments = {d.code: d for d in Department.objects.filter(municipality__slug="riverton")}
    solicitation = build_published(
        lambda username: tenant_actor_for(User.objects.get(username=username), "riverton"),
        departments,
    )
    try:
        yield solicitation
    finally:
        _remove(solicitation)


def _remove(solicitation: Solicitation) -> None:
    bids = Bid.objects.filter(solicitation=solicitation)
    BidRevision.objects.filter(bid__in=bids).delete()
    BidAttachment.objects.filter(bid__in=bids).delete()
    bids.delete()
    solicitation.delete()  # the companies stay: their users are in the audit chain
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE procurements_bid")
