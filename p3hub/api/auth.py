"""The API's sign-in (DESIGN.md 10): `POST /api/v1/auth/token/` with a username and password
answers `{"token": ...}`, sent back as `Authorization: Token <token>`; the owner lists their
live tokens, revokes one, or signs the current one out."""

from django.contrib.auth import authenticate
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from knox.models import AuthToken
from rest_framework import exceptions, generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from p3hub import throttling
from p3hub.api import tokens
from p3hub.api.authentication import TokenAuthentication
from p3hub.api.parsers import JSONParser
from p3hub.login import login_wait

EXAMPLE_TOKEN = "p3h_" + "5f0c9e2a7b31d4c8" * 4  # an example: 64 hex digits after the prefix
EXAMPLE_TOKEN_ROW = {
    "id": EXAMPLE_TOKEN[:15],
    "created": "2026-03-02T14:05:09Z",
    "expires": "2026-04-01T14:05:09Z",
    "current": True,
}
BAD_CREDENTIALS = "Unable to log in with provided credentials."


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes `Authorization: Token <token>` (registered by being defined)."""

    target_class = "p3hub.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.authenticate_header(None)
        )


class TokenThrottle(BaseThrottle):
    """Requests to the token endpoint per client address, counted in the store every web
    process shares (TOKEN_THROTTLE); failed passwords are counted apart, per account too."""

    def allow_request(self, request, view) -> bool:
        address = throttling.address_key(throttling.client_address(request))
        hit = throttling.TOKEN_REQUESTS.hit(address)
        self._wait = hit.wait
        return not hit.over

    def wait(self) -> int:
        return self._wait


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")


@extend_validation_errors(["authorization"], field_name="non_field_errors")
class TokenObtainView(APIView):
    # The credentials are in the body. Authenticating the request too would let a stale token
    # header block getting a new one, and let a logged-in session skip the throttles.
    authentication_classes = []
    permission_classes = []
    throttle_classes = [TokenThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        request=TokenRequestSerializer,
        responses=TokenSerializer,
        examples=[
            OpenApiExample(
                "Credentials",
                value={"username": "officer", "password": "demo-pass-2026"},
                request_only=True,
            ),
            OpenApiExample("A new token", value={"token": EXAMPLE_TOKEN}, response_only=True),
        ],
        description=(
            "Exchange a username and password for a new API token. It is shown only in this "
            "answer (the server keeps a digest of it), and it ends when it expires, when its "
            "owner revokes it or changes their password, or when the account is deactivated. "
            "Failed attempts are limited per username and per client address (429 with "
            "`Retry-After`, even for the right password, until the wait is over)."
        ),
    )
    def post(self, request, *args, **kwargs):
        credentials = TokenRequestSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = authenticate(request=request, **credentials.validated_data)
        if user is None:
            if wait := login_wait(request):
                # The page's words; `wait` only sets Retry-After (DRF would add its own words).
                refused = exceptions.Throttled(detail=throttling.login_throttled_message(wait))
                refused.wait = wait
                raise refused
            detail = exceptions.ErrorDetail(BAD_CREDENTIALS, code="authorization")
            raise exceptions.ValidationError({"non_field_errors": [detail]})
        return Response({"token": tokens.token_issue(user)})


class TokenRowSerializer(serializers.Serializer):
    id = serializers.CharField(
        source="token_key", help_text="The token's first characters, which name it."
    )
    created = serializers.DateTimeField(help_text="When it was issued (UTC).")
    expires = serializers.DateTimeField(source="expiry", help_text="When it ends (UTC).")
    current = serializers.SerializerMethodField(
        help_text="Whether this request was authenticated with it."
    )

    def get_current(self, token) -> bool:
        used = self.context["request"].auth
        return getattr(used, "digest", None) == token.digest


@extend_schema_view(
    get=extend_schema(
        operation_id="auth_tokens_list",
        tags=["auth"],
        examples=[OpenApiExample("A token", value=EXAMPLE_TOKEN_ROW, response_only=True)],
        description="Your live API tokens, newest first. The tokens themselves are not shown.",
    )
)
class TokenListView(generics.ListAPIView):
    serializer_class = TokenRowSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema asks with no user
            return AuthToken.objects.none()
        return tokens.tokens_of(self.request.user)


class TokenRevokeView(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke",
        tags=["auth"],
        request=None,
        responses={status.HTTP_204_NO_CONTENT: None},
        description="Revoke one of your tokens (named by its `id`); it fails from now on.",
    )
    def delete(self, request, token_id: str):
        tokens.token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(
        operation_id="auth_logout",
        tags=["auth"],
        request=None,
        responses={status.HTTP_204_NO_CONTENT: None},
        description="Revoke the token this request is authenticated with.",
    )
    def post(self, request):
        tokens.token_sign_out(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)
