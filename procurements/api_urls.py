"""Procurement API routes (DESIGN.md 10): `urlpatterns` join the tenant staff API under
/api/v1/<municipality-slug>/ (namespace `tenant_api`, shared with departments.api_urls, see
p3hub/urls.py); `public_urlpatterns` are /api/v1/public/ (namespace `public_api`)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from procurements.api import (
    ApprovalViewSet,
    CriterionViewSet,
    LineItemViewSet,
    ParticipationViewSet,
    PublicSolicitationViewSet,
    SolicitationViewSet,
    SplitVersionViewSet,
    addenda,
    awards,
    bids,
    evaluation,
    open_solicitations,
    questions,
    vendor_bids,
    vendor_questions,
)

# Nested resources hang off one solicitation, named by its reference (RIV-2026-0001).
SOLICITATION = r"solicitations/(?P<reference>[^/.]+)"

router = SimpleRouter()
router.register("solicitations", SolicitationViewSet, basename="solicitation")
router.register(f"{SOLICITATION}/line-items", LineItemViewSet, basename="line-item")
router.register(f"{SOLICITATION}/participations", ParticipationViewSet, basename="participation")
router.register(
    f"{SOLICITATION}/cost-split-versions", SplitVersionViewSet, basename="cost-split-version"
)
router.register("approvals", ApprovalViewSet, basename="approval")

urlpatterns = [
    *router.urls,
    path(
        "solicitations/<str:reference>/addenda/",
        addenda.StaffAddendaView.as_view(),
        name="addendum-list",
    ),
    # GET lists the criteria, PUT replaces them all: one resource, no per-criterion URLs.
    path(
        "solicitations/<str:reference>/criteria/",
        CriterionViewSet.as_view({"get": "list", "put": "update"}),
        name="criterion-list",
    ),
    path("solicitations/<str:reference>/bids/", bids.StaffBidsView.as_view(), name="bids"),
    path(
        "solicitations/<str:reference>/bids/opening/",
        bids.OpeningView.as_view(),
        name="bid-opening",
    ),
    path(
        "solicitations/<str:reference>/questions/",
        questions.QuestionViewSet.as_view({"get": "list"}),
        name="question-list",
    ),
    path(
        "solicitations/<str:reference>/questions/<int:number>/answer/",
        questions.QuestionViewSet.as_view({"post": "answer"}),
        name="question-answer",
    ),
]

# The joint evaluation and the award (issue 12): procurements.api.evaluation and .awards. Each
# view names its methods, so the URL walkers of the tests know what every route answers.
EVALUATION = "solicitations/<str:reference>/evaluation/"
AWARD = "solicitations/<str:reference>/award/"
urlpatterns += [
    path(
        EVALUATION,
        evaluation.EvaluationViewSet.as_view({"get": "retrieve"}),
        name="evaluation",
    ),
    path(
        f"{EVALUATION}close/",
        evaluation.EvaluationViewSet.as_view({"post": "close"}),
        name="evaluation-close",
    ),
    path(
        f"{EVALUATION}reopen/",
        evaluation.EvaluationViewSet.as_view({"post": "reopen"}),
        name="evaluation-reopen",
    ),
    path(
        f"{EVALUATION}evaluators/",
        evaluation.EvaluatorViewSet.as_view({"get": "list", "post": "create"}),
        name="evaluator-list",
    ),
    path(
        f"{EVALUATION}evaluators/<int:user_id>/",
        evaluation.EvaluatorViewSet.as_view({"delete": "destroy"}),
        name="evaluator-detail",
    ),
    path(
        f"{EVALUATION}conflicts/",
        evaluation.ConflictViewSet.as_view({"get": "list"}),
        name="evaluation-conflict-list",
    ),
    path(
        f"{EVALUATION}declaration/",
        evaluation.DeclarationViewSet.as_view({"get": "retrieve", "post": "create"}),
        name="evaluation-declaration",
    ),
    path(
        f"{EVALUATION}bids/",
        evaluation.ResponsivenessViewSet.as_view({"get": "list"}),
        name="evaluation-bid-list",
    ),
    path(
        f"{EVALUATION}bids/<int:bid_id>/responsiveness/",
        evaluation.ResponsivenessViewSet.as_view({"post": "decide"}),
        name="bid-responsiveness",
    ),
    path(
        f"{EVALUATION}sheet/",
        evaluation.ScoreSheetViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="score-sheet",
    ),
    path(
        f"{EVALUATION}sheet/submission/",
        evaluation.ScoreSheetViewSet.as_view({"post": "submit"}),
        name="score-sheet-submission",
    ),
    path(
        f"{EVALUATION}committee/",
        evaluation.CommitteeViewSet.as_view({"get": "retrieve"}),
        name="evaluation-committee",
    ),
    path(AWARD, awards.AwardViewSet.as_view({"get": "retrieve", "post": "create"}), name="award"),
    path(
        f"{AWARD}protests/",
        awards.ProtestViewSet.as_view({"get": "list"}),
        name="protest-list",
    ),
    path(
        f"{AWARD}protests/<int:protest_id>/resolution/",
        awards.ProtestViewSet.as_view({"post": "resolve"}),
        name="protest-resolution",
    ),
    path(
        "solicitations/<str:reference>/awards/<int:number>/departments/<str:department>/approve/",
        awards.AwardShareViewSet.as_view({"post": "approve"}),
        name="award-share-approve",
    ),
    path(
        "solicitations/<str:reference>/awards/<int:number>/departments/<str:department>/reject/",
        awards.AwardShareViewSet.as_view({"post": "reject"}),
        name="award-share-reject",
    ),
    path(
        "approvals/awards/",
        awards.AwardApprovalViewSet.as_view({"get": "list"}),
        name="award-approval-list",
    ),
]

public_urlpatterns = [
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/addenda/",
        addenda.PublicAddendaView.as_view(),
        name="addendum-list",
    ),
    path(
        "solicitations/",
        PublicSolicitationViewSet.as_view({"get": "list"}),
        name="solicitation-list",
    ),
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/",
        PublicSolicitationViewSet.as_view({"get": "retrieve"}),
        name="solicitation-detail",
    ),
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/questions/",
        questions.PublicQuestionListView.as_view(),
        name="solicitation-questions",
    ),
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/tabulation/",
        bids.PublicTabulationView.as_view(),
        name="solicitation-tabulation",
    ),
    path(
        "solicitations/<slug:municipality_slug>/<str:reference>/award/",
        awards.PublicAwardView.as_view(),
        name="solicitation-award",
    ),
]

# The vendors' API under /api/v1/vendor/ (namespace `vendor_api`, with vendors.api_urls).
VENDOR_SOLICITATION = "solicitations/<slug:municipality_slug>/<str:reference>/"
vendor_urlpatterns = [
    path(
        "solicitations/",
        open_solicitations.OpenSolicitationListView.as_view(),
        name="solicitation-list",
    ),
    path("addenda/", addenda.VendorAddendaView.as_view(), name="addendum-list"),
    path("questions/", vendor_questions.VendorQuestionListView.as_view(), name="question-list"),
    path(
        f"{VENDOR_SOLICITATION}questions/",
        vendor_questions.QuestionAskView.as_view(),
        name="solicitation-question-ask",
    ),
    path(
        f"{VENDOR_SOLICITATION}follow/",
        vendor_questions.FollowView.as_view(),
        name="solicitation-follow",
    ),
    path(
        f"{VENDOR_SOLICITATION}addenda/<int:number>/acknowledgement/",
        addenda.AcknowledgementView.as_view(),
        name="acknowledgement",
    ),
    path(
        f"{VENDOR_SOLICITATION}tabulation/",
        bids.VendorTabulationView.as_view(),
        name="solicitation-tabulation",
    ),
    # The award of a solicitation the company bid on (issue 12): procurements.api.awards.
    path(
        f"{VENDOR_SOLICITATION}award/",
        awards.VendorAwardView.as_view(),
        name="solicitation-award",
    ),
    path(
        f"{VENDOR_SOLICITATION}award/protests/",
        awards.VendorProtestViewSet.as_view({"get": "list", "post": "create"}),
        name="solicitation-protest-list",
    ),
]

# The company's sealed bids (issue 11): procurements.api.vendor_bids.
BID = "bids/<int:pk>/"
vendor_urlpatterns += [
    path("bids/", vendor_bids.VendorBidListView.as_view(), name="bid-list"),
    path(
        f"{VENDOR_SOLICITATION}bid/",
        vendor_bids.BidStartView.as_view(),
        name="solicitation-bid",
    ),
    path(BID, vendor_bids.VendorBidDetailView.as_view(), name="bid-detail"),
    path(
        f"{BID}attachments/",
        vendor_bids.BidAttachmentListView.as_view(),
        name="bid-attachment-list",
    ),
    path(
        f"{BID}attachments/<int:attachment_id>/",
        vendor_bids.BidAttachmentDetailView.as_view(),
        name="bid-attachment-detail",
    ),
    path(
        f"{BID}attachments/<int:attachment_id>/file/",
        vendor_bids.BidAttachmentFileView.as_view(),
        name="bid-attachment-file",
    ),
    path(f"{BID}submission/", vendor_bids.SubmissionView.as_view(), name="bid-submission"),
    path(f"{BID}withdrawal/", vendor_bids.WithdrawalView.as_view(), name="bid-withdrawal"),
    path(
        "receipts/<str:receipt_number>/",
        vendor_bids.ReceiptView.as_view(),
        name="receipt-detail",
    ),
    path(
        "receipts/<str:receipt_number>/verification/",
        vendor_bids.ReceiptVerificationView.as_view(),
        name="receipt-verification",
    ),
]
