"""The opening (issue 11, item 5): the chronograph records `closed` and then starts the opening
at the opening time; an officer may open once the deadline has passed. Every submitted bid
is decrypted once, checked against its receipt and written down; the solicitation is
recorded `opened` with one audit event; bidders and staff are told once each. Drafts, bids
sent back for re-submission and withdrawn ones are not opened."""

import datetime as dt

import pytest
from django.db.models.functions import Now

from p3hub.errors import InvalidTransition, PermissionDenied
from p3hub.models import AuditEvent, OutboundEmail
from procurements import selectors, tasks
from procurements.models import Bid, BidOpening, Solicitation
from procurements.services import bids, opening
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(personas):
    return lambda username="vendor.acme": vendor_actor_for(personas[username])


def bid_for(company, solicitation, username, prices, *, submit=True):
    actor = company(username)
    bid = bids.bid_start(actor=actor, solicitation=solicitation)
    bid = bids.bid_save(actor=actor, bid=bid, prices=prices)
    if submit:
        bids.bid_submit(actor=actor, bid=bid, declaration=True, declared_name=username)
    return bid


def time_passes(solicitation, *, opening_due: bool = True) -> None:
    """The bid deadline is a minute ago by the database clock (and the opening time too)."""
    Solicitation.objects.filter(pk=solicitation.pk).update(
        bids_due_at=Now() - dt.timedelta(minutes=2),
        opening_at=Now() - dt.timedelta(minutes=1) if opening_due else Now() + dt.timedelta(days=1),
    )


@pytest.fixture
def two_bids(company, published):
    acme = bid_for(company, published, "vendor.acme", {"1": "1000.00", "2": "250.00"})
    beacon = bid_for(company, published, "vendor.beacon", {"1": "900.00", "2": "300.00"})
    return acme, beacon


def test_the_chronograph_closes_then_opens_and_tells_everyone_once(
    published, two_bids, django_capture_on_commit_callbacks
):
    time_passes(published)
    with django_capture_on_commit_callbacks(execute=True):
        ran = tasks.chronograph.delay().get()
    # One tick records `closed`, then starts the opening that is due.
    assert ran == {"released": 0, "closed": 1, "openings_started": 1, "awards_final": 0}

    stored = Solicitation.objects.get(pk=published.pk)
    assert stored.status == "opened" and stored.opened_at is not None
    assert stored.next_check_at is None  # nothing timed is left
    progress = BidOpening.objects.get(solicitation=stored)
    assert (progress.bids_total, progress.bids_opened, progress.percent) == (2, 2, 100)
    events = AuditEvent.objects.filter(verb="solicitation.open")
    assert events.count() == 1 and events.get().after["bids"] == 2
    assert events.get().after["not_matching"] == 0
    keys = list(OutboundEmail.objects.filter(key__startswith="bids-opened").values_list("key"))
    assert len(keys) == len(set(keys)) >= 3  # each bidder's users, heads and the officer

    # Again: nothing more happens, nothing is sent twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.chronograph.delay().get()["openings_started"] == 0
        tasks.bids_open.delay(stored.pk).get()
    assert AuditEvent.objects.filter(verb="solicitation.open").count() == 1
    assert OutboundEmail.objects.filter(key__startswith="bids-opened").count() == len(keys)


def test_the_tabulation_ranks_by_total_and_each_bid_hashes_to_its_receipt(
    published, two_bids, actor, django_capture_on_commit_callbacks
):
    time_passes(published, opening_due=False)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(actor=actor("officer"), solicitation=published)
    stored = Solicitation.objects.get(pk=published.pk)
    table = selectors.tabulation_of(stored)

    quantities = {line.position: line.quantity for line in table.line_items}
    acme_total = int(100000 * quantities[1] + 25000 * quantities[2])
    beacon_total = int(90000 * quantities[1] + 30000 * quantities[2])
    expected = sorted([("Acme", acme_total), ("Beacon", beacon_total)], key=lambda r: r[1])
    assert [(row.vendor_name.split()[0], row.total_minor) for row in table.rows] == expected
    assert [row.rank for row in table.rows] == [1, 2]
    assert all(row.receipt_matches for row in table.rows)
    assert [line.unit_price_minor for line in table.rows[0].lines] in (
        [100000, 25000],
        [90000, 30000],
    )
    for bid in Bid.objects.filter(solicitation=stored):
        revision = bid.revisions.get(number=bid.revision)
        check = bids.receipt_check(actor=None, revision=revision, sha256=revision.content_sha256)
        assert check.opened and check.content_matches and check.given_matches


