"""The tenancy services: who may call them, what they change, how they refuse, and the one
audit event each change writes (in the municipality's hash chain, which still verifies)."""

import pytest
from django.apps import apps

from departments import services
from departments.models import Department, Membership, Municipality
from departments.tenancy import tenant_actor_for
from p3hub.audit import audit_chain_verify, chain_key_for
from p3hub.errors import NotFound, PermissionDenied, ValidationFailed
from p3hub.models import AuditEvent
from tests.factories import UserFactory, join_by_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def riverton(personas) -> Municipality:
    return Municipality.objects.get(slug="riverton")


def department(code: str, slug: str = "riverton") -> Department:
    return Department.objects.get(municipality__slug=slug, code=code)


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-id").first()


def assert_refused(error_class, call, *, field: str | None = None, code: str | None = None):
    """Run `call`, expect `error_class` naming `field`, and prove no row changed."""
    before = row_counts()
    with pytest.raises(error_class) as caught:
        call()
    assert row_counts() == before
    if field is not None:
        assert caught.value.field == field
    if code is not None:
        assert caught.value.code == code
    return caught.value


def assert_chain_intact(municipality: Municipality) -> None:
    assert audit_chain_verify(chain_key_for(municipality)) is None


# --- department_create ------------------------------------------------------------------


def test_admin_creates_a_department_with_one_audit_event(actor, riverton):
    events_before = AuditEvent.objects.count()

    created = services.department_create(
        actor=actor("admin"),
        code=" prk ",
        name="  Parks  ",
        fund_codes=[" 500-PRK ", "500-PRK", "500.PRK.OPS"],
    )

    created.refresh_from_db()
    assert (created.municipality, created.code, created.name) == (riverton, "PRK", "Parks")
    assert created.fund_codes == ["500-PRK", "500.PRK.OPS"]
    assert created.is_active
    assert AuditEvent.objects.count() == events_before + 1
    event = last_event()
    assert (event.verb, event.municipality, event.actor.username) == (
        "department.create",
        riverton,
        "admin",
    )
    assert event.after == {
        "code": "PRK",
        "name": "Parks",
        "fund_codes": ["500-PRK", "500.PRK.OPS"],
        "is_active": True,
    }
    assert_chain_intact(riverton)


@pytest.mark.parametrize("username", ["officer", "head.trn", "evaluator"])
def test_only_tenant_admins_create_departments(actor, username):
    error = assert_refused(
        PermissionDenied,
        lambda: services.department_create(actor=actor(username), code="PRK", name="Parks"),
    )

    assert error.status_code == 403


def test_an_admin_of_another_city_creates_in_their_own_city_only(actor):
    created = services.department_create(
        actor=actor("admin.lakeside", "lakeside"), code="TRN", name="Lakeside Transit"
    )

    # Riverton also has TRN: codes are unique per municipality, not across them.
    assert created.municipality.slug == "lakeside"
    assert department("TRN").name == "Transportation"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"code": "", "name": "Parks"}, "code"),
        ({"code": None, "name": "Parks"}, "code"),
        ({"code": "P", "name": "Parks"}, "code"),
        ({"code": "P-R", "name": "Parks"}, "code"),
        ({"code": "TOOLONGCODE1", "name": "Parks"}, "code"),
        ({"code": "TRN", "name": "Parks"}, "code"),
        ({"code": "trn", "name": "Parks"}, "code"),
        ({"code": "PRK", "name": ""}, "name"),
        ({"code": "PRK", "name": "   "}, "name"),
        ({"code": "PRK", "name": "x" * 121}, "name"),
        ({"code": "PRK", "name": "Parks", "fund_codes": "500-PRK"}, "fund_codes"),
        ({"code": "PRK", "name": "Parks", "fund_codes": {"a": 1}}, "fund_codes"),
        ({"code": "PRK", "name": "Parks", "fund_codes": ["500 PRK"]}, "fund_codes.0"),
        ({"code": "PRK", "name": "Parks", "fund_codes": [""]}, "fund_codes.0"),
        ({"code": "PRK", "name": "Parks", "fund_codes": ["x" * 31]}, "fund_codes.0"),
    ],
)
def test_department_create_names_the_bad_field_and_writes_nothing(actor, kwargs, field):
    assert_refused(
        ValidationFailed,
        lambda: services.department_create(actor=actor("admin"), **kwargs),
        field=field,
    )


# --- department_update ------------------------------------------------------------------


def test_update_records_only_the_fields_that_changed(actor, riverton):
    trn = department("TRN")

    services.department_update(
        actor=actor("admin"), department=trn, name="Transportation", fund_codes=["100-TRN-OPS"]
    )

    trn.refresh_from_db()
    assert trn.fund_codes == ["100-TRN-OPS"]
    event = last_event()
    assert event.verb == "department.update"
    assert event.before == {"fund_codes": ["100-TRN-CAP"]}
    assert event.after == {"fund_codes": ["100-TRN-OPS"]}
    assert_chain_intact(riverton)


