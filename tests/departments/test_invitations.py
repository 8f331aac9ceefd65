"""People join by invitation (DESIGN.md 3): a tenant admin invites an address to a role; the
invitee follows a signed link that works once and expires, and accepts with their account or
makes one. The admin's answer never says whether an account exists for the address."""

import datetime as dt
import re

import pytest
from django.core import signing

from departments import services
from departments.models import Invitation, Membership, User
from departments.services.invitations import SALT, invitation_token
from p3hub.errors import InvalidTransition, NotFound, PermissionDenied, ValidationFailed
from p3hub.models import AuditEvent, OutboundEmail
from tests.helpers import database_state

pytestmark = pytest.mark.django_db

INVITATIONS = "/api/v1/riverton/invitations/"


def link_in(email: OutboundEmail) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/invitations/[^/\s]+/)", email.body)
    assert match, email.body
    return match.group(1)


def invite(actor, email="nia@riverton.example", role="officer", department=None) -> Invitation:
    return services.invitation_send(
        actor=actor("admin"), email=email, role=role, department=department
    )


def verbs_since(mark: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(pk__gt=mark).order_by("pk").values_list("verb", flat=True)
    )


def last_event_pk() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- a new person makes an account ------------------------------------------------------------


def test_a_new_person_follows_the_emailed_link_makes_an_account_and_joins(client, actor):
    invitation = invite(actor, role="head", department="TRN")
    email = OutboundEmail.objects.get(to=["nia@riverton.example"])
    mark = last_event_pk()

    page = client.get(link_in(email))
    joined = client.post(
        link_in(email),
        {
            "username": "nia.newby",
            "first_name": "Nia",
            "last_name": "Newby",
            "password": "river-bank-2026!",
            "password_again": "river-bank-2026!",
        },
        follow=True,
    )

    nia = User.objects.get(username="nia.newby")
    invitation.refresh_from_db()
    assert email.subject == "Invitation to City of Riverton on P3 Hub"
    assert "Alex Admin invites you to join City of Riverton" in email.body
    assert "as department head of Transportation" in email.body
    assert "Join City of Riverton" in page.content.decode()
    assert joined.redirect_chain == [("/riverton/", 302)]
    assert "Welcome to City of Riverton." in joined.content.decode()
    assert nia.email == "nia@riverton.example"
    assert list(nia.memberships.values_list("role", "department__code", "is_active")) == [
        ("head", "TRN", True)
    ]
    assert (invitation.status, invitation.accepted_by) == ("accepted", nia)
    assert verbs_since(mark) == ["person.create", "invitation.accept", "membership.grant"]
    # The events are the invitee's own: they accepted.
    assert set(
        AuditEvent.objects.filter(pk__gt=mark).values_list("actor__username", flat=True)
    ) == {"nia.newby"}


def test_the_new_account_form_keeps_what_was_typed_on_error(client, actor):
    invite(actor)
    link = link_in(OutboundEmail.objects.get(to=["nia@riverton.example"]))
    before = database_state()

    response = client.post(
        link,
        {
            "username": "officer",  # taken
            "first_name": "Nia",
            "last_name": "Newby",
            "password": "river-bank-2026!",
            "password_again": "river-bank-2026!",
        },
    )

    assert response.status_code == 400
    assert "That username is taken." in response.content.decode()
    assert 'value="Newby"' in response.content.decode()
    assert database_state() == before


@pytest.mark.parametrize(
    ("username", "field", "message"),
    [
        ("Ölivia", "username", "Letters, digits and"),  # ASCII only: no look-alike names
        ("\u043efficer", "username", "Letters, digits and"),  # "officer" with a Cyrillic o
        ("OFFICER", "username", "That username is taken."),  # case does not make it new
        ("", "username", "required"),
    ],
)
def test_usernames_are_ascii_and_unique_whatever_their_case(actor, username, field, message):
    invitation = invite(actor)
    before = database_state()

    with pytest.raises(ValidationFailed) as refused:
        services.invitation_accept_with_new_account(
            token=invitation_token(invitation),
            username=username,
            password="river-bank-2026!",
        )

    assert refused.value.field == field
    assert message in refused.value.message
    assert database_state() == before


def test_signing_in_ignores_the_case_of_the_username(client, personas):
    personas["officer"].set_password("river-bank-2026!")
    personas["officer"].save()

    assert client.login(username="OFFICER", password="river-bank-2026!")


def test_the_two_passwords_must_match_and_weak_ones_are_refused(actor):
    invitation = invite(actor)
    token = invitation_token(invitation)

    with pytest.raises(ValidationFailed) as differ:
        services.invitation_accept_with_new_account(
            token=token, username="nia", password="river-bank-2026!", password_again="other"
        )
    with pytest.raises(ValidationFailed) as weak:
        services.invitation_accept_with_new_account(token=token, username="nia", password="1234")

    assert differ.value.field == "password_again"
    assert weak.value.field == "password"
    assert not User.objects.filter(username="nia").exists()


