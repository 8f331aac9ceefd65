from django.urls import path

from procurements import views

urlpatterns = [
    path(
        "<slug:municipality_slug>/approvals/",
        views.ApprovalInboxView.as_view(),
        name="approval-inbox",
    ),
]
