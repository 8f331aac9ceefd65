"""E-mail at every participation and cost split step (issue 9, items 4, 5 and 10): each event
tells the right people of riverton once, after commit, in plain text and HTML, with links
from SITE_URL and money as the municipality writes it; no one of lakeside and no deactivated
person is ever told."""

from decimal import Decimal

import pytest

from departments.models import Department, Membership, Municipality, User
from departments.tenancy import tenant_actor_for
from p3hub.formatting import format_datetime
from p3hub.money import format_money
from procurements import services
from procurements.services import notices
from tests.factories import MembershipFactory, UserFactory, future

pytestmark = pytest.mark.django_db

SITE = "https://p3hub.example"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def run(django_capture_on_commit_callbacks, mailoutbox):
    """`run(service, **arguments)` calls a service, commits, and returns the e-mails that
    committing sent (the outbox is emptied first)."""

    def call(service, **arguments):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = service(**arguments)
        call.result = result
        return list(mailoutbox)

    return call


@pytest.fixture
def works(personas):
    """Public Works of riverton with an active head, a head whose role is deactivated and a
    head whose account is: only the first may ever be told."""
    riverton = Municipality.objects.get(slug="riverton")
    department = Department.objects.create(municipality=riverton, code="PWD", name="Public Works")
    for username, role_active, account_active in [
        ("head.pwd", True, True),
        ("former.pwd", False, True),
        ("gone.pwd", True, False),
    ]:
        user = UserFactory(username=username, email=f"{username}@riverton.example")
        user.is_active = account_active
        user.save(update_fields=["is_active"])
        MembershipFactory(
            user=user,
            municipality=riverton,
            department=department,
            role=Membership.Role.HEAD,
            is_active=role_active,
        )
    return department


@pytest.fixture
def draft(actor, departments):
    """A draft led by TRN with one line item and dates set; nobody invited yet."""
    officer = actor("officer")
    solicitation = services.solicitation_create(
        actor=officer,
        kind="RFP",
        title="Cameras & sensors at Main St",
        lead_department=departments["TRN"],
        publish_at=future(8),
        questions_due_at=future(10),
        bids_due_at=future(20),
        opening_at=future(21),
    )
    services.line_item_add(
        actor=officer,
        solicitation=solicitation,
        description="Traffic camera",
        quantity=Decimal(4),
        estimated_unit_price="2500.00",
    )
    return solicitation


def recipients(emails) -> list[str]:
    return sorted(address for email in emails for address in email.to)


def html_of(email) -> str:
    (html, kind), *_ = email.alternatives
    assert kind == "text/html"
    return html


def workspace(solicitation, fragment: str = "") -> str:
    return f"{SITE}/riverton/manage/solicitations/{solicitation.reference}/" + fragment


def assert_every_address_is_of_riverton(emails):
    assert emails and all(a.endswith("@riverton.example") for a in recipients(emails))


# --- participation --------------------------------------------------------------------------------


def test_an_invited_department_is_told_by_its_active_heads_only_once(
    run, actor, draft, works, mailoutbox
):
    emails = run(
        services.participation_invite,
        actor=actor("officer"),
        solicitation=draft,
        department=works,
    )

    assert recipients(emails) == ["head.pwd@riverton.example"]
    (email,) = emails
    assert email.subject == (
        f"[{draft.reference}] TRN invites Public Works to share Cameras & sensors at Main St"
    )
    # the deadline as riverton writes it, the link to where Join and Decline are, from SITE_URL
    bids_due = format_datetime(draft.bids_due_at, draft.municipality, zone=True)
    assert f"Bids due: {bids_due}" in email.body
    assert workspace(draft, "#participants") in email.body
    assert f'href="{workspace(draft, "#participants")}"' in html_of(email)
    assert "Cameras &amp; sensors" in html_of(email) and "&amp;" not in email.body

    # Telling of the same invitation again (a retry) sends nothing more.
    invitation = run.result
    emails = run(notices.notify_invited, participation=invitation)
    assert emails == [] and run.result == 0


