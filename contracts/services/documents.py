"""The executed contract's signed PDF and its public verification (issue 13).

Rendering: once executed, a Celery task renders the contract's HTML with WeasyPrint (through
contracts.pdf's fetcher, which fetches nothing from outside the static files), signs it with
the platform certificate (PAdES, pyHanko), stores it through the storage API and records its
SHA-256. The PDF row is locked while it renders (SKIP LOCKED): a second worker, or the same
task run again, finds it taken or ready and does nothing, so there is one PDF and one hash
(invariant 9). The page polls the row's status and the step held in the cache.

Verification: anyone may give a PDF (or its SHA-256) and learn whether it is an executed
contract of record, which one, who signed it and when, and whether its embedded signature
validates against the platform certificate."""

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from contracts import notices, pdf, selectors
from contracts.models import Contract, ContractPdf, Signature
from contracts.schedule import term_end
from departments.tenancy import SystemActor
from p3hub.clock import db_now
from p3hub.errors import ValidationFailed
from p3hub.files import PDF, check_upload
from p3hub.mail import site_link
from procurements.allocation import line_amount_minor

__all__ = [
    "RENDER_STEPS",
    "Verification",
    "contract_html",
    "contract_pdf_render",
    "contract_pdf_retry_due",
    "contract_verify",
    "document_context",
    "queue_render",
    "render_progress",
    "render_step",
]

logger = logging.getLogger(__name__)

# What the contract page shows while the task runs (the step is kept in the cache).
RENDER_STEPS = {
    "queued": "Waiting for a worker",
    "rendering": "Laying out the pages",
    "signing": "Signing with the platform certificate",
    "storing": "Storing the signed file",
}
STEP_SECONDS = 3600
MAX_ATTEMPTS = 5
SHA256 = re.compile(r"[0-9a-f]{64}")


def _step_key(contract_id: int) -> str:
    return f"contract-pdf-step:{contract_id}"


def render_step(contract_id: int) -> str:
    return cache.get(_step_key(contract_id)) or "queued"


def render_progress(contract_id: int) -> dict:
    """The render's steps as the pages list them while the PDF waits: each with its label,
    whether it is done or current; the current one's label and number."""
    names = list(RENDER_STEPS)
    current = render_step(contract_id)
    reached = names.index(current) if current in names else 0
    return {
        "steps": [
            {"label": label, "done": index < reached, "current": index == reached}
            for index, label in enumerate(RENDER_STEPS.values())
        ],
        "step_label": RENDER_STEPS[names[reached]],
        "step_number": reached + 1,
        "step_count": len(names),
    }


def _set_step(contract_id: int, step: str) -> None:
    cache.set(_step_key(contract_id), step, STEP_SECONDS)


def queue_render(contract_pdf: ContractPdf) -> None:
    """After the execution commits: the task that renders it (ids only in the broker)."""
    from contracts import tasks

    contract_id = contract_pdf.contract_id
    transaction.on_commit(lambda: tasks.contract_pdf_render.delay(contract_id))


def document_context(contract: Contract) -> dict:
    """What the PDF template prints: the parties with their live signatures, the awarded
    lines, the schedule as one row per period (a column per department, in the parties'
    order, then the in-kind amount), and the term."""
    parties = selectors.party_rows(contract)
    departments = [p for p in parties if not p.is_vendor]
    schedule = contract.schedule
    periods = [_period(period) for period in schedule["periods"]]
    donors = {entry["period"]: entry for entry in contract.in_kind}
    for period in periods:
        period["donor_is_vendor"] = donors.get(period["index"], {}).get("donor_is_vendor", False)
    cells = {code: row["cells"] for code, row in schedule["departments"].items()}
    period_rows = [
        {
            "period": period,
            "cells": [cells[party.code][column] for party in departments],
            "in_kind": schedule["in_kind_row"][column],
        }
        for column, period in enumerate(periods)
    ]
    donated = [period for period in periods if period["in_kind"]]
    return {
        "contract": contract,
        "municipality": contract.municipality,
        "solicitation": contract.solicitation,
        "award": contract.award,
        "vendor": contract.vendor,
        "vendor_name": contract.vendor.legal_name or contract.vendor.name,
        "parties": parties,
        "vendor_party": next(p for p in parties if p.is_vendor),
        "department_parties": departments,
        "lines": _awarded_lines(contract),
        "period_rows": period_rows,
        "donated_periods": donated,
        "in_kind_minor": schedule["in_kind_minor"],
        "total_minor": schedule["total_minor"],
        "recurring_minor": contract.total_minor - contract.capital_minor,
        "end_date": term_end(contract.start_date, contract.term_years),
        "term_years_text": f"{contract.term_years} year{'s' if contract.term_years != 1 else ''}",
        # Sections 5 (in-kind) and 6 (special terms) are printed only when there is one.
        "general_terms_number": 5 + bool(donated) + bool(contract.special_terms),
        "verify_url": site_link(reverse("contract-verify")),
        "currency": contract.municipality.currency,
    }


def _period(period: dict) -> dict:
    return {
        **period,
        "starts_on": dt.date.fromisoformat(period["starts_on"]),
        "ends_on": dt.date.fromisoformat(period["ends_on"]),
    }


def _awarded_lines(contract: Contract) -> list[dict]:
    """The award's lines at the awarded unit prices, each with its amount (the award's own
    rounding, procurements.allocation.line_amount_minor)."""
    return [
        {
            **line,
            "quantity": format(Decimal(line["quantity"]).normalize(), "f"),
            "amount_minor": line_amount_minor(Decimal(line["quantity"]), line["unit_price_minor"]),
        }
        for line in contract.award.basis
    ]


