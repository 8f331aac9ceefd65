"""/api/v1/vendor/solicitations/: the portal's search over API: what every city has open for
bids now, by text, city and category of work, each saying whether your company follows it."""

import django_filters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers

from procurements import selectors
from procurements.api.examples import PUBLIC_SOLICITATION
from procurements.models import Solicitation
from procurements.serializers.public import PublicSolicitationSerializer
from vendors.api.base import VendorAPIMixin
from vendors.categories import Category


class OpenSolicitationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="search",
        max_length=200,
        help_text="Text in the title or description, or a reference.",
    )
    city = django_filters.CharFilter(
        method="in_city", max_length=40, help_text="A municipality's slug."
    )
    category = django_filters.ChoiceFilter(
        choices=Category.choices, method="in_category", help_text="A category of work."
    )

    class Meta:
        model = Solicitation
        fields = ["q", "city", "category"]

    def search(self, queryset, name, value):
        return selectors.solicitations_filtered(queryset, q=value)

    def in_city(self, queryset, name, value):
        return queryset.filter(municipality__slug=value)

    def in_category(self, queryset, name, value):
        return queryset.filter(category=value)


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

    def get_vendor_queryset(self):
        return selectors.solicitations_open(vendor=self.vendor)

    def list(self, request, *args, **kwargs):
        return self.render_page(self.filter_queryset(self.get_queryset()))
