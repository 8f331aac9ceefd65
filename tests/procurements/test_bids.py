"""Sealed bids, first part (issue 11, items 1-4): the vault seals prices and files under a
data key per solicitation; a company starts one live bid, prices it, attaches files, submits,
revises and withdraws before the deadline by the database clock, each with a receipt whose
SHA-256 covers every price and file; a late attempt is refused and recorded; bad input names
its field and changes nothing; no table or stored file holds a price in plaintext."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.functions import Now

from p3hub.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationErrors,
    ValidationFailed,
)
from procurements import selectors, services, vault
from procurements.models import Bid, BidRevision, LateAttempt, Solicitation
from procurements.services import bids
from tests.factories import upload
from tests.helpers import database_state, require_postgresql
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

PRICE = "987654.32"  # recognisable, in no other row
PRICE_MINOR = "98765432"
SECRET_FILE = b"%PDF-1.4\n% TECHNICAL PROPOSAL ZEBRA-QUOKKA-7\n%%EOF\n"


@pytest.fixture
def company(personas):
    return lambda username="vendor.acme": vendor_actor_for(personas[username])


@pytest.fixture
def draft(company, published):
    bid = bids.bid_start(actor=company(), solicitation=published)
    return bids.bid_save(actor=company(), bid=bid, prices={"1": PRICE, "2": "1,200.00"})


def refusals(error) -> dict:
    errors = error.errors if isinstance(error, ValidationErrors) else [error]
    return {each.field: each.message for each in errors}


def submit(company, bid, username="vendor.acme"):
    return bids.bid_submit(
        actor=company(username), bid=bid, declaration=True, declared_name="Avery Acme"
    )


class TestVault:
    def test_a_sealed_content_opens_for_its_company_only(self, company, draft):
        assert bids.bid_draft(actor=company(), bid=draft)["prices"] == {
            "1": 98765432,
            "2": 120000,
        }
        with pytest.raises(NotFound):
            bids.bid_draft(actor=company("vendor.beacon"), bid=draft)

    def test_a_ciphertext_does_not_open_for_another_bid(self, company, draft, published):
        other = bids.bid_start(actor=company("vendor.beacon"), solicitation=published)
        other.sealed_draft = draft.sealed_draft  # copied across rows
        with pytest.raises(vault.VaultError):
            bids.bid_draft(actor=company("vendor.beacon"), bid=other)

    def test_nothing_opens_before_the_opening(self, company, draft):
        receipt = submit(company, draft)
        with pytest.raises(PermissionDenied):
            vault.open_opened(draft, receipt.sealed_content, revision=receipt.number)

    def test_each_solicitation_has_its_own_wrapped_key(self, company, draft, actor, departments):
        from procurements.models import SolicitationKey
        from tests.factories import build_published

        another = build_published(actor, departments)
        bids.bid_start(actor=company(), solicitation=another)
        bids.bid_save(actor=company(), bid=another.bids.get(), prices={"1": "1.00"})
        keys = list(SolicitationKey.objects.values_list("wrapped_key", flat=True))
        assert len(keys) == 2 and bytes(keys[0]) != bytes(keys[1])


class TestLifecycle:
    def test_submit_returns_a_receipt_whose_hash_covers_prices_and_files(
        self, company, draft, mailoutbox, django_capture_on_commit_callbacks
    ):
        bids.bid_attach(
            actor=company(),
            bid=draft,
            title="Technical proposal",
            file=upload("proposal.pdf", SECRET_FILE),
        )
        with django_capture_on_commit_callbacks(execute=True):
            receipt = submit(company, draft)
        draft.refresh_from_db()
        assert draft.status == Bid.Status.SUBMITTED and draft.revision == 1
        assert receipt.receipt_number.startswith(draft.solicitation.reference)
        content = vault.open_own(company(), draft, receipt.sealed_content, revision=1)
        assert bids.content_sha256(content) == receipt.content_sha256
        assert content["lines"][0] == {"position": 1, "unit_price_minor": 98765432}
        assert content["attachments"][0]["file_name"] == "proposal.pdf"
        # E-mailed to the company's users, with the hash and never a price.
        assert len(mailoutbox) == 1
        body = mailoutbox[0].body
        assert receipt.content_sha256 in body and PRICE not in body and PRICE_MINOR not in body

    def test_a_revision_keeps_the_old_one(self, company, draft):
        first = submit(company, draft)
        bids.bid_save(actor=company(), bid=draft, prices={"1": "900000.00"})
        second = submit(company, draft)
        assert (first.number, second.number) == (1, 2)
        assert second.kind == BidRevision.Kind.REVISION
        assert first.content_sha256 != second.content_sha256
        assert BidRevision.objects.filter(bid=draft).count() == 2

    def test_an_addendum_changing_line_items_sends_submitted_bids_back(
        self, company, draft, published, actor
    ):
        submit(company, draft)
        services.addendum_acknowledge(
            actor=company(),
            addendum=services.addendum_publish(
                actor=actor("officer"),
                solicitation=published,
                title="Six cameras",
                text="Line 1 now needs six.",
                line_items=[{"position": 1, "quantity": "6"}],
            ),
        )
        draft.refresh_from_db()
        assert draft.status == Bid.Status.NEEDS_RESUBMISSION
        again = submit(company, draft)
        draft.refresh_from_db()
        assert draft.status == Bid.Status.SUBMITTED and again.number == 2

    def test_withdrawing_leaves_room_for_a_new_bid(self, company, draft, published):
        submit(company, draft)
        receipt = bids.bid_withdraw(actor=company(), bid=draft)
        assert receipt.kind == BidRevision.Kind.WITHDRAWAL
        draft.refresh_from_db()
        assert draft.status == Bid.Status.WITHDRAWN
        assert bids.bid_start(actor=company(), solicitation=published).pk != draft.pk

    def test_one_live_bid_per_company(self, company, draft, published):
        with pytest.raises(ValidationFailed):
            bids.bid_start(actor=company(), solicitation=published)
        assert Bid.objects.filter(vendor=company().vendor).count() == 1

    def test_staff_learn_only_how_many_bids_arrived(self, company, draft, published):
        assert selectors.bids_received(published) == 0
        submit(company, draft)
        assert selectors.bids_received(published) == 1


class TestBadInput:
    @pytest.mark.parametrize(
        "prices, field",
        [
            ({"9": "10.00"}, "prices.9"),
            ({"1": "-5.00"}, "prices.1"),
            ({"1": "0"}, "prices.1"),
            ({"1": "10.001"}, "prices.1"),
            ({"1": "1e30"}, "prices.1"),
            ({"1": "99999999999999999.00"}, "prices.1"),
            ({"1": "ten dollars"}, "prices.1"),
            ("1000", "prices"),
        ],
    )
    def test_prices_are_refused_by_name_and_nothing_changes(self, company, draft, prices, field):
        before = database_state()
        with pytest.raises((ValidationFailed, ValidationErrors)) as caught:
            bids.bid_save(actor=company(), bid=draft, prices=prices)
        assert field in refusals(caught.value)
        assert database_state() == before

    def test_submitting_names_every_missing_thing_at_once(self, company, published, actor):
        services.addendum_publish(
            actor=actor("officer"), solicitation=published, title="Site visit", text="Tue."
        )
        bid = bids.bid_start(actor=company(), solicitation=published)
        bids.bid_save(actor=company(), bid=bid, prices={"1": "10.00"})
        before = database_state()
        with pytest.raises(ValidationErrors) as caught:
            bids.bid_submit(actor=company(), bid=bid, declaration=False, declared_name="")
        assert set(refusals(caught.value)) == {
            "prices.2",
            "declaration",
            "declared_name",
            "addenda",
        }
        assert database_state() == before

    def test_a_wrong_type_or_oversize_attachment_is_refused(self, company, draft, settings):
        before = database_state()
        with pytest.raises(ValidationFailed) as wrong:
            bids.bid_attach(
                actor=company(), bid=draft, title="x", file=upload("x.pdf", b"MZ\x90 exe")
            )
        settings.UPLOAD_MAX_BYTES = 10
        with pytest.raises(ValidationFailed) as large:
            bids.bid_attach(actor=company(), bid=draft, title="x", file=upload("x.pdf"))
        assert wrong.value.field == large.value.field == "file"
        assert database_state() == before

    def test_no_bid_on_a_draft_solicitation(self, company, cameras):
        with pytest.raises(InvalidTransition):
            bids.bid_start(actor=company(), solicitation=cameras)
        assert not Bid.objects.exists()

    def test_another_company_cannot_touch_the_bid(self, company, draft):
        before = database_state()
        beacon = company("vendor.beacon")
        for attempt in (
            lambda: bids.bid_save(actor=beacon, bid=draft, prices={"1": "1.00"}),
            lambda: bids.bid_submit(actor=beacon, bid=draft, declaration=True, declared_name="B"),
            lambda: bids.bid_withdraw(actor=beacon, bid=draft),
        ):
            with pytest.raises(NotFound):
                attempt()
        assert database_state() == before


class TestDeadline:
    def test_a_late_submission_is_refused_and_recorded(self, company, draft, published):
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        with pytest.raises(ValidationFailed) as late:
            submit(company, draft)
        assert late.value.code == "deadline_passed" and "deadline passed" in late.value.message
        attempt = LateAttempt.objects.get()
        assert (attempt.vendor, attempt.user, attempt.action) == (
            company().vendor,
            company().user,
            "submit",
        )
        assert not BidRevision.objects.exists()
        draft.refresh_from_db()
        assert draft.status == Bid.Status.DRAFT

    @pytest.mark.parametrize("skew", [dt.timedelta(days=-1), dt.timedelta(days=1)])
    def test_the_application_clock_decides_nothing(
        self, company, draft, published, monkeypatch, skew
    ):
        """Django's clock (timezone.now) a day off either way: the database's still rules,
        past its deadline and before it."""
        from django.utils import timezone

        real_now = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real_now() + skew)
        assert submit(company, draft).submitted_at < published.bids_due_at
        Solicitation.objects.filter(pk=published.pk).update(bids_due_at=Now())
        with pytest.raises(ValidationFailed):
            bids.bid_withdraw(actor=company(), bid=draft)
        assert LateAttempt.objects.get().action == "withdraw"


def test_no_table_and_no_stored_file_holds_a_price_in_plaintext(company, draft, settings):
    """Invariant 2: a recognisable price, submitted, is nowhere in the database in plaintext
    (every column of every table, read as text), nor in the stored attachment."""
    require_postgresql()
    bids.bid_attach(actor=company(), bid=draft, title="Proposal", file=upload("p.pdf", SECRET_FILE))
    submit(company, draft)
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            table = model._meta.db_table
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 - our table names
            for (row,) in cursor.fetchall():
                # bytea columns print as hex: a plaintext price would show as its digits' hex.
                needles = (PRICE, PRICE_MINOR, "ZEBRA-QUOKKA", PRICE_MINOR.encode().hex())
                if any(needle in row for needle in needles):
                    found.append(table)
    assert found == []
    from pathlib import Path

    stored = [p.read_bytes() for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored and not any(b"ZEBRA-QUOKKA" in data for data in stored)