def test_an_invitation_made_again_after_a_removal_is_told_again(run, actor, draft, works):
    officer = actor("officer")
    run(services.participation_invite, actor=officer, solicitation=draft, department=works)
    invitation = run.result

    removed = run(services.participation_withdraw, actor=officer, participation=invitation)
    assert recipients(removed) == ["head.pwd@riverton.example"]
    assert "removed Public Works" in removed[0].body
    assert "no longer stands" in removed[0].body
    assert "removed Public Works" in html_of(removed[0])

    again = run(services.participation_invite, actor=officer, solicitation=draft, department=works)
    assert recipients(again) == ["head.pwd@riverton.example"]


def test_joining_tells_the_officer_and_the_lead_heads(run, actor, draft, departments):
    invitation = services.participation_invite(
        actor=actor("officer"), solicitation=draft, department=departments["PSD"]
    )

    emails = run(services.participation_join, actor=actor("head.psd"), participation=invitation)

    assert recipients(emails) == ["head.trn@riverton.example", "officer@riverton.example"]
    for email in emails:
        assert email.subject == (
            f"[{draft.reference}] Public Safety joined Cameras & sensors at Main St"
        )
        assert "Priya Shah answered" in email.body
        assert workspace(draft, "#participants") in email.body
        assert "Public Safety (PSD) joined" in html_of(email)
    invitation.refresh_from_db()
    assert run(notices.notify_answered, participation=invitation) == []


def test_declining_tells_the_officer_and_the_lead_heads(run, actor, draft, departments):
    invitation = services.participation_invite(
        actor=actor("officer"), solicitation=draft, department=departments["PSD"]
    )

    emails = run(services.participation_decline, actor=actor("head.psd"), participation=invitation)

    assert recipients(emails) == ["head.trn@riverton.example", "officer@riverton.example"]
    assert all("declined" in e.subject and "declined" in html_of(e) for e in emails)


def test_a_department_that_took_part_is_told_of_its_removal(run, actor, cameras):
    psd = cameras.participations.get(department__code="PSD")

    emails = run(services.participation_withdraw, actor=actor("officer"), participation=psd)

    assert recipients(emails) == ["head.psd@riverton.example"]
    assert "no longer shares its cost" in emails[0].body


def test_an_officer_no_longer_active_is_not_told(run, actor, draft, departments, personas):
    invitation = services.participation_invite(
        actor=actor("officer"), solicitation=draft, department=departments["PSD"]
    )
    Membership.objects.filter(user=personas["officer"], role="officer").update(is_active=False)

    emails = run(services.participation_join, actor=actor("head.psd"), participation=invitation)

    assert recipients(emails) == ["head.trn@riverton.example"]


# --- cost split versions ------------------------------------------------------------------------


def propose(run, actor, solicitation, trn: str, psd: str):
    return run(
        services.cost_split_propose,
        actor=actor("officer"),
        solicitation=solicitation,
        method="percentage",
        inputs={"percentages": {"TRN": trn, "PSD": psd}},
    )


def money(minor: int) -> str:
    return format_money(minor, "USD")


def test_each_head_is_told_their_own_amount_the_total_and_the_inbox(run, actor, cameras):
    # The cameras cost 12,400.00: TRN 60% is 7,440.00, PSD 40% is 4,960.00.
    emails = propose(run, actor, cameras, "60", "40")

    assert_every_address_is_of_riverton(emails)
    by_head = {email.to[0]: email for email in emails}
    assert sorted(by_head) == ["head.psd@riverton.example", "head.trn@riverton.example"]
    psd, trn = by_head["head.psd@riverton.example"], by_head["head.trn@riverton.example"]
    assert f"PSD's share: {money(496_000)}" in psd.body
    assert f"Total: {money(1_240_000)}" in psd.body
    assert f"TRN's share: {money(744_000)}" in trn.body and money(496_000) not in trn.body
    assert psd.subject == (
        f"[{cameras.reference}] Cost split version 1 awaits your approval: "
        f"PSD pays {money(496_000)}"
    )
    assert f"{SITE}/riverton/approvals/" in psd.body
    assert f'href="{SITE}/riverton/approvals/"' in html_of(psd)
    assert "Since version" not in psd.body  # nothing decided before

    # Telling of the same version again sends nothing more.
    assert run(notices.notify_proposed, version=run.result) == []


