"""Django admin isolation (DESIGN.md 5.1): a tenant admin with staff access sees and changes
their own municipality only, and another city's object answers exactly like a missing one.
The audit log is read-only for everyone, superusers included (DESIGN.md 5.8), and the platform
operator's changes to accounts are audited like every other change."""

import re

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from departments.models import Department, Membership, Municipality, User
from p3hub.audit import PLATFORM_CHAIN, audit_chain_verify
from p3hub.models import AuditEvent, OutboundEmail
from tests.factories import UserFactory
from tests.helpers import MISSING_PK, admin_url, outcome
from vendors.models import Vendor, VendorUser

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_tenant_admin(personas):
    """A new session of riverton's tenant admin (`admin`: staff, not superuser) each call; a
    fresh session has no messages left over from an earlier request."""
    assert personas["admin"].is_staff and not personas["admin"].is_superuser

    def login() -> Client:
        client = Client()
        client.force_login(personas["admin"])
        return client

    return login


@pytest.fixture
def tenant_admin(new_tenant_admin) -> Client:
    return new_tenant_admin()


@pytest.fixture
def superuser(personas) -> Client:
    """The platform operator."""
    client = Client()
    client.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    return client


def lakeside_department() -> Department:
    return Department.objects.get(municipality__slug="lakeside", code="PWD")


def riverton_department(code: str = "TRN") -> Department:
    return Department.objects.get(municipality__slug="riverton", code=code)


# --- what a tenant admin sees ------------------------------------------------------------


def test_tenant_admin_lists_their_own_departments_only(tenant_admin):
    response = tenant_admin.get(admin_url(Department, "changelist"))

    assert response.status_code == 200
    shown = {d.code for d in response.context["cl"].result_list}
    assert shown == {"TRN", "PSD"}
    assert "Public Works" not in response.content.decode()


@pytest.mark.parametrize(
    ("model", "riverton_only"),
    [
        (Municipality, lambda m: m.slug == "riverton"),
        (Membership, lambda m: m.municipality.slug == "riverton"),
        (User, lambda u: u.memberships.filter(municipality__slug="riverton").exists()),
        (AuditEvent, lambda e: e.municipality and e.municipality.slug == "riverton"),
    ],
    ids=["municipality", "membership", "user", "audit-event"],
)
def test_every_changelist_is_scoped_to_the_admins_municipality(tenant_admin, model, riverton_only):
    response = tenant_admin.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows
    assert all(riverton_only(row) for row in rows)


def test_tenant_admin_sees_no_lakeside_people(tenant_admin):
    response = tenant_admin.get(admin_url(User, "changelist"))

    usernames = {u.username for u in response.context["cl"].result_list}
    assert usernames == {"admin", "officer", "head.trn", "head.psd", "evaluator"}


def test_filters_offer_only_the_admins_own_choices(tenant_admin):
    response = tenant_admin.get(admin_url(Membership, "changelist"))

    html = response.content.decode()
    assert "City of Riverton" in html
    assert "City of Lakeside" not in html
    assert "Public Works" not in html


def test_the_admin_index_shows_what_a_tenant_admin_may_use(tenant_admin):
    response = tenant_admin.get(reverse("admin:index"))

    models = {
        model["object_name"] for app in response.context["app_list"] for model in app["models"]
    }
    assert {"Municipality", "Department", "Membership", "User", "AuditEvent", "Vendor"} <= models
    assert "VendorUser" not in models
    assert "Group" not in models


def test_a_staff_user_who_is_no_tenant_admin_sees_nothing(client, personas):
    officer = personas["officer"]
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    client.force_login(officer)

    index = client.get(reverse("admin:index"))
    departments = client.get(admin_url(Department, "changelist"))

    assert index.context["app_list"] == []
    assert departments.status_code == 403


