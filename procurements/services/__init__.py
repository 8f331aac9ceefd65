"""Every write to solicitations and their cost splits: one function per use case, each taking
the acting TenantActor, checking role, state and clock in one transaction, and recording an
audit event on the solicitation (its history)."""

from procurements.services.solicitations import (
    criteria_set,
    document_add,
    line_item_add,
    line_item_remove,
    line_item_update,
    participation_decline,
    participation_invite,
    participation_join,
    participation_remove,
    solicitation_cancel,
    solicitation_create,
    solicitation_publish,
    solicitation_update,
    solicitations_close_due,
)
from procurements.services.splits import (
    cost_split_approve,
    cost_split_preview,
    cost_split_propose,
    cost_split_reject,
)

__all__ = [
    "cost_split_approve",
    "cost_split_preview",
    "cost_split_propose",
    "cost_split_reject",
    "criteria_set",
    "document_add",
    "line_item_add",
    "line_item_remove",
    "line_item_update",
    "participation_decline",
    "participation_invite",
    "participation_join",
    "participation_remove",
    "solicitation_cancel",
    "solicitation_create",
    "solicitation_publish",
    "solicitation_update",
    "solicitations_close_due",
]
