"""The contract in the API (issue 13, item 6): the officer prepares it from the final award
and changes it, every member of the city reads it, its schedule, its signatures and its PDF;
each head signs for their own department only (invariant 5) and the company's named user for
it; an executed contract refuses every change (invariant 7). The company reads its contracts
once sent, the public those of record, and anyone verifies a PDF or its hash.

Bad input is a 4xx naming the field with nothing changed; the three lists cost the same
queries for 2 contracts as for 30."""

import hashlib
import json
import secrets

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Contract, ContractPdf, Party, Signature
from departments.models import Municipality
from procurements import services as procurement_services
from procurements.models import Award
from tests.factories import build_contract, build_final_award, build_scored, sign_every_party
from tests.helpers import api_refused, database_state, downloaded, queries_for_get

pytestmark = pytest.mark.django_db

STAFF = "/api/v1/riverton/contracts/"
VENDOR = "/api/v1/vendor/contracts/"
PUBLIC = "/api/v1/public/contracts/riverton/"
VERIFY = "/api/v1/public/contract-verifications/"
READERS = ["officer", "head.trn", "head.psd", "evaluator", "admin"]
OUTSIDERS = ["vendor.acme", "vendor.beacon", "officer.lakeside"]


def staff_url(contract, tail: str = "") -> str:
    return f"{STAFF}{contract.number}/{tail}"


def vendor_url(contract, tail: str = "") -> str:
    return f"{VENDOR}riverton/{contract.number}/{tail}"


def public_url(contract, tail: str = "") -> str:
    return f"{PUBLIC}{contract.number}/{tail}"


def terms(**changes) -> dict:
    """The body of build_contract's terms, as an integrator sends it."""
    body = {
        "start_date": "2030-01-01",
        "term_years": 3,
        "capital": "1,500.00",
        "in_kind": [{"period": 1, "donor": "vendor"}],
    }
    return {**body, **changes}


@pytest.fixture
def award(actor, departments, personas):
    return build_final_award(actor, departments, personas)


@pytest.fixture
def draft(actor, departments, personas):
    return build_contract(actor, departments, personas)


@pytest.fixture
def executed(actor, personas, draft, django_capture_on_commit_callbacks):
    """Signed by every party; its PDF rendered, signed and stored (the task runs eagerly once
    the last signature commits)."""
    with django_capture_on_commit_callbacks(execute=True):
        contract = sign_every_party(actor, personas, draft)
    assert ContractPdf.objects.get(contract=contract).is_ready
    return contract


# --- preparing ------------------------------------------------------------------------------


def test_the_officer_prepares_the_contract_from_the_final_award(api_json, award, personas):
    body = {"solicitation": award.solicitation.reference, **terms(special_terms="Net 30.")}

    created = api_json("officer").post(STAFF, body)

    assert created.status_code == 201, created.content
    contract = created.json()
    assert (contract["number"], contract["status"], contract["moves"]) == (
        "RIV-C-2026-0001",
        "draft",
        ["send"],
    )
    assert (contract["total"], contract["capital"], contract["in_kind_amount"]) == (
        "4500.00",
        "1500.00",
        "1000.00",
    )
    assert (contract["payable"], contract["special_terms"], contract["revision"]) == (
        "3500.00",
        "Net 30.",
        1,
    )
    assert contract["in_kind"] == [
        {"period": 1, "donor": "vendor", "donor_name": "Acme Traffic Systems"}
    ]
    # The defaults: the bid's submitter and the heads who approved the award.
    assert {p["party"]: p["signatory_username"] for p in contract["parties"]} == {
        "vendor": "vendor.acme",
        "PSD": "head.psd",
        "TRN": "head.trn",
    }
    assert all(p["signed_at"] is None and not p["may_sign"] for p in contract["parties"])
    assert contract["pdf"]["status"] == "none" and contract["pdf"]["download"] is None
    assert Contract.objects.get(number="RIV-C-2026-0001").prepared_by == personas["officer"]


