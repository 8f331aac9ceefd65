"""Joint solicitations, their line items, criteria, participating departments, documents and
versioned cost splits with each department's share (DESIGN.md sections 3, 4 and 6), one module
per resource. Each status has its lifecycle table beside the field (p3hub.lifecycle)."""

from procurements.models.addenda import Acknowledgement, Addendum
from procurements.models.awards import Award, AwardShare, Protest
from procurements.models.bids import (
    Bid,
    BidAttachment,
    BidOpening,
    BidRevision,
    LateAttempt,
    NonResponsive,
    SolicitationKey,
)
from procurements.models.common import OFFICERS_ONLY
from procurements.models.cost_splits import CostSplitShare, CostSplitVersion, ShareChange
from procurements.models.evaluation import (
    EVALUATE,
    ConflictDeclaration,
    Evaluation,
    Score,
    ScoreSheet,
    SolicitationGroupPermission,
    SolicitationUserPermission,
)
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
    "EVALUATE",
    "OFFICERS_ONLY",
    "Acknowledgement",
    "Addendum",
    "Award",
    "AwardShare",
    "Bid",
    "BidAttachment",
    "BidOpening",
    "BidRevision",
    "ConflictDeclaration",
    "CostSplitShare",
    "CostSplitVersion",
    "Criterion",
    "Document",
    "Evaluation",
    "Follow",
    "LateAttempt",
    "LineItem",
    "NonResponsive",
    "Participation",
    "Protest",
    "Question",
    "ReferenceCounter",
    "Rejection",
    "Score",
    "ScoreSheet",
    "ShareChange",
    "Solicitation",
    "SolicitationGroupPermission",
    "SolicitationKey",
    "SolicitationUserPermission",
]
