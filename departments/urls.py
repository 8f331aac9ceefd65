from django.urls import include, path

from departments.views import audit, pages, people

tenant_pages = [
    path("", pages.DashboardView.as_view(), name="dashboard"),
    path("departments/", pages.DepartmentListView.as_view(), name="department-list"),
    path("departments/new/", pages.DepartmentCreateView.as_view(), name="department-create"),
    path(
        "departments/<int:pk>/edit/",
        pages.DepartmentUpdateView.as_view(),
        name="department-update",
    ),
    path("people/", people.PersonListView.as_view(), name="person-list"),
    path("people/invite/", people.InviteView.as_view(), name="person-invite"),
    path(
        "people/invitations/<int:pk>/revoke/",
        people.InvitationRevokeView.as_view(),
        name="invitation-revoke",
    ),
    path("people/<int:pk>/", people.PersonDetailView.as_view(), name="person-detail"),
    path("people/<int:pk>/edit/", people.PersonEditView.as_view(), name="person-edit"),
    path(
        "people/<int:pk>/deactivate/",
        people.PersonDeactivateView.as_view(),
        name="person-deactivate",
    ),
    path(
        "people/<int:pk>/reactivate/",
        people.PersonReactivateView.as_view(),
        name="person-reactivate",
    ),
    path(
        "people/<int:pk>/memberships/<int:membership_pk>/revoke/",
        people.MembershipRevokeView.as_view(),
        name="membership-revoke",
    ),
    path("audit/", audit.AuditTrailView.as_view(), name="audit-trail"),
    path("audit/export.csv", audit.AuditTrailCSVView.as_view(), name="audit-trail-csv"),
]

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("<slug:municipality_slug>/", include(tenant_pages)),
]
