"""People of a municipality (tenant admins): the searchable list with pending invitations,
inviting someone, a person's page (details, roles, deactivation), withdrawing an invitation."""

from django.conf import settings
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from departments import forms, selectors, services
from departments.views.base import (
    ServiceFormView,
    TenantViewMixin,
    get_or_404,
    partial_response,
    raise_as_http,
)
from departments.views.confirm import ConfirmActionMixin
from p3hub.errors import NotFound
from p3hub.forms import NoInputForm

PAGE_SIZE = 50


class PersonListView(TenantViewMixin, TemplateView):
    """Everyone who holds or held a role here, searchable; the invitations still pending."""

    template_name = "departments/person_list.html"
    partial_template_name = "departments/_people_results.html"
    admin_only = True
    section = "people"

    def get(self, request, *args, **kwargs):
        form = forms.PeopleSearchForm(request.GET or None)
        q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
        page = Paginator(selectors.people_for(self.actor, q=q), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        invitations = selectors.invitations_for(self.actor).filter(status="pending")
        context = {"form": form, "page": page, "q": q, "invitations": invitations}
        return partial_response(self, context)


class InviteView(ServiceFormView):
    template_name = "departments/invite.html"
    section = "people"

    def build_form(self, data=None, files=None, initial=None):
        return forms.InvitationForm(data, initial=initial, departments=self.departments())

    def run(self, form):
        data = form.cleaned_data
        return services.invitation_send(
            actor=self.actor,
            email=data["email"],
            role=data["role"],
            department=data["department"] or None,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )

    def success_message(self, invitation):
        # The same words whether or not an account exists for the address.
        return (
            f"An invitation was sent to {invitation.email}. The link works once, for "
            f"{settings.INVITATION_DAYS} days."
        )

    def success_url(self, invitation):
        return self.tenant_url("person-list")


class InvitationRevokeView(ServiceFormView):
    """POST only: withdraw a pending invitation; its link stops working."""

    template_name = "departments/person_list.html"
    http_method_names = ["post"]
    section = "people"

    def load_objects(self):
        self.invitation = get_or_404(selectors.invitation_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def run(self, form):
        return services.invitation_revoke(actor=self.actor, invitation=self.invitation)

    def success_message(self, invitation):
        return f"The invitation to {invitation.email} was withdrawn."

    def success_url(self, invitation):
        return self.tenant_url("person-list")

    def failure_context(self, form):
        return {"revoke_invitation_form": form}

    def refusal_page_url(self) -> str | None:
        return self.tenant_url("person-list")


class PersonDetailView(ServiceFormView):
    """A person's details and roles in this municipality, with the forms that grant another
    role, correct their details, and deactivate or reactivate them."""

    template_name = "departments/person_detail.html"
    section = "people"

    def load_objects(self):
        self.person = get_or_404(selectors.person_get_for, self.actor, self.kwargs["pk"])

    def build_form(self, data=None, files=None, initial=None):
        return forms.MembershipGrantForm(data, initial=initial, departments=self.departments())

    def get_context_data(self, **kwargs):
        person = self.person
        kwargs.setdefault(
            "edit_form",
            forms.PersonEditForm(
                initial={
                    "first_name": person.first_name,
                    "last_name": person.last_name,
                    "email": person.email,
                }
            ),
        )
        kwargs.update(
            person=person,
            memberships=[m for m in person.tenant_memberships if m.is_active],
            held=[m for m in person.tenant_memberships if not m.is_active],
            is_yourself=person.pk == self.actor.user.pk,
        )
        return super().get_context_data(**kwargs)

    def run(self, form):
        data = form.cleaned_data
        return services.membership_grant(
            actor=self.actor,
            user=self.person,
            role=data["role"],
            department=data["department"] or None,
        )

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is now {membership.get_role_display()}{where}."

    def success_url(self, result):
        return self.tenant_url("person-detail", self.person.pk)


class PersonActionView(PersonDetailView):
    """POST only: one form of the person's page, one service; a refusal returns to the page
    (303), which shows the form's errors."""

    http_method_names = ["post"]
    form_name = ""

    def failure_context(self, form):
        return {self.form_name: form}

    def refusal_page_url(self) -> str | None:
        return self.tenant_url("person-detail", self.person.pk)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", super().build_form())  # the grant form, blank
        return super().get_context_data(**kwargs)


class PersonEditView(PersonActionView):
    form_name = "edit_form"

    def build_form(self, data=None, files=None, initial=None):
        return forms.PersonEditForm(data, initial=initial)

    def run(self, form):
        return services.person_update(actor=self.actor, person=self.person, **form.cleaned_data)

    def success_message(self, person):
        return f"The details of {person.display_name} were saved."


class PersonDeactivateView(PersonActionView):
    form_name = "status_form"
    service = staticmethod(services.person_deactivate)
    done = "was deactivated: they can no longer act here, and their roles are kept"

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def run(self, form):
        return self.service(actor=self.actor, person=self.person)

    def success_message(self, person):
        return f"{person.display_name} {self.done}."


class PersonReactivateView(PersonDeactivateView):
    service = staticmethod(services.person_reactivate)
    done = "was reactivated with their roles"


class MembershipRevokeView(ConfirmActionMixin, PersonActionView):
    """Asks first (GET, or a POST without confirmation, shows what will happen). A refusal
    (the last tenant admin) shows the person's page again, with the message beside the role
    that could not be revoked."""

    confirm_button = "Revoke role"
    confirm_button_class = "button button--warning"

    def role_words(self) -> str:
        membership = self.membership
        where = f" of {membership.department.name}" if membership.department_id else ""
        return f"{membership.get_role_display()}{where}"

    @property
    def confirm_title(self) -> str:
        return f"Revoke {self.person.display_name}'s role as {self.role_words()}?"

    def confirm_consequences(self) -> list[str]:
        return [
            f"{self.person.display_name} will no longer be {self.role_words()} in "
            f"{self.municipality.name}, from their next page.",
            "Their past actions stay in the audit trail; you can grant the role again later.",
        ]

    def confirm_back_url(self) -> str:
        return self.tenant_url("person-detail", self.person.pk)

    def confirm_breadcrumbs(self) -> list[tuple[str, str]]:
        return [
            ("People", self.tenant_url("person-list")),
            (self.person.display_name, self.confirm_back_url()),
        ]

    def load_objects(self):
        super().load_objects()
        membership_pk = self.kwargs["membership_pk"]
        self.membership = get_or_404(selectors.membership_get_for, self.actor, membership_pk)
        if self.membership.user_id != self.person.pk:
            raise_as_http(NotFound("Not found."))

    def build_form(self, data=None, files=None, initial=None):
        return NoInputForm(data)

    def failure_context(self, form):
        return {"revoke_form": form, "revoke_membership": self.membership}

    def run(self, form):
        services.membership_revoke(actor=self.actor, membership=self.membership)
        return self.membership

    def success_message(self, membership):
        where = f" of {membership.department.code}" if membership.department_id else ""
        return f"{self.person.username} is no longer {membership.get_role_display()}{where}."
