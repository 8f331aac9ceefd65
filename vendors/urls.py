from django.urls import path

from vendors.views import portal, registration

urlpatterns = [
    path("", portal.PortalView.as_view(), name="vendor-portal"),
    path("register/", registration.RegisterView.as_view(), name="vendor-register"),
    path("register/sent/", registration.RegisteredView.as_view(), name="vendor-registered"),
    # Before the token's route, which would read "new" as a token.
    path("confirm/new/", registration.NewLinkView.as_view(), name="vendor-new-link"),
    path("confirm/<str:token>/", registration.ConfirmView.as_view(), name="vendor-confirm"),
]
