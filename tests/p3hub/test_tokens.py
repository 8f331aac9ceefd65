"""API tokens (django-rest-knox): stored as digests, expiring, listed and revoked by their owner
only, and ended by a password change (whichever way it is made) and by deactivation."""

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from knox.models import AuthToken
from rest_framework.test import APIClient

from departments.models import User
from p3hub.api.tokens import token_issue, tokens_delete_expired
from p3hub.tasks import tokens_delete_expired as sweep_task
from tests.factories import UserFactory
from tests.helpers import DEMO_PASSWORD, admin_url, client_with_token, token_for

pytestmark = pytest.mark.django_db

TOKENS = "/api/v1/auth/tokens/"


def works(token: str) -> bool:
    return client_with_token(token).get("/api/v1/me/").status_code == 200


def refused_as_invalid(token: str) -> bool:
    response = client_with_token(token).get("/api/v1/me/")
    return response.status_code == 401 and response.json()["errors"][0]["detail"] == (
        "Invalid token."
    )


def token_id(token: str) -> str:
    return AuthToken.objects.get(token_key=token[:15]).token_key


# --- issuing ----------------------------------------------------------------------------------


def test_a_token_carries_its_prefix_and_expires_after_the_configured_lifetime(personas):
    before = timezone.now()
    token = token_for("officer")

    stored = AuthToken.objects.get(user=personas["officer"])
    assert re.fullmatch(r"p3h_[0-9a-f]{64}", token)
    lifetime = stored.expiry - before
    assert dt.timedelta(hours=719) < lifetime <= dt.timedelta(hours=720, seconds=5)


def test_past_the_limit_a_new_token_ends_the_oldest(personas, settings):
    settings.TOKEN_LIMIT_PER_USER = 3
    first, *others = [token_for("officer") for _ in range(4)]

    assert refused_as_invalid(first)
    assert all(works(token) for token in others)
    assert AuthToken.objects.filter(user=personas["officer"]).count() == 3


# --- listing and revoking -------------------------------------------------------------------


def test_the_owner_lists_their_live_tokens_and_sees_none_of_the_secrets(personas):
    older, newer = token_for("officer"), token_for("officer")
    token_for("head.trn")  # someone else's
    expired = token_issue(personas["officer"])
    AuthToken.objects.filter(token_key=expired[:15]).update(expiry=timezone.now())

    response = client_with_token(newer).get(TOKENS)

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [newer[:15], older[:15]]
    assert [row["current"] for row in rows] == [True, False]
    assert newer not in response.content.decode() and older not in response.content.decode()


def test_the_owner_revokes_one_token_and_only_that_one_ends(personas):
    kept, revoked = token_for("officer"), token_for("officer")

    response = client_with_token(kept).delete(f"{TOKENS}{token_id(revoked)}/")

    assert response.status_code == 204
    assert refused_as_invalid(revoked)
    assert works(kept)


@pytest.mark.parametrize("whose", ["another persons", "missing", "nul"])
def test_a_token_that_is_not_yours_is_missing_when_revoked(personas, whose):
    mine, theirs = token_for("officer"), token_for("head.trn")
    target = {"another persons": token_id(theirs), "missing": "p3h_00000000000", "nul": "a%00b"}

    response = client_with_token(mine).delete(f"{TOKENS}{target[whose]}/")

    assert response.status_code == 404
    assert response.json()["type"] == "client_error"
    assert works(theirs)


def test_a_browser_session_lists_and_revokes_tokens_too(personas):
    token = token_for("officer")
    session = APIClient()
    session.force_login(personas["officer"])

    rows = session.get(TOKENS).json()["results"]
    revoked = session.delete(f"{TOKENS}{rows[0]['id']}/")

    assert [row["current"] for row in rows] == [False]
    assert revoked.status_code == 204
    assert refused_as_invalid(token)


def test_sign_out_ends_the_token_it_was_sent_with(personas):
    current, other = token_for("officer"), token_for("officer")

    response = client_with_token(current).post("/api/v1/auth/logout/")

    assert response.status_code == 204
    assert refused_as_invalid(current)
    assert works(other)