def test_the_officer_opens_only_after_the_deadline_and_only_an_officer(published, two_bids, actor):
    with pytest.raises(InvalidTransition) as early:
        opening.opening_start(actor=actor("officer"), solicitation=published)
    assert early.value.code == "deadline_not_passed"
    time_passes(published, opening_due=False)
    with pytest.raises(PermissionDenied):
        opening.opening_start(actor=actor("head.trn"), solicitation=published)
    assert not BidOpening.objects.exists()
    assert Solicitation.objects.get(pk=published.pk).status == "published"


def test_drafts_and_bids_to_resubmit_are_not_opened(
    company, published, actor, django_capture_on_commit_callbacks
):
    submitted = bid_for(company, published, "vendor.acme", {"1": "10.00", "2": "20.00"})
    draft = bid_for(company, published, "vendor.beacon", {"1": "11.00"}, submit=False)
    time_passes(published, opening_due=False)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(actor=actor("officer"), solicitation=published)
    assert Bid.objects.get(pk=submitted.pk).status == "opened"
    left = Bid.objects.get(pk=draft.pk)
    assert (left.status, left.opened_content, left.total_minor) == ("draft", None, None)


def test_a_tampered_bid_is_opened_and_flagged(
    company, published, actor, django_capture_on_commit_callbacks
):
    bid = bid_for(company, published, "vendor.acme", {"1": "10.00", "2": "20.00"})
    # The receipt's hash changed after the fact (the stored content no longer matches).
    bid.revisions.update(content_sha256="0" * 64)
    time_passes(published, opening_due=False)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(actor=actor("officer"), solicitation=published)
    assert Bid.objects.get(pk=bid.pk).receipt_matches is False
    event = AuditEvent.objects.get(verb="solicitation.open")
    assert event.after["not_matching"] == 1


def test_no_tabulation_before_the_opening(published, two_bids):
    with pytest.raises(PermissionDenied):
        selectors.tabulation_of(published)


def test_bidding_stops_once_closed_even_if_the_deadline_moved_back(company, published, actor):
    """Belt and braces: a closed solicitation takes no bid whatever its dates say."""
    bid = bid_for(company, published, "vendor.acme", {"1": "10.00", "2": "20.00"}, submit=False)
    Solicitation.objects.filter(pk=published.pk).update(status="closed")
    with pytest.raises(InvalidTransition):
        bids.bid_save(actor=company(), bid=bid, prices={"1": "12.00"})


def test_staff_read_a_bidders_certificates_once_its_bid_was_opened(
    company, published, two_bids, actor, client, personas, django_capture_on_commit_callbacks
):
    from tests.factories import in_days, insurance
    from tests.helpers import downloaded
    from vendors import services as vendor_services

    acme = company()
    certificate = vendor_services.certificate_add(
        actor=acme, **insurance(expires_on=in_days(200), title="")
    )
    url = f"/riverton/vendors/{acme.vendor.pk}/certificates/{certificate.pk}/file/"
    client.force_login(personas["officer"])
    assert client.get(url).status_code == 404  # before the opening: not even that it bid

    time_passes(published, opening_due=False)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(actor=actor("officer"), solicitation=published)
    granted = client.get(url)
    assert granted.status_code == 200 and downloaded(granted).startswith(b"%PDF")
    client.force_login(personas["officer.lakeside"])
    assert client.get(url).status_code == 404
