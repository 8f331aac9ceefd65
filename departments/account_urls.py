from django.contrib.auth import views as auth_views
from django.urls import path

from departments.views.accounts import LoginView, PasswordResetRequestView
from departments.views.invitations import InvitationAcceptView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Renews this session only: every other session of the person ends (settings: sessions).
    path("password-change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password-reset/", PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    # Saving the new password ends the person's API tokens (p3hub.api.tokens explains where).
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", InvitationAcceptView.as_view(), name="invitation-accept"),
]
