"""The vendor portal's pages about solicitations and questions (under /vendor/, included
from p3hub/urls.py): one solicitation, following it, asking, the company's questions; its
bids, their attachments and receipts."""

from django.urls import path

from procurements.views import (
    awards,
    open_solicitations,
    tabulation,
    vendor,
    vendor_addenda,
    vendor_bids,
)

SOLICITATION = "solicitations/<slug:municipality_slug>/<str:reference>/"
BID = "bids/<int:pk>/"
ATTACHMENT = f"{BID}attachments/<int:attachment_id>/"
RECEIPT = "receipts/<str:receipt_number>/"

urlpatterns = [
    path(
        "solicitations/",
        open_solicitations.OpenSolicitationListView.as_view(),
        name="vendor-solicitations",
    ),
    path(SOLICITATION, vendor.VendorSolicitationView.as_view(), name="vendor-solicitation"),
    path(f"{SOLICITATION}follow/", vendor.FollowView.as_view(), name="vendor-solicitation-follow"),
    path(
        f"{SOLICITATION}unfollow/",
        vendor.UnfollowView.as_view(),
        name="vendor-solicitation-unfollow",
    ),
    path(f"{SOLICITATION}questions/", vendor.QuestionAskView.as_view(), name="vendor-question-ask"),
    path("questions/", vendor.VendorQuestionListView.as_view(), name="vendor-questions"),
    path(
        f"{SOLICITATION}addenda/<int:number>/acknowledge/",
        vendor_addenda.AcknowledgeView.as_view(),
        name="vendor-addendum-acknowledge",
    ),
    path(
        f"{SOLICITATION}tabulation/",
        tabulation.VendorTabulationView.as_view(),
        name="vendor-tabulation",
    ),
    path("addenda/", vendor_addenda.VendorAddendaView.as_view(), name="vendor-addenda"),
    path(f"{SOLICITATION}award/", awards.VendorAwardView.as_view(), name="vendor-award"),
    path(
        f"{SOLICITATION}award/protest/",
        awards.ProtestFileView.as_view(),
        name="vendor-protest",
    ),
    path(f"{SOLICITATION}bid/", vendor_bids.BidStartView.as_view(), name="vendor-bid-start"),
    path("bids/", vendor_bids.VendorBidListView.as_view(), name="vendor-bids"),
    path(BID, vendor_bids.VendorBidView.as_view(), name="vendor-bid"),
    path(f"{BID}prices/", vendor_bids.BidPricesView.as_view(), name="vendor-bid-prices"),
    path(f"{BID}attachments/", vendor_bids.BidAttachView.as_view(), name="vendor-bid-attach"),
    path(
        ATTACHMENT,
        vendor_bids.BidAttachmentDownloadView.as_view(),
        name="vendor-bid-attachment",
    ),
    path(f"{ATTACHMENT}remove/", vendor_bids.BidDetachView.as_view(), name="vendor-bid-detach"),
    path(f"{BID}submit/", vendor_bids.BidSubmitView.as_view(), name="vendor-bid-submit"),
    path(f"{BID}withdraw/", vendor_bids.BidWithdrawView.as_view(), name="vendor-bid-withdraw"),
    path(RECEIPT, vendor_bids.VendorReceiptView.as_view(), name="vendor-receipt"),
    path(
        f"{RECEIPT}download/",
        vendor_bids.VendorReceiptDownloadView.as_view(),
        name="vendor-receipt-download",
    ),
]
