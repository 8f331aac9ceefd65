"""Solicitation pages under /<municipality-slug>/. The home page and the dashboard belong to
departments; procurements adds its panels to them (settings.PAGE_PANELS)."""

from django.urls import include, path

from procurements.views import (
    actions,
    approvals,
    awards,
    bids,
    evaluation,
    manage,
    public,
    questions,
    tabulation,
)

# Actions on one solicitation of the workspace: POST, each to its own URL.
solicitation_actions = [
    path("", manage.SolicitationDetailView.as_view(), name="solicitation-manage"),
    path("edit/", actions.SolicitationUpdateView.as_view(), name="solicitation-update"),
    path("line-items/new/", actions.LineItemAddView.as_view(), name="line-item-add"),
    path("line-items/<int:pk>/edit/", actions.LineItemEditView.as_view(), name="line-item-edit"),
    path(
        "line-items/<int:pk>/remove/",
        actions.LineItemRemoveView.as_view(),
        name="line-item-remove",
    ),
    path("criteria/", actions.CriteriaSetView.as_view(), name="criteria-set"),
    path(
        "participations/new/",
        actions.ParticipationInviteView.as_view(),
        name="participation-invite",
    ),
    path(
        "participations/<int:pk>/join/",
        actions.ParticipationJoinView.as_view(),
        name="participation-join",
    ),
    path(
        "participations/<int:pk>/decline/",
        actions.ParticipationDeclineView.as_view(),
        name="participation-decline",
    ),
    path(
        "participations/<int:pk>/withdraw/",
        actions.ParticipationWithdrawView.as_view(),
        name="participation-withdraw",
    ),
    path(
        "cost-split-versions/preview/",
        actions.CostSplitPreviewView.as_view(),
        name="cost-split-preview",
    ),
    path(
        "cost-split-versions/new/",
        actions.CostSplitProposeView.as_view(),
        name="cost-split-propose",
    ),
    path("documents/new/", actions.DocumentAddView.as_view(), name="document-add"),
    path("addenda/new/", actions.AddendumPublishView.as_view(), name="addendum-publish"),
    path("publish/", actions.PublishView.as_view(), name="solicitation-publish"),
    path("bids/", bids.TabulationView.as_view(), name="tabulation"),
    path("bids/open/", bids.OpeningStartView.as_view(), name="bid-opening-start"),
    path("bids/progress/", bids.OpeningProgressView.as_view(), name="bid-opening-progress"),
    path("cancel/", actions.CancelView.as_view(), name="solicitation-cancel"),
    path("evaluation/", evaluation.EvaluationView.as_view(), name="evaluation"),
    path(
        "evaluation/evaluators/",
        evaluation.EvaluatorGrantView.as_view(),
        name="evaluator-grant",
    ),
    path(
        "evaluation/evaluators/<int:user_pk>/remove/",
        evaluation.EvaluatorRevokeView.as_view(),
        name="evaluator-revoke",
    ),
    path(
        "evaluation/declaration/",
        evaluation.DeclarationView.as_view(),
        name="evaluation-declare",
    ),
    path("evaluation/sheet/", evaluation.ScoreSheetView.as_view(), name="score-sheet"),
    path(
        "evaluation/sheet/submit/",
        evaluation.ScoreSheetSubmitView.as_view(),
        name="score-sheet-submit",
    ),
    path(
        "evaluation/bids/<int:pk>/responsiveness/",
        evaluation.ResponsivenessView.as_view(),
        name="bid-responsiveness",
    ),
    path("evaluation/close/", evaluation.EvaluationCloseView.as_view(), name="evaluation-close"),
    path("evaluation/reopen/", evaluation.EvaluationReopenView.as_view(), name="evaluation-reopen"),
    path("award/", awards.AwardView.as_view(), name="award"),
    path("award/propose/", awards.AwardProposeView.as_view(), name="award-propose"),
    path(
        "award/protests/<int:pk>/resolve/",
        awards.ProtestResolveView.as_view(),
        name="protest-resolve",
    ),
    path(
        "questions/<int:number>/answer/",
        questions.QuestionAnswerView.as_view(),
        name="question-answer",
    ),
]

share = "approvals/<str:reference>/versions/<int:number>/departments/<int:department_pk>"
award_share = "approvals/<str:reference>/awards/<int:number>/departments/<int:department_pk>"

tenant_pages = [
    path(
        "solicitations/",
        public.PublicSolicitationListView.as_view(),
        name="solicitation-public-list",
    ),
    path(
        "solicitations/<str:reference>/",
        public.PublicSolicitationDetailView.as_view(),
        name="solicitation-public",
    ),
    path(
        "solicitations/<str:reference>/documents/<int:pk>/",
        public.DocumentDownloadView.as_view(),
        name="solicitation-document",
    ),
    path(
        "solicitations/<str:reference>/tabulation/",
        tabulation.PublicTabulationView.as_view(),
        name="solicitation-tabulation",
    ),
    path(
        "solicitations/<str:reference>/award/",
        awards.PublicAwardView.as_view(),
        name="solicitation-award",
    ),
    path("manage/solicitations/", manage.ManageListView.as_view(), name="solicitation-manage-list"),
    path(
        "manage/solicitations/new/",
        manage.SolicitationCreateView.as_view(),
        name="solicitation-create",
    ),
    path("manage/solicitations/<str:reference>/", include(solicitation_actions)),
    path("approvals/", approvals.ApprovalInboxView.as_view(), name="approval-inbox"),
    path(f"{share}/approve/", approvals.ApproveView.as_view(), name="share-approve"),
    path(f"{share}/reject/", approvals.RejectView.as_view(), name="share-reject"),
    path(
        f"{award_share}/approve/",
        awards.AwardShareApproveView.as_view(),
        name="award-share-approve",
    ),
    path(
        f"{award_share}/reject/",
        awards.AwardShareRejectView.as_view(),
        name="award-share-reject",
    ),
]

urlpatterns = [path("<slug:municipality_slug>/", include(tenant_pages))]
