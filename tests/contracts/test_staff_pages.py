"""The staff's contract pages (issue 13): the list with the final awards waiting for their
contract, preparing a contract and changing its terms through the pages, one contract's page
with its moves and the heads' signatures, and the signed PDF's download and progress.

Every refusal comes back with the service's words beside the field it names and changes
nothing (invariant 10); an executed contract refuses every change (invariant 7); a head signs
only for their own department (invariant 5); other cities' staff and vendors see nothing."""

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from contracts.models import Contract, ContractPdf, Party, Signature
from contracts.services.documents import _set_step
from procurements.models import Award
from tests.factories import (
    build_contract,
    build_final_award,
    build_final_award_with_in_kind,
    sign_every_party,
)
from tests.helpers import database_state, downloaded, error_at, page_text, typed_value
from tests.test_no_500 import FORM_VALUES
from tests.test_no_500_pages import encoded

pytestmark = pytest.mark.django_db

STAFF = ["officer", "head.trn", "head.psd", "evaluator"]
OUTSIDERS = ["officer.lakeside", "vendor.acme", "vendor.beacon"]


def signed_in(personas, username: str) -> Client:
    client = Client()
    client.force_login(personas[username])
    return client


def page(name: str, *args) -> str:
    return reverse(name, args=["riverton", *args])


def contract_pages(contract) -> dict[str, str]:
    number = contract.number
    return {
        "contract-list": page("contract-list"),
        "contract-prepare": page("contract-prepare", contract.solicitation.reference),
        "contract": page("contract", number),
        "contract-update": page("contract-update", number),
        "contract-send": page("contract-send", number),
        "contract-recall": page("contract-recall", number),
        "contract-terminate": page("contract-terminate", number),
        "contract-sign": page("contract-sign", number, "TRN"),
        "contract-pdf": page("contract-pdf", number),
        "contract-pdf-status": page("contract-pdf-status", number),
    }


@pytest.fixture
def contract(actor, departments, personas):
    """A draft: 4,500.00 over three years from 1 January 2030, 1,500.00 one-time, year 1
    (1,000.00) donated by Acme (tests.factories.build_contract)."""
    return build_contract(actor, departments, personas)


@pytest.fixture
def award(actor, departments, personas):
    """A final award (Acme, 4,500.00: TRN 2,500.00, PSD 2,000.00) with no contract yet."""
    return build_final_award(actor, departments, personas)


def terms(**changes) -> dict:
    """The prepare form as an officer fills it: the factory's terms, the default signatories
    left as the form proposes them (vendor.acme, head.trn, head.psd)."""
    return {
        "title": "Intersection cameras: supply and service",
        "start_date": "2030-01-01",
        "term_years": "3",
        "capital": "1,500.00",
        "in_kind.0.period": "1",
        "in_kind.0.donor": "vendor",
        "in_kind.0.partner": "",
        "special_terms": "Cameras are serviced within 48 hours.",
        **changes,
    }


def with_signatories(personas, data: dict) -> dict:
    return {
        "signatories.vendor": personas["vendor.acme"].pk,
        "signatories.TRN": personas["head.trn"].pk,
        "signatories.PSD": personas["head.psd"].pk,
        **data,
    }


# --- who sees what ------------------------------------------------------------------------------


def test_every_page_renders_for_officer_head_and_member(contract, actor, personas):
    for username in STAFF:
        client = signed_in(personas, username)
        for url in (page("contract-list"), page("contract", contract.number)):
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            assert contract.number in page_text(response)
            assert "no-store" in response["Cache-Control"]
        status = client.get(page("contract-pdf-status", contract.number))
        assert "The signed PDF is made once every party has signed." in page_text(status)
    sign_every_party(actor, personas, contract, but=("TRN",))
    for username in STAFF:
        response = signed_in(personas, username).get(page("contract", contract.number))
        assert response.status_code == 200
        assert "Waiting for the signature of Transportation" in page_text(response)


def test_only_the_officer_gets_the_forms_of_the_terms(contract, award, personas):
    officer = signed_in(personas, "officer")
    assert officer.get(page("contract-update", contract.number)).status_code == 200
    assert officer.get(page("contract-prepare", award.solicitation.reference)).status_code == 200
    for username in ("head.trn", "evaluator"):
        client = signed_in(personas, username)
        for url in (
            page("contract-update", contract.number),
            page("contract-prepare", award.solicitation.reference),
        ):
            response = client.get(url)
            assert response.status_code == 403, (username, url)
            assert "Only a procurement officer may do this." in page_text(response)


