"""API authentication classes, kept apart from views: DRF settings import them early."""

from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's `Authorization: Token <key>`, except that a key which cannot be a token (longer
    than a key, or with a NUL byte, which PostgreSQL refuses in a query) is "Invalid token."
    (401) without asking the database, instead of a 500."""

    def authenticate_credentials(self, key):
        if len(key) > 40 or "\x00" in key:
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
