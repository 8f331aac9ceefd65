"""The Django admin of procurements (DESIGN.md 5.1, 5.4): read-only for everyone, and a
tenant admin sees their own municipality's rows only; another city's row answers exactly like
a primary key that does not exist."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from departments.models import Department
from departments.tenancy import tenant_actor_for
from procurements import services
from procurements.models import (
    CostSplitShare,
    CostSplitVersion,
    Criterion,
    Document,
    LineItem,
    Participation,
    Solicitation,
)
from tests.factories import MembershipFactory, UserFactory, future, line_item_split
from tests.helpers import MISSING_PK, admin_url, outcome

pytestmark = pytest.mark.django_db

MODELS = [
    Solicitation,
    LineItem,
    Criterion,
    Participation,
    CostSplitVersion,
    CostSplitShare,
    Document,
]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def both_cities(actor, departments, cameras):
    """Riverton's cameras with a split that TRN approved, and a lakeside solicitation with a
    line item and a split its lead department approved."""
    version = services.cost_split_propose(
        actor=actor("officer"),
        solicitation=cameras,
        method="line_item",
        inputs=line_item_split(cameras),
    )
    services.share_approve(actor=actor("head.trn"), version=version, department=departments["TRN"])
    lakeside = actor("officer.lakeside", "lakeside")
    salt = services.solicitation_create(
        actor=lakeside,
        kind="IFB",
        title="Road salt",
        lead_department=Department.objects.get(municipality__slug="lakeside"),
        bids_due_at=future(10),
    )
    services.line_item_add(
        actor=lakeside,
        solicitation=salt,
        description="Salt",
        quantity=100,
        estimated_unit_price="90.00",
    )
    services.criteria_set(
        actor=lakeside,
        solicitation=salt,
        criteria=[{"name": "Price", "weight": 100, "is_price": True}],
    )
    version = services.cost_split_propose(
        actor=lakeside,
        solicitation=salt,
        method="percentage",
        inputs={"percentages": {"PWD": "100"}},
    )
    pwd = salt.lead_department
    head = MembershipFactory(municipality=pwd.municipality, department=pwd, role="head")
    services.share_approve(
        actor=tenant_actor_for(head.user, "lakeside"), version=version, department=pwd
    )
    for solicitation, who in ((cameras, actor("officer")), (salt, lakeside)):
        services.document_add(
            actor=who,
            solicitation=solicitation,
            title="Specification",
            file=SimpleUploadedFile("spec.pdf", b"%PDF-1.4 spec"),
        )
    return cameras, salt


def tenant_admin(personas) -> Client:
    client = Client()
    client.force_login(personas["admin"])
    return client


def lakeside_row(model, salt):
    rows = model.objects.all()
    if model is Solicitation:
        return rows.get(pk=salt.pk)
    path = "version__solicitation" if model is CostSplitShare else "solicitation"
    return rows.filter(**{path: salt}).first()


def test_tenant_admin_lists_riverton_solicitations_only(personas, both_cities):
    cameras, _ = both_cities
    response = tenant_admin(personas).get(admin_url(Solicitation, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [cameras]
    assert "Road salt" not in response.content.decode()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_changelist_shows_riverton_rows_only(personas, both_cities, model):
    response = tenant_admin(personas).get(admin_url(model, "changelist"))
    assert response.status_code == 200
    shown = response.context["cl"].result_list
    path = "version__solicitation" if model is CostSplitShare else "solicitation"
    municipality = "municipality__slug" if model is Solicitation else f"{path}__municipality__slug"
    assert {row.pk for row in shown} == set(
        model.objects.filter(**{municipality: "riverton"}).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_a_lakeside_row_answers_like_a_missing_one(personas, both_cities, model):
    _, salt = both_cities
    row = lakeside_row(model, salt)
    foreign = tenant_admin(personas).get(admin_url(model, "change", row.pk))
    missing = tenant_admin(personas).get(admin_url(model, "change", MISSING_PK))
    assert outcome(foreign, row.pk) == outcome(missing, MISSING_PK)


def test_riverton_rows_are_read_only_even_for_the_operator(personas, both_cities):
    cameras, _ = both_cities
    operator = Client()
    operator.force_login(UserFactory(username="operator", is_staff=True, is_superuser=True))
    for client in (tenant_admin(personas), operator):
        page = client.get(admin_url(Solicitation, "change", cameras.pk))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert client.get(admin_url(Solicitation, "add")).status_code == 403
        assert client.get(admin_url(Solicitation, "delete", cameras.pk)).status_code == 403
        posted = client.post(admin_url(Solicitation, "change", cameras.pk), {"title": "Mine"})
        assert posted.status_code == 403
    cameras.refresh_from_db()
    assert cameras.title == "Intersection cameras at Main St & Elm St"