def test_sign_out_needs_a_token_not_a_session(personas):
    session = APIClient()
    session.force_login(personas["officer"])

    assert session.post("/api/v1/auth/logout/").status_code == 401


def test_without_credentials_tokens_are_not_listed():
    assert APIClient().get(TOKENS).status_code == 401


# --- expiry -----------------------------------------------------------------------------------


def test_an_expired_token_fails_and_is_deleted(personas):
    token = token_for("officer")
    AuthToken.objects.update(expiry=timezone.now() - dt.timedelta(seconds=1))

    assert refused_as_invalid(token)
    assert not AuthToken.objects.exists()


def test_the_hourly_sweep_deletes_expired_tokens_only(personas):
    live, expired = token_for("officer"), token_for("head.trn")
    AuthToken.objects.filter(token_key=expired[:15]).update(expiry=timezone.now())

    assert sweep_task.delay().get() == 1
    assert tokens_delete_expired() == 0
    assert works(live)


# --- tokens end with the password and the account ---------------------------------------------


def test_a_new_password_from_the_reset_link_ends_every_token(client, personas):
    officer = personas["officer"]
    tokens = [token_for("officer"), token_for("officer")]
    uid = urlsafe_base64_encode(force_bytes(officer.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(officer)}/"

    form = client.get(link, follow=True)
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "river-bank-2026!", "new_password2": "river-bank-2026!"},
    )

    assert saved.status_code == 302
    assert all(refused_as_invalid(token) for token in tokens)
    assert not AuthToken.objects.filter(user=officer).exists()
    assert works(token_issue(User.objects.get(pk=officer.pk)))  # a new one works again


def test_a_new_password_set_in_the_admin_ends_every_token(personas):
    operator = Client()
    operator.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    officer = personas["officer"]
    token = token_for("officer")

    response = operator.post(
        reverse("admin:auth_user_password_change", args=[officer.pk]),
        {"password1": "river-bank-2026!", "password2": "river-bank-2026!"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert refused_as_invalid(token)


def test_a_password_changed_by_a_script_ends_every_token(personas):
    # `manage.py changepassword`, a shell, a service: set_password() then save().
    token = token_for("officer")
    officer = User.objects.get(username="officer")

    officer.set_password("river-bank-2026!")
    officer.save()

    assert refused_as_invalid(token)


def test_other_saves_of_the_account_leave_tokens_alone(personas):
    token = token_for("officer")
    officer = User.objects.get(username="officer")

    officer.first_name = "Olive"
    officer.save()

    assert works(token)


def test_a_disabled_password_ends_every_token(personas):
    token = token_for("officer")
    officer = User.objects.get(username="officer")

    officer.set_unusable_password()  # the admin's "disable password-based authentication"
    officer.save()

    assert refused_as_invalid(token)
    assert not AuthToken.objects.filter(user=officer).exists()


def test_deactivating_an_account_in_the_admin_ends_its_tokens_for_good(personas):
    operator = Client()
    operator.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    officer = personas["officer"]
    token = token_for("officer")
    change = admin_url(User, "change", officer.pk)
    fields = {
        "username": "officer",
        "email": officer.email,
        "first_name": officer.first_name,
        "last_name": officer.last_name,
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }

    deactivated = operator.post(change, fields)  # is_active unticked
    assert deactivated.status_code == 302, deactivated.content.decode()[:2000]
    assert not AuthToken.objects.filter(user=officer).exists()
    operator.post(change, {**fields, "is_active": "on"})

    assert User.objects.get(pk=officer.pk).is_active
    assert refused_as_invalid(token)  # reactivating the account did not revive it


def test_an_account_made_inactive_any_other_way_loses_its_tokens_at_first_use(personas):
    token = token_for("officer")
    User.objects.filter(username="officer").update(is_active=False)

    assert refused_as_invalid(token)
    assert not AuthToken.objects.exists()
    User.objects.filter(username="officer").update(is_active=True)
    assert refused_as_invalid(token)


def test_an_inactive_account_gets_no_token(personas):
    UserFactory(username="left", is_active=False)

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "left", "password": DEMO_PASSWORD}
    )

    assert response.status_code == 400
    assert not AuthToken.objects.exists()