def test_the_schedule_is_a_table_whose_rows_and_columns_add_up(api_json, draft):
    table = api_json("head.psd").get(staff_url(draft, "schedule/")).json()

    assert [p["label"] for p in table["periods"]] == [
        "One-time (capital)",
        "Year 1",
        "Year 2",
        "Year 3",
    ]
    assert [p["amount"] for p in table["periods"]] == ["1500.00", "1000.00", "1000.00", "1000.00"]
    rows = {row["department"]: row for row in table["rows"]}
    assert list(rows) == ["PSD", "TRN"]
    assert rows["PSD"]["cells"] == ["666.67", "0.00", "444.45", "444.44"]
    assert rows["TRN"]["cells"] == ["833.33", "0.00", "555.55", "555.56"]
    assert (rows["PSD"]["total"], rows["TRN"]["total"]) == ("1555.56", "1944.44")
    assert table["in_kind_row"] == {
        "label": "In-kind (donor)",
        "cells": ["0.00", "1000.00", "0.00", "0.00"],
        "donors": ["", "Acme Traffic Systems", "", ""],
        "total": "1000.00",
    }
    assert table["column_totals"] == ["1500.00", "1000.00", "1000.00", "1000.00"]
    assert (table["total"], table["in_kind_amount"], table["payable"]) == (
        "4500.00",
        "1000.00",
        "3500.00",
    )
    assert api_json("officer").get(staff_url(draft)).json()["schedule"] == table


def test_a_partner_may_donate_a_year_and_the_form_names_who_signs(api_json, award, personas):
    body = {
        "solicitation": award.solicitation.reference,
        **terms(in_kind=[{"period": 2, "donor": "partner", "partner": "Harbor Foundation"}]),
        "signatories": {"vendor": personas["vendor.acme"].pk, "TRN": personas["head.trn"].pk},
    }

    created = api_json("officer").post(STAFF, body)

    assert created.status_code == 201, created.content
    schedule = created.json()["schedule"]
    assert schedule["in_kind_row"]["donors"] == ["", "", "Harbor Foundation", ""]
    assert created.json()["in_kind"][0] == {
        "period": 2,
        "donor": "partner",
        "donor_name": "Harbor Foundation",
    }


REFUSED_TERMS = [
    ({"start_date": None}, "start_date"),
    ({"start_date": "2030-02-30"}, "start_date"),
    ({"term_years": 0}, "term_years"),
    ({"term_years": 31}, "term_years"),
    ({"term_years": "x"}, "term_years"),
    ({"capital": "-1"}, "capital"),
    ({"capital": "1.001"}, "capital"),
    ({"capital": "4,500.01"}, "capital"),
    ({"in_kind": [{"period": 99, "donor": "vendor"}]}, "in_kind.0.period"),
    ({"in_kind": [{"period": 5, "donor": "vendor"}]}, "in_kind"),
    ({"in_kind": [{"period": 1, "donor": "vendor"}] * 2}, "in_kind.1.period"),
    ({"in_kind": [{"period": 1, "donor": "partner"}]}, "in_kind.0.partner"),
    ({"in_kind": [{"period": 1, "donor": "x"}]}, "in_kind.0.donor"),
    ({"in_kind": "year 1"}, "in_kind"),
    ({"signatories": {"TRN": "head.psd"}}, "signatories.TRN"),
    ({"signatories": {"vendor": "vendor.beacon"}}, "signatories.vendor"),
    ({"signatories": {"PRK": "head.trn"}}, "signatories.PRK"),
    ({"colour": "red"}, "colour"),
    ({"solicitation": "RIV-2026-9999"}, "solicitation"),
    ({"solicitation": None}, "solicitation"),
    ({"solicitation": ["RIV-2026-0001"]}, "solicitation"),
]


def with_people(body: dict, personas) -> dict:
    """Signatories named by username in the table, sent by id."""
    if isinstance(body.get("signatories"), dict):
        body["signatories"] = {k: personas[v].pk for k, v in body["signatories"].items()}
    return body


@pytest.mark.parametrize(("change", "attr"), REFUSED_TERMS)
def test_bad_terms_are_a_400_naming_the_field_with_nothing_changed(
    api_json, award, personas, change, attr
):
    body = with_people(
        {"solicitation": award.solicitation.reference, **terms(), **change}, personas
    )
    body = {key: value for key, value in body.items() if value is not None}
    before = database_state()

    api_refused(api_json("officer").post(STAFF, body), attr)

    assert database_state() == before


def test_every_term_at_fault_is_named_at_once(api_json, award):
    body = {"solicitation": award.solicitation.reference, "term_years": 0, "capital": "1.001"}

    refused = api_json("officer").post(STAFF, body)

    assert refused.status_code == 400
    assert {error["attr"] for error in refused.json()["errors"]} >= {
        "start_date",
        "term_years",
        "capital",
    }


