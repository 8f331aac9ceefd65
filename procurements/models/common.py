"""What the procurement models' lifecycles share."""

OFFICERS_ONLY = "Only a procurement officer may do this."


def is_officer(actor, obj) -> bool:
    return actor.is_officer