def test_after_a_rejection_the_new_version_says_what_changed_for_the_department(
    run, actor, cameras, departments
):
    propose(run, actor, cameras, "60", "40")
    services.share_reject(
        actor=actor("head.psd"),
        version=run.result,
        department=departments["PSD"],
        reason="Our share is too high.",
    )

    emails = propose(run, actor, cameras, "50", "50")

    psd = next(e for e in emails if e.to == ["head.psd@riverton.example"])
    assert "Since version 1, which PSD rejected (Priya Shah)" in psd.body
    assert f"PSD's share: {money(496_000)} -> {money(620_000)}" in psd.body
    assert f"PSD\u2019s share: {money(496_000)} → {money(620_000)}" in html_of(psd)
    # TRN decided nothing on version 1: no "since" for it
    trn = next(e for e in emails if e.to == ["head.trn@riverton.example"])
    assert "Since version" not in trn.body


def test_a_rejection_tells_the_officer_with_the_department_and_the_reason(
    run, actor, cameras, departments
):
    propose(run, actor, cameras, "60", "40")
    version = run.result

    emails = run(
        services.share_reject,
        actor=actor("head.psd"),
        version=version,
        department=departments["PSD"],
        reason="Our share is too high.",
    )

    assert recipients(emails) == ["officer@riverton.example"]
    (email,) = emails
    assert email.subject == f"[{cameras.reference}] PSD rejected cost split version 1"
    assert "Reason: Our share is too high." in email.body
    assert "Public Safety (PSD) rejected version 1" in email.body
    assert "Reason: Our share is too high." in html_of(email)
    assert workspace(cameras, "#cost-split") in email.body
    assert run(notices.notify_share_rejected, share=run.result) == []


def test_every_department_approving_tells_the_officer_and_the_lead_heads_once(
    run, actor, cameras, departments
):
    propose(run, actor, cameras, "60", "40")
    version = run.result

    first = run(
        services.share_approve,
        actor=actor("head.trn"),
        version=version,
        department=departments["TRN"],
    )
    assert first == []  # PSD has not decided yet

    emails = run(
        services.share_approve,
        actor=actor("head.psd"),
        version=version,
        department=departments["PSD"],
    )

    assert recipients(emails) == ["head.trn@riverton.example", "officer@riverton.example"]
    email = emails[0]
    assert email.subject == f"[{cameras.reference}] Every department approved cost split version 1"
    assert f"PSD: {money(496_000)}" in email.body and f"Total: {money(1_240_000)}" in email.body
    assert "It can now be published" in email.body
    assert workspace(cameras) in html_of(email)
    version.refresh_from_db()
    assert run(notices.notify_split_approved, version=version) == []


def test_a_head_of_the_other_city_or_deactivated_is_never_told(run, actor, cameras, works):
    # Lakeside has a Public Works (PWD) too, with its own head; riverton's PWD has a former
    # and a gone head. Invite riverton's PWD, let its active head join, and propose: every
    # e-mail of every step stays in riverton and reaches no inactive head.
    lakeside = Municipality.objects.get(slug="lakeside")
    MembershipFactory(
        user=UserFactory(username="head.pwd.lakeside", email="head.pwd@lakeside.example"),
        municipality=lakeside,
        department=Department.objects.get_or_create(municipality=lakeside, code="PWD")[0],
        role=Membership.Role.HEAD,
    )
    officer = actor("officer")
    invited = run(
        services.participation_invite, actor=officer, solicitation=cameras, department=works
    )
    invitation = run.result
    head = tenant_actor_for(User.objects.get(username="head.pwd"), "riverton")
    joined = run(services.participation_join, actor=head, participation=invitation)
    proposed = run(
        services.cost_split_propose,
        actor=officer,
        solicitation=cameras,
        method="percentage",
        inputs={"percentages": {"TRN": "50", "PSD": "25", "PWD": "25"}},
    )

    everyone = recipients(invited + joined + proposed)
    assert_every_address_is_of_riverton(invited + joined + proposed)
    assert "former.pwd@riverton.example" not in everyone
    assert "gone.pwd@riverton.example" not in everyone
    assert recipients(proposed) == [
        "head.psd@riverton.example",
        "head.pwd@riverton.example",
        "head.trn@riverton.example",
    ]