def test_an_award_not_final_yet_has_no_contract(api_json, actor, departments, personas):
    scored = build_scored(actor, departments, personas)
    procurement_services.award_propose(actor=actor("officer"), solicitation=scored, bid=scored.acme)
    before = database_state()

    refused = api_json("officer").post(STAFF, {"solicitation": scored.reference, **terms()})

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "award_not_final"
    assert database_state() == before


def test_an_award_has_one_contract(api_json, draft):
    before = database_state()

    refused = api_json("officer").post(
        STAFF, {"solicitation": draft.solicitation.reference, **terms()}
    )

    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "contract_exists"
    assert database_state() == before


# --- who reads and who writes ---------------------------------------------------------------


@pytest.mark.parametrize("username", READERS)
def test_every_member_of_the_city_reads_the_contract(api_json, draft, username):
    client = api_json(username)
    assert client.get(STAFF).json()["results"][0]["number"] == draft.number
    for tail in ("", "schedule/", "signatures/", "pdf/"):
        response = client.get(staff_url(draft, tail))
        assert response.status_code == 200, (username, tail, response.content)
    assert client.get(staff_url(draft, "pdf/download/")).status_code == 404  # not executed


@pytest.mark.parametrize("username", OUTSIDERS)
def test_nobody_else_learns_that_it_exists(api_json, executed, username):
    client = api_json(username)
    assert client.get(STAFF).status_code == 404
    for tail in ("", "schedule/", "signatures/", "pdf/", "pdf/download/"):
        response = client.get(staff_url(executed, tail))
        assert response.status_code == 404, (username, tail)
        assert "4500.00" not in response.content.decode()


def test_the_anonymous_are_asked_to_sign_in(api_json, draft):
    anonymous = api_json(None)
    for tail in ("", "schedule/", "signatures/", "pdf/", "pdf/download/"):
        assert anonymous.get(staff_url(draft, tail)).status_code == 401
    assert anonymous.get(STAFF).status_code == 401
    assert anonymous.get(VENDOR).status_code == 401
    assert anonymous.post(STAFF, {}).status_code == 401


def writes(contract, award_reference):
    return [
        ("post", STAFF, {"solicitation": award_reference, **terms()}),
        ("patch", staff_url(contract), {"term_years": 4}),
        ("post", staff_url(contract, "send/"), None),
        ("post", staff_url(contract, "recall/"), {"reason": "x"}),
        ("post", staff_url(contract, "terminate/"), {"reason": "x"}),
    ]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("head.trn", 403),
        ("head.psd", 403),
        ("evaluator", 403),
        ("admin", 403),
        ("vendor.acme", 404),
        ("vendor.beacon", 404),
        ("officer.lakeside", 404),
        (None, 401),
    ],
)
def test_only_the_officer_prepares_changes_and_moves_it(api_json, draft, username, status):
    client, before = api_json(username), database_state()
    for method, path, body in writes(draft, draft.solicitation.reference):
        response = getattr(client, method)(path, body)
        assert response.status_code == status, (username, method, path, response.content)
    assert database_state() == before


def test_the_list_filters_by_status(api_json, draft):
    officer = api_json("officer")
    assert [c["number"] for c in officer.get(f"{STAFF}?status=draft").json()["results"]] == [
        draft.number
    ]
    assert officer.get(f"{STAFF}?status=executed").json()["results"] == []
    api_refused(officer.get(f"{STAFF}?status=signed"), "status")


# --- changing it ------------------------------------------------------------------------------


def test_a_change_computes_the_schedule_again(api_json, draft):
    changed = api_json("officer").patch(staff_url(draft), {"term_years": 4, "capital": "500"})

    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["term_years"], body["capital"], body["revision"]) == (4, "500.00", 2)
    assert [p["amount"] for p in body["schedule"]["periods"]] == ["500.00"] + ["1000.00"] * 4
    assert body["ends_at"].startswith("2034-01-01T00:00:00")
    api_refused(api_json("officer").patch(staff_url(draft), {"term_years": 0}), "term_years")