def test_an_update_that_changes_nothing_writes_nothing(actor):
    before = row_counts()

    services.department_update(actor=actor("admin"), department=department("TRN"), code="trn")

    assert row_counts() == before


def test_update_retires_and_recodes(actor):
    psd = department("PSD")

    services.department_update(actor=actor("admin"), department=psd, code="pub", is_active=False)

    psd.refresh_from_db()
    assert (psd.code, psd.is_active) == ("PUB", False)


def test_update_refuses_a_code_another_department_has(actor):
    assert_refused(
        ValidationFailed,
        lambda: services.department_update(
            actor=actor("admin"), department=department("TRN"), code="PSD"
        ),
        field="code",
    )
    assert department("TRN").code == "TRN"


@pytest.mark.parametrize("username", ["officer", "head.trn"])
def test_only_tenant_admins_update_departments(actor, username):
    assert_refused(
        PermissionDenied,
        lambda: services.department_update(
            actor=actor(username), department=department("TRN"), name="Mine"
        ),
    )


def test_an_admin_of_another_city_cannot_update_riverton_departments(actor):
    # Lakeside's admin passes riverton's department object straight to the service.
    assert_refused(
        NotFound,
        lambda: services.department_update(
            actor=actor("admin.lakeside", "lakeside"), department=department("TRN"), name="X"
        ),
    )
    assert department("TRN").name == "Transportation"


# --- membership_grant and membership_revoke ------------------------------------------------


def test_admin_grants_a_role_with_one_audit_event(actor, personas, riverton):
    events_before = AuditEvent.objects.count()

    membership = services.membership_grant(
        actor=actor("admin"), user=personas["head.psd"], role="member", department=department("TRN")
    )

    assert membership.municipality == riverton
    assert AuditEvent.objects.count() == events_before + 1
    event = last_event()
    assert event.verb == "membership.grant"
    assert event.after == {"user": "head.psd", "role": "member", "department": "TRN"}
    assert_chain_intact(riverton)


def test_a_role_already_held_is_refused(actor, personas):
    assert_refused(
        ValidationFailed,
        lambda: services.membership_grant(
            actor=actor("admin"), user=personas["officer"], role="officer"
        ),
        field="role",
    )


@pytest.mark.parametrize(
    ("role", "department_code", "field"),
    [
        ("boss", None, "role"),
        ("head", None, "department"),
        ("member", None, "department"),
        ("admin", "TRN", "department"),
        ("officer", "PSD", "department"),
    ],
)
def test_grant_checks_the_role_and_its_department(actor, personas, role, department_code, field):
    chosen = department(department_code) if department_code else None

    assert_refused(
        ValidationFailed,
        lambda: services.membership_grant(
            actor=actor("admin"), user=personas["evaluator"], role=role, department=chosen
        ),
        field=field,
    )


@pytest.mark.parametrize("username", ["officer", "head.trn", "evaluator"])
def test_only_tenant_admins_grant_roles(actor, personas, username):
    assert_refused(
        PermissionDenied,
        lambda: services.membership_grant(
            actor=actor(username), user=personas[username], role="admin"
        ),
    )


def test_an_outsiders_actor_cannot_make_the_head_of_psd_a_head_of_trn(actor, personas):
    # Given lakeside's tenant admin, acting in lakeside, names riverton's TRN.
    lakeside_admin = actor("admin.lakeside", "lakeside")
    assert lakeside_admin.is_admin

    # Then the department is unknown to them, and riverton is untouched.
    assert_refused(
        ValidationFailed,
        lambda: services.membership_grant(
            actor=lakeside_admin,
            user=personas["head.psd"],
            role="head",
            department=department("TRN"),
        ),
        field="department",
    )
    assert list(
        Membership.objects.filter(user=personas["head.psd"]).values_list("role", "department__code")
    ) == [("head", "PSD")]


def test_an_outsider_cannot_act_in_riverton_at_all(personas):
    with pytest.raises(NotFound):
        tenant_actor_for(personas["officer.lakeside"], "riverton")
    with pytest.raises(NotFound):
        tenant_actor_for(personas["vendor.acme"], "riverton")


def test_admin_revokes_a_role_with_one_audit_event(actor, personas, riverton):
    # Given head.psd also is a member of TRN
    extra = services.membership_grant(
        actor=actor("admin"), user=personas["head.psd"], role="member", department="TRN"
    )
    events_before = AuditEvent.objects.count()

    services.membership_revoke(actor=actor("admin"), membership=extra)

    assert not Membership.objects.filter(pk=extra.pk).exists()
    assert AuditEvent.objects.count() == events_before + 1
    event = last_event()
    assert (event.verb, event.before) == (
        "membership.revoke",
        {"user": "head.psd", "role": "member", "department": "TRN"},
    )
    assert_chain_intact(riverton)


