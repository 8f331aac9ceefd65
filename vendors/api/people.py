"""/api/v1/vendor/people/: who acts for the caller's company, inviting a colleague and
removing one (the same services as the pages); /api/v1/vendor/invitations/accept/: the
invited colleague accepts without signing in."""

from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response

from departments.api.examples import conflict
from p3hub import throttling
from p3hub.api.fields import service_codes, text_input
from vendors import selectors, services
from vendors.api.base import VendorAPIMixin
from vendors.api.registration import AnonymousAPIView
from vendors.models import VendorUser
from vendors.services import people
from vendors.services.people import INVITATION_DAYS


class VendorPersonSerializer(serializers.ModelSerializer):
    username = serializers.SerializerMethodField(
        help_text="How they sign in; null while invited (they choose it on accepting)."
    )
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.CharField(source="user.email")
    status = serializers.CharField(help_text="invited, active or removed.")
    invited_by = serializers.SerializerMethodField(
        help_text="The username of the colleague who invited them; null for the registrant."
    )

    class Meta:
        model = VendorUser
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "status",
            "invited_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_username(self, vendor_user) -> str | None:
        if vendor_user.status == VendorUser.Status.INVITED:
            return None
        return vendor_user.user.username

    def get_invited_by(self, vendor_user) -> str | None:
        return vendor_user.invited_by.username if vendor_user.invited_by_id else None


class InviteInput(serializers.Serializer):
    email = text_input(
        help_text="The colleague's address: the invitation link goes there. Refused if any "
        "P3 Hub account already uses it.",
        validators=service_codes("required", "max_length", "invalid", "unique"),
    )
    first_name = text_input(validators=service_codes("required", "max_length", "invalid"))
    last_name = text_input(validators=service_codes("required", "max_length", "invalid"))


PERSON = {
    "id": 7,
    "username": None,
    "first_name": "Dana",
    "last_name": "Diaz",
    "email": "dana@acme.example",
    "status": "invited",
    "invited_by": "vendor.acme",
    "created_at": "2026-01-05T09:00:00Z",
}


@extend_schema(tags=["vendors"])
@extend_schema_view(
    list=extend_schema(
        description="The company's active and invited users, oldest first (users of the company).",
        examples=[OpenApiExample("Invited", value=PERSON, response_only=True)],
    ),
    retrieve=extend_schema(description="One of the company's users (removed ones included)."),
    create=extend_schema(
        description=(
            f"Invite a colleague by e-mail address. They get a signed link that works once, "
            f"for {INVITATION_DAYS} days, where they choose their username and password "
            "(POST /api/v1/vendor/invitations/accept/). Every field at fault is listed at "
            "once; an address any account uses is refused."
        ),
        request=InviteInput,
        responses={status.HTTP_201_CREATED: VendorPersonSerializer},
        examples=[
            OpenApiExample(
                "A colleague",
                value={"email": "dana@acme.example", "first_name": "Dana", "last_name": "Diaz"},
                request_only=True,
            ),
            OpenApiExample("Invited", value=PERSON, response_only=True, status_codes=["201"]),
        ],
    ),
    destroy=extend_schema(
        description=(
            "Remove a colleague (or oneself): their account can no longer sign in and its "
            "tokens end now. Removing an invited colleague withdraws the invitation. The "
            "company's last active user cannot be removed (409)."
        ),
        responses={
            status.HTTP_200_OK: VendorPersonSerializer,
            status.HTTP_409_CONFLICT: conflict(
                "The company's last active user, or someone already removed.",
                "last_user",
                people.LAST_USER,
            ),
        },
        examples=[
            OpenApiExample(
                "Removed",
                value={**PERSON, "status": "removed", "username": "dana.diaz"},
                response_only=True,
            )
        ],
    ),
)
class PersonViewSet(VendorAPIMixin, viewsets.GenericViewSet):
    model = VendorUser
    serializer_class = VendorPersonSerializer

    def get_vendor_queryset(self):
        return selectors.vendor_people(self.actor)

    def get_object(self):
        return selectors.vendor_user_get_for(self.actor, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return self.render_page(self.get_queryset())

    def retrieve(self, request, *args, **kwargs):
        return self.render(VendorPersonSerializer, self.get_object())

    def create(self, request, *args, **kwargs):
        vendor_user = services.vendor_user_invite(actor=self.actor, **self.parse(InviteInput))
        fresh = selectors.vendor_user_get_for(self.actor, vendor_user.pk)
        return self.render(VendorPersonSerializer, fresh, status_code=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        vendor_user = services.vendor_user_remove(actor=self.actor, vendor_user=self.get_object())
        return self.render(VendorPersonSerializer, vendor_user)


class InvitationAcceptInput(serializers.Serializer):
    token = text_input(
        help_text="The token of the e-mailed link (/vendor/invitation/<token>/).",
        validators=service_codes("invalid", "expired", "used", "withdrawn"),
    )
    username = text_input(
        help_text="Letters, digits and . - _ only; you sign in with it.",
        validators=service_codes("required", "max_length", "invalid", "unique"),
    )
    password = text_input(validators=service_codes("required", "invalid"))


class AcceptedSerializer(serializers.Serializer):
    username = serializers.CharField()
    email = serializers.CharField()
    vendor = serializers.SerializerMethodField(help_text="The company they now act for.")

    def get_vendor(self, user) -> str:
        return self.context["vendor"].name


@extend_schema(
    tags=["vendors"],
    description=(
        "An invited colleague accepts with the token of the e-mailed link, choosing their "
        "username and password (no sign-in). Every field at fault is listed at once; a link "
        "expired, altered, already used or withdrawn is refused (`token`). The account can "
        "then sign in and get a token."
    ),
    request=InvitationAcceptInput,
    responses={status.HTTP_200_OK: AcceptedSerializer},
    examples=[
        OpenApiExample(
            "Accept",
            value={"token": "eyJ2Ijo3...", "username": "dana.diaz", "password": "a long one"},
            request_only=True,
        ),
        OpenApiExample(
            "Accepted",
            value={"username": "dana.diaz", "email": "dana@acme.example", "vendor": "Acme"},
            response_only=True,
        ),
    ],
)
class InvitationAcceptView(AnonymousAPIView):
    def post(self, request):
        if wait := throttling.registration_wait(request):
            raise exceptions.Throttled(
                wait=wait, detail=throttling.registration_throttled_message(wait)
            )
        serializer = InvitationAcceptInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.vendor_invitation_accept(**serializer.validated_data)
        vendor_user = user.vendor_roles.select_related("vendor").get(
            status=VendorUser.Status.ACTIVE
        )
        body = AcceptedSerializer(user, context={"vendor": vendor_user.vendor}).data
        return Response(body)