def contract_html(contract: Contract) -> str:
    with timezone.override(contract.municipality.zone):
        return render_to_string("contracts/pdf/contract.html", document_context(contract))


def _locked_pending(contract_id: int) -> ContractPdf | None:
    return (
        ContractPdf.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("contract__municipality", "contract__vendor", "contract__solicitation")
        .filter(
            contract_id=contract_id,
            status__in=[ContractPdf.Status.PENDING, ContractPdf.Status.FAILED],
        )
        .first()
    )


def contract_pdf_render(contract_id: int) -> ContractPdf | None:
    """Render, sign and store the PDF of one executed contract, once. None when there is
    nothing to do: it is ready already, or another worker holds it right now."""
    try:
        with transaction.atomic():
            document = _locked_pending(contract_id)
            if document is None:
                return None
            _render_into(document)
            return document
    except Exception as error:
        _record_failure(contract_id, error)
        raise


def _render_into(document: ContractPdf) -> None:
    contract = document.contract
    _set_step(contract.pk, "rendering")
    unsigned = pdf.render_pdf(contract_html(contract))
    _set_step(contract.pk, "signing")
    signed = pdf.sign_pdf(
        unsigned,
        reason=f"Executed contract {contract.number} of record",
        location=contract.municipality.name,
    )
    _set_step(contract.pk, "storing")
    document.file.save(f"{contract.number}.pdf", ContentFile(signed), save=False)
    ContractPdf.lifecycle.apply(
        document,
        "finish",
        actor=SystemActor(contract.municipality),
        changes={
            "file": document.file.name,
            "size": len(signed),
            "sha256": hashlib.sha256(signed).hexdigest(),
            "rendered_at": db_now(),
            "attempts": document.attempts + 1,
            "error": "",
        },
        details={"number": contract.number, "sha256": hashlib.sha256(signed).hexdigest()},
    )
    notices.notify_pdf_ready(contract)


def _record_failure(contract_id: int, error: Exception) -> None:
    """The attempt is counted and the error kept (its class: the text may carry anything);
    the first failure is recorded as a move, the next ones only counted."""
    logger.exception("contract PDF %s failed to render", contract_id)
    with transaction.atomic():
        document = _locked_pending(contract_id)
        if document is None:
            return
        changes = {"attempts": document.attempts + 1, "error": type(error).__name__}
        if document.status == ContractPdf.Status.PENDING:
            actor = SystemActor(document.contract.municipality)
            ContractPdf.lifecycle.apply(document, "fail", actor=actor, changes=changes)
        else:
            for field, value in changes.items():
                setattr(document, field, value)
            document.save(update_fields=list(changes))


def contract_pdf_retry_due() -> int:
    """The chronograph's part: queue again the PDFs still waiting or failed (a lost task, a
    worker that died), up to MAX_ATTEMPTS each. Queuing twice is harmless (see above)."""
    from contracts import tasks

    waiting = ContractPdf.objects.filter(
        status__in=[ContractPdf.Status.PENDING, ContractPdf.Status.FAILED],
        attempts__lt=MAX_ATTEMPTS,
    ).values_list("contract_id", flat=True)
    queued = 0
    for contract_id in waiting[:100]:
        tasks.contract_pdf_render.delay(contract_id)
        queued += 1
    return queued


# --- verification ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What a PDF (or a SHA-256) proves: the contract of record it is, if any, its live
    signatures, and the embedded signature's check (of the given file, or of the stored one
    when only the hash was given)."""

    sha256: str
    contract: Contract | None
    signatures: tuple[Signature, ...]
    check: "pdf.SignatureCheck | None"

    @property
    def of_record(self) -> bool:
        return self.contract is not None


def _clean_sha256(value) -> str:
    if not isinstance(value, str) or not SHA256.fullmatch(value.strip().lower()):
        raise ValidationFailed(
            "Give the SHA-256 as 64 hexadecimal characters.", field="sha256", code="invalid"
        )
    return value.strip().lower()


def contract_verify(*, file=None, sha256: str | None = None) -> Verification:
    """The public check: exactly one of `file` (an uploaded PDF) or `sha256`."""
    if (file is None) == (not sha256):
        raise ValidationFailed(
            "Give either the PDF or its SHA-256, not both.", field="file", code="one_of"
        )
    if file is not None:
        upload = check_upload(
            file, field="file", allowed=(PDF,), max_bytes=settings.UPLOAD_MAX_BYTES
        )
        data = b"".join(file.chunks())
        digest, checked = upload.sha256, pdf.check_signature(data)
    else:
        digest, checked = _clean_sha256(sha256), None
    document = (
        ContractPdf.objects.select_related(
            "contract__municipality", "contract__vendor", "contract__solicitation"
        )
        .filter(sha256=digest, status=ContractPdf.Status.READY)
        .first()
    )
    if document is None or not document.contract.is_of_record:
        return Verification(sha256=digest, contract=None, signatures=(), check=checked)
    if checked is None:
        with document.file.open("rb") as stored:
            checked = pdf.check_signature(stored.read())
    signatures = tuple(
        Signature.objects.filter(contract=document.contract, voided_at__isnull=True)
        .select_related("party__department")
        .order_by("signed_at", "id")
    )
    return Verification(
        sha256=digest, contract=document.contract, signatures=signatures, check=checked
    )
