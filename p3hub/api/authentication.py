"""API authentication classes, kept apart from views: DRF settings import them early."""

from django.utils import timezone
from knox import auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

INVALID = "Invalid token."


class TokenAuthentication(auth.TokenAuthentication):
    """`Authorization: Token <token>` with knox's hashed, expiring tokens (p3hub.api.tokens).

    The token is found by its digest, the primary key: one query, joined with its user. (knox
    itself also reads every other token of the user on each request, to delete the expired
    ones: issuing a token and the hourly sweep do that here.) A key that cannot be a token
    (too long, not UTF-8, a NUL byte, which PostgreSQL refuses in a query) is "Invalid token."
    (401) without asking the database, instead of a 500. An expired token, or one whose owner
    can no longer sign in, is deleted and answers as any unknown token.
    """

    max_length = CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + knox_settings.AUTH_TOKEN_CHARACTER_LENGTH

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        if len(key) > self.max_length or "\x00" in key:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            auth_token = AuthToken.objects.select_related("user").get(digest=hash_token(key))
        except AuthToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(INVALID) from None
        if auth_token.expiry is not None and auth_token.expiry <= timezone.now():
            auth_token.delete()
            raise exceptions.AuthenticationFailed(INVALID)
        return self.validate_user(auth_token)

    def validate_user(self, auth_token):
        user = auth_token.user
        if not user.is_active or not user.has_usable_password():
            # Deactivating an account in the admin deletes its tokens at once
            # (departments.services.person_deactivate), and so does a new password
            # (p3hub.api.tokens.TokensEndWithThePassword). An account made inactive any other
            # way, or whose password was disabled (the admin's "unset password", which sets
            # no new one), loses them here, at their first use.
            AuthToken.objects.filter(user=user).delete()
            raise exceptions.AuthenticationFailed(INVALID)
        return user, auth_token
