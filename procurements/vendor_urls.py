"""The vendor portal's pages about solicitations and questions (under /vendor/, included
from p3hub/urls.py): one solicitation, following it, asking, the company's questions."""

from django.urls import path

from procurements.views import open_solicitations, vendor, vendor_addenda

SOLICITATION = "solicitations/<slug:municipality_slug>/<str:reference>/"

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
    path("addenda/", vendor_addenda.VendorAddendaView.as_view(), name="vendor-addenda"),
]