@pytest.mark.parametrize("username", OUTSIDERS)
def test_other_cities_staff_and_vendors_get_404_on_every_contract_page(
    contract, personas, username
):
    client = signed_in(personas, username)
    before = database_state()
    for name, url in contract_pages(contract).items():
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"typed_name": "x", "consent": "on"})
            assert response.status_code == 404, (username, method, name)
    assert database_state() == before


def test_anonymous_visitors_are_sent_to_sign_in(contract):
    for name, url in contract_pages(contract).items():
        response = Client().get(url)
        assert response.status_code == 302, name
        assert response["Location"] == f"/accounts/login/?next={url}", name


# --- the list -----------------------------------------------------------------------------------


def test_the_list_shows_each_contract_with_its_next_step_and_filters_by_status(contract, personas):
    client = signed_in(personas, "head.trn")
    text = page_text(client.get(page("contract-list")))
    assert contract.number in text and "Acme Traffic Systems" in text and "$4,500.00" in text
    assert "The procurement officer checks the terms and sends it for signature." in text

    assert contract.number in page_text(client.get(page("contract-list") + "?status=draft"))
    executed = page_text(client.get(page("contract-list") + "?status=executed"))
    assert contract.number not in executed and "No contracts match" in executed
    refused = client.get(page("contract-list") + "?status=nonsense")
    assert refused.status_code == 400
    assert error_at(refused, "id_status") == "Choose a status from the list."


def test_the_officer_sees_the_final_awards_waiting_for_their_contract(award, personas):
    prepare = page("contract-prepare", award.solicitation.reference)
    officer = signed_in(personas, "officer").get(page("contract-list"))
    assert f'href="{prepare}"' in officer.content.decode()
    head = signed_in(personas, "head.trn").get(page("contract-list"))
    assert "Final awards ready for a contract" not in page_text(head)
    # The award's page offers it too, and once prepared links to the contract.
    award_page = reverse("award", args=["riverton", award.solicitation.reference])
    assert f'href="{prepare}"' in signed_in(personas, "officer").get(award_page).content.decode()


def copies(contract: Contract, count: int) -> None:
    """`count` more contracts like `contract`, each of its own (withdrawn) award, with their
    parties and a signature each: rows copied in bulk, not prepared one by one."""
    award = contract.award
    last = Award.objects.filter(solicitation=award.solicitation).order_by("-number")[0].number
    awards = []
    for n in range(count):
        copy = Award.objects.get(pk=award.pk)
        copy.pk, copy.number, copy.status = None, last + n + 1, Award.Status.ANNULLED
        awards.append(copy)
    Award.objects.bulk_create(awards)
    parties = list(contract.parties.all())
    contracts = []
    for each in awards:
        row = Contract.objects.get(pk=contract.pk)
        row.pk, row.award, row.number = None, each, f"{contract.number}-{each.number}"
        row.status = Contract.Status.OUT_FOR_SIGNATURE
        contracts.append(row)
    Contract.objects.bulk_create(contracts)
    copied = []
    for row in contracts:
        for party in parties:
            party_copy = Party.objects.get(pk=party.pk)
            party_copy.pk, party_copy.contract = None, row
            copied.append(party_copy)
    Party.objects.bulk_create(copied)
    Signature.objects.bulk_create(
        Signature(
            contract_id=party.contract_id,
            party=party,
            revision=1,
            signer=party.signatory,
            typed_name=party.signatory.display_name,
            consented=True,
            signed_at=contract.prepared_at,
        )
        for party in copied
        if party.kind == Party.Kind.VENDOR
    )


def test_the_list_costs_the_same_queries_for_2_or_30_contracts(contract, personas):
    client = signed_in(personas, "officer")
    url = page("contract-list")
    copies(contract, 1)
    with_two = _queries(client, url)
    copies(contract, 28)
    # session, user, the member's roles, the awards ready for a contract, the count, the page
    # of contracts (with municipality, vendor, solicitation, PDF), their parties (department,
    # signatory), the parties' live signatures (signer): the same for 2 and for 30.
    assert _queries(client, url) == with_two
    assert "Showing contracts 1\N{EN DASH}20 of 30" in page_text(client.get(url))


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# --- preparing --------------------------------------------------------------------------------


