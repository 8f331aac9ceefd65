"""The contract under concurrency (issue 13; DESIGN.md invariant 9), on PostgreSQL with real
threads, each with its own database connection, and with a real Celery worker: the PDF
rendered twice in a row or by two workers at once is one PDF, one file, one hash, one event
and one e-mail per person; the clock run by two beats at once activates a contract once; two
last signatures at once execute it once; and a contract executed through the service is
rendered by the worker the task was queued to."""

import hashlib
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from django.db.models.functions import Now

from contracts import pdf, services, tasks
from contracts.models import Contract, ContractPdf, Signature
from p3hub.models import AuditEvent, OutboundEmail
from tests.factories import build_contract, sign_every_party
from tests.helpers import celery_worker, database_state, race, require_postgresql, wait_for
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db(transaction=True)

# Whom the PDF's notice goes to: the signatories, Acme's users and Riverton's officers.
TOLD_PDF = ("officer", "head.trn", "head.psd", "vendor.acme")


@pytest.fixture
def executed(actor, departments, personas) -> Contract:
    """The demo contract signed by every party (each step committed, as requests do), its
    PDF waiting: the render queued on commit is held back, so the tests run it."""
    require_postgresql()
    with mock.patch.object(tasks.contract_pdf_render, "delay"):
        contract = sign_every_party(actor, personas, build_contract(actor, departments, personas))
    assert contract.status == "executed"
    assert ContractPdf.objects.get(contract=contract).status == "pending"
    return contract


def stored_files(settings) -> list[Path]:
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*.pdf") if path.is_file())


def assert_one_pdf(contract: Contract, personas, settings) -> ContractPdf:
    """One ready PDF row, one stored file whose SHA-256 is the one recorded, one event and
    one e-mail per person."""
    document = ContractPdf.objects.get(contract=contract)
    assert (document.status, document.attempts) == ("ready", 1)
    [path] = stored_files(settings)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    assert AuditEvent.objects.filter(verb="contract.pdf_ready").count() == 1
    keys = OutboundEmail.objects.filter(key__isnull=False).values_list("key", flat=True)
    assert [key for key, times in Counter(keys).items() if times > 1] == []
    told = OutboundEmail.objects.filter(key__startswith=f"contract-pdf:{contract.pk}:")
    assert sorted(email.to[0] for email in told) == sorted(
        personas[name].email for name in TOLD_PDF
    )
    return document


def render(contract: Contract):
    return lambda: services.contract_pdf_render(contract.pk)


def test_the_render_run_twice_makes_one_pdf(executed, personas, settings):
    first = services.contract_pdf_render(executed.pk)
    before = database_state()

    assert services.contract_pdf_render(executed.pk) is None

    assert database_state() == before
    document = assert_one_pdf(executed, personas, settings)
    assert first.sha256 == document.sha256
    # The task the same: a redelivery finds the PDF ready and returns nothing.
    assert tasks.contract_pdf_render.apply(args=[executed.pk]).result is None


def test_the_render_on_two_workers_at_once_makes_one_pdf(executed, personas, settings):
    outcomes = race({"worker-1": render(executed), "worker-2": render(executed)})

    made = [outcome for outcome in outcomes.values() if outcome is not None]
    assert len(made) == 1 and isinstance(made[0], ContractPdf)
    document = assert_one_pdf(executed, personas, settings)
    assert made[0].sha256 == document.sha256


def test_the_clock_on_two_beats_at_once_activates_the_contract_once(executed):
    Contract.objects.filter(pk=executed.pk).update(starts_at=Now())

    outcomes = race({f"beat-{n}": services.contracts_clock_due for n in range(2)})

    assert sorted(each["activated"] for each in outcomes.values()) == [0, 1]
    assert Contract.objects.get(pk=executed.pk).status == "active"
    assert AuditEvent.objects.filter(verb="contract.activate").count() == 1
    before = database_state()
    assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
    assert database_state() == before


def test_two_last_signatures_at_once_execute_the_contract_once(actor, departments, personas):
    """Acme and Transportation sign at the same moment, Public Safety having signed: both
    signatures stand, the contract is executed once and its PDF queued once."""
    require_postgresql()
    contract = sign_every_party(
        actor, personas, build_contract(actor, departments, personas), but=("vendor", "TRN")
    )
    acme, head = vendor_actor_for(personas["vendor.acme"]), actor("head.trn")

    def signs(signer, department):
        return lambda: services.contract_sign(
            actor=signer,
            contract=contract,
            department=department,
            typed_name=signer.user.display_name,
            consent=True,
        )

    with mock.patch.object(tasks.contract_pdf_render, "delay") as queued:
        outcomes = race({"vendor": signs(acme, None), "TRN": signs(head, "TRN")})

    assert all(isinstance(outcome, Signature) for outcome in outcomes.values()), outcomes
    stored = Contract.objects.get(pk=contract.pk)
    assert stored.status == "executed" and stored.executed_at is not None
    assert Signature.objects.filter(contract=contract, voided_at__isnull=True).count() == 3
    assert AuditEvent.objects.filter(verb="contract.execute").count() == 1
    assert ContractPdf.objects.filter(contract=contract).count() == 1
    queued.assert_called_once_with(contract.pk)
    executed_told = OutboundEmail.objects.filter(key__startswith=f"contract-executed:{contract.pk}")
    assert executed_told.count() == len(TOLD_PDF)


@pytest.mark.worker
def test_a_real_worker_renders_what_the_last_signature_queued(
    actor, departments, personas, settings, signing_pair, tmp_path
):
    """Executed through the service, the task goes to the broker after commit and a real
    worker renders, signs and stores the PDF in the same media folder."""
    key, certificate = signing_pair
    with celery_worker(
        tmp_path,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        P3HUB_SIGNING_KEY_FILE=str(key),
        P3HUB_SIGNING_CERT_FILE=str(certificate),
    ) as log:
        contract = sign_every_party(actor, personas, build_contract(actor, departments, personas))
        assert contract.status == "executed"

        def ready() -> bool:
            return ContractPdf.objects.filter(contract=contract, status="ready").exists()

        wait_for(ready, "the worker to store the PDF", timeout=120, log=log)

    document = ContractPdf.objects.get(contract=contract)
    with document.file.open("rb") as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    check = pdf.check_signature(data)
    assert check.verified, check.summary
    assert AuditEvent.objects.filter(verb="contract.pdf_ready").count() == 1