# --- someone with an account accepts -----------------------------------------------------------


def test_someone_with_an_account_signs_in_and_accepts(client, personas, actor):
    head = personas["head.psd"]
    services.invitation_send(
        actor=actor("admin.lakeside", "lakeside"), email=head.email, role="officer"
    )
    link = link_in(OutboundEmail.objects.get(to=[head.email], subject__contains="Lakeside"))

    anonymous = client.get(link)
    client.force_login(head)
    signed_in = client.get(link)
    accepted = client.post(link, follow=True)

    assert "An account already uses this address: sign in with it, then accept." in (
        anonymous.content.decode()
    )
    assert "Accept the invitation" in signed_in.content.decode()
    assert accepted.redirect_chain == [("/lakeside/", 302)]
    assert Membership.objects.filter(
        user=head, municipality__slug="lakeside", role="officer", is_active=True
    ).exists()


def test_posting_the_new_account_form_for_an_address_with_an_account_asks_to_sign_in(
    client, personas, actor
):
    invitation = invite(actor, email=personas["vendor.acme"].email)
    before = database_state()

    response = client.post(
        f"/accounts/invitations/{invitation_token(invitation)}/",
        {"username": "x", "password": "river-bank-2026!", "password_again": "river-bank-2026!"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/accounts/invitations/")
    assert database_state() == before


def test_an_invitation_is_accepted_only_by_the_account_of_its_address(client, personas, actor):
    invitation = invite(actor, email="nia@riverton.example")
    client.force_login(personas["head.trn"])
    before = database_state()

    response = client.post(f"/accounts/invitations/{invitation_token(invitation)}/")

    assert response.status_code == 403
    assert "This invitation was sent to another e-mail address" in response.content.decode()
    assert database_state() == before


def test_the_inviter_cannot_accept_their_own_invitation(actor, personas):
    invitation = invite(actor, email="alex.home@example.org")
    admin = personas["admin"]
    admin.email = "alex.home@example.org"  # changed after sending: still not theirs to accept
    admin.save(update_fields=["email"])

    with pytest.raises(PermissionDenied, match="another tenant admin must invite you"):
        services.invitation_accept(user=admin, token=invitation_token(invitation))

    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_vendors_account_cannot_join_as_staff(client, personas, actor):
    vendor = personas["vendor.acme"]
    invitation = invite(actor, email=vendor.email)
    client.force_login(vendor)
    before = database_state()

    response = client.post(f"/accounts/invitations/{invitation_token(invitation)}/")

    assert response.status_code == 400
    assert "vendor" in response.content.decode().lower()
    assert database_state() == before


# --- links that do not work -------------------------------------------------------------------


def test_a_link_works_once(client, actor):
    invitation = invite(actor)
    link = f"/accounts/invitations/{invitation_token(invitation)}/"
    client.post(
        link,
        {"username": "nia", "password": "river-bank-2026!", "password_again": "river-bank-2026!"},
    )
    client.logout()
    before = database_state()

    again = client.get(link)
    posted = client.post(
        link,
        {"username": "nia2", "password": "river-bank-2026!", "password_again": "river-bank-2026!"},
    )

    for response in (again, posted):
        assert response.status_code == 409
        assert "This invitation was already used or withdrawn." in response.content.decode()
    assert database_state() == before


def test_an_expired_link_says_so_and_changes_nothing(client, actor):
    invitation = invite(actor)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=invitation.created_at - dt.timedelta(seconds=1)
    )
    before = database_state()

    response = client.post(
        f"/accounts/invitations/{invitation_token(invitation)}/",
        {"username": "nia", "password": "river-bank-2026!", "password_again": "river-bank-2026!"},
    )

    assert response.status_code == 409
    assert "This invitation has expired: ask the municipality for a new one." in (
        response.content.decode()
    )
    assert database_state() == before


def test_a_withdrawn_link_stops_working(client, actor, api_as):
    invitation = invite(actor)
    link = f"/accounts/invitations/{invitation_token(invitation)}/"

    withdrawn = api_as("admin").delete(f"{INVITATIONS}{invitation.pk}/")
    response = client.get(link)

    assert withdrawn.status_code == 204
    assert response.status_code == 409
    assert "already used or withdrawn" in response.content.decode()
    with pytest.raises(InvalidTransition):
        services.invitation_accept_with_new_account(
            token=invitation_token(invitation), username="nia", password="river-bank-2026!"
        )


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"i": 1, "n": "x"}, salt="another.salt"),
        signing.dumps({"i": 999999, "n": "x"}, salt=SALT),
        signing.dumps({"i": "1; DROP TABLE x", "n": "x"}, salt=SALT),
        signing.dumps([1, 2], salt=SALT),
    ],
    # Signed tokens carry their signing time: ids of their own keep the collection the same in
    # every test process.
    ids=["garbage", "another-salt", "no-such-invitation", "injection", "not-a-dict"],
)
def test_a_link_not_signed_here_is_a_404(client, actor, token):
    invite(actor)

    response = client.get(f"/accounts/invitations/{token}/")

    assert response.status_code == 404
    with pytest.raises(NotFound):
        services.invitation_accept_with_new_account(
            token=token, username="nia", password="river-bank-2026!"
        )


