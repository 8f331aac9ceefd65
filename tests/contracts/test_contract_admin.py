"""The Django admin of contracts (DESIGN.md 5.1, invariant 7): contracts, parties,
signatures and PDFs are a record there, read-only for everyone, the platform operator
included; a tenant admin lists their own city's rows only, and another city's row answers
exactly like a primary key that does not exist."""

import pytest
from django.test import Client

from contracts import services
from contracts.models import Contract, ContractPdf, Party, Signature
from departments.models import User
from departments.tenancy import tenant_actor_for
from tests.factories import (
    UserFactory,
    build_contract,
    build_lakeside_final_award,
    sign_every_party,
)
from tests.helpers import MISSING_PK, admin_url, database_state, outcome
from vendors.actor import vendor_actor_for

pytestmark = pytest.mark.django_db

MODELS = [Contract, Party, Signature, ContractPdf]
# How each model's rows reach their municipality.
CITY_OF = {
    Contract: "municipality__slug",
    Party: "contract__municipality__slug",
    Signature: "contract__municipality__slug",
    ContractPdf: "contract__municipality__slug",
}


def executed_in_lakeside(actor, personas) -> Contract:
    """Lakeside's road salt contract, signed by Acme and Public Works' head: executed."""
    award = build_lakeside_final_award(personas)
    officer = actor("officer.lakeside", "lakeside")
    contract = services.contract_prepare(
        actor=officer, solicitation=award.solicitation, start_date="2030-01-01", term_years=1
    )
    services.contract_send(actor=officer, contract=contract)
    head = tenant_actor_for(User.objects.get(username="head.pwd"), "lakeside")
    for signer, department in ((vendor_actor_for(personas["vendor.acme"]), None), (head, "PWD")):
        services.contract_sign(
            actor=signer,
            contract=contract,
            department=department,
            typed_name=signer.user.display_name,
            consent=True,
        )
    contract.refresh_from_db()
    assert contract.status == "executed"
    return contract


@pytest.fixture
def both_cities(actor, departments, personas):
    """An executed contract in each city, each with its parties, signatures and (pending)
    PDF."""
    riverton = sign_every_party(actor, personas, build_contract(actor, departments, personas))
    return riverton, executed_in_lakeside(actor, personas)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def riverton_admin(personas) -> Client:
    return signed_in(personas["admin"])


@pytest.fixture
def lakeside_admin(personas) -> Client:
    User.objects.filter(username="admin.lakeside").update(is_staff=True)
    return signed_in(User.objects.get(username="admin.lakeside"))


@pytest.fixture
def operator() -> Client:
    return signed_in(UserFactory(username="operator", is_staff=True, is_superuser=True))


def shown(client, model) -> set[int]:
    response = client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def rows_of(model, slug: str) -> set[int]:
    found = set(model.objects.filter(**{CITY_OF[model]: slug}).values_list("pk", flat=True))
    assert found, f"no {model.__name__} in {slug}"
    return found


def lakeside_row(model, contract: Contract):
    return contract if model is Contract else model.objects.filter(contract=contract).first()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_each_tenant_admin_lists_their_own_citys_rows_only(
    both_cities, riverton_admin, lakeside_admin, operator, model
):
    assert shown(riverton_admin, model) == rows_of(model, "riverton")
    assert shown(lakeside_admin, model) == rows_of(model, "lakeside")
    assert shown(operator, model) == rows_of(model, "riverton") | rows_of(model, "lakeside")


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_another_citys_row_answers_like_a_missing_one(both_cities, personas, model):
    _, lakeside = both_cities
    row = lakeside_row(model, lakeside)
    for view in ("change", "delete", "history"):
        # A client each: the refusal's message stays in the session until a page shows it.
        foreign = signed_in(personas["admin"]).get(admin_url(model, view, row.pk))
        missing = signed_in(personas["admin"]).get(admin_url(model, view, MISSING_PK))
        assert outcome(foreign, row.pk) == outcome(missing, MISSING_PK), view


def test_an_executed_contract_cannot_be_changed_through_the_admin_by_anyone(
    both_cities, riverton_admin, operator
):
    """Invariant 7 through the admin: every page shows the record read-only, and every add,
    change or delete is refused (403) with nothing changed, the operator's too."""
    riverton, _ = both_cities
    rows = {model: lakeside_row(model, riverton) for model in MODELS}
    before = database_state()
    for client in (riverton_admin, operator):
        for model, row in rows.items():
            page = client.get(admin_url(model, "change", row.pk))
            assert page.status_code == 200, model
            assert 'name="_save"' not in page.content.decode()
            assert client.get(admin_url(model, "add")).status_code == 403
            assert client.post(admin_url(model, "add"), {}).status_code == 403
            assert client.get(admin_url(model, "delete", row.pk)).status_code == 403
            assert client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code == (
                403
            )
            changed = client.post(
                admin_url(model, "change", row.pk),
                {"title": "Mine", "status": "draft", "typed_name": "Forged", "sha256": "0" * 64},
            )
            assert changed.status_code == 403, model
        listing = client.post(
            admin_url(Contract, "changelist"),
            {"action": "delete_selected", "_selected_action": [riverton.pk], "post": "yes"},
        )
        assert listing.status_code in (200, 302, 403)
    assert database_state() == before
    assert Contract.objects.get(pk=riverton.pk).status == "executed"
