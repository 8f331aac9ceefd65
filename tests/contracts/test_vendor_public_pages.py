"""The vendor portal's and the public's contract pages, and the verification page (issue 13).

The company's users read its contracts once sent for signature; its named signatory signs
from the portal with the name they type and their consent (a colleague is refused, another
company and any city's staff get 404). The public reads contracts of record only (drafts and
those out for signature are 404), the signed PDF only where the municipality publishes
contracts. Anyone may verify a PDF or its SHA-256: the real signed file is of record and its
signature holds; one byte changed, it is neither."""

import hashlib
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractPdf, Party, Signature
from departments.models import Municipality
from procurements.models import Award
from tests.factories import UserFactory, build_contract, sign_every_party
from tests.helpers import (
    database_state,
    downloaded,
    error_at,
    page_text,
    post_refused,
    queries_for_get,
    typed_value,
)
from vendors.models import Vendor
from vendors.services.people import vendor_user_add

pytestmark = pytest.mark.django_db

ACME = "Acme Traffic Systems"
OUTSIDERS = ["vendor.beacon", "officer.lakeside", "officer"]  # all 404 in the portal


# --- building contracts -------------------------------------------------------------------------


@pytest.fixture
def draft(actor, departments, personas):
    return build_contract(actor, departments, personas)


@pytest.fixture
def out_for_signature(draft, actor):
    return services.contract_send(actor=actor("officer"), contract=draft)


@pytest.fixture
def executed(draft, actor, personas, django_capture_on_commit_callbacks):
    """Signed by every party; the render task ran on commit: the signed PDF is stored."""
    with django_capture_on_commit_callbacks(execute=True):
        contract = sign_every_party(actor, personas, draft)
    contract.pdf.refresh_from_db()
    assert contract.pdf.is_ready, contract.pdf.error
    return contract


@pytest.fixture
def signed_pdf(executed) -> bytes:
    with executed.pdf.file.open("rb") as stored:
        return stored.read()


def vendor_page(contract, name="vendor-contract") -> str:
    return reverse(name, args=[contract.municipality.slug, contract.number])


def public_page(contract, name="contract-public") -> str:
    return reverse(name, args=[contract.municipality.slug, contract.number])


def signed_in(client, personas, username):
    if username is not None:
        client.force_login(personas[username])
    return client


def colleague_of_acme():
    """Another user of the company, who is not its named signatory."""
    user = UserFactory(username="colleague.acme", first_name="Cole", last_name="League")
    vendor_user_add(vendor=Vendor.objects.get(name=ACME), user=user)
    return user


def copies(contract: Contract, count: int) -> list[Contract]:
    """`count` more contracts like `contract` (its parties, live signatures and PDF row),
    each on an award of its own (a withdrawn copy: one contract per award), cheaply."""
    made = []
    parties = list(contract.parties.all())
    signatures = {s.party_id: s for s in Signature.objects.filter(contract=contract)}
    document = ContractPdf.objects.filter(contract=contract).first()
    for _ in range(count):
        award = Award.objects.get(pk=contract.award_id)
        last = Award.objects.filter(solicitation=award.solicitation_id).aggregate(Max("number"))
        award.pk, award.number = None, last["number__max"] + 1
        award.status = Award.Status.ANNULLED
        award.save()
        copy = Contract.objects.get(pk=contract.pk)
        copy.pk, copy.number, copy.award = None, f"{contract.number}-{award.number}", award
        copy.save()
        for party in parties:
            signature = signatures.get(party.pk)
            party.pk, party.contract = None, copy
            party.save()
            if signature is not None:
                signature.pk, signature.contract, signature.party = None, copy, party
                signature.save()
        if document is not None:
            document.pk, document.contract = None, copy
            document.save()
        made.append(copy)
    return made


# --- the vendor portal: the company's contracts ------------------------------------------------


