"""A company's people (issue 10, item 1): a user invites a colleague by e-mail, the colleague
accepts through the signed, expiring link by choosing a username and password and then acts
for the company; a user removes a colleague (withdrawing an invitation, or closing the
account: no more sign-in, no more tokens), never the company's last; another company's people
are the same 404 as missing ones."""

import re
import time
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import User
from p3hub.api.tokens import token_issue
from p3hub.audit import Verb
from p3hub.errors import InvalidTransition, PermissionDenied, ValidationErrors, ValidationFailed
from p3hub.models import AuditEvent
from tests.helpers import DEMO_PASSWORD, database_state, error_at, page_text, typed_value
from vendors import services
from vendors.actor import VendorActor
from vendors.models import Vendor, VendorUser
from vendors.services import people

pytestmark = pytest.mark.django_db
CONFIRMED = {"confirmed": "1"}  # the confirm step's button
SITE = "https://p3hub.example"
DANA = {"email": "dana@acme.example", "first_name": "Dana", "last_name": "Diaz"}


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def acme(personas) -> VendorActor:
    return VendorActor.of(VendorUser.objects.get(user__username="vendor.acme"))


@pytest.fixture
def beacon(personas) -> VendorActor:
    return VendorActor.of(VendorUser.objects.get(user__username="vendor.beacon"))


@pytest.fixture
def invite(acme, django_capture_on_commit_callbacks, mailoutbox):
    """Invite (the service) as vendor.acme, commit, and return the vendor user and its link."""

    def call(actor=None, **changes):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            vendor_user = services.vendor_user_invite(actor=actor or acme, **{**DANA, **changes})
        assert len(mailoutbox) == 1
        return vendor_user, link_in(mailoutbox[0])

    return call


def link_in(message) -> str:
    return re.search(rf"{re.escape(SITE)}(/vendor/invitation/[^/\s]+/)", message.body).group(1)


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def accept(link: str, username: str = "dana.diaz") -> User:
    return services.vendor_invitation_accept(
        token=token_of(link), username=username, password=DEMO_PASSWORD
    )


# --- services -----------------------------------------------------------------------------------


def test_an_invited_colleague_gets_a_link_and_no_account_to_sign_in_with(acme, invite, mailoutbox):
    vendor_user, link = invite()

    assert vendor_user.status == VendorUser.Status.INVITED
    assert vendor_user.invited_by == acme.user
    user = vendor_user.user
    assert (user.email, user.first_name, user.last_name) == ("dana@acme.example", "Dana", "Diaz")
    assert user.is_active is False and not user.has_usable_password()
    assert user.username.startswith("invited-")
    assert link.startswith("/vendor/invitation/")
    assert "Acme Traffic Systems" in mailoutbox[0].subject
    assert mailoutbox[0].to == ["dana@acme.example"]
    event = AuditEvent.objects.filter(verb=Verb.VENDOR_USER_INVITE).get()
    assert (event.actor_id, event.after) == (acme.user.pk, {"email": "dana@acme.example"})


def test_the_colleague_accepts_and_then_acts_for_the_company(acme, invite):
    vendor_user, link = invite()

    user = accept(link)

    vendor_user.refresh_from_db()
    assert vendor_user.status == VendorUser.Status.ACTIVE
    assert (user.username, user.is_active) == ("dana.diaz", True)
    assert user.check_password(DEMO_PASSWORD)
    event = AuditEvent.objects.filter(verb=Verb.VENDOR_USER_ACCEPT).get()
    assert event.after == {"status": "active", "user": "dana.diaz"}
    with pytest.raises(ValidationFailed) as again:  # the link works once
        accept(link, username="dana.two")
    assert (again.value.field, again.value.code) == ("token", "used")


def test_accepting_names_every_field_at_fault_and_changes_nothing(invite, personas):
    vendor_user, link = invite()
    before = database_state()

    with pytest.raises(ValidationErrors) as caught:
        services.vendor_invitation_accept(
            token=token_of(link), username="vendor.acme", password="short", password_again="x"
        )

    assert {e.field for e in caught.value.errors} == {"username", "password", "password_again"}
    assert database_state() == before
    vendor_user.refresh_from_db()
    assert vendor_user.status == VendorUser.Status.INVITED


