from django.urls import path

from vendors.views import certificates, people, portal, profile, registration

urlpatterns = [
    path("", portal.PortalView.as_view(), name="vendor-portal"),
    path("register/", registration.RegisterView.as_view(), name="vendor-register"),
    path("register/sent/", registration.RegisteredView.as_view(), name="vendor-registered"),
    # Before the token's route, which would read "new" as a token.
    path("confirm/new/", registration.NewLinkView.as_view(), name="vendor-new-link"),
    path("confirm/<str:token>/", registration.ConfirmView.as_view(), name="vendor-confirm"),
    path("profile/", profile.ProfileView.as_view(), name="vendor-profile"),
    path("profile/edit/", profile.ProfileEditView.as_view(), name="vendor-profile-edit"),
    path("people/", people.PeopleView.as_view(), name="vendor-people"),
    path("people/invite/", people.PersonInviteView.as_view(), name="vendor-person-invite"),
    path("people/<int:pk>/remove/", people.PersonRemoveView.as_view(), name="vendor-person-remove"),
    path(
        "invitation/<str:token>/",
        people.InvitationAcceptView.as_view(),
        name="vendor-invitation-accept",
    ),
]
urlpatterns += [
    path("certificates/", certificates.CertificateListView.as_view(), name="vendor-certificates"),
    path(
        "certificates/new/",
        certificates.CertificateAddView.as_view(),
        name="vendor-certificate-add",
    ),
    path(
        "certificates/<int:pk>/file/",
        certificates.CertificateDownloadView.as_view(),
        name="vendor-certificate-download",
    ),
    path(
        "certificates/<int:pk>/remove/",
        certificates.CertificateRemoveView.as_view(),
        name="vendor-certificate-remove",
    ),
]

# Pages of a municipality's staff about vendors, under /<municipality-slug>/ (p3hub/urls.py
# includes them before the tenant pages).
staff_urlpatterns = [
    path(
        "<slug:municipality_slug>/vendors/<int:vendor_id>/certificates/<int:pk>/file/",
        certificates.StaffCertificateDownloadView.as_view(),
        name="staff-certificate-download",
    ),
]
