from django.urls import path

from vendors.views import portal, registration

urlpatterns = [
    path("", portal.PortalView.as_view(), name="vendor-portal"),
    path("register/", registration.RegisterView.as_view(), name="vendor-register"),
    path("register/sent/", registration.RegisteredView.as_view(), name="vendor-registered"),
    path("confirm/<str:token>/", registration.ConfirmView.as_view(), name="vendor-confirm"),
]
