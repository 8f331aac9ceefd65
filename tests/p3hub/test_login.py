"""Failed sign-ins are throttled per account and per client address on every login form (the
sign-in page, the admin's, the token endpoint), in one count; the refusal reads the same
whether or not the account exists, and the client address is the one NUM_PROXIES trusts.
(Two real server processes sharing the count: tests/p3hub/test_throttle_processes.py.)"""

import re
from html import unescape

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from p3hub import throttling
from p3hub.throttling import Rate, address_key, client_address
from tests.helpers import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
LOCKED = "Too many failed sign-ins with this username or from your network."


def page_sign_in(client, username, password, url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password, "next": ""})


def api_sign_in(client, username, password):
    return client.post(TOKEN_URL, {"username": username, "password": password})


FORMS = [
    lambda username, password: page_sign_in(Client(), username, password),
    lambda username, password: page_sign_in(Client(), username, password, "/admin/login/"),
    lambda username, password: api_sign_in(APIClient(), username, password),
]


def signed_in(response) -> bool:
    """A session was opened (pages) or a token issued (the API)."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.status_code == 200 and "token" in response.json()
    return response.status_code == 302 and "sessionid" in response.cookies


def refusal(response) -> str:
    """The words of a refusal, with the username echoed back in the form masked."""
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()["errors"][0]["detail"]
    page = unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    found = re.search(r"(Too many failed sign-ins[^.]*\.[^.]*\.)", " ".join(page.split()))
    return found.group(1) if found else ""


def fail_on_every_form(username: str, times: int) -> None:
    for n in range(times):
        response = FORMS[n % 3](username, "not-the-password")
        assert not signed_in(response)


# --- per account --------------------------------------------------------------------------


def test_ten_failures_on_any_forms_lock_the_account_on_all_of_them(personas):
    # Given ten wrong passwords for the officer, spread over the three forms
    fail_on_every_form("officer", 10)

    # When the officer then types the right one on each form
    answers = [sign_in("officer", DEMO_PASSWORD) for sign_in in FORMS]

    # Then no form lets them in, and each says why
    assert [signed_in(answer) for answer in answers] == [False, False, False]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    for answer in answers:
        assert refusal(answer).startswith(LOCKED)
    assert answers[2].json()["errors"][0]["code"] == "throttled"


def test_the_refusal_reads_the_same_whether_the_account_exists(personas):
    fail_on_every_form("officer", 10)
    fail_on_every_form("no.such.person", 10)

    for sign_in in FORMS:
        real, made_up = sign_in("officer", DEMO_PASSWORD), sign_in("no.such.person", "x")
        assert real.status_code == made_up.status_code
        assert refusal(real) == refusal(made_up) != ""


def test_the_count_ignores_how_the_username_is_typed(personas):
    fail_on_every_form(" OFFICER ", 5)
    fail_on_every_form("Officer", 5)

    assert not signed_in(FORMS[0]("officer", DEMO_PASSWORD))


def test_nine_failures_then_the_right_password_signs_in_and_forgives_them(personas):
    fail_on_every_form("officer", 9)

    assert signed_in(FORMS[0]("officer", DEMO_PASSWORD))
    # The account starts afresh: nine more failures still leave it open.
    fail_on_every_form("officer", 9)
    assert signed_in(FORMS[2]("officer", DEMO_PASSWORD))


def test_the_lock_ends_a_quarter_of_an_hour_after_the_first_failure(personas, monkeypatch):
    start = throttling.now()
    monkeypatch.setattr(throttling, "now", lambda: start)
    fail_on_every_form("officer", 10)
    monkeypatch.setattr(throttling, "now", lambda: start + 15 * 60 - 1)
    late = FORMS[2]("officer", DEMO_PASSWORD)

    monkeypatch.setattr(throttling, "now", lambda: start + 15 * 60)

    assert late.status_code == 429 and late["Retry-After"] == "1"
    assert signed_in(FORMS[0]("officer", DEMO_PASSWORD))


def test_the_test_clients_login_is_not_throttled(client, personas):
    # No request, no client to count (scripts, tests); the forms always pass the request.
    fail_on_every_form("officer", 10)

    assert client.login(username="officer", password=DEMO_PASSWORD)


# --- per client address -------------------------------------------------------------------


def test_failures_across_many_usernames_lock_the_address(personas, settings):
    settings.LOGIN_THROTTLE_ADDRESS = "6/15min"
    for n in range(6):
        FORMS[n % 3](f"guess{n}", "x")

    # A real person with the right password, from the same address, is refused too.
    answer = FORMS[0]("head.trn", DEMO_PASSWORD)

    assert not signed_in(answer)
    assert refusal(answer).startswith(LOCKED)


def test_sign_ins_that_succeed_never_fill_the_address(personas, settings):
    # A city hall behind one address: many people signing in all day.
    settings.LOGIN_THROTTLE_ADDRESS = "3/15min"
    people = ["admin", "officer", "head.trn", "head.psd", "evaluator", "officer.lakeside"]

    # (The admin's form is left out: it lets staff in only.)
    page, api = FORMS[0], FORMS[2]
    answers = [(page if n % 2 else api)(name, DEMO_PASSWORD) for n, name in enumerate(people)]

    assert all(signed_in(answer) for answer in answers)


@pytest.mark.parametrize("num_proxies", [0, 1])
def test_a_new_forwarded_for_header_per_request_is_not_a_new_client(
    personas, settings, num_proxies
):
    # With no trusted proxy the header is the client's own words; behind one, the client can
    # only prepend entries, and the proxy's own (its peer, the real client) stays last.
    settings.NUM_PROXIES = num_proxies
    settings.LOGIN_THROTTLE_ADDRESS = "5/15min"
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(5):
        forwarded = f"198.51.100.{n}" if num_proxies == 0 else f"198.51.100.{n}, 203.0.113.7"
        client.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    answer = client.post(
        "/accounts/login/",
        {"username": "officer", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99" if num_proxies == 0 else "192.0.2.99, 203.0.113.7",
    )

    assert not signed_in(answer)
    assert refusal(answer).startswith(LOCKED)


def test_behind_a_trusted_proxy_each_client_counts_apart(personas, settings):
    settings.NUM_PROXIES = 1
    settings.LOGIN_THROTTLE_ADDRESS = "5/15min"
    proxy = Client(REMOTE_ADDR="10.0.0.1")  # every request arrives from the proxy
    for n in range(5):
        proxy.post(
            "/accounts/login/",
            {"username": f"guess{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    locked = proxy.post(
        "/accounts/login/",
        {"username": "officer", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    other = Client(REMOTE_ADDR="10.0.0.1").post(
        "/accounts/login/",
        {"username": "officer", "password": DEMO_PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.50",
    )

    assert not signed_in(locked)
    assert signed_in(other)


# --- the client address, read in one place ------------------------------------------------


@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (0, None, "10.0.0.1"),
        (0, "198.51.100.1", "10.0.0.1"),  # no proxy: the header is the client's own words
        (1, None, "10.0.0.1"),  # reached us without the proxy: its peer
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client prepended one
        (2, "198.51.100.1, 203.0.113.7, 10.1.1.1", "203.0.113.7"),
        (2, "203.0.113.7", "203.0.113.7"),  # shorter than the chain: its first entry
        (1, " 2001:db8::1 ", "2001:db8::1"),
        (1, "not-an-address", "10.0.0.1"),  # garbage from a proxy: the proxy is counted
        (1, "", "10.0.0.1"),
    ],
)
def test_client_address(settings, num_proxies, forwarded, expected):
    settings.NUM_PROXIES = num_proxies
    headers = {"REMOTE_ADDR": "10.0.0.1"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded

    assert client_address(RequestFactory().get("/", **headers)) == expected


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("192.0.2.1", "192.0.2.1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),  # the same host's other address
        ("", ""),
    ],
)
def test_an_ipv6_client_is_counted_by_its_64_bit_prefix(address, key):
    assert address_key(address) == key


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("10/15min", Rate(10, 900)),
        ("20/minute", Rate(20, 60)),
        ("5/hour", Rate(5, 3600)),
        ("100/d", Rate(100, 86400)),
        ("3/30s", Rate(3, 30)),
        ("2/2hours", Rate(2, 7200)),
    ],
)
def test_rates_read_as_written(text, rate):
    assert Rate.parse(text) == rate
