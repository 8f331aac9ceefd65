"""Every write to solicitations and their cost splits: one function per use case, each taking
the acting TenantActor, checking role, state and clock in one transaction, and recording an
audit event on the solicitation (its history). One module per resource."""

from procurements.services.cost_splits import cost_split_preview, cost_split_propose
from procurements.services.criteria import criteria_set
from procurements.services.documents import document_add
from procurements.services.line_items import line_item_add, line_item_remove, line_item_update
from procurements.services.participations import (
    participation_decline,
    participation_invite,
    participation_join,
    participation_withdraw,
)
from procurements.services.shares import share_approve, share_reject
from procurements.services.solicitations import (
    cancel_recipients,
    publish_blockers,
    solicitation_cancel,
    solicitation_create,
    solicitation_publish,
    solicitation_update,
    solicitations_close_due,
    solicitations_release_due,
)

__all__ = [
    "cancel_recipients",
    "cost_split_preview",
    "cost_split_propose",
    "criteria_set",
    "document_add",
    "line_item_add",
    "line_item_remove",
    "line_item_update",
    "participation_decline",
    "participation_invite",
    "participation_join",
    "participation_withdraw",
    "publish_blockers",
    "share_approve",
    "share_reject",
    "solicitation_cancel",
    "solicitation_create",
    "solicitation_publish",
    "solicitation_update",
    "solicitations_close_due",
    "solicitations_release_due",
]
