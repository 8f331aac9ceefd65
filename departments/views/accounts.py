"""Signing in and resetting a password: Django's views, with the throttled sign-in form and a
reset request that answers alike for every address."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from departments import selectors, tasks
from departments.forms import PasswordResetRequestForm
from p3hub import throttling
from p3hub.login import LoginForm

log = logging.getLogger(__name__)
QUEUE_DOWN = "The link cannot be sent right now. Try again in a few minutes."


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Staff of one city land on its dashboard; someone with roles in several cities picks
        one on the home page (it lists them); others land where settings.LOGIN_LANDINGS says
        (vendor users on the portal), or on the home page."""
        slugs = {m.municipality.slug for m in selectors.memberships_of(self.request.user)}
        if len(slugs) == 1:
            return reverse("dashboard", args=[slugs.pop()])
        for landing in settings.LOGIN_LANDINGS:  # vendor users: the portal
            url = import_string(landing)(self.request.user)
            if url:
                return url
        return super().get_default_redirect_url()


class PasswordResetRequestView(auth_views.PasswordResetView):
    """Counts the request (per client address and per address typed), then queues the
    lookup and the e-mail for the worker: the answer is the same page, reached by the same
    work, whether or not an account uses the address."""

    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if wait := throttling.password_reset_wait(self.request, email):
            form.add_error(None, throttling.password_reset_throttled_message(wait))
            return self.form_invalid(form)
        try:
            tasks.password_reset_send.delay(email, uuid.uuid4().hex)
        except OperationalError:
            # The broker is down: no link can go out, whoever asks, so saying so tells
            # nothing about the address.
            log.exception("could not queue a password reset")
            form.add_error(None, QUEUE_DOWN)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())
