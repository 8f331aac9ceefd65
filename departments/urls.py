from django.urls import include, path

from departments.views import audit, pages

tenant_pages = [
    path("", pages.DashboardView.as_view(), name="dashboard"),
    path("departments/", pages.DepartmentListView.as_view(), name="department-list"),
    path("departments/new/", pages.DepartmentCreateView.as_view(), name="department-create"),
    path(
        "departments/<int:pk>/edit/",
        pages.DepartmentUpdateView.as_view(),
        name="department-update",
    ),
    path("people/", pages.PersonListView.as_view(), name="person-list"),
    path("people/new/", pages.PersonCreateView.as_view(), name="person-create"),
    path("people/<int:pk>/", pages.PersonDetailView.as_view(), name="person-detail"),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/revoke/",
        pages.MembershipRevokeView.as_view(),
        name="membership-revoke",
    ),
    path("audit/", audit.AuditTrailView.as_view(), name="audit-trail"),
]

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("<slug:municipality_slug>/", include(tenant_pages)),
]