def test_an_expired_or_tampered_link_is_refused(invite):
    vendor_user, link = invite()
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        old = people.invitation_token(vendor_user)

    with pytest.raises(ValidationFailed) as expired:
        services.vendor_invitation_accept(token=old, username="dana.diaz", password=DEMO_PASSWORD)
    with pytest.raises(ValidationFailed) as tampered:
        accept(link[:-4] + "xx/")

    assert (expired.value.field, expired.value.code) == ("token", "expired")
    assert "has expired" in expired.value.message
    assert (tampered.value.field, tampered.value.code) == ("token", "invalid")
    assert not User.objects.filter(username="dana.diaz").exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not an address", "Enter a valid e-mail address."),
        ("BIDS-DESK@ACME.example", people.ANOTHER_ACCOUNT),  # any account's, ignoring case
        ("vendor.beacon@example.com", people.ANOTHER_ACCOUNT),
    ],
)
def test_a_bad_or_used_address_is_refused_and_nothing_changes(acme, personas, email, message):
    User.objects.filter(username="officer").update(email="bids-desk@acme.example")
    personas["vendor.beacon"].email = "vendor.beacon@example.com"
    personas["vendor.beacon"].save(update_fields=["email"])
    before = database_state()

    with pytest.raises(ValidationFailed) as caught:
        services.vendor_user_invite(actor=acme, **{**DANA, "email": email})

    assert (caught.value.field, caught.value.message) == ("email", message)
    assert database_state() == before


def test_a_colleague_already_invited_or_active_is_named_so(acme, invite):
    invite()
    with pytest.raises(ValidationFailed) as invited:
        services.vendor_user_invite(actor=acme, **{**DANA, "email": "Dana@Acme.example"})
    assert (invited.value.field, invited.value.message) == ("email", people.ALREADY_INVITED)

    with pytest.raises(ValidationFailed) as active:
        services.vendor_user_invite(actor=acme, **{**DANA, "email": acme.user.email})
    assert (active.value.field, active.value.message) == ("email", people.ALREADY_ACTIVE)


def test_every_field_of_an_invitation_is_checked_at_once(acme):
    before = database_state()
    with pytest.raises(ValidationErrors) as caught:
        services.vendor_user_invite(actor=acme, email="", first_name=" ", last_name="")
    assert {e.field for e in caught.value.errors} == {"email", "first_name", "last_name"}
    assert database_state() == before


def test_removing_an_invited_colleague_withdraws_the_link_and_frees_the_address(acme, invite):
    vendor_user, link = invite()

    services.vendor_user_remove(actor=acme, vendor_user=vendor_user)

    with pytest.raises(ValidationFailed) as withdrawn:
        accept(link)
    assert (withdrawn.value.field, withdrawn.value.code) == ("token", "withdrawn")
    again, new_link = invite()  # invited anew: a new link that works
    assert accept(new_link).username == "dana.diaz"
    assert again.pk != vendor_user.pk


def test_a_removed_colleague_cannot_sign_in_nor_use_a_token(acme, invite, api_as, client):
    vendor_user, link = invite()
    user = accept(link)
    token = token_issue(user)
    client.force_login(user)
    assert client.get("/vendor/").status_code == 200

    services.vendor_user_remove(actor=acme, vendor_user=vendor_user)

    user.refresh_from_db()
    assert user.is_active is False
    assert client.get("/vendor/").status_code == 302  # the session ended: to sign in
    api = api_as(None)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/vendor/profile/").status_code == 401
    assert not client.login(username="dana.diaz", password=DEMO_PASSWORD)
    event = AuditEvent.objects.filter(verb=Verb.VENDOR_USER_REMOVE).get()
    assert event.after == {"status": "removed", "user": "dana.diaz"}
    # A removed registrant's confirmation link revives nothing either.
    with pytest.raises(ValidationFailed):
        services.vendor_user_confirm(token=services.confirmation_token(user))


def test_the_last_active_user_cannot_be_removed(acme, invite):
    invite()  # an invitation is not a user yet
    before = database_state()

    with pytest.raises(InvalidTransition) as caught:
        services.vendor_user_remove(actor=acme, vendor_user=acme.vendor_user)

    assert "A company always keeps at least one user" in caught.value.message
    assert database_state() == before


def test_a_colleague_who_accepted_may_remove_the_registrant(acme, invite):
    vendor_user, link = invite()
    accept(link)
    dana = VendorActor.of(VendorUser.objects.get(pk=vendor_user.pk))

    services.vendor_user_remove(actor=dana, vendor_user=acme.vendor_user)

    with pytest.raises(InvalidTransition):  # and now Dana is the last
        services.vendor_user_remove(actor=dana, vendor_user=dana.vendor_user)
    assert VendorUser.objects.get(pk=vendor_user.pk).status == VendorUser.Status.ACTIVE


