"""The company's profile, as its users see and keep it (staff of a city never edit it)."""

from django.urls import reverse

from departments.views.base import panels_for
from vendors import forms, services
from vendors.services.registration import COMPANY_FIELDS
from vendors.views.base import VendorFormView, VendorTemplatePage


class ProfileView(VendorTemplatePage):
    """The company as every city sees it, with what other apps add (settings.PAGE_PANELS
    ["profile"]: the certificates)."""

    template_name = "vendors/profile.html"
    section = "profile"

    def get_context_data(self, **kwargs):
        kwargs["panels"] = panels_for("profile", self)
        return super().get_context_data(**kwargs)


class ProfileEditView(VendorFormView):
    template_name = "vendors/profile_edit.html"
    section = "profile"

    def build_form(self, data=None, files=None, initial=None):
        return forms.ProfileForm(data, initial=initial)

    def initial(self) -> dict:
        return {name: getattr(self.vendor, name) for name in COMPANY_FIELDS}

    def run(self, form):
        return services.vendor_profile_update(actor=self.actor, **form.cleaned_data)

    def success_message(self, vendor):
        return f"The profile of {vendor.name} was saved: every city sees it now."

    def success_url(self, vendor):
        return reverse("vendor-profile")
