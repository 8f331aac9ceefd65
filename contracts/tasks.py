"""Contract tasks: thin, idempotent, calling services; arguments are ids."""

from celery import shared_task

from contracts import services


@shared_task
def contracts_clock() -> dict:
    """Beat: record what the database clock decided (active, completed) and queue again the
    PDFs still waiting."""
    return {**services.contracts_clock_due(), "pdfs_queued": services.contract_pdf_retry_due()}


@shared_task(acks_late=True, autoretry_for=(Exception,), max_retries=4, retry_backoff=True)
def contract_pdf_render(contract_id: int) -> str | None:
    """Render, sign and store one executed contract's PDF; run twice or on two workers at
    once, there is one PDF and one hash. Returns its SHA-256 when this run made it."""
    document = services.contract_pdf_render(contract_id)
    return None if document is None else document.sha256
