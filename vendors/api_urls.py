"""/api/v1/vendor/: the vendors' API (namespace `vendor_api`, included in p3hub/urls.py)."""

from django.urls import path

from vendors.api.registration import ConfirmationView, RegistrationView

urlpatterns = [
    path("registrations/", RegistrationView.as_view(), name="registration"),
    path("confirmations/", ConfirmationView.as_view(), name="confirmation"),
]