# --- another city's object is a missing object -------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_citys_department_answers_exactly_like_a_missing_one(new_tenant_admin, method):
    pwd = lakeside_department()
    payload = {"code": "HACK", "name": "Hacked", "fund_codes": "[]", "is_active": "on"}

    foreign = getattr(new_tenant_admin(), method)(admin_url(Department, "change", pwd.pk), payload)
    foreign_outcome = outcome(foreign, pwd.pk)
    missing = getattr(new_tenant_admin(), method)(
        admin_url(Department, "change", MISSING_PK), payload
    )

    assert foreign_outcome == outcome(missing, MISSING_PK)
    assert foreign.status_code == 302
    assert foreign["Location"] == reverse("admin:index")
    assert "exist. Perhaps it was deleted?" in foreign_outcome[2][0][1]
    pwd.refresh_from_db()
    assert (pwd.code, pwd.name) == ("PWD", "Public Works")


@pytest.mark.parametrize(
    ("model", "view"),
    [
        (Department, "history"),
        (Membership, "change"),
        (Membership, "delete"),
        (Municipality, "change"),
        (User, "change"),
        (AuditEvent, "change"),
    ],
)
def test_every_lakeside_object_is_missing_for_riverton(new_tenant_admin, model, view):
    lakeside = {
        Department: lakeside_department,
        Membership: lambda: Membership.objects.filter(municipality__slug="lakeside").first(),
        Municipality: lambda: Municipality.objects.get(slug="lakeside"),
        User: lambda: User.objects.get(username="officer.lakeside"),
        AuditEvent: lambda: AuditEvent.objects.filter(municipality__slug="lakeside").first(),
    }[model]()

    foreign = new_tenant_admin().get(admin_url(model, view, lakeside.pk))
    foreign_outcome = outcome(foreign, lakeside.pk)
    missing = new_tenant_admin().get(admin_url(model, view, MISSING_PK))

    assert foreign_outcome == outcome(missing, MISSING_PK)
    assert foreign.status_code == 302


def test_tenant_admin_cannot_delete_a_lakeside_membership(tenant_admin):
    membership = Membership.objects.filter(municipality__slug="lakeside").first()

    response = tenant_admin.post(admin_url(Membership, "delete", membership.pk), {"post": "yes"})

    assert response.status_code == 302
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_tenant_admin_cannot_add_a_department_to_lakeside(tenant_admin):
    lakeside = Municipality.objects.get(slug="lakeside")
    before = Department.objects.count()

    response = tenant_admin.post(
        admin_url(Department, "add"),
        {"municipality": lakeside.pk, "code": "HACK", "name": "Hack", "fund_codes": "[]"},
    )

    assert response.status_code == 200  # the form again, with an error
    assert "municipality" in response.context["adminform"].form.errors
    assert Department.objects.count() == before


def test_foreign_key_choices_are_limited_to_the_admins_municipality(tenant_admin):
    response = tenant_admin.get(admin_url(Membership, "add"))

    form = response.context["adminform"].form
    assert {m.slug for m in form.fields["municipality"].queryset} == {"riverton"}
    assert {d.code for d in form.fields["department"].queryset} == {"TRN", "PSD"}
    assert "officer.lakeside" not in {u.username for u in form.fields["user"].queryset}
    assert "vendor.acme" not in {u.username for u in form.fields["user"].queryset}


# --- what a tenant admin changes, through the services ------------------------------------


def test_tenant_admin_changes_their_department_and_it_is_audited(tenant_admin):
    trn = riverton_department()
    events_before = AuditEvent.objects.count()

    response = tenant_admin.post(
        admin_url(Department, "change", trn.pk),
        {"code": "TRN", "name": "Mobility", "fund_codes": '["100-TRN-CAP"]', "is_active": "on"},
    )

    assert response.status_code == 302
    trn.refresh_from_db()
    assert trn.name == "Mobility"
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.order_by("-id").first().verb == "department.update"


def test_tenant_admin_adds_a_department_through_the_service(tenant_admin):
    riverton = Municipality.objects.get(slug="riverton")

    response = tenant_admin.post(
        admin_url(Department, "add"),
        {"municipality": riverton.pk, "code": "PRK", "name": "Parks", "fund_codes": '["500"]'},
    )

    assert response.status_code == 302
    created = Department.objects.get(municipality=riverton, code="PRK")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.verb, event.object_id) == ("department.create", str(created.pk))


