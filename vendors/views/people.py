"""A company's people: who acts for it (and who is invited), inviting a colleague, removing
one; and the public page where an invited colleague accepts."""

from django.conf import settings
from django.contrib.auth import login
from django.core.paginator import Paginator
from django.urls import reverse

from departments.views.base import get_or_404
from departments.views.confirm import ConfirmActionMixin
from p3hub.errors import ApplicationError
from p3hub.forms import NoInputForm
from vendors import forms, selectors, services
from vendors.models import VendorUser
from vendors.services.people import INVITATION_DAYS, invitation_for_token
from vendors.views.base import VendorFormView, VendorTemplatePage
from vendors.views.registration import PublicFormView

PAGE_SIZE = 50


class PeopleContextMixin:
    """The people page's table and its blank invite form (or the refused one kept for it)."""

    template_name = "vendors/people.html"
    section = "people"

    def get_context_data(self, **kwargs):
        page = Paginator(selectors.vendor_people(self.actor), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        kwargs.update(page=page, invitation_days=INVITATION_DAYS)
        kwargs.setdefault("invite_form", forms.InviteForm())
        return super().get_context_data(**kwargs)


class PeopleView(PeopleContextMixin, VendorTemplatePage):
    """Everyone who acts for the company or is invited to, with the invite form."""


class PersonInviteView(PeopleContextMixin, VendorFormView):
    """POST only: invite a colleague; a refusal is shown again on the people page."""

    http_method_names = ["post"]
    form_name = "invite_form"

    def build_form(self, data=None, files=None, initial=None):
        return forms.InviteForm(data, initial=initial)

    def run(self, form):
        return services.vendor_user_invite(actor=self.actor, **form.cleaned_data)

    def success_message(self, vendor_user):
        return (
            f"{vendor_user.user.display_name} is invited: a link was sent to "
            f"{vendor_user.user.email}. It works once, for {INVITATION_DAYS} days."
        )

    def success_url(self, vendor_user):
        return reverse("vendor-people")

    def refusal_page_url(self) -> str | None:
        return reverse("vendor-people") + "#invite-title"


class PersonRemoveView(ConfirmActionMixin, PeopleContextMixin, VendorFormView):
    """Remove a colleague (or withdraw their invitation) after a confirm step; a refusal (the
    last user) is shown again on the people page, beside the person."""

    form_name = "remove_form"
    confirm_button_class = "button button--warning"

    @property
    def confirm_title(self) -> str:
        user = self.person.user
        if self.person.status == VendorUser.Status.INVITED:
            return f"Withdraw the invitation to {user.email}?"
        return f"Remove {user.display_name} from {self.vendor.name}?"

    @property
    def confirm_button(self) -> str:
        invited = self.person.status == VendorUser.Status.INVITED
        return "Withdraw the invitation" if invited else "Remove"

    def confirm_consequences(self) -> list[str]:
        if self.person.status == VendorUser.Status.INVITED:
            return ["The link in the invitation stops working."]
        if self.person.user_id == self.actor.user.pk:
            return ["You no longer act for the company: you are signed out of the portal."]
        return [
            f"{self.person.user.display_name} can no longer sign in or use the API for "
            f"{self.vendor.name}.",
            "What they did stays in the company's history.",
        ]

    def confirm_back_url(self) -> str:
        return reverse("vendor-people")

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [("People", reverse("vendor-people"))]

    def load_objects(self):
        self.person = get_or_404(selectors.vendor_user_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def run(self, form):
        was_invited = self.person.status == VendorUser.Status.INVITED
        removed = services.vendor_user_remove(actor=self.actor, vendor_user=self.person)
        removed.was_invited = was_invited
        return removed

    def success_message(self, vendor_user):
        user = vendor_user.user
        if vendor_user.was_invited:
            return f"The invitation to {user.email} was withdrawn: its link no longer works."
        if user.pk == self.actor.user.pk:
            return f"You no longer act for {self.vendor.name}."
        return f"{user.display_name} was removed: they no longer act for {self.vendor.name}."

    def success_url(self, vendor_user):
        if vendor_user.user_id == self.actor.user.pk:
            return reverse("home")  # their account is closed: the portal would not open
        return reverse("vendor-people")

    def failure_context(self, form):
        return {"remove_form": form, "remove_person": self.person}

    def refusal_page_url(self) -> str | None:
        return reverse("vendor-people") + "#people-title"


class InvitationAcceptView(PublicFormView):
    """The page an invited colleague opens from the e-mail (no sign-in): which company
    invites them, and a form for their username and password. A link that is not valid, has
    expired, was used or withdrawn shows why, and no form. On success they are signed in."""

    template_name = "vendors/invitation_accept.html"
    throttled = True

    def dispatch(self, request, *args, **kwargs):
        self.token = kwargs["token"]
        try:
            self.invited = invitation_for_token(self.token)
        except ApplicationError as error:
            return self.render_to_response({"refusal": error.message}, status=error.status_code)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        kwargs.update(invited=self.invited, vendor=self.invited.vendor)
        return super().get_context_data(**kwargs)

    def build_form(self, data=None, files=None):
        return forms.InvitationAcceptForm(data)

    def run(self, form):
        user = services.vendor_invitation_accept(token=self.token, **form.cleaned_data)
        # The password was chosen a moment ago: nothing more to check or count.
        login(self.request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        return user

    def success_message(self, user):
        return f"Welcome to P3 Hub: you now act for {self.invited.vendor.name}."

    def success_url(self, user):
        return reverse("vendor-portal")