def test_the_officer_prepares_the_contract_through_the_page(award, personas):
    url = page("contract-prepare", award.solicitation.reference)
    client = signed_in(personas, "officer")
    form = client.get(url)
    text = page_text(form)
    # The award's summary: the company, the total, each department's approved amount.
    assert "Acme Traffic Systems" in text and "$4,500.00" in text
    assert "Transportation (TRN) $2,500.00 100-TRN-CAP" in text
    # The signatories proposed: the bid's submitter and the heads who approved.
    assert typed_value(form, "id_terms-signatories.vendor") == str(personas["vendor.acme"].pk)
    assert typed_value(form, "id_terms-signatories.TRN") == str(personas["head.trn"].pk)

    response = client.post(url, with_signatories(personas, terms()))

    contract = Contract.objects.get(award=award)
    assert response.status_code == 302
    assert response["Location"] == page("contract", contract.number)
    assert contract.status == Contract.Status.DRAFT
    assert (contract.term_years, contract.capital_minor) == (3, 150_000)
    assert contract.in_kind == [
        {"period": 1, "donor": "Acme Traffic Systems", "donor_is_vendor": True}
    ]
    shown = page_text(client.get(response["Location"]))
    assert f"Contract {contract.number} was prepared as a draft." in shown
    # The schedule: one-time 1,500.00, three years of 1,000.00, year 1 in kind.
    assert "In kind (Acme Traffic Systems)" in shown and "$1,000.00" in shown
    # Preparing again finds it: the page goes to the contract, and so does the award's page.
    again = client.get(url)
    assert (again.status_code, again["Location"]) == (302, page("contract", contract.number))
    award_page = client.get(reverse("award", args=["riverton", award.solicitation.reference]))
    assert f'href="{page("contract", contract.number)}"' in award_page.content.decode()


def test_the_split_s_in_kind_contribution_is_proposed_on_the_form(actor, departments, personas):
    award = build_final_award_with_in_kind(actor, departments, personas)
    form = signed_in(personas, "officer").get(
        page("contract-prepare", award.solicitation.reference)
    )
    assert typed_value(form, "id_terms-in_kind.0.period") == "1"
    assert typed_value(form, "id_terms-in_kind.0.partner") == "Harbor Foundation"


def test_a_partner_donates_a_period_named_on_the_form(award, personas):
    client = signed_in(personas, "officer")
    data = terms(
        **{
            "in_kind.0.period": "",
            "in_kind.2.period": "2",
            "in_kind.2.donor": "partner",
            "in_kind.2.partner": "Harbor Foundation",
        }
    )
    response = client.post(
        page("contract-prepare", award.solicitation.reference), with_signatories(personas, data)
    )
    assert response.status_code == 302
    contract = Contract.objects.get(award=award)
    assert contract.in_kind == [
        {"period": 2, "donor": "Harbor Foundation", "donor_is_vendor": False}
    ]


BAD_TERMS = [
    ({"start_date": ""}, "id_terms-start_date", "This field is required."),
    ({"term_years": "0"}, "id_terms-term_years", "Enter a whole number from 1 to 30."),
    (
        {"capital": "9,999.00"},
        "id_terms-capital",
        "The one-time part must be between zero and the awarded total.",
    ),
    ({"in_kind.0.period": "5"}, "id_terms-in_kind", "There is no period 5 in this schedule."),
    (
        {"in_kind.0.donor": "partner", "in_kind.0.partner": ""},
        "id_terms-in_kind.0.partner",
        "This field is required.",
    ),
]


@pytest.mark.parametrize(("change", "element", "message"), BAD_TERMS)
def test_bad_terms_come_back_named_with_what_was_typed_and_nothing_is_created(
    award, personas, change, element, message
):
    client = signed_in(personas, "officer")
    data = with_signatories(personas, terms(**change))
    before = database_state()

    response = client.post(page("contract-prepare", award.solicitation.reference), data)

    assert response.status_code == 400
    assert error_at(response, element) == message
    assert page_text(response).startswith("Error: Prepare the contract")
    assert typed_value(response, "id_terms-title") == data["title"]
    assert typed_value(response, "id_terms-special_terms") == data["special_terms"]
    assert typed_value(response, "id_terms-capital") == data["capital"]
    assert database_state() == before


def test_a_signatory_who_may_not_sign_is_refused_beside_the_party(award, personas):
    data = with_signatories(personas, terms(**{"signatories.TRN": personas["head.psd"].pk}))
    response = signed_in(personas, "officer").post(
        page("contract-prepare", award.solicitation.reference), data
    )
    assert response.status_code == 400
    assert error_at(response, "id_terms-signatories.TRN") == (
        "Only an active head of TRN can sign for it."
    )
    assert not Contract.objects.filter(award=award).exists()


