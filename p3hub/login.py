"""Sign-in, throttled: one authentication backend that every login form reaches (the sign-in
page, the admin's, the token endpoint all call django.contrib.auth.authenticate with the
request), and the forms that tell people why they were refused.

Each attempt is counted against the username and the client address before the password is
checked (p3hub.throttling), in the store every web process shares; past either limit the
attempt is refused even with the right password, so guessing gains nothing by going on.
"""

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError

from p3hub import throttling


class ThrottledModelBackend(ModelBackend):
    """Django's ModelBackend, counting every attempt made with a request.

    A refused attempt raises PermissionDenied, which makes authenticate() stop at once (no
    later backend is asked) and return None; the wait is left on the request for the form or
    view to show. Without a request (a script, the test client's login()) there is no client
    to throttle.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        attempt = throttling.login_attempt(request, username)
        if attempt.wait:
            request.login_wait = attempt.wait
            raise PermissionDenied
        self.request = request
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            attempt.succeeded()
        return user

    def user_can_authenticate(self, user) -> bool:
        # ModelBackend asks only once the password was right: an account that never signed
        # in and is not active yet awaits the confirmation of its address, and is told so.
        allowed = super().user_can_authenticate(user)
        request = getattr(self, "request", None)
        if not allowed and user.last_login is None and request is not None:
            request.login_unconfirmed = True
        return allowed


def login_wait(request) -> int:
    """Seconds a refused sign-in must wait, or 0 if it was refused for its password."""
    return getattr(request, "login_wait", 0)


class ThrottledLoginMixin:
    """A refused sign-in says so, in words that are the same whether the account exists."""

    def get_invalid_login_error(self):
        if wait := login_wait(self.request):
            return ValidationError(throttling.login_throttled_message(wait), code="throttled")
        if getattr(self.request, "login_unconfirmed", False):
            return ValidationError(settings.UNCONFIRMED_LOGIN_MESSAGE, code="unconfirmed")
        return super().get_invalid_login_error()


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    """The sign-in page's form (/accounts/login/)."""


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's sign-in form (/admin/login/)."""