def test_a_change_after_a_signature_voids_it_and_returns_to_draft(api_json, actor, personas, draft):
    sign_every_party(actor, personas, draft, but=("TRN", "vendor"))  # PSD has signed

    changed = api_json("officer").patch(staff_url(draft), {"special_terms": "Net 45."})

    assert changed.status_code == 200
    assert changed.json()["status"] == "draft"
    assert all(p["signed_at"] is None for p in changed.json()["parties"])
    (voided,) = api_json("head.psd").get(staff_url(draft, "signatures/")).json()["results"]
    assert (voided["party"], voided["revision"], voided["typed_name"]) == ("PSD", 1, "Priya Shah")
    assert voided["voided_at"] is not None


def test_the_officer_recalls_it_from_signature(api_json, actor, personas, draft):
    sign_every_party(actor, personas, draft, but=("TRN",))
    officer = api_json("officer")

    recalled = officer.post(staff_url(draft, "recall/"), {"reason": "The start date moves."})

    assert recalled.status_code == 200
    assert (recalled.json()["status"], recalled.json()["moves"]) == ("draft", ["send"])
    assert Signature.objects.filter(contract=draft, voided_at__isnull=True).count() == 0
    assert officer.post(staff_url(draft, "recall/")).status_code == 409


def test_an_executed_contract_refuses_every_change(api_json, executed, personas):
    officer, before = api_json("officer"), database_state()
    body = {"term_years": 4, "signatories": {"TRN": personas["head.trn"].pk}}

    changed = officer.patch(staff_url(executed), body)
    sent = officer.post(staff_url(executed, "send/"))
    recalled = officer.post(staff_url(executed, "recall/"), {"reason": "Changes."})

    assert changed.status_code == 409
    assert changed.json()["errors"][0]["code"] == "contract_of_record"
    assert [sent.status_code, recalled.status_code] == [409, 409]
    assert database_state() == before
    assert Contract.objects.get(pk=executed.pk).revision == 1


def test_the_officer_terminates_an_executed_contract_with_a_reason(api_json, executed):
    officer, before = api_json("officer"), database_state()
    api_refused(officer.post(staff_url(executed, "terminate/"), {"reason": " "}), "reason")
    assert database_state() == before

    ended = officer.post(staff_url(executed, "terminate/"), {"reason": "Rebuilt."})

    assert ended.status_code == 200
    assert (ended.json()["status"], ended.json()["termination_reason"]) == (
        "terminated",
        "Rebuilt.",
    )
    assert ended.json()["pdf"]["sha256"] == executed.pdf.sha256


# --- signing ----------------------------------------------------------------------------------


def sign_body(code: str, name: str = "Tomas Reyes") -> dict:
    return {"department": code, "typed_name": name, "consent": True}


@pytest.fixture
def out(actor, personas, draft):
    """Out for signature, nobody signed yet."""
    return sign_every_party(actor, personas, draft, but=("vendor", "TRN", "PSD"))


def test_a_head_signs_only_for_their_own_department(api_json, out):
    before = database_state()

    refused = api_json("head.psd").post(staff_url(out, "signatures/"), sign_body("TRN"))
    officer = api_json("officer").post(staff_url(out, "signatures/"), sign_body("TRN"))

    assert (refused.status_code, officer.status_code) == (403, 403)
    assert "Tomas Reyes, Head of Transportation" in refused.json()["errors"][0]["detail"]
    assert database_state() == before


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"department": "TRN", "typed_name": "Tomas Reyes"}, "consent"),
        ({"department": "TRN", "typed_name": "Tomas Reyes", "consent": "yes"}, "consent"),
        ({"department": "TRN", "typed_name": " ", "consent": True}, "typed_name"),
        ({"department": "PRK", "typed_name": "Tomas Reyes", "consent": True}, "department"),
        ({"department": ["TRN"], "typed_name": "Tomas Reyes", "consent": True}, "department"),
        ({"department": "T\x00RN", "typed_name": "Tomas Reyes", "consent": True}, "department"),
    ],
)
def test_a_signature_without_consent_or_name_is_a_400_naming_it(api_json, out, body, attr):
    before = database_state()
    api_refused(api_json("head.trn").post(staff_url(out, "signatures/"), body), attr)
    assert database_state() == before


