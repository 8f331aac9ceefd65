"""Procurement tasks: thin, idempotent, calling services. Arguments are ids, never content:
a task's arguments sit in the broker and the logs (no price passes through here)."""

from celery import shared_task

from procurements import services
from procurements.services import opening


@shared_task
def chronograph() -> dict:
    """Beat (STYLE.md 10): record what the database clock decided for every solicitation
    past its next check (release, close), start the openings that are due, and record final
    the awards whose protest period ended with no open protest."""
    return {
        "released": services.solicitations_release_due(),
        "closed": services.solicitations_close_due(),
        "openings_started": opening.bids_open_due(),
        "awards_final": services.awards_finalize_due(),
    }


@shared_task(acks_late=True)
def bids_open(solicitation_id: int) -> int | None:
    """Open the bids of one solicitation whose opening was started; run twice or on two
    workers at once, each bid is opened once."""
    done = opening.opening_run(solicitation_id)
    return None if done is None else done.bids_opened
