"""Forms parse and re-display input; the rules live in services.

Fields here only turn text into Python values (a list of fund codes, a department, a date).
Whether a code is well formed, free, or allowed for a role is the service's call, so the page
and the API give the same message.
"""

from django import forms
from django.conf import settings

from departments.models import Membership
from p3hub.audit import Verb
from p3hub.forms import OpenChoiceField, ServiceForm


class PasswordResetRequestForm(forms.Form):
    """The address to send a reset link to. Only parsed here: whether an account uses it is
    looked up by the task the page queues (departments.services.password_reset_send), so the
    page answers the same, in the same time, for an address no account uses."""

    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class FundCodesField(forms.CharField):
    """Comma-separated fund codes in, a list out. Re-displays the list the same way."""

    def to_python(self, value):
        text = super().to_python(value)
        return [code.strip() for code in text.split(",") if code.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value


def _code_input():
    return forms.TextInput(
        attrs={"autocapitalize": "characters", "spellcheck": "false", "class": "input-short"}
    )


class DepartmentForm(ServiceForm):
    code = forms.CharField(
        label="Code",
        help_text="2 to 10 capital letters or digits, starting with a letter, such as TRN.",
        widget=_code_input(),
    )
    name = forms.CharField(label="Name")
    fund_codes = FundCodesField(
        label="Fund codes",
        required=False,
        help_text="Separate codes with commas, for example 100-TRN-CAP, 100-TRN-OPS.",
    )


class DepartmentEditForm(DepartmentForm):
    is_active = forms.BooleanField(
        label="Active",
        required=False,
        help_text="Untick to deactivate. The department and its history stay on record.",
    )


def department_choices(departments) -> list[tuple[str, str]]:
    return [(d.code, f"{d.name} ({d.code})") for d in departments]


class RoleFields(ServiceForm):
    """A role in the municipality, and for department roles the department (by code)."""

    # No role is preselected: granting the first one (tenant admin) by accident is too easy.
    role = OpenChoiceField(label="Role", choices=[("", "Choose a role"), *Membership.Role.choices])
    department = OpenChoiceField(
        label="Department",
        required=False,
        help_text="Department heads and members need one; admins and officers do not.",
    )

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [
            ("", "None (whole municipality)"),
            *department_choices(departments),
        ]


def _plain_input(**attrs) -> forms.TextInput:
    return forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class InvitationForm(RoleFields):
    email = forms.CharField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label="First name", required=False)
    last_name = forms.CharField(label="Last name", required=False)

    field_order = ["email", "first_name", "last_name", "role", "department"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "email"
        ].help_text = (
            f"The invitation goes here; the link works once, for {settings.INVITATION_DAYS} days."
        )


class PersonEditForm(ServiceForm):
    first_name = forms.CharField(label="First name", required=False)
    last_name = forms.CharField(label="Last name", required=False)
    email = forms.CharField(
        label="E-mail address",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class NewAccountForm(ServiceForm):
    """The account an invited person makes: the address is the invitation's."""

    username = forms.CharField(
        label="Username",
        help_text="Letters, digits and . - _ only; you sign in with it.",
        widget=_plain_input(autocomplete="username"),
    )
    first_name = forms.CharField(label="First name", required=False)
    last_name = forms.CharField(label="Last name", required=False)
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(
        label="Search people", required=False, help_text="Name, username or e-mail address."
    )


class MembershipGrantForm(RoleFields):
    pass


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label="Action", required=False)
    actor_username = forms.CharField(label="Person (username)", required=False)
    object_type = forms.ChoiceField(label="Object type", required=False)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, verbs, object_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [
            ("", "Any action"),
            *((v, Verb(v).label if v in Verb.values else v) for v in verbs),
        ]
        self.fields["object_type"].choices = [
            ("", "Any object"),
            *((t, t.rpartition(".")[2].capitalize()) for t in object_types),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return cleaned