def test_another_company_cannot_sign_nor_see_it(api_json, out):
    beacon, before = api_json("vendor.beacon"), database_state()

    signed = beacon.post(vendor_url(out, "sign/"), {"typed_name": "Ben Beacon", "consent": True})

    assert signed.status_code == 404
    assert beacon.get(vendor_url(out)).status_code == 404
    assert beacon.get(VENDOR).json()["results"] == []
    assert database_state() == before


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("vendor.beacon", 404),
        ("officer", 404),
        ("head.trn", 404),
        ("officer.lakeside", 404),
        (None, 401),
    ],
)
def test_only_the_company_reads_its_contract_in_the_vendor_api(
    api_json, executed, username, status
):
    client = api_json(username)
    for tail in ("", "pdf/", "pdf/download/"):
        response = client.get(vendor_url(executed, tail))
        assert response.status_code == status, (username, tail)
        assert executed.pdf.sha256 not in response.content.decode(errors="replace")
    assert api_json("vendor.acme").get(vendor_url(executed)).status_code == 200


def test_the_company_never_sees_a_draft(api_json, draft):
    acme = api_json("vendor.acme")
    assert acme.get(VENDOR).json()["results"] == []
    assert acme.get(vendor_url(draft)).status_code == 404
    assert api_json("officer").get(vendor_url(draft)).status_code == 404  # staff: no company


def test_the_whole_signing_through_the_api_executes_and_stores_the_pdf(
    api_json, draft, django_capture_on_commit_callbacks
):
    officer, acme = api_json("officer"), api_json("vendor.acme")
    assert officer.post(staff_url(draft, "send/")).json()["status"] == "out_for_signature"
    assert api_json("head.trn").get(staff_url(draft)).json()["parties"][2]["may_sign"] is True

    vendor_signed = acme.post(
        vendor_url(draft, "sign/"),
        {"typed_name": "Ada Acme", "consent": True},
        HTTP_USER_AGENT="Integrator/1.0",
    )
    assert vendor_signed.status_code == 200, vendor_signed.content
    assert vendor_signed.json()["parties"][0]["typed_name"] == "Ada Acme"
    trn = api_json("head.trn").post(staff_url(draft, "signatures/"), sign_body("TRN"))
    assert trn.status_code == 201, trn.content
    assert (trn.json()["party"], trn.json()["client_address"]) == ("TRN", "127.0.0.1")
    with django_capture_on_commit_callbacks(execute=True):
        psd = api_json("head.psd").post(
            staff_url(draft, "signatures/"), sign_body("PSD", "Priya Shah")
        )
    assert psd.status_code == 201, psd.content
    assert officer.get(staff_url(draft)).json()["status"] == "executed"

    state = officer.get(staff_url(draft, "pdf/")).json()
    assert (state["status"], state["step"]) == ("ready", None)
    assert state["download"].endswith(staff_url(draft, "pdf/download/"))
    file = downloaded(officer.get(staff_url(draft, "pdf/download/")))
    assert file.startswith(b"%PDF") and len(file) == state["size"]
    assert hashlib.sha256(file).hexdigest() == state["sha256"]
    vendor_state = acme.get(vendor_url(draft, "pdf/")).json()
    assert vendor_state["sha256"] == state["sha256"]
    assert downloaded(acme.get(vendor_url(draft, "pdf/download/"))) == file
    assert Signature.objects.get(party__kind=Party.Kind.VENDOR).user_agent == "Integrator/1.0"
    history = officer.get(staff_url(draft, "signatures/")).json()["results"]
    assert [s["party"] for s in history] == ["PSD", "TRN", "vendor"]
    assert (
        acme.post(vendor_url(draft, "sign/"), {"typed_name": "A", "consent": True}).status_code
        == 409
    )


def test_the_pdf_status_shows_the_step_while_it_renders(api_json, actor, personas, draft):
    sign_every_party(actor, personas, draft)  # the render waits for the commit: still pending

    state = api_json("head.trn").get(staff_url(draft, "pdf/")).json()

    assert state == {
        "status": "pending",
        "step": "queued",
        "step_label": "Waiting for a worker",
        "sha256": None,
        "size": None,
        "rendered_at": None,
        "download": None,
    }
    assert api_json("officer").get(staff_url(draft, "pdf/download/")).status_code == 404


# --- the public -------------------------------------------------------------------------------


