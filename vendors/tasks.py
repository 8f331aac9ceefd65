"""Vendor tasks: thin, idempotent, calling services."""

from celery import shared_task

from vendors import services


@shared_task
def certificate_expiry_reminders() -> int:
    """Beat, daily: e-mail each company 30 and 7 days before a certificate expires (each
    notice once, however often this runs)."""
    return services.certificates_remind_expiring()
