from django.urls import include, path

from departments import views

tenant_pages = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("departments/new/", views.DepartmentCreateView.as_view(), name="department-create"),
    path(
        "departments/<int:pk>/edit/",
        views.DepartmentUpdateView.as_view(),
        name="department-update",
    ),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/revoke/",
        views.MembershipRevokeView.as_view(),
        name="membership-revoke",
    ),
    path("audit/", views.AuditTrailView.as_view(), name="audit-trail"),
]

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("<slug:municipality_slug>/", include(tenant_pages)),
]
