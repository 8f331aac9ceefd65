"""/api/v1/vendor/solicitations/: the portal's search over API: what every city has open for
bids now, by text, city and category of work, each saying whether your company follows it."""

import django_filters
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers

from procurements import selectors
from procurements.api.examples import PUBLIC_SOLICITATION
from procurements.models import Solicitation
from procurements.serializers.public import PublicSolicitationSerializer
from vendors.api.base import VendorAPIMixin
from vendors.categories import Category


class OpenSolicitationFilter(django_filters.FilterSet):
    """The search's parameters, parsed and documented here and applied by the selector the
    page calls (selectors.solicitations_open), so both search alike."""

    q = django_filters.CharFilter(
        max_length=200, help_text="Text in the title or description, or a reference."
    )
    city = django_filters.CharFilter(max_length=40, help_text="A municipality's slug.")
    category = django_filters.ChoiceFilter(
        choices=Category.choices, help_text="A category of work."
    )
    mine = django_filters.BooleanFilter(
        help_text="true: in any of your company's categories (ignored with `category`)."
    )

    class Meta:
        model = Solicitation
        fields = ["q", "city", "category", "mine"]


class OpenSolicitationSerializer(PublicSolicitationSerializer):
    following = serializers.BooleanField(help_text="Whether your company follows it.")

    class Meta(PublicSolicitationSerializer.Meta):
        fields = [*PublicSolicitationSerializer.Meta.fields, "following"]
        read_only_fields = fields


@extend_schema(
    tags=["vendors"],
    description=(
        "Solicitations open for bids now in every city, the soonest deadline first; search by "
        "text, city and category. Dates are in each city's local time."
    ),
    examples=[
        OpenApiExample(
            "Cameras",
            value={**PUBLIC_SOLICITATION, "following": True},
            response_only=True,
        )
    ],
)
class OpenSolicitationListView(VendorAPIMixin, generics.ListAPIView):
    model = Solicitation
    serializer_class = OpenSolicitationSerializer
    filterset_class = OpenSolicitationFilter

    def get_vendor_queryset(self):  # the schema's; `list` searches through the selector
        return selectors.solicitations_open(vendor=self.vendor)

    def list(self, request, *args, **kwargs):
        search = OpenSolicitationFilter(request.query_params, queryset=Solicitation.objects.none())
        if not search.is_valid():
            raise translate_validation(search.errors)
        given = {name: value for name, value in search.form.cleaned_data.items() if value}
        found = selectors.solicitations_open(vendor=self.vendor, **given)
        return self.render_page(found)
