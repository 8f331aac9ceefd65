"""What every form of the pages shares: forms parse types and re-display input; the service
decides and owns every message (STYLE.md 4), so a page and the API answer alike.

A field the service requires is still marked as such on the page (no "(optional)" beside its
label), but the form itself does not refuse a blank: the service does, in its own words.
"""

from django import forms
from django.conf import settings

from p3hub.errors import ApplicationError
from p3hub.files import accept_attribute, kinds_list, megabytes


class ServiceForm(forms.Form):
    """A form whose rules are its service's. Fields declared `required` are shown as required
    but parsed as optional; `apply_service_error` puts the service's refusal on the field it
    names, or on the whole form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.shown_required = field.required
            if field.required:
                field.widget.attrs.setdefault("aria-required", "true")
            field.required = False

    # Field paths the service names differently from the form (`in_kind_amount` -> a field).
    error_fields: dict[str, str] = {}

    def apply_service_error(self, error: ApplicationError) -> None:
        """On the field the error names; an entry of a list field (`fund_codes.1`) on the
        field; anything else on the whole form."""
        field = self.error_fields.get(error.field, error.field) or ""
        if field not in self.fields:
            field = field.split(".", 1)[0]
        self.add_error(field if field in self.fields else None, error.message)


class TextInput(forms.TextInput):
    """Text rather than number inputs for numbers and money: a browser empties a number input
    it cannot parse, and the re-rendered form must show exactly what was typed."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})


def number_field(label: str, **kwargs) -> forms.CharField:
    """A number or an amount typed as text; the service reads it (p3hub.cleaning)."""
    kwargs.setdefault("widget", TextInput({"inputmode": "decimal", "class": "input-short"}))
    return forms.CharField(label=label, **kwargs)


class OpenChoiceField(forms.ChoiceField):
    """A select whose value goes to the service as it came: which values are allowed (a role,
    a department of this municipality) is the service's rule and message."""

    def validate(self, value):
        """Nothing: the service decides."""

    def valid_value(self, value) -> bool:
        return True


class OpenMultipleChoiceField(forms.MultipleChoiceField):
    """Checkboxes whose values go to the service as they came (categories of work): which
    are allowed is the service's rule and message, as for OpenChoiceField."""

    def validate(self, value):
        """Nothing: the service decides."""

    def valid_value(self, value) -> bool:
        return True


class NoInputForm(ServiceForm):
    """A button with no fields (publish, join, approve, revoke): carries the service's
    refusal back to the page."""


def describe_file_field(field, kinds, *, optional: bool = False) -> None:
    """Tell the person which files a file input takes and how large (settings.UPLOAD_MAX_BYTES),
    and hint the browser's file picker (`accept`); the service decides."""
    what = f"a {kinds_list(kinds)} file of up to {megabytes(settings.UPLOAD_MAX_BYTES)}."
    field.help_text = f"Optional: {what}" if optional else what[0].upper() + what[1:]
    field.widget.attrs["accept"] = accept_attribute(kinds)