def test_the_public_reads_contracts_of_record_and_the_pdf_only_if_published(api_json, executed):
    anonymous = api_json(None)
    listed = anonymous.get(PUBLIC).json()["results"]
    assert [c["number"] for c in listed] == [executed.number]
    assert listed[0]["departments"] == ["Public Safety", "Transportation"]

    detail = anonymous.get(public_url(executed)).json()
    assert detail["sha256"] == executed.pdf.sha256
    assert detail["pdf_download"] is None
    assert detail["schedule"]["column_totals"] == ["1500.00", "1000.00", "1000.00", "1000.00"]
    assert [p["name"] for p in detail["parties"]] == [
        "Acme Traffic Systems",
        "Public Safety",
        "Transportation",
    ]
    assert "client_address" not in str(detail) and "head.trn" not in str(detail)
    assert anonymous.get(public_url(executed, "pdf/")).status_code == 404

    Municipality.objects.filter(slug="riverton").update(contracts_published=True)
    detail = anonymous.get(public_url(executed)).json()
    assert detail["pdf_download"].endswith(public_url(executed, "pdf/"))
    file = downloaded(anonymous.get(public_url(executed, "pdf/")))
    assert hashlib.sha256(file).hexdigest() == executed.pdf.sha256


def test_the_public_sees_nothing_before_execution(api_json, out):
    Municipality.objects.filter(slug="riverton").update(contracts_published=True)
    anonymous = api_json(None)
    assert anonymous.get(PUBLIC).json()["results"] == []
    assert anonymous.get(public_url(out)).status_code == 404
    assert anonymous.get(public_url(out, "pdf/")).status_code == 404
    assert anonymous.get("/api/v1/public/contracts/nowhere/").status_code == 404


# --- verification -----------------------------------------------------------------------------


def stored_pdf(contract: Contract) -> bytes:
    with contract.pdf.file.open("rb") as stored:
        return stored.read()


def verify_file(client, content: bytes, name: str = "contract.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(VERIFY, {"file": upload}, format="multipart")


def test_the_real_pdf_verifies_as_the_contract_of_record(api_json, executed):
    file = stored_pdf(executed)

    answer = verify_file(api_json(None), file)

    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["of_record"], body["sha256"]) == (True, executed.pdf.sha256)
    assert body["contract"]["number"] == executed.number
    assert body["contract"]["url"].endswith(public_url(executed))
    assert [s["party"] for s in body["signatures"]] == ["vendor", "PSD", "TRN"]
    check = body["signature_check"]
    assert check["present"] and check["intact"] and check["valid"] and check["trusted"]
    assert check["whole_document"]


def test_one_byte_changed_is_not_of_record_and_fails_the_signature_check(api_json, executed):
    file = bytearray(stored_pdf(executed))
    file[file.index(b"\n%") + 2] ^= 0x01  # a comment the signature covers

    body = verify_file(api_json(None), bytes(file)).json()

    assert (body["of_record"], body["contract"], body["signatures"]) == (False, None, [])
    assert body["signature_check"]["present"] is True
    assert body["signature_check"]["intact"] is False


def test_a_hash_verifies_without_the_file(api_json, executed):
    someone = api_json("vendor.beacon")  # signed in or not: the same answer

    known = someone.post(VERIFY, {"sha256": executed.pdf.sha256.upper()}, format="json")
    unknown = someone.post(VERIFY, {"sha256": secrets.token_hex(32)}, format="json")

    assert known.json()["of_record"] is True
    assert known.json()["signature_check"]["trusted"] is True  # the stored file, checked
    assert unknown.status_code == 200
    assert (unknown.json()["of_record"], unknown.json()["signature_check"]) == (False, None)


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({}, "file"),
        ({"sha256": "abc"}, "sha256"),
        ({"sha256": 12}, "sha256"),
        ({"file": "not a file"}, "file"),
    ],
)
def test_a_verification_without_a_pdf_or_a_hash_is_a_400(api_json, body, attr):
    api_refused(api_json(None).post(VERIFY, body, format="json"), attr)


def test_garbage_is_refused_as_no_pdf(api_json):
    api_refused(verify_file(api_json(None), bytes(range(256)) * 8, "x.pdf"), "file")


def test_verifications_are_counted_per_client_address(api_json, settings):
    settings.CONTRACT_VERIFY_THROTTLE = "2/hour"
    client, body = api_json(None), {"sha256": "0" * 64}
    answers = [client.post(VERIFY, body, format="json").status_code for _ in range(3)]
    assert answers == [200, 200, 429]


# --- query counts -----------------------------------------------------------------------------


