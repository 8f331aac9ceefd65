"""Procurement tasks: thin, idempotent, calling services."""

from celery import shared_task

from procurements import services


@shared_task
def solicitations_close_due() -> int:
    """Beat: record `closed` for solicitations past their bid deadline."""
    return services.solicitations_close_due()


@shared_task
def solicitations_release_due() -> int:
    """Beat: record `published` for scheduled solicitations past their publish date."""
    return services.solicitations_release_due()
