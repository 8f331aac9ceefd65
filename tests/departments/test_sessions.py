"""Sessions on shared office computers: a sign-in lasts a working day (a setting) and ends with
the browser; changing a password, on its page or through a reset link, signs the person out
everywhere else."""

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from p3hub.models import OutboundEmail
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "river-bank-2026!"


def signed_in(username: str = "officer") -> Client:
    client = Client()
    assert client.login(username=username, password=DEMO_PASSWORD)
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get("/riverton/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_a_sign_in_lasts_the_session_hours_and_ends_with_the_browser(client, personas, settings):
    settings.SESSION_COOKIE_AGE = 2 * 3600

    response = client.post(
        "/accounts/login/", {"username": "officer", "password": DEMO_PASSWORD, "next": ""}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # gone when the browser closes
    session = Session.objects.get(session_key=cookie.value)
    lasts = session.expire_date - timezone.now()
    assert dt.timedelta(hours=2) - dt.timedelta(minutes=1) < lasts <= dt.timedelta(hours=2)


def test_changing_the_password_signs_out_every_other_session(personas):
    # Given the officer signed in at their desk and on the shared counter computer
    desk, counter = signed_in(), signed_in()
    assert is_signed_in(desk) and is_signed_in(counter)

    # when they change their password at the desk
    response = desk.post(
        "/accounts/password-change/",
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    # then the desk stays signed in and the counter is signed out
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-change/done/"
    assert is_signed_in(desk)
    assert not is_signed_in(counter)
    assert "every other browser" in desk.get(response["Location"]).content.decode()


def test_a_password_reset_signs_out_every_session(personas):
    desk = signed_in()
    visitor = Client()
    visitor.post("/accounts/password-reset/", {"email": personas["officer"].email})
    email = OutboundEmail.objects.get(
        to=[personas["officer"].email], subject="Set your P3 Hub password"
    )
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", email.body).group(1)
    form = visitor.get(link, follow=True)

    visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert not is_signed_in(desk)
    assert signed_in_with(NEW_PASSWORD)


def signed_in_with(password: str) -> bool:
    return Client().login(username="officer", password=password)


def test_the_password_change_page_is_for_the_signed_in(client, personas):
    response = client.get("/accounts/password-change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    client.force_login(personas["officer"])
    page = client.get("/riverton/").content.decode()
    assert 'href="/accounts/password-change/"' in page
