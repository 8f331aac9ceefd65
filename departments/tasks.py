"""Tasks of departments: each calls one service and is safe to run twice."""

from celery import shared_task

from departments import services


@shared_task
def password_reset_send(email: str, request_id: str) -> int:
    """Send the reset link of a request the reset page accepted (see the service)."""
    return services.password_reset_send(email=email, request_id=request_id)
