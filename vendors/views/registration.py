"""The public pages where a company registers and its first user confirms their address."""

import uuid

from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect
from django.urls import reverse
from django.views.generic import TemplateView

from departments.views.base import ServiceFormMixin
from p3hub import throttling
from p3hub.forms import NoInputForm
from vendors import forms, services

# The two parts of the registration form (the categories are a fieldset of their own).
COMPANY_FIELDS = ("name", "legal_name", "tax_id", "address", "contact_email", "contact_phone")
PERSON_FIELDS = ("first_name", "last_name", "email", "username", "password", "password_again")


class PublicFormView(ServiceFormMixin, TemplateView):
    """A public page of one form (no sign-in): GET shows it blank, POST runs its service.
    `throttled` pages count every POST against the client address first (registrations and
    requests for a new link share one count), and past the limit answer 429 with what was
    typed."""

    throttled = False

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.build_form())
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        if self.throttled and (wait := throttling.registration_wait(request)):
            form = self.build_form(request.POST)
            form.is_valid()
            form.add_error(None, throttling.registration_throttled_message(wait))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)


class RegisterView(PublicFormView):
    template_name = "vendors/register.html"
    throttled = True

    def get_context_data(self, **kwargs):
        kwargs.update(company_fields=COMPANY_FIELDS, person_fields=PERSON_FIELDS)
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        return forms.RegistrationForm(data)

    def run(self, form):
        return services.vendor_register(**form.cleaned_data)

    def succeeded(self, vendor_user):
        # The address goes in the session, not the URL: the next page says where we wrote.
        self.request.session["vendor_registered"] = vendor_user.user.email
        return redirect("vendor-registered")


class RegisteredView(TemplateView):
    template_name = "vendors/registered.html"

    def get_context_data(self, **kwargs):
        kwargs["email"] = self.request.session.get("vendor_registered", "")
        return super().get_context_data(**kwargs)


class ConfirmView(PublicFormView):
    """GET shows a button; only the POST confirms (mail scanners open links, they do not
    press buttons). The confirmed user is signed in and lands on the portal."""

    template_name = "vendors/confirm.html"

    def build_form(self, data=None, files=None):
        return NoInputForm(data)

    def run(self, form):
        user = services.vendor_user_confirm(token=self.kwargs["token"])
        # Confirmed a moment ago through the e-mailed link: nothing more to check or count.
        login(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return user

    def success_message(self, user):
        return f"Your address {user.email} is confirmed. Welcome to P3 Hub."

    def success_url(self, user):
        return reverse("vendor-portal")


class NewLinkView(PublicFormView):
    """A new confirmation link for an expired one. The answer is the same page whether or
    not a registration awaits confirmation for the address typed."""

    template_name = "vendors/new_link.html"
    throttled = True

    def build_form(self, data=None, files=None):
        return forms.NewLinkForm(data)

    def run(self, form):
        email = form.cleaned_data["email"]
        services.vendor_confirmation_resend(email=email, request_id=uuid.uuid4().hex)
        return email

    def success_message(self, email):
        return "If a registration with that address awaits confirmation, a new link is on its way."

    def success_url(self, email):
        return reverse("vendor-new-link")
