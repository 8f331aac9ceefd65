"""HTML pages of solicitations: the public list and detail (no login), the staff workspace, the
heads' approval inbox. Thin: parse with a form, call one service or selector, render.

A solicitation's workspace is one page holding many small forms. Each form posts to its own URL
(a SolicitationActionView); a refusal re-renders the whole page with that form's errors and
what was typed, at the error's status, and success redirects back to the form's section.

The modules: base (shared presentation helpers and the filtered list), public (no login), manage
(the workspace and SolicitationActionView), actions (the workspace's form views), approvals (the
inbox and decisions). Every name is re-exported here, so `procurements.views.X` keeps working.
"""

from procurements.views.actions import (
    CancelView,
    CriteriaSetView,
    DocumentAddView,
    LineItemAddView,
    LineItemEditView,
    LineItemRemoveView,
    ParticipationActionView,
    ParticipationDeclineView,
    ParticipationInviteView,
    ParticipationJoinView,
    ParticipationRemoveView,
    PublishView,
    SolicitationUpdateView,
    SplitPreviewView,
    SplitProposeView,
)
from procurements.views.approvals import (
    ApprovalInboxView,
    ApproveView,
    DecisionView,
    RejectView,
)
from procurements.views.base import (
    HISTORY_LIMIT,
    PAGE_SIZE,
    PUBLIC_STATUSES,
    FilteredListMixin,
    joined_departments,
    priced_lines,
    solicitation_facts,
    split_table,
    version_summary,
    version_table,
)
from procurements.views.manage import (
    DashboardView,
    ManageListView,
    SolicitationActionView,
    SolicitationCreateView,
    SolicitationDetailView,
    SolicitationMixin,
    split_initial,
)
from procurements.views.public import (
    DocumentDownloadView,
    HomeView,
    PublicMunicipalityMixin,
    PublicSolicitationDetailView,
    PublicSolicitationListView,
)

__all__ = [
    "HISTORY_LIMIT",
    "PAGE_SIZE",
    "PUBLIC_STATUSES",
    "ApprovalInboxView",
    "ApproveView",
    "CancelView",
    "CriteriaSetView",
    "DashboardView",
    "DecisionView",
    "DocumentAddView",
    "DocumentDownloadView",
    "FilteredListMixin",
    "HomeView",
    "LineItemAddView",
    "LineItemEditView",
    "LineItemRemoveView",
    "ManageListView",
    "ParticipationActionView",
    "ParticipationDeclineView",
    "ParticipationInviteView",
    "ParticipationJoinView",
    "ParticipationRemoveView",
    "PublicMunicipalityMixin",
    "PublicSolicitationDetailView",
    "PublicSolicitationListView",
    "PublishView",
    "RejectView",
    "SolicitationActionView",
    "SolicitationCreateView",
    "SolicitationDetailView",
    "SolicitationMixin",
    "SolicitationUpdateView",
    "SplitPreviewView",
    "SplitProposeView",
    "joined_departments",
    "priced_lines",
    "solicitation_facts",
    "split_initial",
    "split_table",
    "version_summary",
    "version_table",
]
