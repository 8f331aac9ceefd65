"""Procurement tasks: thin, idempotent, calling services."""

from celery import shared_task

from procurements import services


@shared_task
def solicitations_close_due() -> int:
    """Beat: record `closed` for solicitations past their bid deadline."""
    return services.solicitations_close_due()
