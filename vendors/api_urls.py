"""/api/v1/vendor/: the vendors' API about their company (namespace `vendor_api`, joined in
p3hub/urls.py with procurements.api_urls.vendor_urlpatterns: solicitations, questions,
addenda)."""

from django.urls import path

from vendors.api.certificates import CertificateViewSet
from vendors.api.people import InvitationAcceptView, PersonViewSet
from vendors.api.profile import ProfileView
from vendors.api.registration import ConfirmationView, RegistrationView

urlpatterns = [
    path("registrations/", RegistrationView.as_view(), name="registration"),
    path("confirmations/", ConfirmationView.as_view(), name="confirmation"),
    path("profile/", ProfileView.as_view(), name="profile"),
    path(
        "people/",
        PersonViewSet.as_view({"get": "list", "post": "create"}),
        name="person-list",
    ),
    path(
        "people/<int:pk>/",
        PersonViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="person-detail",
    ),
    path("invitations/accept/", InvitationAcceptView.as_view(), name="invitation-accept"),
]
urlpatterns += [
    path(
        "certificates/",
        CertificateViewSet.as_view({"get": "list", "post": "create"}),
        name="certificate-list",
    ),
    path(
        "certificates/<int:pk>/",
        CertificateViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="certificate-detail",
    ),
    path(
        "certificates/<int:pk>/file/",
        CertificateViewSet.as_view({"get": "file"}),
        name="certificate-file",
    ),
]
