"""Joint solicitations, their line items, criteria, participating departments, documents and
versioned cost splits with each department's share (DESIGN.md sections 3, 4 and 6), one module
per resource. Each status has its lifecycle table beside the field (p3hub.lifecycle)."""

from procurements.models.addenda import Acknowledgement, Addendum
from procurements.models.bids import (
    Bid,
    BidAttachment,
    BidOpening,
    BidRevision,
    LateAttempt,
    SolicitationKey,
)
from procurements.models.common import OFFICERS_ONLY
from procurements.models.cost_splits import CostSplitShare, CostSplitVersion, ShareChange
from procurements.models.participations import Participation
from procurements.models.questions import Follow, Question
from procurements.models.solicitations import (
    Criterion,
    Document,
    LineItem,
    ReferenceCounter,
    Rejection,
    Solicitation,
)

__all__ = [
    "OFFICERS_ONLY",
    "Acknowledgement",
    "Addendum",
    "Bid",
    "BidAttachment",
    "BidOpening",
    "BidRevision",
    "CostSplitShare",
    "CostSplitVersion",
    "Criterion",
    "Document",
    "Follow",
    "LateAttempt",
    "LineItem",
    "Participation",
    "Question",
    "ReferenceCounter",
    "Rejection",
    "ShareChange",
    "Solicitation",
    "SolicitationKey",
]
