"""Every write to solicitations and their cost splits: one function per use case, each taking
the acting TenantActor, checking role, state and clock in one transaction, and recording an
audit event on the solicitation (its history). One module per resource."""

from procurements.services.addenda import (
    addendum_acknowledge,
    addendum_publish,
    open_for_bids,
    unacknowledged_addenda,
)
from procurements.services.awards import (
    award_propose,
    award_publish,
    award_share_approve,
    award_share_reject,
    awards_finalize_due,
    protest_file,
    protest_resolve,
)
from procurements.services.cost_splits import cost_split_preview, cost_split_propose
from procurements.services.criteria import criteria_set
from procurements.services.documents import document_add
from procurements.services.evaluation import (
    bid_responsiveness_set,
    declaration_submit,
    evaluation_close,
    evaluation_close_blockers,
    evaluation_reopen,
    evaluator_grant,
    evaluator_revoke,
    score_sheet_save,
    score_sheet_submit,
)
from procurements.services.line_items import line_item_add, line_item_remove, line_item_update
from procurements.services.participations import (
    participation_decline,
    participation_invite,
    participation_join,
    participation_withdraw,
)
from procurements.services.questions import (
    question_answer,
    question_ask,
    solicitation_follow,
    solicitation_unfollow,
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
    "addendum_acknowledge",
    "addendum_publish",
    "award_propose",
    "award_publish",
    "award_share_approve",
    "award_share_reject",
    "awards_finalize_due",
    "bid_responsiveness_set",
    "cancel_recipients",
    "cost_split_preview",
    "cost_split_propose",
    "criteria_set",
    "declaration_submit",
    "document_add",
    "evaluation_close",
    "evaluation_close_blockers",
    "evaluation_reopen",
    "evaluator_grant",
    "evaluator_revoke",
    "line_item_add",
    "line_item_remove",
    "line_item_update",
    "open_for_bids",
    "participation_decline",
    "participation_invite",
    "participation_join",
    "participation_withdraw",
    "protest_file",
    "protest_resolve",
    "publish_blockers",
    "question_answer",
    "question_ask",
    "score_sheet_save",
    "score_sheet_submit",
    "share_approve",
    "share_reject",
    "solicitation_cancel",
    "solicitation_create",
    "solicitation_follow",
    "solicitation_publish",
    "solicitation_unfollow",
    "solicitation_update",
    "solicitations_close_due",
    "solicitations_release_due",
    "unacknowledged_addenda",
]