def test_the_prepare_page_of_a_solicitation_without_a_final_award_says_why(
    award, actor, departments, personas
):
    from tests.factories import build_published

    published = build_published(actor, departments)
    url = page("contract-prepare", published.reference)
    client = signed_in(personas, "officer")
    response = client.get(url)
    assert response.status_code == 200
    assert "A contract is prepared from a final award" in page_text(response)
    refused = client.post(url, with_signatories(personas, terms()))
    assert refused.status_code == 409
    assert not Contract.objects.filter(solicitation=published).exists()


def test_hostile_values_in_the_prepare_form_never_give_a_500(award, personas):
    client = signed_in(personas, "officer")
    url = page("contract-prepare", award.solicitation.reference)
    data = with_signatories(personas, terms(start_date=""))
    for field in [*data, "in_kind.99999.period"]:
        for value in FORM_VALUES:
            body = encoded({**data, field: value})
            response = client.post(url, body, content_type="application/x-www-form-urlencoded")
            assert response.status_code == 400, (field, value[:20])
    assert not Contract.objects.filter(award=award).exists()


# --- changing the terms -----------------------------------------------------------------------


def test_the_edit_form_is_the_prepare_form_filled_with_the_terms(contract, personas):
    response = signed_in(personas, "officer").get(page("contract-update", contract.number))
    assert typed_value(response, "id_terms-start_date") == "2030-01-01"
    assert typed_value(response, "id_terms-term_years") == "3"
    assert typed_value(response, "id_terms-capital") == "1,500.00"
    assert typed_value(response, "id_terms-in_kind.0.period") == "1"
    assert typed_value(response, "id_terms-signatories.PSD") == str(personas["head.psd"].pk)


def test_saving_a_contract_out_for_signature_voids_its_signatures_as_the_page_warns(
    contract, actor, personas
):
    sign_every_party(actor, personas, contract, but=("TRN", "PSD"))
    client = signed_in(personas, "officer")
    url = page("contract-update", contract.number)
    assert "Saving voids the 1 signature and returns it to draft" in page_text(client.get(url))
    data = with_signatories(personas, terms(term_years="4"))

    response = client.post(url, data)

    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.term_years, contract.revision) == ("draft", 4, 2)
    assert not Signature.objects.filter(contract=contract, voided_at__isnull=True).exists()
    shown = page_text(client.get(page("contract", contract.number)))
    assert f"The terms of {contract.number} were saved (revision 2)." in shown
    assert "Voided" in shown  # the signing history keeps the voided signature


def test_an_executed_contract_refuses_every_change_through_the_pages(contract, actor, personas):
    sign_every_party(actor, personas, contract)
    client = signed_in(personas, "officer")
    url = page("contract-update", contract.number)
    shown = client.get(url)
    assert "This contract is executed: it can no longer be changed." in page_text(shown)
    assert 'id="id_terms-title"' not in shown.content.decode()
    before = database_state()

    response = client.post(url, with_signatories(personas, terms(term_years="5")))

    assert response.status_code == 409
    assert "This contract is executed: it can no longer be changed." in page_text(response)
    assert database_state() == before
    for action in ("contract-send", "contract-recall"):
        refused = client.post(page(action, contract.number))
        assert refused.status_code == 303, action
        again = page_text(client.get(refused["Location"]))
        assert "This contract is executed: it cannot be" in again, action
    assert database_state() == before


# --- the officer's moves ----------------------------------------------------------------------


def test_the_officer_sends_recalls_and_terminates_from_the_contract_page(contract, actor, personas):
    client = signed_in(personas, "officer")
    detail = page("contract", contract.number)
    assert (
        f'action="{page("contract-send", contract.number)}"' in client.get(detail).content.decode()
    )

    assert client.post(page("contract-send", contract.number))["Location"] == detail
    contract.refresh_from_db()
    assert contract.status == Contract.Status.OUT_FOR_SIGNATURE

    response = client.post(page("contract-recall", contract.number), {"reason": "Fix a typo."})
    assert response["Location"] == detail
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT

    sign_every_party(actor, personas, contract)
    refused = client.post(page("contract-terminate", contract.number), {"reason": ""})
    assert refused["Location"] == f"{detail}#terminate"
    again = client.get(refused["Location"])
    assert error_at(again, "id_terminate-reason") == "This field is required."
    assert '<details id="terminate" class="disclosure disclosure--danger" open>' in (
        again.content.decode()
    )
    client.post(page("contract-terminate", contract.number), {"reason": "Vendor went bankrupt."})
    contract.refresh_from_db()
    assert (contract.status, contract.termination_reason) == ("terminated", "Vendor went bankrupt.")