def test_another_company_cannot_remove_a_user(acme, beacon):
    before = database_state()
    with pytest.raises(PermissionDenied):
        services.vendor_user_remove(actor=beacon, vendor_user=acme.vendor_user)
    assert database_state() == before


def test_an_invited_address_gets_no_confirmation_link(acme, invite, mailoutbox):
    """The registrant's confirmation (vendors.services.registration) never lets an invited
    colleague in without choosing a password."""
    vendor_user, _ = invite()
    mailoutbox.clear()

    assert services.vendor_confirmation_resend(email=DANA["email"], request_id="r1") == 0
    with pytest.raises(ValidationFailed):
        services.vendor_user_confirm(token=services.confirmation_token(vendor_user.user))
    assert User.objects.get(pk=vendor_user.user.pk).is_active is False


# --- pages --------------------------------------------------------------------------------------


def test_invite_accept_and_sign_in_through_the_pages(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    # Given vendor.acme on the people page
    client.force_login(personas["vendor.acme"])
    # When they invite Dana
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/vendor/people/invite/", DANA, follow=True)
    # Then the page says so and lists her as invited
    assert response.redirect_chain[-1] == ("/vendor/people/", 302)
    text = page_text(response)
    assert "a link was sent to dana@acme.example" in text
    assert "dana@acme.example Invited" in text
    link = link_in(mailoutbox[-1])

    # When Dana opens the link (signed out) and chooses her username and password
    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "Join Acme Traffic Systems" in page_text(page)
    welcome = client.post(
        link,
        {"username": "dana.diaz", "password": DEMO_PASSWORD, "password_again": DEMO_PASSWORD},
        follow=True,
    )
    # Then she is signed in on the portal
    assert welcome.redirect_chain[-1] == ("/vendor/", 302)
    assert "you now act for Acme Traffic Systems" in page_text(welcome)
    client.logout()
    assert client.login(username="dana.diaz", password=DEMO_PASSWORD)
    assert "Acme Traffic Systems" in client.get("/vendor/").content.decode()
    # And the link no longer shows a form
    client.logout()
    used = client.get(link)
    assert "already accepted" in page_text(used)
    assert 'name="password"' not in used.content.decode()


def test_the_accept_page_keeps_the_username_and_names_each_error(client, invite):
    _, link = invite()
    before = database_state()

    response = client.post(
        link, {"username": "vendor.acme", "password": "short", "password_again": "other"}
    )

    assert response.status_code == 400
    assert error_at(response, "id_username") == "That username is taken."
    assert error_at(response, "id_password")
    assert error_at(response, "id_password_again") == "The two passwords differ."
    assert typed_value(response, "id_username") == "vendor.acme"
    assert database_state() == before


def test_an_expired_link_shows_why_and_no_form(client, invite):
    vendor_user, _ = invite()
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        old = people.invitation_token(vendor_user)

    for response in (
        client.get(f"/vendor/invitation/{old}/"),
        client.post(
            f"/vendor/invitation/{old}/",
            {"username": "dana.diaz", "password": DEMO_PASSWORD, "password_again": DEMO_PASSWORD},
        ),
    ):
        assert response.status_code == 400
        assert "This invitation has expired" in page_text(response)
        assert 'name="password"' not in response.content.decode()
    assert not User.objects.filter(username="dana.diaz").exists()


def test_a_refused_invitation_is_shown_again_on_the_people_page(client, personas):
    client.force_login(personas["vendor.acme"])
    before = database_state()

    response = client.post(
        "/vendor/people/invite/", {"email": "not an address", "first_name": "Dana"}
    )

    assert response.status_code == 303
    assert response["Location"] == "/vendor/people/#invite-title"
    page = client.get(response["Location"])
    assert error_at(page, "id_email") == "Enter a valid e-mail address."
    assert error_at(page, "id_last_name")
    assert typed_value(page, "id_email") == "not an address"
    assert typed_value(page, "id_first_name") == "Dana"
    assert database_state() == before


def test_the_last_user_cannot_be_removed_through_the_page(client, personas, acme):
    client.force_login(personas["vendor.acme"])
    before = database_state()

    # The people page's button: the confirm step tries the removal first and refuses it.
    response = client.post(f"/vendor/people/{acme.vendor_user.pk}/remove/")

    assert response.status_code == 303
    page = client.get(response["Location"])
    assert "A company always keeps at least one user" in page_text(page)
    assert database_state() == before


def test_removing_asks_for_confirmation_first_and_changes_nothing_until_then(
    client, personas, invite
):
    vendor_user, _ = invite()
    client.force_login(personas["vendor.acme"])
    url = f"/vendor/people/{vendor_user.pk}/remove/"
    before = database_state()

    shown, posted = client.get(url), client.post(url)

    for page in (shown, posted):
        assert page.status_code == 200
        assert "Withdraw the invitation to dana@acme.example?" in page_text(page)
        assert 'name="confirmed" value="1"' in page.content.decode()
    assert database_state() == before


def test_removing_through_the_page_says_what_happened(client, personas, invite):
    vendor_user, _ = invite()
    client.force_login(personas["vendor.acme"])

    response = client.post(f"/vendor/people/{vendor_user.pk}/remove/", CONFIRMED, follow=True)

    assert response.redirect_chain[-1] == ("/vendor/people/", 302)
    assert "The invitation to dana@acme.example was withdrawn" in page_text(response)
    assert "dana@acme.example" not in page_text(response).split("withdrawn", 1)[1]


def test_another_company_cannot_see_or_remove_acmes_people(client, personas, invite):
    vendor_user, _ = invite()
    client.force_login(personas["vendor.beacon"])
    before = database_state()

    page = client.get("/vendor/people/")
    removed = client.post(f"/vendor/people/{vendor_user.pk}/remove/", CONFIRMED)
    removed_registrant = client.post(
        f"/vendor/people/{VendorUser.objects.get(user__username='vendor.acme').pk}/remove/",
        CONFIRMED,
    )

    assert "dana@acme.example" not in page.content.decode()
    assert "vendor.acme" not in page.content.decode()
    assert removed.status_code == removed_registrant.status_code == 404
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "officer.lakeside", "admin"])
def test_staff_of_a_city_get_404_on_the_people_pages(client, personas, invite, username):
    vendor_user, _ = invite()
    client.force_login(personas[username])
    before = database_state()

    answers = [
        client.get("/vendor/people/").status_code,
        client.post("/vendor/people/invite/", DANA).status_code,
        client.post(f"/vendor/people/{vendor_user.pk}/remove/", CONFIRMED).status_code,
    ]

    assert answers == [404, 404, 404]
    assert database_state() == before


