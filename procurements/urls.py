"""Solicitation pages. Included before departments' URLs, so the home page and the tenant
dashboard here (which add solicitations to departments' views) take precedence."""

from django.urls import include, path

from procurements import views

# Actions on one solicitation of the workspace: POST, each to its own URL.
solicitation_actions = [
    path("", views.SolicitationDetailView.as_view(), name="solicitation-manage"),
    path("edit/", views.SolicitationUpdateView.as_view(), name="solicitation-update"),
    path("line-items/new/", views.LineItemAddView.as_view(), name="line-item-add"),
    path("line-items/<int:pk>/edit/", views.LineItemEditView.as_view(), name="line-item-edit"),
    path(
        "line-items/<int:pk>/remove/", views.LineItemRemoveView.as_view(), name="line-item-remove"
    ),
    path("criteria/", views.CriteriaSetView.as_view(), name="criteria-set"),
    path(
        "participations/new/",
        views.ParticipationInviteView.as_view(),
        name="participation-invite",
    ),
    path(
        "participations/<int:pk>/join/",
        views.ParticipationJoinView.as_view(),
        name="participation-join",
    ),
    path(
        "participations/<int:pk>/decline/",
        views.ParticipationDeclineView.as_view(),
        name="participation-decline",
    ),
    path(
        "participations/<int:pk>/remove/",
        views.ParticipationRemoveView.as_view(),
        name="participation-remove",
    ),
    path("split/preview/", views.SplitPreviewView.as_view(), name="split-preview"),
    path("split/propose/", views.SplitProposeView.as_view(), name="split-propose"),
    path("documents/new/", views.DocumentAddView.as_view(), name="document-add"),
    path("publish/", views.PublishView.as_view(), name="solicitation-publish"),
    path("cancel/", views.CancelView.as_view(), name="solicitation-cancel"),
]

decision = "approvals/<str:reference>/versions/<int:number>/departments/<int:department_pk>"

tenant_pages = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path(
        "solicitations/",
        views.PublicSolicitationListView.as_view(),
        name="solicitation-public-list",
    ),
    path(
        "solicitations/<str:reference>/",
        views.PublicSolicitationDetailView.as_view(),
        name="solicitation-public",
    ),
    path(
        "solicitations/<str:reference>/documents/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="solicitation-document",
    ),
    path("manage/solicitations/", views.ManageListView.as_view(), name="solicitation-manage-list"),
    path(
        "manage/solicitations/new/",
        views.SolicitationCreateView.as_view(),
        name="solicitation-create",
    ),
    path("manage/solicitations/<str:reference>/", include(solicitation_actions)),
    path("approvals/", views.ApprovalInboxView.as_view(), name="approval-inbox"),
    path(f"{decision}/approve/", views.ApproveView.as_view(), name="split-approve"),
    path(f"{decision}/reject/", views.RejectView.as_view(), name="split-reject"),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("<slug:municipality_slug>/", include(tenant_pages)),
]
