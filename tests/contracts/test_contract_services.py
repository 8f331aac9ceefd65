"""The contract through its services (issue 13, "What it must show"): the officer prepares it
once from a final award (its number, parties, fund codes, signatories and schedule, every bad
input named by its field with nothing changed), the split's in-kind contribution carries over,
a change bumps the revision and, once out for signature, voids every signature and tells
everyone; only each party's named signatory signs for it (invariant 5), the last signature
executes it; nothing of an executed contract changes (invariant 7); the clock makes it active
and completed by the database's time, once; and nobody of another city, company or the public
sees what is not theirs."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models.functions import Now
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from contracts import pdf, selectors, services, tasks
from contracts.models import SIGN, Contract, ContractPdf, Party, Signature
from contracts.schedule import compute_schedule
from departments import services as department_services
from departments.models import Membership, Municipality
from departments.tenancy import tenant_actor_for
from p3hub.clock import db_now
from p3hub.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationErrors,
    ValidationFailed,
    each_error,
)
from p3hub.models import AuditEvent, OutboundEmail
from procurements import services as procurement_services
from tests.factories import (
    CONTRACT_TERMS,
    MembershipFactory,
    UserFactory,
    build_final_award,
    build_final_award_with_in_kind,
    build_lakeside_final_award,
    build_scored,
    sign_every_party,
)
from tests.helpers import database_state
from vendors.actor import VendorActor, vendor_actor_for
from vendors.models import Vendor
from vendors.services import vendor_user_add

pytestmark = pytest.mark.django_db

SIGNATORIES = ("vendor.acme", "head.psd", "head.trn")
# Whom the executed, PDF and terminated notices go to: the signatories, Acme's users and
# Riverton's officers.
EVERYONE = ("vendor.acme", "head.psd", "head.trn", "officer")
OF_RECORD = ("executed", "active", "completed", "terminated")


@pytest.fixture
def award(actor, departments, personas):
    return build_final_award(actor, departments, personas)


@pytest.fixture
def contract(actor, award):
    return prepare(actor, award)


@pytest.fixture
def company(personas):
    return lambda username: vendor_actor_for(personas[username])


@pytest.fixture
def colleague(personas):
    """Aaron, an active user of Acme besides Ada (`vendor.acme`), first in alphabetical order."""
    user = UserFactory(username="aaron.acme", first_name="Aaron", last_name="Acme")
    acme = Vendor.objects.get(name="Acme Traffic Systems")
    return VendorActor.of(vendor_user_add(vendor=acme, user=user))


@pytest.fixture
def second_trn_head(departments):
    """Another head of Transportation, first in alphabetical order."""
    user = UserFactory(username="aaron.trn", first_name="Aaron", last_name="Tran")
    MembershipFactory(
        user=user,
        municipality=departments["TRN"].municipality,
        department=departments["TRN"],
        role=Membership.Role.HEAD,
    )
    return user


def prepare(actor, award, *, by="officer", **terms):
    return services.contract_prepare(
        actor=actor(by), solicitation=award.solicitation, **{**CONTRACT_TERMS, **terms}
    )


def send(actor, contract):
    return services.contract_send(actor=actor("officer"), contract=contract)


def sign(actor, company, contract, code, *, by=None, **given):
    """Party `code` ("vendor" or a department's code) signs, by its demo signatory unless
    `by` (a username or an actor) says who tries."""
    if isinstance(by, str) or by is None:
        default = "vendor.acme" if code == "vendor" else f"head.{code.lower()}"
        by = company(by or default) if code == "vendor" else actor(by or default)
    fields = {
        "typed_name": by.user.display_name,
        "consent": True,
        "client_address": "198.51.100.7",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0",
        **given,
    }
    department = None if code == "vendor" else code
    return services.contract_sign(actor=by, contract=contract, department=department, **fields)


def past(contract, field: str) -> None:
    """`field` (starts_at or ends_at) a second ago by the database clock."""
    Contract.objects.filter(pk=contract.pk).update(**{field: Now() - dt.timedelta(seconds=1)})


def reach(status: str, actor, personas, contract) -> Contract:
    """The contract moved to `status` (executed or after) through the services and the
    clock."""
    contract = sign_every_party(actor, personas, contract)
    if status == "terminated":
        services.contract_terminate(
            actor=actor("officer"), contract=contract, reason="The vendor stopped work."
        )
    if status in ("active", "completed"):
        past(contract, "starts_at")
        services.contracts_clock_due()
    if status == "completed":
        past(contract, "ends_at")
        services.contracts_clock_due()
    contract.refresh_from_db()
    assert contract.status == status
    return contract


def told(key_prefix: str) -> list[str]:
    """The addresses e-mails whose key starts with `key_prefix` went to."""
    emails = OutboundEmail.objects.filter(key__startswith=key_prefix)
    return sorted(email.to[0] for email in emails)


def addresses(personas, usernames) -> list[str]:
    return sorted(personas[name].email for name in usernames)


def fields_of(error) -> set[str]:
    return {each.field for each in each_error(error)}


def riverton_year() -> int:
    return db_now().astimezone(Municipality.objects.get(slug="riverton").zone).year


def final_day(award) -> dt.date:
    return award.final_at.astimezone(award.solicitation.municipality.zone).date()


# --- preparing ------------------------------------------------------------------------------------


class TestPreparing:
    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_an_officer_prepares(self, actor, award, username):
        before = database_state()
        with pytest.raises(PermissionDenied):
            prepare(actor, award, by=username)
        assert database_state() == before

    def test_another_citys_officer_finds_nothing(self, actor, award):
        with pytest.raises(NotFound):
            services.contract_prepare(
                actor=actor("officer.lakeside", "lakeside"),
                solicitation=award.solicitation,
                **CONTRACT_TERMS,
            )
        assert not Contract.objects.exists()

    @pytest.mark.parametrize("stage", ["evaluated", "proposed", "published"])
    def test_only_from_a_final_award(self, actor, departments, personas, stage):
        solicitation = build_scored(actor, departments, personas)
        if stage != "evaluated":
            award = procurement_services.award_propose(
                actor=actor("officer"), solicitation=solicitation, bid=solicitation.acme
            )
        if stage == "published":
            for code in ("TRN", "PSD"):
                procurement_services.award_share_approve(
                    actor=actor(f"head.{code.lower()}"), award=award, department=departments[code]
                )
            assert award.__class__.objects.get(pk=award.pk).status == "published"
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            services.contract_prepare(
                actor=actor("officer"), solicitation=solicitation, **CONTRACT_TERMS
            )
        assert refused.value.code == "award_not_final"
        assert database_state() == before

    def test_once_per_award(self, actor, award, contract):
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            prepare(actor, award)
        assert refused.value.code == "contract_exists"
        assert database_state() == before

    def test_the_number_is_the_citys_code_the_year_and_a_counter(
        self, actor, departments, personas, contract
    ):
        year = riverton_year()
        assert contract.number == f"RIV-C-{year}-0001"
        assert re.fullmatch(r"[A-Z]{3}-C-\d{4}-\d{4}", contract.number)

        second = prepare(actor, build_final_award(actor, departments, personas))
        assert second.number == f"RIV-C-{year}-0002"

    def test_each_city_counts_its_own_numbers(self, actor, departments, personas, contract):
        lakeside_award = build_lakeside_final_award(personas)
        lakeside = services.contract_prepare(
            actor=actor("officer.lakeside", "lakeside"),
            solicitation=lakeside_award.solicitation,
            **CONTRACT_TERMS | {"in_kind": [], "capital": "0"},
        )
        year = riverton_year()
        assert (contract.number, lakeside.number) == (f"RIV-C-{year}-0001", f"LAK-C-{year}-0001")
        second = prepare(actor, build_final_award(actor, departments, personas))
        assert second.number == f"RIV-C-{year}-0002"
        assert lakeside.parties.get(kind="department").signatory.username == "head.pwd"

    def test_what_is_not_given_is_taken_from_the_award(
        self, actor, personas, award, colleague, second_trn_head
    ):
        """Aaron (Acme) and Aaron (a second TRN head) sort first, yet the defaults are the
        person who submitted the winning bid and the heads who approved the award."""
        contract = services.contract_prepare(
            actor=actor("officer"),
            solicitation=award.solicitation,
            start_date="2030-01-01",
            term_years="3",
        )
        assert contract.title == award.solicitation.title
        assert (contract.capital_minor, contract.in_kind, contract.special_terms) == (0, [], "")
        assert (contract.status, contract.revision) == ("draft", 1)
        assert contract.prepared_by == personas["officer"]
        signatories = {p.code: p.signatory.username for p in contract.parties.all()}
        assert signatories == {"vendor": "vendor.acme", "TRN": "head.trn", "PSD": "head.psd"}
        assert services.default_signatories(award) == {
            "vendor": personas["vendor.acme"],
            "TRN": personas["head.trn"],
            "PSD": personas["head.psd"],
        }

    def test_the_parties_carry_the_award_and_the_fund_codes(self, personas, contract):
        parties = [
            (p.position, p.code, p.amount_minor, p.fund_code, p.signatory.username)
            for p in contract.parties.select_related("department", "signatory")
        ]
        assert parties == [
            (0, "vendor", 0, "", "vendor.acme"),
            (1, "PSD", 155_556, "200-PSD-OPS", "head.psd"),
            (2, "TRN", 194_444, "100-TRN-CAP", "head.trn"),
        ]
        titles = [p.signatory_title for p in contract.parties.all()]
        assert titles == [
            "Ada Acme, authorised signer for Acme Traffic Systems",
            "Priya Shah, Head of Public Safety",
            "Tomas Reyes, Head of Transportation",
        ]
        # What the departments pay and the in-kind year make the awarded total.
        paid = sum(p.amount_minor for p in contract.parties.all())
        assert paid + contract.schedule["in_kind_minor"] == contract.total_minor == 450_000

    def test_the_schedule_and_the_term_are_stored(self, award, contract):
        assert contract.schedule == (
            compute_schedule(
                total_minor=450_000,
                capital_minor=150_000,
                term_years=3,
                start_date=dt.date(2030, 1, 1),
                weights=award.result["departments"],
                donors={1: "Acme Traffic Systems"},
            ).as_json()
        )
        assert contract.in_kind == [
            {"period": 1, "donor": "Acme Traffic Systems", "donor_is_vendor": True}
        ]
        zone = contract.municipality.zone
        assert contract.starts_at == dt.datetime(2030, 1, 1, tzinfo=zone)
        assert contract.ends_at == dt.datetime(2033, 1, 1, tzinfo=zone)
        assert (contract.award, contract.vendor) == (award, award.bid.vendor)

    def test_each_signatory_is_granted_this_contract(self, personas, contract):
        for username in SIGNATORIES:
            assert personas[username].has_perm(SIGN, contract), username
        for username in ("officer", "evaluator", "vendor.beacon", "admin"):
            assert not personas[username].has_perm(SIGN, contract), username

    def test_the_preparation_is_recorded(self, personas, contract):
        event = AuditEvent.objects.get(verb="contract.prepare")
        assert (event.actor, event.municipality) == (personas["officer"], contract.municipality)
        assert event.object_id == str(contract.pk)
        assert event.after["number"] == contract.number
        assert event.after["total_minor"] == 450_000
        assert event.after["capital_minor"] == 150_000


# Bad input: (terms over CONTRACT_TERMS, the field named, its code or None). "@name" is that
# persona's primary key.
BAD_TERMS = [
    ({"start_date": ""}, "start_date", "required"),
    ({"start_date": None}, "start_date", "required"),
    ({"start_date": "2030-02-30"}, "start_date", None),
    ({"start_date": "1/1/2030"}, "start_date", None),
    ({"start_date": dt.datetime(2030, 1, 1, tzinfo=dt.UTC)}, "start_date", None),
    ({"start_date": "2045-01-01"}, "start_date", None),
    ({"start_date": "9999-12-31", "term_years": 30}, "start_date", None),
    ({"start_date": "0001-01-01"}, "start_date", "start_before_award"),
    ({"start_date": 20300101}, "start_date", None),
    ({"term_years": 0}, "term_years", None),
    ({"term_years": 31}, "term_years", None),
    ({"term_years": "three"}, "term_years", None),
    ({"term_years": "2.5"}, "term_years", None),
    ({"term_years": True}, "term_years", None),
    ({"term_years": ""}, "term_years", "required"),
    ({"capital": "-1.00"}, "capital", None),
    ({"capital": "4,500.01"}, "capital", "capital_out_of_range"),
    ({"capital": "1.005"}, "capital", None),
    ({"capital": "lots"}, "capital", None),
    ({"capital": 1.5}, "capital", None),
    ({"title": "  "}, "title", "required"),
    ({"title": "x" * 201}, "title", "max_length"),
    ({"special_terms": "x" * 8001}, "special_terms", "max_length"),
    ({"special_terms": "nul \x00"}, "special_terms", None),
    ({"in_kind": [{"period": 4, "donor": "vendor"}]}, "in_kind", "unknown_period"),
    ({"capital": "0", "in_kind": [{"period": 0, "donor": "vendor"}]}, "in_kind", "unknown_period"),
    ({"in_kind": [{"period": 31, "donor": "vendor"}]}, "in_kind.0.period", None),
    ({"in_kind": [{"period": "first", "donor": "vendor"}]}, "in_kind.0.period", None),
    ({"in_kind": [{"donor": "vendor"}]}, "in_kind.0.period", None),
    (
        {"in_kind": [{"period": 1, "donor": "vendor"}, {"period": "1", "donor": "vendor"}]},
        "in_kind.1.period",
        "twice",
    ),
    ({"in_kind": [{"period": 2, "donor": "partner"}]}, "in_kind.0.partner", "required"),
    ({"in_kind": [{"period": 2, "donor": "partner", "partner": " "}]}, "in_kind.0.partner", None),
    ({"in_kind": [{"period": 2, "donor": "the city"}]}, "in_kind.0.donor", None),
    ({"in_kind": [{"period": 2}]}, "in_kind.0.donor", None),
    ({"in_kind": ["year 1"]}, "in_kind.0", None),
    ({"in_kind": "year 1"}, "in_kind", None),
    ({"in_kind": {"period": 1}}, "in_kind", None),
    ({"signatories": {"TRN": "@evaluator"}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"TRN": "@head.psd"}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"TRN": "@officer"}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"TRN": "@officer.lakeside"}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"TRN": "@vendor.acme"}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"vendor": "@vendor.beacon"}}, "signatories.vendor", "not_a_signer"),
    ({"signatories": {"vendor": "@head.trn"}}, "signatories.vendor", "not_a_signer"),
    ({"signatories": {"PWD": "@head.trn"}}, "signatories.PWD", None),
    ({"signatories": {"TRN": "Tomas"}}, "signatories.TRN", None),
    ({"signatories": {"TRN": 987_654}}, "signatories.TRN", "not_a_signer"),
    ({"signatories": {"TRN": True}}, "signatories.TRN", None),
    ({"signatories": {"TRN": None}}, "signatories.TRN", None),
    ({"signatories": ["@head.trn"]}, "signatories", None),
    ({"total": "1.00"}, "total", None),
    ({"status": "executed"}, "status", None),
]


def with_personas(terms, personas):
    """`terms` with every "@username" replaced by that persona's primary key."""

    def resolve(value):
        if isinstance(value, str) and value.startswith("@"):
            return personas[value[1:]].pk
        if isinstance(value, dict):
            return {key: resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [resolve(item) for item in value]
        return value

    return resolve(terms)


class TestPreparingRefusesBadInput:
    @pytest.mark.parametrize(("terms", "field", "code"), BAD_TERMS, ids=lambda v: str(v)[:50])
    def test_bad_input_names_its_field_and_changes_nothing(
        self, actor, personas, award, terms, field, code
    ):
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            prepare(actor, award, **with_personas(terms, personas))
        assert refused.value.field == field, refused.value.message
        if code:
            assert refused.value.code == code
        assert database_state() == before

    def test_the_start_cannot_be_before_the_award_became_final(self, actor, award):
        day = final_day(award)
        with pytest.raises(ValidationFailed) as refused:
            prepare(actor, award, start_date=day - dt.timedelta(days=1))
        assert (refused.value.field, refused.value.code) == ("start_date", "start_before_award")
        assert not Contract.objects.exists()

        assert prepare(actor, award, start_date=day).start_date == day

    def test_every_error_is_named_at_once(self, actor, personas, award):
        with pytest.raises(ValidationErrors) as refused:
            prepare(
                actor,
                award,
                title="",
                start_date=final_day(award) - dt.timedelta(days=1),
                term_years=0,
                capital="lots",
                in_kind=[{"period": 1, "donor": "vendor"}, {"period": 2, "donor": "partner"}],
                signatories={"TRN": personas["head.psd"].pk, "XYZ": 1},
            )
        assert fields_of(refused.value) == {
            "title",
            "start_date",
            "term_years",
            "capital",
            "in_kind.1.partner",
            "signatories.TRN",
            "signatories.XYZ",
        }
        assert not Contract.objects.exists()

    def test_a_schedule_refusal_comes_with_the_others(self, actor, personas, award):
        """The capital over the total is refused with the wrong signatory, not after it."""
        with pytest.raises(ValidationErrors) as refused:
            prepare(actor, award, capital="9,999.00", signatories={"vendor": 987_654})
        assert fields_of(refused.value) == {"capital", "signatories.vendor"}


# --- the split's in-kind contribution ----------------------------------------------------------


class TestTheInKindContributionCarriesOver:
    """The approved split kept 1,000.00 in kind: the departments approved 3,500.00 of the
    4,500.00 awarded, so the contract's in-kind periods must be worth at least 1,000.00."""

    @pytest.fixture
    def award(self, actor, departments, personas):
        award = build_final_award_with_in_kind(actor, departments, personas)
        assert (award.total_minor, award.in_kind_minor) == (450_000, 100_000)
        return award

    @pytest.mark.parametrize(
        "terms",
        [
            {"in_kind": []},
            # Five years of 900.00: year 1 is worth less than the contribution.
            {"capital": "0", "term_years": 5},
            {"in_kind": [{"period": 0, "donor": "vendor"}], "capital": "999.99"},
        ],
        ids=["none", "a-smaller-year", "a-smaller-capital-part"],
    )
    def test_in_kind_periods_worth_less_are_refused(self, actor, award, terms):
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            prepare(actor, award, **terms)
        assert (refused.value.field, refused.value.code) == ("in_kind", "in_kind_short")
        assert database_state() == before

    def test_without_in_kind_periods_year_1_is_proposed_donated_by_the_contributor(
        self, actor, award
    ):
        assert services.default_in_kind(award) == [
            {"period": 1, "donor": "partner", "partner": "Harbor Foundation"}
        ]
        terms = {key: value for key, value in CONTRACT_TERMS.items() if key != "in_kind"}
        contract = services.contract_prepare(
            actor=actor("officer"), solicitation=award.solicitation, **terms
        )
        assert contract.in_kind == [
            {"period": 1, "donor": "Harbor Foundation", "donor_is_vendor": False}
        ]

    def test_a_contribution_by_the_vendor_itself_is_proposed_as_the_vendors(
        self, actor, departments, personas
    ):
        award = build_final_award_with_in_kind(
            actor, departments, personas, contributor="acme traffic systems"
        )
        assert services.default_in_kind(award) == [{"period": 1, "donor": "vendor"}]

    def test_an_award_without_a_contribution_proposes_no_in_kind_period(
        self, actor, departments, personas
    ):
        assert services.default_in_kind(build_final_award(actor, departments, personas)) == []

    def test_exactly_the_contribution_charges_each_department_its_approved_amount(
        self, actor, award
    ):
        contract = prepare(actor, award)  # year 1, 1,000.00, in kind

        approved = dict(award.shares.values_list("department__code", "amount_minor"))
        charged = {p.code: p.amount_minor for p in contract.parties.exclude(kind="vendor")}
        assert charged == approved == award.result["departments"]

    def test_more_than_the_contribution_charges_no_department_more(self, actor, award):
        contract = prepare(
            actor,
            award,
            in_kind=[
                {"period": 1, "donor": "vendor"},
                {"period": 2, "donor": "partner", "partner": "Harbor Foundation"},
            ],
        )

        approved = award.result["departments"]
        for party in contract.parties.exclude(kind="vendor"):
            assert party.amount_minor <= approved[party.code]
        assert sum(p.amount_minor for p in contract.parties.all()) == 250_000
        donors = [(p["label"], p["donor"]) for p in contract.schedule["periods"] if p["in_kind"]]
        assert donors == [("Year 1", "Acme Traffic Systems"), ("Year 2", "Harbor Foundation")]
        assert contract.in_kind[1] == {
            "period": 2,
            "donor": "Harbor Foundation",
            "donor_is_vendor": False,
        }


# --- changing -------------------------------------------------------------------------------------


class TestUpdating:
    def test_a_draft_change_bumps_the_revision_and_recomputes_the_schedule(
        self, actor, award, contract
    ):
        updated = services.contract_update(
            actor=actor("officer"), contract=contract, term_years=4, capital="500.00"
        )

        stored = Contract.objects.get(pk=contract.pk)
        assert (updated.revision, stored.revision, stored.status) == (2, 2, "draft")
        assert stored.schedule == (
            compute_schedule(
                total_minor=450_000,
                capital_minor=50_000,
                term_years=4,
                start_date=dt.date(2030, 1, 1),
                weights=award.result["departments"],
                donors={1: "Acme Traffic Systems"},
            ).as_json()
        )
        amounts = {p.code: p.amount_minor for p in stored.parties.exclude(kind="vendor")}
        assert amounts == {
            code: row["total_minor"] for code, row in stored.schedule["departments"].items()
        }
        assert stored.ends_at == dt.datetime(2034, 1, 1, tzinfo=stored.municipality.zone)
        event = AuditEvent.objects.get(verb="contract.update")
        assert (event.before, event.after["revision"]) == ({"revision": 1}, 2)
        assert not OutboundEmail.objects.filter(key__startswith="contract-returned").exists()

    def test_what_is_not_named_is_kept(self, actor, contract):
        services.contract_update(
            actor=actor("officer"), contract=contract, title="Cameras, phase 1"
        )

        stored = Contract.objects.get(pk=contract.pk)
        assert stored.title == "Cameras, phase 1"
        assert (stored.term_years, stored.capital_minor) == (3, 150_000)
        assert stored.in_kind == contract.in_kind and stored.schedule == contract.schedule

    def test_the_same_terms_again_change_nothing(self, actor, personas, contract):
        before = database_state()
        services.contract_update(
            actor=actor("officer"),
            contract=contract,
            **CONTRACT_TERMS,
            title=contract.title,
            signatories={"TRN": personas["head.trn"].pk},
        )
        assert database_state() == before

    @pytest.mark.parametrize("username", ["head.trn", "admin"])
    def test_only_the_officer_changes_it(self, actor, contract, username):
        before = database_state()
        with pytest.raises(PermissionDenied):
            services.contract_update(actor=actor(username), contract=contract, term_years=4)
        assert database_state() == before

    def test_bad_input_changes_nothing(self, actor, contract):
        before = database_state()
        with pytest.raises(ValidationErrors) as refused:
            services.contract_update(
                actor=actor("officer"), contract=contract, term_years=0, in_kind="all"
            )
        assert fields_of(refused.value) == {"term_years", "in_kind"}
        assert database_state() == before

    def test_a_change_out_for_signature_voids_every_signature_and_everyone_is_told(
        self, actor, company, personas, contract
    ):
        send(actor, contract)
        sign(actor, company, contract, "vendor")
        sign(actor, company, contract, "TRN")

        services.contract_update(
            actor=actor("officer"), contract=contract, special_terms="Cameras face north."
        )

        stored = Contract.objects.get(pk=contract.pk)
        assert (stored.status, stored.revision, stored.sent_at) == ("draft", 2, None)
        signatures = Signature.objects.filter(contract=contract)
        assert signatures.count() == 2  # kept, voided
        assert all(s.voided_at is not None and s.revision == 1 for s in signatures)
        recall = AuditEvent.objects.get(verb="contract.recall")
        assert recall.after["signatures_voided"] == 2
        assert told(f"contract-returned:{contract.pk}:") == addresses(personas, SIGNATORIES)

        # Sent again, each signatory is asked again and signs revision 2.
        send(actor, contract)
        assert told(f"contract-sign:{contract.pk}:") == sorted(addresses(personas, SIGNATORIES) * 2)
        assert sign(actor, company, contract, "vendor").revision == 2

    def test_changing_a_signatory_moves_the_grant(
        self, actor, company, personas, contract, second_trn_head
    ):
        services.contract_update(
            actor=actor("officer"), contract=contract, signatories={"TRN": second_trn_head.pk}
        )
        party = contract.parties.get(department__code="TRN")
        assert party.signatory == second_trn_head
        assert party.signatory_title == "Aaron Tran, Head of Transportation"
        assert second_trn_head.has_perm(SIGN, contract)
        assert not personas["head.trn"].has_perm(SIGN, contract)

        send(actor, contract)
        with pytest.raises(PermissionDenied):
            sign(actor, company, contract, "TRN")
        aaron = tenant_actor_for(second_trn_head, "riverton")
        assert sign(actor, company, contract, "TRN", by=aaron).signer == second_trn_head

    def test_a_person_signing_for_two_parties_keeps_the_grant_of_the_other(
        self, actor, company, departments, award
    ):
        """Dana heads both departments and is named for both; naming Tomas for TRN leaves
        Dana PSD's signatory, still able to sign it."""
        dana = UserFactory(username="dana.heads", first_name="Dana", last_name="Both")
        for code in ("TRN", "PSD"):
            MembershipFactory(
                user=dana,
                municipality=departments[code].municipality,
                department=departments[code],
                role=Membership.Role.HEAD,
            )
        contract = prepare(actor, award, signatories={"TRN": dana.pk, "PSD": dana.pk})

        services.contract_update(
            actor=actor("officer"),
            contract=contract,
            signatories={"TRN": actor("head.trn").user.pk},
        )

        assert dana.has_perm(SIGN, contract)
        send(actor, contract)
        dana_signs = tenant_actor_for(dana, "riverton")
        assert sign(actor, company, contract, "PSD", by=dana_signs).signer == dana


# --- invariant 7 ----------------------------------------------------------------------------------


def try_update(actor, company, contract):
    services.contract_update(actor=actor("officer"), contract=contract, title="Changed")


def try_update_same(actor, company, contract):
    services.contract_update(actor=actor("officer"), contract=contract, **CONTRACT_TERMS)


def try_send(actor, company, contract):
    send(actor, contract)


def try_recall(actor, company, contract):
    services.contract_recall(actor=actor("officer"), contract=contract, reason="A typo.")


def try_vendor_sign(actor, company, contract):
    sign(actor, company, contract, "vendor")


def try_head_sign(actor, company, contract):
    sign(actor, company, contract, "TRN")


class TestOfRecordNothingChanges:
    @pytest.mark.parametrize("status", OF_RECORD)
    @pytest.mark.parametrize(
        "attempt",
        [try_update, try_update_same, try_send, try_recall, try_vendor_sign, try_head_sign],
        ids=lambda f: f.__name__,
    )
    def test_every_change_is_refused(self, actor, company, personas, contract, status, attempt):
        contract = reach(status, actor, personas, contract)
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            attempt(actor, company, contract)
        assert refused.value.status_code == 409
        assert database_state() == before

    @pytest.mark.parametrize("status", OF_RECORD)
    def test_a_change_of_terms_says_it_is_of_record(self, actor, personas, contract, status):
        contract = reach(status, actor, personas, contract)
        with pytest.raises(InvalidTransition) as refused:
            try_update(actor, None, contract)
        assert refused.value.code == "contract_of_record"

    @pytest.mark.parametrize("status", ["completed", "terminated"])
    def test_an_ended_contract_cannot_be_terminated(self, actor, personas, contract, status):
        contract = reach(status, actor, personas, contract)
        before = database_state()
        with pytest.raises(InvalidTransition):
            services.contract_terminate(actor=actor("officer"), contract=contract, reason="Again.")
        assert database_state() == before


# --- send, recall, terminate ----------------------------------------------------------------------


class TestSending:
    def test_the_officer_sends_it_and_each_signatory_is_asked(self, actor, personas, contract):
        sent = send(actor, contract)

        stored = Contract.objects.get(pk=contract.pk)
        assert sent.status == stored.status == "out_for_signature"
        assert stored.sent_at is not None
        assert AuditEvent.objects.filter(verb="contract.send").count() == 1
        assert told(f"contract-sign:{contract.pk}:") == addresses(personas, SIGNATORIES)
        vendor_email = OutboundEmail.objects.get(
            key__startswith=f"contract-sign:{contract.pk}:", to=[personas["vendor.acme"].email]
        )
        assert f"/vendor/contracts/riverton/{contract.number}/" in vendor_email.body

    @pytest.mark.parametrize("username", ["head.trn", "admin", "evaluator"])
    def test_only_the_officer_sends(self, actor, contract, username):
        before = database_state()
        with pytest.raises(PermissionDenied):
            services.contract_send(actor=actor(username), contract=contract)
        assert database_state() == before

    def test_not_twice(self, actor, contract):
        send(actor, contract)
        before = database_state()
        with pytest.raises(InvalidTransition):
            send(actor, contract)
        assert database_state() == before


class TestRecalling:
    def test_the_officer_takes_it_back_and_every_signature_is_voided(
        self, actor, company, personas, contract
    ):
        send(actor, contract)
        signature = sign(actor, company, contract, "PSD")

        services.contract_recall(actor=actor("officer"), contract=contract, reason="Wrong date.")

        stored = Contract.objects.get(pk=contract.pk)
        assert (stored.status, stored.revision) == ("draft", 1)
        signature.refresh_from_db()
        assert signature.voided_at is not None
        event = AuditEvent.objects.get(verb="contract.recall")
        assert event.after["reason"] == "Wrong date."
        assert told(f"contract-returned:{contract.pk}:") == addresses(personas, SIGNATORIES)

    def test_sent_and_recalled_again_everyone_is_asked_and_told_again(
        self, actor, company, personas, contract
    ):
        for _ in range(2):
            send(actor, contract)
            sign(actor, company, contract, "vendor")
            services.contract_recall(actor=actor("officer"), contract=contract)

        assert told(f"contract-sign:{contract.pk}:") == sorted(addresses(personas, SIGNATORIES) * 2)
        assert told(f"contract-returned:{contract.pk}:") == sorted(
            addresses(personas, SIGNATORIES) * 2
        )
        assert told(f"contract-signed:{contract.pk}:") == addresses(personas, ["officer"]) * 2
        assert Signature.objects.filter(contract=contract, voided_at__isnull=False).count() == 2

    def test_only_the_officer_recalls(self, actor, contract):
        send(actor, contract)
        before = database_state()
        with pytest.raises(PermissionDenied):
            services.contract_recall(actor=actor("head.trn"), contract=contract)
        assert database_state() == before

    def test_a_draft_cannot_be_recalled(self, actor, contract):
        before = database_state()
        with pytest.raises(InvalidTransition):
            services.contract_recall(actor=actor("officer"), contract=contract)
        assert database_state() == before

    def test_an_overlong_reason_is_refused(self, actor, contract):
        send(actor, contract)
        with pytest.raises(ValidationFailed) as refused:
            services.contract_recall(actor=actor("officer"), contract=contract, reason="x" * 4001)
        assert refused.value.field == "reason"


class TestTerminating:
    @pytest.mark.parametrize("status", ["executed", "active"])
    def test_the_officer_terminates_an_executed_or_active_contract(
        self, actor, personas, contract, status
    ):
        contract = reach(status, actor, personas, contract)

        services.contract_terminate(
            actor=actor("officer"), contract=contract, reason="  The vendor stopped work.  "
        )

        stored = Contract.objects.get(pk=contract.pk)
        assert stored.status == "terminated" and stored.ended_at is not None
        assert stored.termination_reason == "The vendor stopped work."
        assert AuditEvent.objects.get(verb="contract.terminate").after["reason"] == (
            "The vendor stopped work."
        )
        assert told(f"contract-terminated:{contract.pk}:") == addresses(personas, EVERYONE)

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_the_reason_is_required(self, actor, personas, contract, reason):
        contract = reach("executed", actor, personas, contract)
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            services.contract_terminate(actor=actor("officer"), contract=contract, reason=reason)
        assert (refused.value.field, refused.value.code) == ("reason", "required")
        assert database_state() == before

    def test_only_the_officer_terminates(self, actor, personas, contract):
        contract = reach("executed", actor, personas, contract)
        before = database_state()
        with pytest.raises(PermissionDenied):
            services.contract_terminate(actor=actor("head.trn"), contract=contract, reason="No.")
        assert database_state() == before

    @pytest.mark.parametrize("sent", [False, True], ids=["draft", "out-for-signature"])
    def test_not_before_it_is_executed(self, actor, contract, sent):
        if sent:
            send(actor, contract)
        before = database_state()
        with pytest.raises(InvalidTransition):
            services.contract_terminate(actor=actor("officer"), contract=contract, reason="No.")
        assert database_state() == before


# --- signing -------------------------------------------------------------------------------------


@pytest.fixture
def sent(actor, contract):
    return send(actor, contract)


class TestSigning:
    def test_the_signatory_signs_and_everything_is_recorded(self, actor, company, personas, sent):
        earliest = db_now()
        signature = sign(actor, company, sent, "TRN", typed_name="  Tomas Reyes ")
        latest = db_now()

        stored = Signature.objects.get(pk=signature.pk)
        assert stored.party == sent.parties.get(department__code="TRN")
        assert (stored.signer, stored.typed_name) == (personas["head.trn"], "Tomas Reyes")
        assert (stored.consented, stored.revision, stored.voided_at) == (True, 1, None)
        assert stored.client_address == "198.51.100.7"
        assert stored.user_agent == "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"
        assert earliest <= stored.signed_at <= latest
        event = AuditEvent.objects.get(verb="contract.sign")
        assert event.municipality == sent.municipality and event.actor == personas["head.trn"]
        assert event.after["party"] == "TRN" and event.after["typed_name"] == "Tomas Reyes"
        assert Contract.objects.get(pk=sent.pk).status == "out_for_signature"
        assert told(f"contract-signed:{sent.pk}:") == addresses(personas, ["officer"])

    def test_the_time_is_the_databases_whatever_the_application_clock_says(
        self, actor, company, sent
    ):
        ahead = db_now() + dt.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=ahead):
            signature = sign(actor, company, sent, "PSD")
        assert abs(db_now() - signature.signed_at) < dt.timedelta(minutes=5)

    def test_the_vendors_signature_is_recorded_in_the_citys_chain(
        self, actor, company, personas, sent
    ):
        sign(actor, company, sent, "vendor", user_agent="x" * 500, client_address="")
        event = AuditEvent.objects.get(verb="contract.sign")
        assert event.municipality == sent.municipality and event.actor == personas["vendor.acme"]
        stored = Signature.objects.get(contract=sent)
        assert (len(stored.user_agent), stored.client_address) == (300, None)

    def test_a_head_cannot_sign_for_another_department(self, actor, company, personas, sent):
        """Invariant 5: head.psd signs PSD's part, never TRN's, even with the grant by hand
        and even were they named TRN's signatory behind the services' back."""
        before = database_state()
        with pytest.raises(PermissionDenied):
            sign(actor, company, sent, "TRN", by="head.psd")
        assert database_state() == before

        assign_perm(SIGN, actor("evaluator").user, sent)
        with pytest.raises(PermissionDenied):
            sign(actor, company, sent, "TRN", by="evaluator")

        Party.objects.filter(contract=sent, department__code="TRN").update(
            signatory=personas["head.psd"]
        )
        with pytest.raises(PermissionDenied):
            sign(actor, company, sent, "TRN", by="head.psd")
        assert not Signature.objects.exists()

    def test_a_head_who_is_no_longer_head_cannot_sign(self, actor, company, departments, sent):
        admin = actor("admin")
        head = Membership.objects.get(user__username="head.trn", role=Membership.Role.HEAD)
        department_services.membership_grant(
            actor=admin, user=head.user, role=Membership.Role.MEMBER, department=departments["TRN"]
        )
        department_services.membership_revoke(actor=admin, membership=head)
        before = database_state()

        with pytest.raises(PermissionDenied):
            sign(actor, company, sent, "TRN")
        assert database_state() == before

    def test_a_user_of_another_company_finds_nothing(self, actor, company, sent):
        before = database_state()
        with pytest.raises(NotFound):
            sign(actor, company, sent, "vendor", by="vendor.beacon")
        assert database_state() == before

    def test_a_colleague_at_the_company_who_is_not_the_signatory_may_not(
        self, actor, company, colleague, sent
    ):
        before = database_state()
        with pytest.raises(PermissionDenied) as refused:
            sign(actor, company, sent, "vendor", by=colleague)
        assert "Ada Acme" in refused.value.message
        assert database_state() == before

    @pytest.mark.parametrize("username", ["officer", "evaluator", "admin"])
    def test_staff_who_are_not_a_partys_signatory_may_not(self, actor, company, sent, username):
        with pytest.raises(PermissionDenied):
            sign(actor, company, sent, "TRN", by=username)

    @pytest.mark.parametrize("department", ["vendor", "PWD", "", None, 7])
    def test_staff_name_a_department_of_the_contract(self, actor, sent, department):
        with pytest.raises(ValidationFailed) as refused:
            services.contract_sign(
                actor=actor("head.trn"),
                contract=sent,
                department=department,
                typed_name="Tomas Reyes",
                consent=True,
            )
        assert refused.value.field == "department"

    def test_another_citys_officer_finds_nothing(self, actor, sent):
        with pytest.raises(NotFound):
            services.contract_sign(
                actor=actor("officer.lakeside", "lakeside"),
                contract=sent,
                department="TRN",
                typed_name="Lena Lake",
                consent=True,
            )

    @pytest.mark.parametrize(
        ("given", "fields"),
        [
            ({"consent": False}, ("consent",)),
            ({"consent": "yes"}, ("consent",)),
            ({"consent": None}, ("consent",)),
            ({"typed_name": "   "}, ("typed_name",)),
            ({"typed_name": None}, ("typed_name",)),
            ({"typed_name": "x" * 201}, ("typed_name",)),
            ({"typed_name": "", "consent": False}, ("typed_name", "consent")),
        ],
        ids=lambda v: str(v)[:30],
    )
    def test_the_name_and_the_consent_are_required(self, actor, company, sent, given, fields):
        before = database_state()
        with pytest.raises(ValidationFailed) as refused:
            sign(actor, company, sent, "TRN", **given)
        assert fields_of(refused.value) == set(fields)
        assert database_state() == before

    def test_not_twice(self, actor, company, sent):
        sign(actor, company, sent, "vendor")
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            sign(actor, company, sent, "vendor")
        assert refused.value.code == "already_signed"
        assert database_state() == before

    def test_not_a_draft(self, actor, company, contract):
        before = database_state()
        with pytest.raises(InvalidTransition) as refused:
            sign(actor, company, contract, "TRN")
        assert refused.value.code == "not_out_for_signature"
        assert database_state() == before

    def test_the_last_signature_executes_and_queues_the_pdf_once(
        self, actor, company, personas, sent, django_capture_on_commit_callbacks
    ):
        sign(actor, company, sent, "vendor")
        sign(actor, company, sent, "PSD")
        assert not ContractPdf.objects.exists()

        with (
            mock.patch.object(tasks.contract_pdf_render, "delay") as render,
            django_capture_on_commit_callbacks(execute=True),
        ):
            sign(actor, company, sent, "TRN")

        stored = Contract.objects.get(pk=sent.pk)
        assert stored.status == "executed" and stored.executed_at is not None
        pdf = ContractPdf.objects.get(contract=sent)
        assert (pdf.status, pdf.attempts, pdf.sha256) == ("pending", 0, "")
        assert pdf.requested_at == stored.executed_at
        render.assert_called_once_with(sent.pk)
        assert AuditEvent.objects.filter(verb="contract.execute").count() == 1
        assert told(f"contract-executed:{sent.pk}:") == addresses(personas, EVERYONE)
        # The officers hear of the first two signatures; the last is the execution.
        assert told(f"contract-signed:{sent.pk}:") == addresses(personas, ["officer"]) * 2


# --- the clock ------------------------------------------------------------------------------------


class TestTheClock:
    def test_an_executed_contract_becomes_active_once_its_start_passed(
        self, actor, personas, contract
    ):
        contract = reach("executed", actor, personas, contract)
        past(contract, "starts_at")

        assert services.contracts_clock_due() == {"activated": 1, "completed": 0}

        assert Contract.objects.get(pk=contract.pk).status == "active"
        event = AuditEvent.objects.get(verb="contract.activate")
        assert event.actor is None and event.municipality == contract.municipality
        before = database_state()
        assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
        assert database_state() == before

    def test_not_before_its_start(self, actor, personas, contract):
        contract = reach("executed", actor, personas, contract)
        Contract.objects.filter(pk=contract.pk).update(starts_at=Now() + dt.timedelta(hours=1))
        before = database_state()
        assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
        assert database_state() == before

    def test_an_active_contract_is_completed_at_the_end_of_its_term(
        self, actor, personas, contract
    ):
        contract = reach("active", actor, personas, contract)
        past(contract, "ends_at")

        assert services.contracts_clock_due() == {"activated": 0, "completed": 1}

        stored = Contract.objects.get(pk=contract.pk)
        assert stored.status == "completed" and stored.ended_at is not None
        before = database_state()
        assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
        assert database_state() == before

    def test_an_application_clock_a_day_ahead_changes_nothing(self, actor, personas, contract):
        contract = reach("executed", actor, personas, contract)
        Contract.objects.filter(pk=contract.pk).update(
            starts_at=Now() + dt.timedelta(hours=1), ends_at=Now() + dt.timedelta(hours=2)
        )
        before = database_state()
        ahead = db_now() + dt.timedelta(days=1)
        with mock.patch("django.utils.timezone.now", return_value=ahead):
            assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
        assert database_state() == before

    @pytest.mark.parametrize("status", ["draft", "out_for_signature", "terminated"])
    def test_contracts_not_executed_or_ended_are_left_alone(
        self, actor, personas, contract, status
    ):
        if status == "out_for_signature":
            send(actor, contract)
        if status == "terminated":
            contract = reach("terminated", actor, personas, contract)
        Contract.objects.filter(pk=contract.pk).update(
            starts_at=Now() - dt.timedelta(days=2), ends_at=Now() - dt.timedelta(days=1)
        )
        before = database_state()
        assert services.contracts_clock_due() == {"activated": 0, "completed": 0}
        assert database_state() == before


# --- who sees what --------------------------------------------------------------------------------


class TestWhoSeesWhat:
    def test_another_citys_officer_sees_nothing_of_rivertons(self, actor, personas, contract):
        contract = sign_every_party(actor, personas, contract)
        lakeside = actor("officer.lakeside", "lakeside")

        assert list(selectors.contracts_for_staff(lakeside)) == []
        assert list(selectors.awards_ready_for_contract(lakeside)) == []
        with pytest.raises(NotFound):
            selectors.contract_get_for_staff(lakeside, contract.number)
        municipality = lakeside.municipality
        assert list(selectors.contracts_public(municipality)) == []
        with pytest.raises(NotFound):
            selectors.contract_public_get(municipality, contract.number)

    @pytest.mark.parametrize(
        "attempt",
        [
            lambda who, c: services.contract_update(actor=who, contract=c, title="Mine"),
            lambda who, c: services.contract_send(actor=who, contract=c),
            lambda who, c: services.contract_recall(actor=who, contract=c),
            lambda who, c: services.contract_terminate(actor=who, contract=c, reason="Mine."),
        ],
        ids=["update", "send", "recall", "terminate"],
    )
    def test_another_citys_officer_changes_nothing(self, actor, contract, attempt):
        before = database_state()
        with pytest.raises(NotFound):
            attempt(actor("officer.lakeside", "lakeside"), contract)
        assert database_state() == before

    def test_each_city_sees_its_own(self, actor, personas, contract):
        lakeside_award = build_lakeside_final_award(personas)
        lakeside = actor("officer.lakeside", "lakeside")
        theirs = services.contract_prepare(
            actor=lakeside,
            solicitation=lakeside_award.solicitation,
            start_date="2030-01-01",
            term_years=1,
        )
        assert list(selectors.contracts_for_staff(lakeside)) == [theirs]
        assert list(selectors.contracts_for_staff(actor("officer"))) == [contract]
        with pytest.raises(NotFound):
            selectors.contract_get_for_staff(actor("officer"), theirs.number)

    def test_the_staff_read_drafts_and_by_status(self, actor, contract):
        officer = actor("officer")
        assert selectors.contract_get_for_staff(officer, contract.number) == contract
        assert list(selectors.contracts_for_staff(officer, status="draft")) == [contract]
        assert list(selectors.contracts_for_staff(officer, status="executed")) == []
        for number in (None, 7, "RIV-C-2026-9999", "nul\x00"):
            with pytest.raises(NotFound):
                selectors.contract_get_for_staff(officer, number)

    def test_the_award_waits_for_its_contract_until_prepared(self, actor, award):
        officer = actor("officer")
        assert list(selectors.awards_ready_for_contract(officer)) == [award]
        prepare(actor, award)
        assert list(selectors.awards_ready_for_contract(officer)) == []

    def test_the_company_reads_its_contracts_once_sent(self, actor, company, contract):
        acme, beacon = company("vendor.acme"), company("vendor.beacon")
        assert list(selectors.contracts_for_vendor(acme)) == []
        with pytest.raises(NotFound):
            selectors.contract_get_for_vendor(acme, "riverton", contract.number)

        send(actor, contract)
        assert list(selectors.contracts_for_vendor(acme)) == [contract]
        assert selectors.contract_get_for_vendor(acme, "riverton", contract.number) == contract
        assert list(selectors.contracts_for_vendor(beacon)) == []
        for who, slug in ((beacon, "riverton"), (acme, "lakeside"), (acme, None)):
            with pytest.raises(NotFound):
                selectors.contract_get_for_vendor(who, slug, contract.number)

    def test_the_public_reads_contracts_of_record_only(self, actor, company, personas, contract):
        riverton = contract.municipality
        send(actor, contract)
        assert list(selectors.contracts_public(riverton)) == []
        with pytest.raises(NotFound):
            selectors.contract_public_get(riverton, contract.number)

        contract = sign_every_party(actor, personas, Contract.objects.get(pk=contract.pk))
        assert list(selectors.contracts_public(riverton)) == [contract]
        assert selectors.contract_public_get(riverton, contract.number) == contract
        assert selectors.pdf_public(contract) is False
        with pytest.raises(NotFound):
            selectors.ready_pdf(contract)  # still rendering
        Municipality.objects.filter(pk=riverton.pk).update(contracts_published=True)
        published = selectors.contract_public_get(
            Municipality.objects.get(pk=riverton.pk), contract.number
        )
        assert selectors.pdf_public(published) is True

    def test_the_signing_history_keeps_voided_signatures(self, actor, company, contract):
        send(actor, contract)
        sign(actor, company, contract, "vendor")
        services.contract_recall(actor=actor("officer"), contract=contract)
        send(actor, contract)
        sign(actor, company, contract, "vendor")

        history = list(selectors.signatures_of(contract))
        assert [s.voided_at is None for s in history] == [True, False]
        fetched = selectors.contract_get_for_staff(actor("officer"), contract.number)
        rows = selectors.party_rows(fetched)
        assert [p.signature is not None for p in rows] == [True, False, False]

    def test_the_list_costs_the_same_queries_for_one_contract_or_three(
        self, actor, departments, personas, contract
    ):
        officer = actor("officer")

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                shown = [
                    (party.name, party.code, party.signatory.display_name, party.signature)
                    for each in selectors.contracts_for_staff(officer)
                    for party in selectors.party_rows(each)
                ]
            assert shown
            return len(captured)

        one = queries()
        for _ in range(2):
            sign_every_party(
                actor, personas, prepare(actor, build_final_award(actor, departments, personas))
            )
        assert Contract.objects.count() == 3
        assert queries() == one


# --- the PDF: rendering, retrying, verifying ---------------------------------------------------


@pytest.fixture
def executed(actor, personas, contract):
    """The contract executed, its PDF waiting (the render queued on commit never ran)."""
    return reach("executed", actor, personas, contract)


def fail_rendering():
    return mock.patch.object(pdf, "render_pdf", side_effect=OSError("fontconfig is gone"))


class TestRendering:
    def test_a_failed_render_is_counted_and_the_next_run_stores_it(self, executed):
        with fail_rendering(), pytest.raises(OSError):
            services.contract_pdf_render(executed.pk)
        document = ContractPdf.objects.get(contract=executed)
        assert (document.status, document.attempts, document.error) == ("failed", 1, "OSError")
        assert AuditEvent.objects.filter(verb="contract.pdf_fail").count() == 1

        with fail_rendering(), pytest.raises(OSError):
            services.contract_pdf_render(executed.pk)
        document.refresh_from_db()
        assert (document.status, document.attempts) == ("failed", 2)
        assert AuditEvent.objects.filter(verb="contract.pdf_fail").count() == 1  # counted only

        assert services.contract_pdf_render(executed.pk) is not None
        document.refresh_from_db()
        assert (document.status, document.attempts, document.error) == ("ready", 3, "")
        assert len(document.sha256) == 64 and document.rendered_at is not None
        assert selectors.ready_pdf(Contract.objects.get(pk=executed.pk)) == document

    def test_the_step_shown_while_it_renders(self, executed):
        assert services.render_step(executed.pk) == "queued"
        seen = []
        sign_pdf = pdf.sign_pdf

        def signing(*args, **kwargs):
            seen.append(services.render_step(executed.pk))
            return sign_pdf(*args, **kwargs)

        with mock.patch.object(pdf, "sign_pdf", side_effect=signing):
            services.contract_pdf_render(executed.pk)
        assert seen == ["signing"]
        assert set(services.RENDER_STEPS) >= {"queued", "rendering", "signing", "storing"}

    def test_the_clock_queues_again_what_waits_or_failed_up_to_five_attempts(self, executed):
        with mock.patch.object(tasks.contract_pdf_render, "delay") as queued:
            assert services.contract_pdf_retry_due() == 1
            queued.assert_called_once_with(executed.pk)

            ContractPdf.objects.filter(contract=executed).update(status="failed", attempts=5)
            assert services.contract_pdf_retry_due() == 0
            ContractPdf.objects.filter(contract=executed).update(status="ready", attempts=1)
            assert services.contract_pdf_retry_due() == 0

    def test_nothing_to_render_before_execution(self, contract):
        assert services.contract_pdf_render(contract.pk) is None
        assert not ContractPdf.objects.exists()


def as_upload(data: bytes, name: str = "contract.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


class TestVerifying:
    @pytest.fixture
    def stored(self, executed):
        document = services.contract_pdf_render(executed.pk)
        with document.file.open("rb") as opened:
            return document, opened.read()

    def test_the_stored_pdf_is_a_contract_of_record_signed_by_every_party(self, stored):
        document, data = stored
        for given in ({"file": as_upload(data)}, {"sha256": document.sha256.upper()}):
            verification = services.contract_verify(**given)
            assert verification.of_record and verification.contract == document.contract
            assert verification.sha256 == document.sha256
            assert verification.check.verified, verification.check.summary
            signers = {s.signer.username for s in verification.signatures}
            assert signers == set(SIGNATORIES)

    def test_one_byte_changed_is_no_contract_and_fails_the_signature_check(self, stored):
        _, data = stored
        changed = bytearray(data)
        changed[len(changed) // 3] ^= 0x01

        verification = services.contract_verify(file=as_upload(bytes(changed)))

        assert not verification.of_record and verification.signatures == ()
        assert not verification.check.verified

    def test_an_unknown_hash_is_no_contract(self, stored):
        verification = services.contract_verify(sha256="0" * 64)
        assert (verification.of_record, verification.check) == (False, None)

    @pytest.mark.parametrize(
        ("given", "field"),
        [
            ({}, "file"),
            ({"sha256": "0" * 64, "file": as_upload(b"%PDF-1.4")}, "file"),
            ({"sha256": "not a hash"}, "sha256"),
            ({"sha256": "0" * 63}, "sha256"),
            ({"file": as_upload(b"GIF89a not a pdf", "x.pdf")}, "file"),
            ({"file": as_upload(b"")}, "file"),
        ],
        ids=["nothing", "both", "words", "short", "not-a-pdf", "empty"],
    )
    def test_bad_input_names_its_field(self, given, field):
        with pytest.raises(ValidationFailed) as refused:
            services.contract_verify(**given)
        assert refused.value.field == field
