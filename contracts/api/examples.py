"""OpenAPI pieces of the contract API: path parameters, documented refusals and the example
payloads, told throughout on one contract: RIV-C-2026-0001, Acme's cameras for TRN and PSD,
4,500.00 over three years from 1 January 2030, 1,500.00 one-time, year 1 donated by Acme."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from departments.api.examples import conflict
from procurements.api.examples import input_example, refused_input

NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The contract's number, e.g. RIV-C-2026-0001.",
)
CITY = OpenApiParameter(
    "municipality_slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. riverton."
)

# --- the contract ---------------------------------------------------------------------------

PERIODS = [
    {
        "index": 0,
        "label": "One-time (capital)",
        "starts_on": "2030-01-01",
        "ends_on": "2030-01-01",
        "amount": "1500.00",
        "in_kind": False,
        "donor": "",
    },
    {
        "index": 1,
        "label": "Year 1",
        "starts_on": "2030-01-01",
        "ends_on": "2030-12-31",
        "amount": "1000.00",
        "in_kind": True,
        "donor": "Acme Traffic Systems",
    },
    {
        "index": 2,
        "label": "Year 2",
        "starts_on": "2031-01-01",
        "ends_on": "2031-12-31",
        "amount": "1000.00",
        "in_kind": False,
        "donor": "",
    },
    {
        "index": 3,
        "label": "Year 3",
        "starts_on": "2032-01-01",
        "ends_on": "2032-12-31",
        "amount": "1000.00",
        "in_kind": False,
        "donor": "",
    },
]
SCHEDULE = {
    "currency": "USD",
    "periods": PERIODS,
    "rows": [
        {
            "department": "PSD",
            "name": "Public Safety",
            "fund_code": "200-PSD-OPS",
            "cells": ["666.67", "0.00", "444.45", "444.44"],
            "total": "1555.56",
        },
        {
            "department": "TRN",
            "name": "Transportation",
            "fund_code": "100-TRN-CAP",
            "cells": ["833.33", "0.00", "555.55", "555.56"],
            "total": "1944.44",
        },
    ],
    "in_kind_row": {
        "label": "In-kind (donor)",
        "cells": ["0.00", "1000.00", "0.00", "0.00"],
        "donors": ["", "Acme Traffic Systems", "", ""],
        "total": "1000.00",
    },
    "column_totals": ["1500.00", "1000.00", "1000.00", "1000.00"],
    "total": "4500.00",
    "in_kind_amount": "1000.00",
    "payable": "3500.00",
}
SIGNED_AT = "2026-05-04T10:00:00-05:00"
PARTIES = [
    {
        "party": "vendor",
        "kind": "vendor",
        "name": "Acme Traffic Systems",
        "signatory_title": "Ada Acme, authorised signer for Acme Traffic Systems",
        "signed_at": SIGNED_AT,
        "amount": None,
        "fund_code": "",
        "signatory": 8,
        "signatory_username": "vendor.acme",
        "typed_name": "Ada Acme",
        "may_sign": False,
    },
    {
        "party": "PSD",
        "kind": "department",
        "name": "Public Safety",
        "signatory_title": "Priya Shah, Head of Public Safety",
        "signed_at": SIGNED_AT,
        "amount": "1555.56",
        "fund_code": "200-PSD-OPS",
        "signatory": 4,
        "signatory_username": "head.psd",
        "typed_name": "Priya Shah",
        "may_sign": False,
    },
    {
        "party": "TRN",
        "kind": "department",
        "name": "Transportation",
        "signatory_title": "Tomas Reyes, Head of Transportation",
        "signed_at": None,
        "amount": "1944.44",
        "fund_code": "100-TRN-CAP",
        "signatory": 3,
        "signatory_username": "head.trn",
        "typed_name": None,
        "may_sign": True,
    },
]
PARTY_SUMMARIES = [
    {key: party[key] for key in ("party", "kind", "name", "signatory_title", "signed_at")}
    for party in PARTIES
]
CONTRACT = {
    "number": "RIV-C-2026-0001",
    "title": "Intersection cameras at Main St & Elm St",
    "status": "out_for_signature",
    "status_display": "Out for signature",
    "solicitation": "RIV-2026-0001",
    "vendor": "Acme Traffic Systems",
    "currency": "USD",
    "total": "4500.00",
    "start_date": "2030-01-01",
    "term_years": 3,
    "executed_at": None,
    "prepared_at": "2026-05-01T09:00:00-05:00",
    "sent_at": "2026-05-01T09:30:00-05:00",
    "parties": PARTY_SUMMARIES,
    "pdf_status": "none",
}
PDF_NONE = {
    "status": "none",
    "step": None,
    "step_label": None,
    "sha256": None,
    "size": None,
    "rendered_at": None,
    "download": None,
}
SHA256 = "9f2c1a7e4b3d5f60718293a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d5e6f70"
PDF_READY = {
    "status": "ready",
    "step": None,
    "step_label": None,
    "sha256": SHA256,
    "size": 48213,
    "rendered_at": "2026-05-04T10:00:09-05:00",
    "download": "https://p3hub.example/api/v1/riverton/contracts/RIV-C-2026-0001/pdf/download/",
}
PDF_RENDERING = {**PDF_NONE, "status": "pending", "step": "signing"}
PDF_RENDERING["step_label"] = "Signing with the platform certificate"
TERMS = {
    "award": 1,
    "starts_at": "2030-01-01T00:00:00-06:00",
    "ends_at": "2033-01-01T00:00:00-06:00",
    "capital": "1500.00",
    "in_kind": [{"period": 1, "donor": "vendor", "donor_name": "Acme Traffic Systems"}],
    "in_kind_amount": "1000.00",
    "payable": "3500.00",
    "special_terms": "",
    "revision": 1,
    "prepared_by": "officer",
    "ended_at": None,
    "termination_reason": "",
    "pdf": PDF_NONE,
    "schedule": SCHEDULE,
}
CONTRACT_DETAIL = {**CONTRACT, **TERMS, "parties": PARTIES, "moves": ["recall"]}
DRAFT = {
    **CONTRACT_DETAIL,
    "status": "draft",
    "status_display": "Draft",
    "sent_at": None,
    "parties": [
        {**party, "signed_at": None, "typed_name": None, "may_sign": False} for party in PARTIES
    ],
    "moves": ["send"],
}
EXECUTED = {
    **CONTRACT_DETAIL,
    "status": "executed",
    "status_display": "Executed",
    "executed_at": SIGNED_AT,
    "parties": [
        {**party, "signed_at": SIGNED_AT, "typed_name": party["signatory_title"].split(",")[0]}
        | {"may_sign": False}
        for party in PARTIES
    ],
    "pdf_status": "ready",
    "pdf": PDF_READY,
    "moves": ["terminate"],
}
TERMINATED = {
    **EXECUTED,
    "status": "terminated",
    "status_display": "Terminated",
    "ended_at": "2031-06-01T09:00:00-05:00",
    "termination_reason": "The intersection is rebuilt.",
    "moves": [],
}
PREPARE = {
    "solicitation": "RIV-2026-0001",
    "start_date": "2030-01-01",
    "term_years": 3,
    "capital": "1,500.00",
    "in_kind": [{"period": 1, "donor": "vendor"}],
    "special_terms": "",
    "signatories": {"vendor": 8, "TRN": 3, "PSD": 4},
}

TERMS_REFUSED = refused_input(
    "A term is refused; `attr` names it (`in_kind.0.period`, `signatories.TRN`). Every term "
    "at fault is listed at once.",
    input_example("No start date", "start_date", "This field is required.", "required"),
    input_example("A term too long", "term_years", "Enter a whole number from 1 to 30."),
    input_example(
        "The one-time part above the total",
        "capital",
        "The one-time part must be between zero and the awarded total.",
        "capital_out_of_range",
    ),
    input_example("A period twice", "in_kind.1.period", "This period is listed twice.", "twice"),
    input_example(
        "Not a head of TRN",
        "signatories.TRN",
        "Only an active head of TRN can sign for it.",
        "not_a_signer",
    ),
    input_example(
        "No such solicitation",
        "solicitation",
        "No solicitation of this municipality has this reference.",
        "does_not_exist",
    ),
)
PREPARE_REFUSED = conflict(
    "The solicitation has no final award yet (`award_not_final`), or its award already has "
    "its contract (`contract_exists`).",
    "contract_exists",
    "This award already has its contract.",
)
OF_RECORD = conflict(
    "The contract is executed (or after): nothing of it changes (`contract_of_record`).",
    "contract_of_record",
    "This contract is executed: it can no longer be changed.",
)
MOVE_REFUSED = conflict(
    "The lifecycle refuses the move from the contract's status (`invalid_transition`).",
    "invalid_transition",
    "This contract is executed: it cannot be returned to draft.",
)

# --- signatures ---------------------------------------------------------------------------------

SIGNATURE = {
    "id": 11,
    "party": "PSD",
    "party_name": "Public Safety",
    "revision": 1,
    "signer": "head.psd",
    "typed_name": "Priya Shah",
    "consented": True,
    "signed_at": SIGNED_AT,
    "client_address": "192.0.2.10",
    "voided_at": None,
}
SIGN_BODY = {"department": "PSD", "typed_name": "Priya Shah", "consent": True}
SIGN_REFUSED = refused_input(
    "The signature is refused; `attr` names the field.",
    input_example(
        "No consent",
        "consent",
        "Agree to sign electronically: your typed name is your signature.",
        "consent_required",
    ),
    input_example("No name", "typed_name", "This field is required.", "required"),
    input_example("Not a party", "department", "PRK is not a department of this contract."),
)
NOT_SIGNABLE = conflict(
    "The contract is not out for signature (`not_out_for_signature`) or the party has "
    "signed already (`already_signed`).",
    "already_signed",
    "Public Safety has already signed.",
)

# --- the company's and the public's -----------------------------------------------------------

VENDOR_CONTRACT = {**CONTRACT, "municipality": "riverton", "municipality_name": "City of Riverton"}
VENDOR_PDF = "https://p3hub.example/api/v1/vendor/contracts/riverton/RIV-C-2026-0001/pdf/download/"
VENDOR_CONTRACT_DETAIL = {
    **VENDOR_CONTRACT,
    **TERMS,
    "parties": [{**party, "may_sign": False} for party in PARTIES],
}
PUBLIC_CONTRACT = {
    key: EXECUTED[key]
    for key in (
        "number",
        "title",
        "status",
        "status_display",
        "solicitation",
        "vendor",
        "currency",
        "total",
        "start_date",
        "term_years",
        "executed_at",
    )
} | {"municipality": "riverton", "departments": ["Public Safety", "Transportation"]}
PUBLIC_CONTRACT_DETAIL = {
    **PUBLIC_CONTRACT,
    "starts_at": TERMS["starts_at"],
    "ends_at": TERMS["ends_at"],
    "capital": "1500.00",
    "ended_at": None,
    "termination_reason": "",
    "parties": [{**party, "signed_at": SIGNED_AT} for party in PARTY_SUMMARIES],
    "schedule": SCHEDULE,
    "sha256": SHA256,
    "pdf_download": None,
}
VERIFIED = {
    "of_record": True,
    "sha256": SHA256,
    "contract": {
        "number": "RIV-C-2026-0001",
        "municipality": "riverton",
        "title": "Intersection cameras at Main St & Elm St",
        "vendor": "Acme Traffic Systems",
        "status": "executed",
        "executed_at": SIGNED_AT,
        "url": "https://p3hub.example/api/v1/public/contracts/riverton/RIV-C-2026-0001/",
    },
    "signatures": [
        {
            "party": "vendor",
            "party_name": "Acme Traffic Systems",
            "typed_name": "Ada Acme",
            "signed_at": "2026-05-04T09:00:00-05:00",
        },
        {
            "party": "PSD",
            "party_name": "Public Safety",
            "typed_name": "Priya Shah",
            "signed_at": "2026-05-04T09:30:00-05:00",
        },
        {
            "party": "TRN",
            "party_name": "Transportation",
            "typed_name": "Tomas Reyes",
            "signed_at": SIGNED_AT,
        },
    ],
    "signature_check": {
        "present": True,
        "intact": True,
        "valid": True,
        "trusted": True,
        "whole_document": True,
        "signer": "P3 Hub platform",
        "signed_at": "2026-05-04T10:00:08-05:00",
        "summary": "Signed by the platform and unchanged since.",
    },
}
NOT_OF_RECORD = {
    "of_record": False,
    "sha256": "0" * 64,
    "contract": None,
    "signatures": [],
    "signature_check": {
        **VERIFIED["signature_check"],
        "intact": False,
        "valid": False,
        "whole_document": False,
        "summary": "The file was changed after it was signed.",
    },
}
VERIFY_REFUSED = refused_input(
    "Neither or both of `file` and `sha256`, a hash that is not 64 hexadecimal characters, "
    "or a file that is not a PDF.",
    input_example("Neither", "file", "Give either the PDF or its SHA-256, not both.", "one_of"),
    input_example("Not a SHA-256", "sha256", "Give the SHA-256 as 64 hexadecimal characters."),
)