class TestVendorList:
    def test_the_signatory_is_told_their_signature_is_needed(
        self, client, personas, out_for_signature
    ):
        signed_in(client, personas, "vendor.acme")
        text = page_text(client.get(reverse("vendor-contracts")))
        assert out_for_signature.number in text and "Riverton" in text
        assert "Out for signature Your signature is needed" in text

    def test_drafts_are_not_listed(self, client, personas, draft):
        signed_in(client, personas, "vendor.acme")
        text = page_text(client.get(reverse("vendor-contracts")))
        assert draft.number not in text and "Your company has no contract yet" in text

    def test_a_colleague_reads_who_must_sign(self, client, out_for_signature):
        client.force_login(colleague_of_acme())
        text = page_text(client.get(reverse("vendor-contracts")))
        assert out_for_signature.number in text
        assert "Awaiting the signature of" in text and "Your signature is needed" not in text

    def test_another_company_sees_none(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.beacon")
        assert out_for_signature.number not in page_text(client.get(reverse("vendor-contracts")))

    @pytest.mark.parametrize("username", ["officer", "officer.lakeside"])
    def test_staff_get_404(self, client, personas, out_for_signature, username):
        signed_in(client, personas, username)
        assert client.get(reverse("vendor-contracts")).status_code == 404

    def test_anonymous_is_sent_to_sign_in(self, client, out_for_signature):
        response = client.get(reverse("vendor-contracts"))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_the_query_count_does_not_grow_with_the_contracts(
        self, client, personas, out_for_signature
    ):
        signed_in(client, personas, "vendor.acme")
        copies(out_for_signature, 1)
        two = queries_for_get(client, reverse("vendor-contracts"))
        copies(out_for_signature, 28)
        # Session, user, the company user, the count, the contracts with municipality,
        # vendor, solicitation and PDF, their parties, the parties' live signatures.
        assert queries_for_get(client, reverse("vendor-contracts")) == two


# --- the vendor portal: one contract ------------------------------------------------------------


class TestVendorContract:
    @pytest.mark.parametrize("username", OUTSIDERS)
    def test_outsiders_get_404_on_every_page(self, client, personas, executed, username):
        signed_in(client, personas, username)
        for name in ("vendor-contract", "vendor-contract-pdf", "vendor-contract-pdf-status"):
            assert client.get(vendor_page(executed, name)).status_code == 404, name

    def test_anonymous_is_sent_to_sign_in(self, client, executed):
        for name in ("vendor-contract", "vendor-contract-pdf", "vendor-contract-pdf-status"):
            response = client.get(vendor_page(executed, name))
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_a_draft_is_404_even_for_the_company(self, client, personas, draft):
        signed_in(client, personas, "vendor.acme")
        assert client.get(vendor_page(draft)).status_code == 404

    def test_the_company_reads_its_contract(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.acme")
        response = client.get(vendor_page(out_for_signature))
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        text = page_text(response)
        assert "Your signature is needed" in text
        # Year 1 (1,000.00 of the 3,000.00 recurring over three years) is Acme's donation.
        assert "Your company donates Year 1 , worth $1,000.00 , in kind" in text
        assert "$4,500.00 , of which $1,500.00 one-time (capital)" in text
        assert "Transportation" in text and "Public Safety" in text
        assert "In kind (Acme Traffic Systems)" in text  # the schedule's in-kind row
        assert "Consent to sign electronically" in text
        assert "The signed PDF is made once every party has signed." in text

    def test_a_colleague_reads_it_without_the_sign_form(self, client, out_for_signature):
        client.force_login(colleague_of_acme())
        text = page_text(client.get(vendor_page(out_for_signature)))
        assert "Only" in text and f"may sign for {ACME}" in text
        assert "Sign the contract" not in text


class TestVendorSigning:
    def test_the_named_signatory_signs(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.acme")
        response = client.post(
            vendor_page(out_for_signature, "vendor-contract-sign"),
            {"typed_name": "Alex Acme", "consent": "on"},
            HTTP_USER_AGENT="Test browser 1.0",
        )
        assert (response.status_code, response["Location"]) == (
            302,
            vendor_page(out_for_signature),
        )
        signature = Signature.objects.get(party__kind=Party.Kind.VENDOR)
        assert signature.typed_name == "Alex Acme" and signature.signer == personas["vendor.acme"]
        assert signature.client_address == "127.0.0.1"
        assert signature.user_agent == "Test browser 1.0"
        text = page_text(client.get(vendor_page(out_for_signature)))
        assert f"You signed contract {out_for_signature.number} for {ACME}." in text
        assert "Signed by Alex Acme" in text and "Sign the contract" not in text

    def test_no_consent_comes_back_with_the_typed_name(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.acme")
        before = database_state()
        shown = post_refused(
            client, vendor_page(out_for_signature, "vendor-contract-sign"), {"typed_name": "Alex"}
        )
        assert error_at(shown, "id_sign-consent") == (
            "Agree to sign electronically: your typed name is your signature."
        )
        assert typed_value(shown, "id_sign-typed_name") == "Alex"
        assert page_text(shown).startswith("Error:")
        assert database_state() == before

    def test_signing_twice_says_it_is_signed_already(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.acme")
        url = vendor_page(out_for_signature, "vendor-contract-sign")
        client.post(url, {"typed_name": "Alex Acme", "consent": "on"})
        shown = post_refused(client, url, {"typed_name": "Alex Acme", "consent": "on"})
        assert f"{ACME} has already signed." in page_text(shown)
        assert Signature.objects.filter(party__kind=Party.Kind.VENDOR).count() == 1

    def test_another_company_gets_404(self, client, personas, out_for_signature):
        signed_in(client, personas, "vendor.beacon")
        before = database_state()
        response = client.post(
            vendor_page(out_for_signature, "vendor-contract-sign"),
            {"typed_name": "Bea Beacon", "consent": "on"},
        )
        assert response.status_code == 404
        assert database_state() == before

    def test_a_colleague_who_is_not_the_signatory_is_refused(self, client, out_for_signature):
        client.force_login(colleague_of_acme())
        before = database_state()
        response = client.post(
            vendor_page(out_for_signature, "vendor-contract-sign"),
            {"typed_name": "Cole League", "consent": "on"},
        )
        assert response.status_code == 403
        assert f"may sign for {ACME}." in page_text(response)
        assert database_state() == before

    def test_staff_get_404(self, client, personas, out_for_signature):
        signed_in(client, personas, "officer")
        response = client.post(
            vendor_page(out_for_signature, "vendor-contract-sign"),
            {"typed_name": "Olive Officer", "consent": "on"},
        )
        assert response.status_code == 404

    def test_the_last_signature_executes_it_and_the_pdf_follows(
        self, client, personas, actor, out_for_signature, django_capture_on_commit_callbacks
    ):
        # Given every department signed, when Acme's signatory signs last through the page,
        contract = sign_every_party(actor, personas, out_for_signature, but=("vendor",))
        signed_in(client, personas, "vendor.acme")
        with django_capture_on_commit_callbacks() as queued:
            client.post(
                vendor_page(contract, "vendor-contract-sign"),
                {"typed_name": "Alex Acme", "consent": "on"},
            )
        contract.refresh_from_db()
        assert contract.status == Contract.Status.EXECUTED
        text = page_text(client.get(vendor_page(contract)))
        assert "Every party has signed: the contract is executed" in text
        # then, before the task runs, the page polls the PDF's progress,
        status = client.get(vendor_page(contract, "vendor-contract-pdf-status"))
        assert 'hx-trigger="every 1s"' in status.content.decode()
        assert "Preparing the signed PDF: Waiting for a worker" in page_text(status)
        assert client.get(vendor_page(contract, "vendor-contract-pdf")).status_code == 404
        # and once it ran, offers the file with its SHA-256 and stops polling.
        for callback in queued:
            callback()
        document = ContractPdf.objects.get(contract=contract)
        status = client.get(vendor_page(contract, "vendor-contract-pdf-status"))
        assert "hx-trigger" not in status.content.decode()
        assert document.sha256 in page_text(status)
        response = client.get(vendor_page(contract, "vendor-contract-pdf"))
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        assert f'filename="{contract.number}.pdf"' in response["Content-Disposition"]
        assert hashlib.sha256(downloaded(response)).hexdigest() == document.sha256


# --- the public pages ---------------------------------------------------------------------------


class TestPublicPages:
    @pytest.mark.parametrize("fixture", ["draft", "out_for_signature"])
    @pytest.mark.parametrize("username", [None, "officer", "vendor.acme"])
    def test_contracts_not_of_record_are_404(self, client, personas, request, fixture, username):
        contract = request.getfixturevalue(fixture)
        signed_in(client, personas, username)
        for name in ("contract-public", "contract-public-pdf"):
            assert client.get(public_page(contract, name)).status_code == 404
        assert contract.number not in page_text(
            client.get(reverse("contract-public-list", args=["riverton"]))
        )

    @pytest.mark.parametrize(
        "username", [None, "vendor.acme", "vendor.beacon", "officer.lakeside", "officer"]
    )
    def test_everyone_reads_a_contract_of_record(self, client, personas, executed, username):
        signed_in(client, personas, username)
        listed = page_text(client.get(reverse("contract-public-list", args=["riverton"])))
        assert executed.number in listed and ACME in listed
        assert (
            "Public Safety, Transportation" in listed or "Transportation, Public Safety" in listed
        )
        assert "$4,500.00" in listed and "3 years" in listed
        response = client.get(public_page(executed))
        assert response.status_code == 200
        text = page_text(response)
        assert "In kind (Acme Traffic Systems)" in text
        assert "Year 1, worth $1,000.00, donated by Acme Traffic Systems" in text
        assert f"SHA-256 of record {executed.pdf.sha256}" in text
        assert reverse("contract-verify") in response.content.decode()

    def test_no_link_to_it_before_it_is_executed(self, client, out_for_signature):
        solicitation = out_for_signature.solicitation
        pages = [
            reverse(name, args=["riverton", solicitation.reference])
            for name in ("solicitation-public", "solicitation-award")
        ]
        for url in pages:  # not before it is executed
            assert public_page(out_for_signature) not in client.get(url).content.decode()

    def test_the_solicitation_and_its_award_notice_link_to_the_executed_one(self, client, executed):
        solicitation = executed.solicitation
        for name in ("solicitation-public", "solicitation-award"):
            response = client.get(reverse(name, args=["riverton", solicitation.reference]))
            assert public_page(executed) in response.content.decode(), name
            assert f"read contract {executed.number}" in page_text(response)

    def test_it_never_shows_addresses_or_emails(self, client, personas, executed):
        html = client.get(public_page(executed)).content.decode()
        assert "192.0.2.10" not in html  # the signers' client address
        for party in executed.parties.select_related("signatory"):
            assert party.signatory.email not in html

    def test_the_pdf_follows_the_municipalitys_choice(self, client, executed, signed_pdf):
        assert not executed.municipality.contracts_published
        assert (
            public_page(executed, "contract-public-pdf")
            not in client.get(public_page(executed)).content.decode()
        )
        assert client.get(public_page(executed, "contract-public-pdf")).status_code == 404

        Municipality.objects.filter(pk=executed.municipality_id).update(contracts_published=True)
        html = client.get(public_page(executed)).content.decode()
        assert public_page(executed, "contract-public-pdf") in html
        response = client.get(public_page(executed, "contract-public-pdf"))
        assert response["Content-Type"] == "application/pdf"
        assert downloaded(response) == signed_pdf

    def test_a_terminated_contract_shows_why(self, client, actor, executed):
        services.contract_terminate(
            actor=actor("officer"), contract=executed, reason="The company ceased trading."
        )
        text = page_text(client.get(public_page(executed)))
        assert "This contract was terminated" in text and "The company ceased trading." in text

    def test_another_citys_number_is_404(self, client, executed):
        url = reverse("contract-public", args=["lakeside", executed.number])
        assert client.get(url).status_code == 404

    def test_the_query_count_does_not_grow_with_the_contracts(self, client, executed):
        url = reverse("contract-public-list", args=["riverton"])
        copies(executed, 1)
        two = queries_for_get(client, url)
        copies(executed, 28)
        # The municipality, the count, the contracts with vendor, solicitation and PDF, their
        # parties, the parties' live signatures.
        assert queries_for_get(client, url) == two


# --- verification -------------------------------------------------------------------------------


def verify(client, **data):
    if "file" in data and isinstance(data["file"], bytes):
        data["file"] = SimpleUploadedFile("contract.pdf", data["file"], "application/pdf")
    return client.post(reverse("contract-verify"), data)


class TestVerification:
    def test_the_form_is_public(self, client):
        response = client.get(reverse("contract-verify"))
        assert response.status_code == 200
        assert 'enctype="multipart/form-data"' in response.content.decode()

    def test_the_signed_pdf_is_of_record_and_its_signature_holds(
        self, client, executed, signed_pdf
    ):
        response = verify(client, file=signed_pdf)
        assert response.status_code == 200
        text = page_text(response)
        assert f"This is contract {executed.number} of record of City of Riverton" in text
        for party in executed.parties.select_related("department", "signatory"):
            signer = party.signatory.display_name  # what sign_every_party typed
            assert f"{party.name} : {signer}" in text or f"({party.code}): {signer}" in text
        assert "The embedded signature is intact and valid" in text
        assert "made with the P3 Hub platform certificate (CN" in text

    def test_one_byte_changed_is_not_of_record_and_fails_the_check(
        self, client, executed, signed_pdf
    ):
        # A byte of the signed content (the page's stream, well inside the signed range).
        changed = bytearray(signed_pdf)
        at = signed_pdf.index(b"stream") + 20
        changed[at] ^= 0x01
        text = page_text(verify(client, file=bytes(changed)))
        assert "Not a contract of record" in text
        assert "The embedded signature is intact and valid" not in text
        assert any(
            words in text for words in ("Modified after signing", "The signature does not verify")
        )

    def test_its_sha256_finds_it(self, client, executed, signed_pdf):
        text = page_text(verify(client, sha256=hashlib.sha256(signed_pdf).hexdigest().upper()))
        assert f"This is contract {executed.number} of record" in text
        assert "this is the check of the file of record" in text
        assert "The embedded signature is intact and valid" in text

    def test_a_random_hash_is_not_found(self, client, executed):
        text = page_text(verify(client, sha256=secrets.token_hex(32)))
        assert "Not a contract of record" in text

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"file": b"not a pdf at all"}, "id_file", "Choose a PDF file"),
            ({}, "id_file", "Give either the PDF or its SHA-256, not both."),
            ({"sha256": "xyz"}, "id_sha256", "Give the SHA-256 as 64 hexadecimal characters."),
            (
                {"file": b"%PDF-1.7 garbage", "sha256": "a" * 64},
                "id_file",
                "Give either the PDF or its SHA-256, not both.",
            ),
        ],
    )
    def test_bad_input_names_the_field(self, client, data, field, message):
        response = verify(client, **data)
        assert response.status_code == 400
        assert error_at(response, field).startswith(message)
        assert page_text(response).startswith("Error:")

    def test_garbage_that_starts_like_a_pdf_is_no_contract(self, client):
        text = page_text(verify(client, file=b"%PDF-1.7\nnothing else"))
        assert "Not a contract of record" in text and "Not signed" in text

    def test_an_oversize_file_is_refused(self, client, settings):
        settings.UPLOAD_MAX_BYTES = 1024
        response = verify(client, file=b"%PDF-1.7\n" + b"0" * 4096)
        assert response.status_code == 400
        assert error_at(response, "id_file").startswith("Files are limited to")

    def test_it_is_throttled_per_client_address(self, client, settings):
        settings.CONTRACT_VERIFY_THROTTLE = "2/hour"
        for _ in range(2):
            assert verify(client, sha256=secrets.token_hex(32)).status_code == 200
        response = verify(client, sha256=secrets.token_hex(32))
        assert response.status_code == 429
        assert "Too many verifications from your network" in page_text(response)