def test_a_service_refusal_is_an_error_message_and_nothing_changes(tenant_admin):
    trn = riverton_department()
    events_before = AuditEvent.objects.count()

    response = tenant_admin.post(
        admin_url(Department, "change", trn.pk),
        {"code": "TRN", "name": "Mobility", "fund_codes": '"100 TRN"', "is_active": "on"},
    )

    assert response.status_code == 302
    assert any("fund_codes" in str(m) for m in get_messages(response.wsgi_request))
    trn.refresh_from_db()
    assert (trn.name, trn.fund_codes) == ("Transportation", ["100-TRN-CAP"])
    assert AuditEvent.objects.count() == events_before


def test_tenant_admin_grants_and_revokes_roles_through_the_services(tenant_admin, personas):
    riverton = Municipality.objects.get(slug="riverton")
    psd = riverton_department("PSD")

    added = tenant_admin.post(
        admin_url(Membership, "add"),
        {
            "municipality": riverton.pk,
            "user": personas["evaluator"].pk,
            "role": "member",
            "department": psd.pk,
        },
    )
    membership = Membership.objects.get(user=personas["evaluator"], department=psd)
    deleted = tenant_admin.post(admin_url(Membership, "delete", membership.pk), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    verbs = list(AuditEvent.objects.order_by("-id").values_list("verb", flat=True)[:2])
    assert verbs == ["membership.revoke", "membership.grant"]


def test_the_last_tenant_admin_cannot_be_deleted_in_the_admin(tenant_admin, personas):
    mine = Membership.objects.get(user=personas["admin"], role="admin")

    response = tenant_admin.post(admin_url(Membership, "delete", mine.pk), {"post": "yes"})

    assert response.status_code == 302
    assert Membership.objects.filter(pk=mine.pk).exists()
    assert any("tenant admin" in str(m) for m in get_messages(response.wsgi_request))


def test_memberships_have_no_bulk_delete(tenant_admin):
    response = tenant_admin.get(admin_url(Membership, "changelist"))

    assert "delete_selected" not in response.context["cl"].model_admin.get_actions(
        response.wsgi_request
    )


def test_tenant_admin_may_not_edit_people_municipalities_or_vendors(tenant_admin, personas):
    officer = personas["officer"]
    riverton = Municipality.objects.get(slug="riverton")

    user_post = tenant_admin.post(
        admin_url(User, "change", officer.pk), {"username": "officer", "is_superuser": "on"}
    )
    password = tenant_admin.get(reverse("admin:auth_user_password_change", args=[officer.pk]))
    municipality_post = tenant_admin.post(
        admin_url(Municipality, "change", riverton.pk), {"name": "Mine"}
    )
    vendor = Vendor.objects.first()
    vendor_post = tenant_admin.post(admin_url(Vendor, "change", vendor.pk), {"name": "Mine"})

    assert [r.status_code for r in (user_post, password, municipality_post, vendor_post)] == [
        403,
        403,
        403,
        403,
    ]
    officer.refresh_from_db()
    assert not officer.is_superuser
    assert tenant_admin.get(admin_url(User, "add")).status_code == 403
    assert tenant_admin.get(admin_url(Vendor, "add")).status_code == 403
    assert tenant_admin.get(admin_url(VendorUser, "changelist")).status_code == 403


def test_departments_are_never_deleted_in_the_admin(tenant_admin, superuser):
    trn = riverton_department()

    for client in (tenant_admin, superuser):
        response = client.post(admin_url(Department, "delete", trn.pk), {"post": "yes"})
        assert response.status_code == 403
    assert Department.objects.filter(pk=trn.pk).exists()


# --- superusers and the audit log ---------------------------------------------------------


def test_superuser_sees_every_municipality(superuser):
    response = superuser.get(admin_url(Department, "changelist"))

    assert {d.code for d in response.context["cl"].result_list} == {"TRN", "PSD", "PWD"}


def test_superuser_opens_a_municipality_through_the_service(superuser, personas):
    response = superuser.post(
        admin_url(Municipality, "add"),
        {
            "slug": "hillview",
            "name": "Hillview",
            "code": "HIL",
            "time_zone": "UTC",
            "currency": "USD",
            "first_admin": personas["officer"].pk,
        },
    )

    assert response.status_code == 302
    hillview = Municipality.objects.get(slug="hillview")
    assert Membership.objects.get(municipality=hillview).role == "admin"
    assert AuditEvent.objects.filter(municipality=hillview).count() == 2


@pytest.mark.parametrize("who", ["tenant_admin", "superuser"])
def test_audit_events_can_be_read_but_never_changed_or_deleted(request, who):
    client = request.getfixturevalue(who)
    event = AuditEvent.objects.filter(municipality__slug="riverton").first()
    original = (event.verb, event.hash)

    view = client.get(admin_url(AuditEvent, "change", event.pk))
    change = client.post(admin_url(AuditEvent, "change", event.pk), {"verb": "forged"})
    delete = client.post(admin_url(AuditEvent, "delete", event.pk), {"post": "yes"})
    add = client.get(admin_url(AuditEvent, "add"))

    assert view.status_code == 200
    assert (change.status_code, delete.status_code, add.status_code) == (403, 403, 403)
    event.refresh_from_db()
    assert (event.verb, event.hash) == original
    changelist = client.get(admin_url(AuditEvent, "changelist"))
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(
        changelist.wsgi_request
    )


def test_outbound_email_is_read_only_and_tenant_admins_never_see_bodies(tenant_admin, superuser):
    riverton = Municipality.objects.get(slug="riverton")
    email = OutboundEmail.objects.create(
        municipality=riverton,
        to=["officer@riverton.example"],
        subject="Reset your password",
        body="https://p3hub.example/reset/secret-token/",
    )
    url = admin_url(OutboundEmail, "change", email.pk)

    as_tenant_admin = tenant_admin.get(url)
    assert as_tenant_admin.status_code == 200
    assert "secret-token" not in as_tenant_admin.content.decode()
    assert tenant_admin.post(url, {"subject": "x"}).status_code == 403

    as_operator = superuser.get(url)
    assert re.search("secret-token", as_operator.content.decode())
    assert superuser.post(url, {"subject": "x"}).status_code == 403


def test_the_autocomplete_endpoint_is_scoped_too(tenant_admin):
    # Django answers autocomplete for any foreign key whose target admin has search fields.
    response = tenant_admin.get(
        reverse("admin:autocomplete"),
        {"app_label": "departments", "model_name": "membership", "field_name": "department"},
    )

    assert response.status_code == 200
    names = {result["text"] for result in response.json()["results"]}
    assert names == {"Transportation (TRN)", "Public Safety (PSD)"}


def test_superuser_reaches_add_forms_that_tenant_admins_do_not(superuser, tenant_admin):
    # Vendor is read-only for everyone: a company keeps its own profile (tests/vendors).
    for model in (User, VendorUser, Municipality, Department, Membership):
        assert superuser.get(admin_url(model, "add")).status_code == 200, model
    for model in (User, Vendor, VendorUser, Municipality, AuditEvent, OutboundEmail):
        assert tenant_admin.get(admin_url(model, "add")).status_code == 403, model


# --- the platform operator's changes to accounts are audited ------------------------------


def unchanged_account_form(client: Client, user: User) -> dict:
    """What the admin's change form of `user` posts when saved as shown."""
    form = client.get(admin_url(User, "change", user.pk)).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if field.disabled:
            continue
        if isinstance(field.widget, forms.MultiWidget):  # a date and a time
            day, time = field.widget.decompress(value)
            data[f"{name}_0"] = day.isoformat() if day else ""
            data[f"{name}_1"] = time.strftime("%H:%M:%S") if time else ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = [str(item) for item in value]
        else:
            data[name] = "" if value is None else value
    return data


def account_events(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("chain", "seq"))


def test_an_operator_edit_of_an_account_is_audited_in_each_of_the_persons_cities(
    superuser, personas
):
    # Given head.trn, who also works for lakeside, and a group the operator adds them to
    head = personas["head.trn"]
    lakeside = Municipality.objects.get(slug="lakeside")
    Membership.objects.create(user=head, municipality=lakeside, role="officer")
    reviewers = Group.objects.create(name="Reviewers")
    data = unchanged_account_form(superuser, head)

    # When the operator changes their e-mail address, a flag and their groups
    response = superuser.post(
        admin_url(User, "change", head.pk),
        {
            **data,
            "email": "t.nguyen@riverton.example",
            "is_superuser": "on",
            "groups": [reviewers.pk],
        },
    )

    # Then each of the person's cities records the change, and only the change
    assert response.status_code == 302, response.context["adminform"].form.errors
    events = account_events("person.update")
    assert sorted(e.municipality.slug for e in events) == ["lakeside", "riverton"]
    for event in events:
        assert event.actor.username == "operator"
        assert (event.object_type, event.object_id) == ("departments.user", str(head.pk))
        assert event.before == {"email": head.email, "is_superuser": False, "groups": []}
        assert event.after == {
            "email": "t.nguyen@riverton.example",
            "is_superuser": True,
            "groups": ["Reviewers"],
        }
        assert audit_chain_verify(event.chain) is None


def test_saving_an_account_unchanged_records_nothing(superuser, personas):
    head = personas["head.trn"]

    response = superuser.post(
        admin_url(User, "change", head.pk), unchanged_account_form(superuser, head)
    )

    assert response.status_code == 302
    assert account_events("person.update") == []


def test_a_password_set_by_the_operator_is_audited_but_never_its_hash(superuser, personas):
    officer = personas["officer"]
    url = reverse("admin:auth_user_password_change", args=[officer.pk])

    response = superuser.post(
        url,
        {
            "password1": "a-new-pass-2026!",
            "password2": "a-new-pass-2026!",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-pass-2026!")
    (event,) = account_events("person.update")
    assert (event.municipality.slug, event.before, event.after) == (
        "riverton",
        {},
        {"password": "changed"},
    )
    hash_parts = officer.password.split("$")
    assert not any(part in str([event.before, event.after]) for part in hash_parts[1:])


def test_an_account_added_by_the_operator_is_audited_in_the_platform_chain(superuser):
    response = superuser.post(
        admin_url(User, "add"),
        {
            "username": "j.doe",
            "password1": "a-new-pass-2026!",
            "password2": "a-new-pass-2026!",
            "usable_password": "true",
        },
    )

    assert response.status_code == 302
    (event,) = account_events("person.create")
    assert (event.chain, event.municipality, event.before) == (PLATFORM_CHAIN, None, None)
    assert event.after["username"] == "j.doe"
    assert event.after["usable_password"] is True
    assert "password" not in event.after
    assert audit_chain_verify(PLATFORM_CHAIN) is None


def test_an_account_deleted_by_the_operator_is_audited_with_its_roles_there(superuser):
    riverton = Municipality.objects.get(slug="riverton")
    newcomer = UserFactory(username="newcomer", first_name="Nia")
    Membership.objects.create(user=newcomer, municipality=riverton, role="officer")

    response = superuser.post(admin_url(User, "delete", newcomer.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(username="newcomer").exists()
    (event,) = account_events("person.delete")
    assert (event.municipality, event.after) == (riverton, None)
    assert event.before["first_name"] == "Nia"
    assert event.before["roles"] == [{"user": "newcomer", "role": "officer", "department": None}]
    assert audit_chain_verify(event.chain) is None


def test_accounts_have_no_bulk_delete(superuser):
    changelist = superuser.get(admin_url(User, "changelist"))
    assert "delete_selected" not in changelist.context["cl"].model_admin.get_actions(
        changelist.wsgi_request
    )
