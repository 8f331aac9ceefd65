"""/api/v1/vendor/profile/: the company's profile, read and changed by its own users (the
same service as the page). Staff of a city have no endpoint for it: they get the same 404
as for anything else under /api/v1/vendor/."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, serializers

from p3hub.api.fields import service_codes, text_input
from vendors import services
from vendors.api.base import VendorAPIMixin
from vendors.api.registration import CATEGORY_HELP, CategoriesInput, VendorSerializer
from vendors.models import Vendor


class ProfileInput(serializers.Serializer):
    """A partial update: fields left out stay as they are."""

    name = text_input(help_text="The company's name, as cities will see it.")
    legal_name = text_input(help_text="If it differs, as on the tax forms.")
    address = text_input()
    contact_email = text_input(help_text="Where cities write to the company.")
    contact_phone = text_input()
    categories = CategoriesInput(help_text=CATEGORY_HELP)
    tax_id = text_input(
        help_text="Read only: it identifies the company. Sent unchanged it is ignored; "
        "changed, it is refused.",
        validators=service_codes("read_only"),
    )


PROFILE_EXAMPLE = {
    "id": 1,
    "name": "Acme Traffic Systems",
    "legal_name": "Acme Traffic Systems, Inc.",
    "tax_id": "41-2345678",
    "address": "2200 Industrial Pkwy\nRiverton, ST 00002",
    "contact_email": "bids@acme.example",
    "contact_phone": "+1 555 010 2000",
    "categories": ["security", "traffic"],
    "created_at": "2026-01-05T09:00:00Z",
}


@extend_schema(tags=["vendors"])
@extend_schema_view(
    get=extend_schema(
        description="The caller's company as every city sees it (users of the company).",
        responses={200: VendorSerializer},
        examples=[OpenApiExample("Acme", value=PROFILE_EXAMPLE, response_only=True)],
    ),
    patch=extend_schema(
        description=(
            "Change the company's name, legal name, address, contact e-mail, contact "
            "telephone or categories of work (users of the company; never a city's staff). "
            "Fields left out stay as they are; every field at fault is listed at once. The "
            "tax id identifies the company and cannot be changed. The change is recorded in "
            "the company's history."
        ),
        request=ProfileInput,
        responses={200: VendorSerializer},
        examples=[
            OpenApiExample(
                "New telephone and categories",
                value={"contact_phone": "+1 555 010 2999", "categories": ["traffic"]},
                request_only=True,
            ),
            OpenApiExample("Saved", value=PROFILE_EXAMPLE, response_only=True),
        ],
    ),
)
class ProfileView(VendorAPIMixin, generics.GenericAPIView):
    model = Vendor
    serializer_class = VendorSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_vendor_queryset(self):
        return Vendor.objects.filter(pk=self.vendor.pk)

    def get(self, request, *args, **kwargs):
        return self.render(VendorSerializer, self.vendor)

    def patch(self, request, *args, **kwargs):
        fields = self.parse(ProfileInput, partial=True)
        vendor = services.vendor_profile_update(actor=self.actor, **fields)
        return self.render(VendorSerializer, vendor)