def test_the_anonymous_are_sent_to_sign_in(client, invite):
    vendor_user, _ = invite()
    for response in (
        client.get("/vendor/people/"),
        client.post("/vendor/people/invite/", DANA),
        client.post(f"/vendor/people/{vendor_user.pk}/remove/", CONFIRMED),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert VendorUser.objects.get(pk=vendor_user.pk).status == VendorUser.Status.INVITED


def add_people(vendor: Vendor, inviter: User, count: int, prefix: str) -> None:
    for number in range(count):
        user = User.objects.create(username=f"{prefix}-{number}", email=f"{prefix}{number}@x.test")
        VendorUser.objects.create(vendor=vendor, user=user, invited_by=inviter)


def test_the_people_page_costs_the_same_queries_for_10_and_200_people(client, personas, acme):
    client.force_login(personas["vendor.acme"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/vendor/people/")
        assert response.status_code == 200
        return len(captured)

    add_people(acme.vendor, acme.user, 9, "few")  # 10 with vendor.acme
    few = queries()
    add_people(acme.vendor, acme.user, 190, "many")  # 200
    many = queries()

    assert few == many


def test_a_user_may_leave_a_company_that_keeps_another(client, personas, invite):
    vendor_user, link = invite()
    accept(link)
    client.force_login(personas["vendor.acme"])

    response = client.post(
        f"/vendor/people/{VendorUser.objects.get(user__username='vendor.acme').pk}/remove/",
        CONFIRMED,
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/vendor/").status_code == 302  # signed out: the account is closed
    assert VendorUser.objects.get(pk=vendor_user.pk).status == VendorUser.Status.ACTIVE


@pytest.mark.parametrize("how", ["withdrawn", "tampered"])
def test_a_withdrawn_or_tampered_link_shows_why_and_no_form(client, acme, invite, how):
    vendor_user, link = invite()
    if how == "withdrawn":
        services.vendor_user_remove(actor=acme, vendor_user=vendor_user)
    else:
        link = link[:-4] + "xx/"

    page = client.get(link)

    assert page.status_code == 400
    expected = people.LINK_WITHDRAWN if how == "withdrawn" else people.LINK_INVALID
    assert expected in page_text(page)
    assert 'name="password"' not in page.content.decode()
