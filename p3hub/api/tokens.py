"""API tokens (django-rest-knox): issued to a person who proved their password, stored as a
SHA-512 digest (the token itself is shown once, in the answer that issues it), expiring after
TOKEN_TTL_HOURS, listed and revoked by their owner, and ended with the password that issued
them and with the account.

A token is named by its first characters (`token_key`, which knox keeps to find the row): the
owner recognises it, and it is no use without the rest.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from p3hub.errors import NotFound


def _live() -> Q:
    return Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())


@transaction.atomic
def token_issue(user) -> str:
    """A new token for `user`, who has just proved their password. Their expired tokens are
    deleted; past TOKEN_LIMIT_PER_USER live ones, the oldest end (a script that asks for a
    token on each run keeps working, and the rows stay bounded)."""
    mine = AuthToken.objects.filter(user=user)
    mine.exclude(_live()).delete()
    _, token = AuthToken.objects.create(user=user)
    oldest = mine.order_by("-created", "-digest").values_list("digest", flat=True)
    if stale := list(oldest[settings.TOKEN_LIMIT_PER_USER :]):
        AuthToken.objects.filter(digest__in=stale).delete()
    return token


def tokens_of(user) -> QuerySet:
    """The live tokens of `user`, newest first."""
    return AuthToken.objects.filter(_live(), user=user).order_by("-created", "-digest")


def token_revoke(*, user, token_id: str) -> None:
    """The owner ends one of their tokens. Another person's token is NotFound, exactly as a
    token that does not exist."""
    # A NUL byte is refused by PostgreSQL in a query: it names no token either.
    if not isinstance(token_id, str) or not token_id or "\x00" in token_id:
        raise NotFound("Not found.")
    deleted, _ = tokens_of(user).filter(token_key=token_id).delete()
    if not deleted:
        raise NotFound("Not found.")


def token_sign_out(auth_token: AuthToken) -> None:
    """End the token a request was authenticated with."""
    AuthToken.objects.filter(digest=auth_token.digest).delete()


def tokens_revoke_all(user) -> int:
    """End every token of `user` (their password changed, their account was deactivated)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def tokens_delete_expired() -> int:
    """Expired tokens already fail; this removes their rows."""
    deleted, _ = AuthToken.objects.exclude(_live()).delete()
    return deleted


class TokensEndWithThePassword:
    """Ends a person's API tokens when their password changes (listed with the password
    validators; it checks nothing).

    Why here: Django calls `password_changed()` on every entry of AUTH_PASSWORD_VALIDATORS
    each time a user is saved with a new password (AbstractBaseUser.save after set_password),
    whichever way it changed: the reset link and the admin's password form (Django's own
    views, which we do not write), `manage.py changepassword`, a service. That makes it the
    one place that cannot miss a change, the way Django's sessions end with the password by
    carrying its hash. It is no signal receiver: nothing else can fire it, and it runs in the
    saving code's own transaction when there is one.
    """

    def validate(self, password, user=None) -> None:
        return None

    def password_changed(self, password, user=None) -> None:
        if user is not None and user.pk is not None:
            tokens_revoke_all(user)

    def get_help_text(self) -> str:
        return "A new password ends every API token issued before it."
