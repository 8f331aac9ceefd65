"""The vendor pages' forms: they parse and re-display; the services decide (p3hub.forms)."""

from django import forms

from p3hub.forms import OpenMultipleChoiceField, ServiceForm, TextInput
from vendors.categories import Category


class RegistrationForm(ServiceForm):
    """The company and its first user, on one page."""

    name = forms.CharField(label="Company name", help_text="As cities will see it.")
    legal_name = forms.CharField(
        label="Legal name", required=False, help_text="If it differs, as on your tax forms."
    )
    tax_id = forms.CharField(
        label="Tax id", help_text="Your EIN or equivalent, such as 12-3456789.", widget=TextInput()
    )
    address = forms.CharField(
        label="Business address",
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    contact_email = forms.CharField(
        label="Contact e-mail",
        help_text="Where cities write to the company, such as bids@example.com.",
        widget=TextInput({"autocomplete": "email", "inputmode": "email"}),
    )
    contact_phone = forms.CharField(
        label="Contact telephone", widget=TextInput({"autocomplete": "tel", "inputmode": "tel"})
    )
    categories = OpenMultipleChoiceField(
        label="Categories of work",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the company sells or does; choose one or more.",
    )
    first_name = forms.CharField(
        label="Your first name", widget=TextInput({"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        label="Your last name", widget=TextInput({"autocomplete": "family-name"})
    )
    email = forms.CharField(
        label="Your e-mail address",
        help_text="We send a link to confirm it; you sign in once it is confirmed.",
        widget=TextInput({"autocomplete": "email", "inputmode": "email"}),
    )
    username = forms.CharField(
        label="Username",
        help_text="Letters, digits and . - _ only; you sign in with it.",
        widget=TextInput({"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_again = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )


class NewLinkForm(ServiceForm):
    email = forms.CharField(
        label="Your e-mail address",
        help_text="The address you registered with.",
        widget=TextInput({"autocomplete": "email", "inputmode": "email"}),
    )


class ProfileForm(ServiceForm):
    """The company's profile as its users edit it (the tax id identifies it: not here)."""

    name = RegistrationForm.base_fields["name"]
    legal_name = RegistrationForm.base_fields["legal_name"]
    address = RegistrationForm.base_fields["address"]
    contact_email = RegistrationForm.base_fields["contact_email"]
    contact_phone = RegistrationForm.base_fields["contact_phone"]
    categories = RegistrationForm.base_fields["categories"]


class InviteForm(ServiceForm):
    """A colleague to invite: the link goes to their address."""

    first_name = forms.CharField(label="First name", widget=TextInput({"autocomplete": "off"}))
    last_name = forms.CharField(label="Last name", widget=TextInput({"autocomplete": "off"}))
    email = forms.CharField(
        label="E-mail address",
        help_text="Their own work address: the invitation link goes there.",
        widget=TextInput({"autocomplete": "off", "inputmode": "email"}),
    )


class InvitationAcceptForm(ServiceForm):
    """The invited colleague's own username and password."""

    username = RegistrationForm.base_fields["username"]
    password = RegistrationForm.base_fields["password"]
    password_again = RegistrationForm.base_fields["password_again"]
