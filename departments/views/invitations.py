"""The page an invited person opens from their e-mail (no tenant in the URL: the signed link
names the invitation). Signed in with the invited address: accept. Not signed in: sign in to
accept, or make an account when none uses the address."""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.views.generic import TemplateView

from departments import forms, services
from departments.services.invitations import account_exists_for, invitation_for_token
from departments.views.base import ServiceFormMixin, raise_as_http
from p3hub.errors import ApplicationError, NotFound
from p3hub.forms import NoInputForm


class InvitationAcceptView(ServiceFormMixin, TemplateView):
    template_name = "registration/invitation.html"

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.invitation = invitation_for_token(self.token)
        except NotFound as error:
            raise_as_http(error)
        except ApplicationError as error:  # used, withdrawn or expired: say which, change nothing
            return self.render_to_response({"refusal": error.message}, status=error.status_code)
        self.has_account = account_exists_for(self.invitation)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self.build_form())
        kwargs.update(invitation=self.invitation, has_account=self.has_account)
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        if self.request.user.is_authenticated:
            return NoInputForm(data)
        return forms.NewAccountForm(
            data,
            initial={
                "first_name": self.invitation.first_name,
                "last_name": self.invitation.last_name,
            },
        )

    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated and self.has_account:
            return redirect_to_login(request.get_full_path())
        return super().post(request, *args, **kwargs)

    def run(self, form):
        if self.request.user.is_authenticated:
            services.invitation_accept(user=self.request.user, token=self.token)
            return self.request.user
        user = services.invitation_accept_with_new_account(token=self.token, **form.cleaned_data)
        # The account was made with this password a moment ago: no sign-in to check or count.
        login(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return user

    def success_message(self, user):
        return f"Welcome to {self.invitation.municipality.name}."

    def success_url(self, user):
        return reverse("dashboard", args=[self.invitation.municipality.slug])
