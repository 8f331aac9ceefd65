"""The vendor portal's search of what every city has open for bids (`/vendor/solicitations/`):
by text, city and category of work, paginated; htmx requests get the results region only."""

from django import forms as django_forms

from departments.selectors import municipalities_public
from procurements import selectors
from procurements.views.base import FilteredListMixin
from vendors.categories import Category
from vendors.views.base import VendorTemplatePage


class OpenSearchForm(django_forms.Form):
    q = django_forms.CharField(
        label="Search", required=False, max_length=200, help_text="Title, description or reference."
    )
    city = django_forms.ChoiceField(label="City", required=False)
    category = django_forms.ChoiceField(
        label="Category of work", required=False, choices=[("", "Any category"), *Category.choices]
    )
    mine = django_forms.BooleanField(label="My company's categories only", required=False)

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", "Every city"), *((m.slug, m.name) for m in cities)]


class OpenSolicitationListView(FilteredListMixin, VendorTemplatePage):
    template_name = "procurements/vendor/open_list.html"
    partial_template_name = "procurements/vendor/_open_results.html"
    section = "solicitations"

    def filter_form(self):
        return OpenSearchForm(self.request.GET or None, cities=municipalities_public())

    def solicitations(self, **filters):
        return selectors.solicitations_open(vendor=self.vendor, **filters)