def test_an_altered_link_is_a_404(client, actor):
    token = invitation_token(invite(actor))
    altered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(f"/accounts/invitations/{altered}/").status_code == 404


# --- the admin's side: nobody is revealed -------------------------------------------------------


def answer_without_identity(response) -> dict:
    hidden = ("id", "email", "created_at", "expires_at")
    return {key: value for key, value in response.json().items() if key not in hidden}


def test_the_api_answers_alike_for_an_address_with_and_without_an_account(api_as, personas):
    admin = api_as("admin")

    known = admin.post(
        INVITATIONS, {"email": personas["head.psd"].email.upper(), "role": "officer"}, format="json"
    )
    unknown = admin.post(
        INVITATIONS, {"email": "nobody@riverton.example", "role": "officer"}, format="json"
    )
    listed = admin.get(INVITATIONS, {"status": "pending"}).json()["results"]

    assert known.status_code == unknown.status_code == 201
    assert answer_without_identity(known) == answer_without_identity(unknown)
    assert {"status": "pending", "role": "officer"}.items() <= unknown.json().items()
    assert sorted(row["email"] for row in listed) == [
        "HEAD.PSD@RIVERTON.EXAMPLE",
        "nobody@riverton.example",
    ]
    assert set(listed[0]) == set(unknown.json())  # no field says "has an account"


def test_an_admin_cannot_invite_their_own_address_through_the_api(api_as, personas):
    before = database_state()

    response = api_as("admin").post(
        INVITATIONS, {"email": personas["admin"].email, "role": "officer"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "yourself",
            "detail": "You cannot invite yourself: another tenant admin must.",
            "attr": "email",
        }
    ]
    assert database_state() == before


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"role": "officer"}, "email"),
        ({"email": "not-an-address", "role": "officer"}, "email"),
        ({"email": ["a@b.example"], "role": "officer"}, "email"),
        ({"email": "a@b.example\x00", "role": "officer"}, "email"),
        ({"email": "a" * 300 + "@b.example", "role": "officer"}, "email"),
        ({"email": "a@b.example"}, "role"),
        ({"email": "a@b.example", "role": "mayor"}, "role"),
        ({"email": "a@b.example", "role": "head"}, "department"),
        ({"email": "a@b.example", "role": "head", "department": "PWD"}, "department"),
        ({"email": "a@b.example", "role": "officer", "first_name": "x" * 151}, "first_name"),
    ],
)
def test_bad_invitations_name_the_field_and_change_nothing(api_as, personas, payload, attr):
    before = database_state()

    response = api_as("admin").post(INVITATIONS, payload, format="json")

    assert response.status_code == 400, response.content
    assert response.json()["errors"][0]["attr"] == attr
    assert database_state() == before


@pytest.mark.parametrize("username", ["officer", "head.trn", "evaluator"])
def test_only_tenant_admins_see_or_send_invitations(api_as, actor, username):
    invitation = invite(actor)
    client = api_as(username)
    before = database_state()

    assert client.get(INVITATIONS).status_code == 403
    assert client.get(f"{INVITATIONS}{invitation.pk}/").status_code == 403
    sent = client.post(INVITATIONS, {"email": "x@riverton.example", "role": "admin"}, format="json")
    assert sent.status_code == 403
    assert client.delete(f"{INVITATIONS}{invitation.pk}/").status_code == 403
    assert database_state() == before


def test_another_citys_admin_cannot_see_or_withdraw_riverton_invitations(api_as, actor):
    invitation = invite(actor)
    lakeside = api_as("admin.lakeside")
    before = database_state()

    through_riverton = lakeside.get(INVITATIONS)
    own = lakeside.get("/api/v1/lakeside/invitations/", {"status": "pending"})
    withdraw = lakeside.delete(f"/api/v1/lakeside/invitations/{invitation.pk}/")

    assert through_riverton.status_code == 404
    assert own.json()["count"] == 0
    assert withdraw.status_code == 404
    assert database_state() == before


def test_the_people_page_lists_pending_invitations_and_withdraws_them(client, personas, actor):
    invitation = invite(actor)
    client.force_login(personas["admin"])
    mark = last_event_pk()

    listed = client.get("/riverton/people/")
    withdrawn = client.post(f"/riverton/people/invitations/{invitation.pk}/revoke/", follow=True)

    invitation.refresh_from_db()
    assert "nia@riverton.example" in listed.content.decode()
    assert invitation.status == "revoked"
    assert "nia@riverton.example" not in withdrawn.content.decode().split("Invitations")[1]
    assert verbs_since(mark) == ["invitation.revoke"]