def copies_of(contract: Contract, count: int) -> None:
    """`count` more contracts like `contract` (executed, its parties signed, its PDF ready),
    written directly: each needs an award of its own, here a withdrawn copy of its award."""
    first = Contract.objects.count() + 100
    for n in range(first, first + count):
        award = Award.objects.get(pk=contract.award_id)
        award.pk, award.number, award.status = None, n, Award.Status.ANNULLED
        award.save()
        copy = Contract.objects.get(pk=contract.pk)
        copy.pk, copy.number, copy.award = None, f"RIV-C-2026-{n}", award
        copy.save()
        for party in contract.parties.all():
            signature = party.signatures.get(voided_at__isnull=True)
            party.pk, party.contract = None, copy
            party.save()
            signature.pk, signature.contract, signature.party = None, copy, party
            signature.save()
        document = ContractPdf.objects.get(contract=contract)
        document.pk, document.contract, document.sha256 = None, copy, secrets.token_hex(32)
        document.save()


def lists(officer, acme, anonymous) -> list[int]:
    return [
        queries_for_get(c, path)
        for c, path in ((officer, STAFF), (acme, VENDOR), (anonymous, PUBLIC))
    ]


def test_the_lists_cost_the_same_queries_for_2_contracts_as_for_30(api_json, executed):
    officer, acme, anonymous = api_json("officer"), api_json("vendor.acme"), api_json(None)
    copies_of(executed, 1)
    few = lists(officer, acme, anonymous)

    copies_of(executed, 28)
    many = lists(officer, acme, anonymous)

    assert len(officer.get(STAFF).json()["results"]) == 30
    # Staff (6 today): the token with its user, the membership, the count, the page (its
    # municipality, vendor, solicitation and PDF joined), its parties, their live signatures.
    assert few[0] <= 8, few
    assert len(anonymous.get(PUBLIC).json()["results"]) == 30
    assert few == many


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = [
    "\ud800",
    "\x00",
    "9999-12-31",
    "10000-01-01",
    "2026-02-30",
    10**30,
    -(10**30),
    1e308,
    -1,
    0,
    True,
    None,
    [],
    {},
    [[[["deep"]]]],
    "NaN",
    "Infinity",
    "١٢٣",
    "x" * 100_000,
]


def hostile_bodies(base: dict):
    """`base` with each hostile value in each field, and in each field one level down."""
    for field, given in base.items():
        for value in HOSTILE:
            yield field, {**base, field: value}
        inner = given[0] if isinstance(given, list) and given else given
        if isinstance(inner, dict):
            for key in inner:
                for value in HOSTILE:
                    nested = {**inner, key: value}
                    yield (
                        f"{field}.{key}",
                        {**base, field: [nested] if given is not inner else nested},
                    )


def sweep(client, method: str, path: str, base: dict) -> int:
    """Every hostile body, each in a transaction rolled back after (so one accepted does not
    stop the next from reaching the service): below 500, refusals in the error format and
    without an audit event."""
    from django.db import transaction

    from p3hub.models import AuditEvent

    swept = 0
    for field, body in hostile_bodies(base):
        with transaction.atomic():
            before = AuditEvent.objects.count()
            response = client.generic(
                method, path, json.dumps(body), content_type="application/json"
            )
            assert response.status_code < 500, (path, field, response.content[:300])
            if response.status_code >= 400:
                assert set(response.json()) == {"type", "errors"}, (path, field)
                assert AuditEvent.objects.count() == before, (path, field)
            transaction.set_rollback(True)
        swept += 1
    return swept


def test_hostile_terms_and_signatures_never_give_a_500(api_json, award, personas):
    officer = api_json("officer")
    body = {
        "solicitation": award.solicitation.reference,
        **terms(title="Cameras", special_terms="Net 30."),
        "signatories": {"vendor": personas["vendor.acme"].pk, "TRN": personas["head.trn"].pk},
    }
    swept = sweep(officer, "POST", STAFF, body)

    contract = Contract.objects.get(number=officer.post(STAFF, body).json()["number"])
    swept += sweep(
        officer,
        "PATCH",
        staff_url(contract),
        {k: v for k, v in body.items() if k != "solicitation"},
    )
    officer.post(staff_url(contract, "send/"))
    signing = {"department": "TRN", "typed_name": "Tomas Reyes", "consent": True}
    swept += sweep(api_json("head.trn"), "POST", staff_url(contract, "signatures/"), signing)
    swept += sweep(
        api_json("vendor.acme"),
        "POST",
        vendor_url(contract, "sign/"),
        {"typed_name": "Ada Acme", "consent": True},
    )
    swept += sweep(api_json(None), "POST", VERIFY, {"sha256": "0" * 64})
    assert swept > 400