def test_a_head_sees_no_officer_moves(contract, personas):
    response = signed_in(personas, "head.trn").get(page("contract", contract.number))
    html = response.content.decode()
    assert page("contract-send", contract.number) not in html
    assert page("contract-update", contract.number) not in html
    refused = signed_in(personas, "head.trn").post(page("contract-send", contract.number))
    assert refused.status_code == 403


# --- signing ----------------------------------------------------------------------------------


def test_the_head_signs_for_their_department_from_the_contract_page(contract, actor, personas):
    sign_every_party(actor, personas, contract, but=("TRN", "PSD"))
    client = signed_in(personas, "head.trn")
    detail = page("contract", contract.number)
    shown = client.get(detail).content.decode()
    assert f'action="{page("contract-sign", contract.number, "TRN")}"' in shown
    assert page("contract-sign", contract.number, "PSD") not in shown

    response = client.post(
        page("contract-sign", contract.number, "TRN"),
        {"typed_name": "Dana Reyes", "consent": "on"},
        HTTP_USER_AGENT="Firefox",
        REMOTE_ADDR="198.51.100.7",
    )

    assert response["Location"] == detail
    signature = Signature.objects.get(party__department__code="TRN", voided_at__isnull=True)
    assert (signature.signer, signature.typed_name) == (personas["head.trn"], "Dana Reyes")
    assert (signature.client_address, signature.user_agent) == ("198.51.100.7", "Firefox")
    text = page_text(client.get(detail))
    assert "Signed as “Dana Reyes”" in text and "from 198.51.100.7" in text


def test_a_head_cannot_sign_for_another_department_and_nothing_changes(contract, actor, personas):
    sign_every_party(actor, personas, contract, but=("TRN",))
    client = signed_in(personas, "head.psd")
    before = database_state()

    response = client.post(
        page("contract-sign", contract.number, "TRN"), {"typed_name": "Sam", "consent": "on"}
    )

    assert response.status_code == 403
    assert "may sign for Transportation" in page_text(response)
    assert database_state() == before


def test_signing_without_consent_comes_back_with_the_typed_name(contract, actor, personas):
    sign_every_party(actor, personas, contract, but=("TRN",))
    client = signed_in(personas, "head.trn")

    response = client.post(
        page("contract-sign", contract.number, "TRN"), {"typed_name": "Dana Reyes"}
    )

    assert response["Location"] == page("contract", contract.number) + "#sign-TRN"
    again = client.get(response["Location"])
    assert error_at(again, "id_sign-consent").startswith("Agree to sign electronically")
    assert typed_value(again, "id_sign-typed_name") == "Dana Reyes"
    contract.refresh_from_db()
    assert contract.status == Contract.Status.OUT_FOR_SIGNATURE


# --- the signed PDF -----------------------------------------------------------------------------


def test_the_last_signature_shows_the_pdf_rendering_then_its_download(
    contract, actor, personas, django_capture_on_commit_callbacks
):
    sign_every_party(actor, personas, contract, but=("TRN",))
    client = signed_in(personas, "head.trn")
    status_url = page("contract-pdf-status", contract.number)

    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            page("contract-sign", contract.number, "TRN"),
            {"typed_name": "Dana Reyes", "consent": "on"},
        )
    # Executed, its PDF waiting for a worker: the page polls for the status.
    pending = client.get(page("contract", contract.number)).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in pending
    assert "Waiting for a worker… (step 1 of 4)" in page_text(client.get(status_url))
    _set_step(contract.pk, "signing")
    assert "Signing with the platform certificate… (step 3 of 4)" in page_text(
        client.get(status_url)
    )
    assert client.get(page("contract-pdf", contract.number)).status_code == 404

    from contracts import services

    services.contract_pdf_render(contract.pk)
    document = ContractPdf.objects.get(contract=contract)
    ready = client.get(status_url)
    assert "hx-trigger" not in ready.content.decode()  # the polling stops
    assert document.sha256 in page_text(ready)
    assert "Download" in page_text(ready)

    response = client.get(page("contract-pdf", contract.number))
    content = downloaded(response)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{contract.number}.pdf"'
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert hashlib.sha256(content).hexdigest() == document.sha256
    # The contract's page links to the public verification.
    shown = client.get(page("contract", contract.number)).content.decode()
    assert f'href="{reverse("contract-verify")}"' in shown
