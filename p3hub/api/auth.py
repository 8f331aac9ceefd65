"""Token authentication at POST /api/v1/auth/token/ (DESIGN.md 10)."""

from drf_spectacular.utils import extend_schema, inline_serializer
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.throttling import AnonRateThrottle

from p3hub.api.parsers import JSONParser


class TokenThrottle(AnonRateThrottle):
    """Slows password guessing: a few attempts a minute per client address."""

    scope = "token"


@extend_validation_errors(["authorization"], field_name="non_field_errors")
class TokenObtainView(ObtainAuthToken):
    # The credentials are in the body. Authenticating the request too would let a stale token
    # header block getting a new one, and let a logged-in session skip the anonymous throttle.
    authentication_classes = []
    throttle_classes = [TokenThrottle]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    @extend_schema(
        operation_id="auth_token_obtain",
        tags=["auth"],
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        description="Exchange a username and password for an API token.",
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