def test_revoking_a_persons_last_role_deactivates_them_and_keeps_the_role(
    actor, personas, riverton
):
    membership = Membership.objects.get(user=personas["evaluator"])

    services.membership_revoke(actor=actor("admin"), membership=membership)

    # Then the role is kept, inactive: the evaluator can no longer act here, and is restorable
    membership.refresh_from_db()
    assert membership.is_active is False
    with pytest.raises(NotFound):
        tenant_actor_for(personas["evaluator"], "riverton")
    assert [e.verb for e in AuditEvent.objects.order_by("-id")[:2]] == [
        "person.deactivate",
        "membership.revoke",
    ]
    services.person_reactivate(actor=actor("admin"), person=personas["evaluator"])
    assert tenant_actor_for(personas["evaluator"], "riverton").department_ids
    assert_chain_intact(riverton)


def test_the_last_tenant_admin_stays(actor, personas):
    mine = Membership.objects.get(user=personas["admin"], role="admin")

    assert_refused(
        ValidationFailed,
        lambda: services.membership_revoke(actor=actor("admin"), membership=mine),
        field="role",
        code="last_admin",
    )


def test_an_admin_may_hand_over_to_another_admin(actor, personas, riverton):
    successor = UserFactory(username="successor")
    join_by_invitation(actor("admin"), successor, "admin")
    mine = Membership.objects.get(user=personas["admin"], role="admin")

    services.membership_revoke(actor=actor("admin"), membership=mine)

    assert list(
        Membership.objects.filter(municipality=riverton, role="admin", is_active=True).values_list(
            "user__username", flat=True
        )
    ) == ["successor"]


@pytest.mark.parametrize("username", ["officer", "head.trn"])
def test_only_tenant_admins_revoke_roles(actor, personas, username):
    membership = Membership.objects.get(user=personas["evaluator"])

    assert_refused(
        PermissionDenied,
        lambda: services.membership_revoke(actor=actor(username), membership=membership),
    )


def test_an_admin_of_another_city_cannot_revoke_riverton_roles(actor, personas):
    membership = Membership.objects.get(user=personas["evaluator"])

    assert_refused(
        NotFound,
        lambda: services.membership_revoke(
            actor=actor("admin.lakeside", "lakeside"), membership=membership
        ),
    )


# --- municipality_create ----------------------------------------------------------------


def test_the_platform_operator_opens_a_municipality_with_its_first_admin(personas):
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    first_admin = UserFactory(username="first.admin")

    created = services.municipality_create(
        actor=operator,
        slug="hillview",
        name="Town of Hillview",
        code="HIL",
        first_admin=first_admin,
        time_zone="America/Los_Angeles",
    )

    assert Membership.objects.get(municipality=created).user == first_admin
    assert Membership.objects.get(municipality=created).role == "admin"
    events = AuditEvent.objects.filter(municipality=created).order_by("seq")
    assert [(e.verb, e.actor_label) for e in events] == [
        ("municipality.create", "operator"),
        ("membership.grant", "operator"),
    ]
    assert_chain_intact(created)


def test_the_system_may_open_a_municipality_from_the_command_line(personas):
    created = services.municipality_create(
        actor=None, slug="hillview", name="Hillview", code="HIL", first_admin=personas["officer"]
    )

    assert AuditEvent.objects.filter(municipality=created).first().actor_label == "system"


def test_a_tenant_admin_cannot_open_a_municipality(personas):
    assert_refused(
        PermissionDenied,
        lambda: services.municipality_create(
            actor=personas["admin"],
            slug="hillview",
            name="Hillview",
            code="HIL",
            first_admin=personas["admin"],
        ),
    )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slug": "admin"}, "slug"),
        ({"slug": "api"}, "slug"),
        ({"slug": "riverton"}, "slug"),
        ({"slug": "not a slug"}, "slug"),
        ({"code": "hil"}, "code"),
        ({"code": "RIV"}, "code"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"currency": "dollars"}, "currency"),
        ({"name": ""}, "name"),
        ({"first_admin": None}, "first_admin"),
    ],
)
def test_municipality_create_names_the_bad_field_and_writes_nothing(personas, kwargs, field):
    arguments = {"slug": "hillview", "name": "Hillview", "code": "HIL"}
    arguments |= {"first_admin": personas["officer"]} | kwargs

    assert_refused(
        ValidationFailed,
        lambda: services.municipality_create(actor=None, **arguments),
        field=field,
    )
