"""/api/v1/vendor/registrations/ and /confirmations/: a company registers itself and its first
user, and the user confirms the e-mail address, without signing in (the same services as the
pages)."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from p3hub import throttling
from p3hub.api.fields import RawInput, service_codes, text_input
from vendors import services
from vendors.categories import Category
from vendors.models import Vendor

CATEGORY_HELP = "Codes of the categories of work: " + ", ".join(Category.values) + "."


@extend_schema_field(
    {"type": "array", "items": {"type": "string", "enum": Category.values}, "minItems": 1}
)
class CategoriesInput(RawInput):
    """Category codes, handed to the service as they came (it names an unknown one)."""


class RegistrationInput(serializers.Serializer):
    name = text_input(help_text="The company's name, as cities will see it.")
    legal_name = text_input(help_text="If it differs, as on the tax forms.")
    tax_id = text_input(
        help_text="EIN or equivalent; spaces, dashes and dots are ignored when compared.",
        validators=service_codes("required", "invalid", "unique"),
    )
    address = text_input()
    contact_email = text_input(help_text="Where cities write to the company.")
    contact_phone = text_input()
    categories = CategoriesInput(help_text=CATEGORY_HELP)
    first_name = text_input()
    last_name = text_input()
    email = text_input(help_text="The first user's address; the confirmation link goes there.")
    username = text_input()
    password = text_input(validators=service_codes("required", "invalid"))


class VendorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Vendor
        fields = [
            "id",
            "name",
            "legal_name",
            "tax_id",
            "address",
            "contact_email",
            "contact_phone",
            "categories",
            "created_at",
        ]
        read_only_fields = fields


class RegistrationSerializer(serializers.Serializer):
    vendor = VendorSerializer()
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email")
    confirmed = serializers.BooleanField(source="user.is_active")


class ConfirmationInput(serializers.Serializer):
    token = text_input(
        help_text="The token of the e-mailed link (/vendor/confirm/<token>/).",
        validators=service_codes("invalid", "expired", "used"),
    )


class ConfirmationSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.CharField()
    confirmed = serializers.BooleanField(source="is_active")


EXAMPLE = {
    "name": "Crossroads Signal Co.",
    "tax_id": "12-3456789",
    "address": "100 Main St, Riverton",
    "contact_email": "bids@crossroads.example",
    "contact_phone": "+1 555 010 0000",
    "categories": ["traffic", "security"],
    "first_name": "Casey",
    "last_name": "Cross",
    "email": "casey@crossroads.example",
    "username": "casey.cross",
    "password": "a long passphrase",
}


class AnonymousAPIView(APIView):
    """Open to everyone: no session (so no CSRF) and no token are read."""

    authentication_classes = []
    permission_classes = [AllowAny]


@extend_schema(
    tags=["vendors"],
    description=(
        "Register a company and its first user, once for every city. Every field at fault is "
        "listed at once. The user's account stays unconfirmed (it cannot sign in) until the "
        "link e-mailed to `email` is confirmed (POST /api/v1/vendor/confirmations/)."
    ),
    request=RegistrationInput,
    responses={status.HTTP_201_CREATED: RegistrationSerializer},
    examples=[OpenApiExample("A new company", value=EXAMPLE, request_only=True)],
)
class RegistrationView(AnonymousAPIView):
    def post(self, request):
        if wait := throttling.registration_wait(request):
            raise exceptions.Throttled(
                wait=wait, detail=throttling.registration_throttled_message(wait)
            )
        serializer = RegistrationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        vendor_user = services.vendor_register(**serializer.validated_data)
        body = RegistrationSerializer(vendor_user).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["vendors"],
    description="Confirm a registered user's e-mail address with the token of the e-mailed "
    "link; it works once, for three days. The account can then sign in.",
    request=ConfirmationInput,
    responses={status.HTTP_200_OK: ConfirmationSerializer},
)
class ConfirmationView(AnonymousAPIView):
    def post(self, request):
        serializer = ConfirmationInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.vendor_user_confirm(**serializer.validated_data)
        return Response(ConfirmationSerializer(user).data)
