"""The executed contract's PDF as the render task stores it (issue 13; DESIGN.md 7, 11,
invariant 7): its text (pdftotext -layout) names the contract, every party and every signer,
numbers its pages, and prints every amount of the schedule as the template formats it (every
cell, each department's total, the in-kind amounts, the periods' amounts and the total), for
the demo terms and for random ones (Hypothesis); the stored bytes are the recorded SHA-256 and
carry the platform's valid, trusted signature. And what people typed into the contract (a
title, special terms, a partner's name) is printed as text: markup or styles in it fetch
nothing, from a server on this machine or from the disk."""

import hashlib
import re
import subprocess
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts import pdf, services
from contracts.models import Contract, ContractPdf
from contracts.pdf import STATIC_ORIGIN, LocalOnlyFetcher
from p3hub.money import format_amount, format_money
from tests.factories import build_contract, sign_every_party

pytestmark = pytest.mark.django_db

MONEY = re.compile(r"\$[0-9][0-9,]*\.[0-9]{2}")


def pdf_text(data: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True, timeout=60
    )
    return result.stdout.decode()


def words(text: str) -> str:
    """The text with every run of white space (line breaks, the layout's columns) as one
    space."""
    return " ".join(text.split())


def unspaced(text: str) -> str:
    return "".join(text.split())


def executed_pdf(actor, personas, contract, capture) -> tuple[Contract, bytes]:
    """Every party signs the contract; the render queued by the last signature runs (eagerly,
    on commit). The executed contract and its stored PDF."""
    with capture(execute=True):
        contract = sign_every_party(actor, personas, contract)
    document = ContractPdf.objects.get(contract=contract)
    assert document.status == "ready", document.error
    with document.file.open("rb") as stored:
        return contract, stored.read()


def schedule_amounts(contract: Contract) -> list[str]:
    """Every amount the schedule table prints, each as often as it prints it: the cells and
    each period's amount (and its in-kind amount when a period is donated), then the totals
    row: each department's total, the in-kind total, the contract's total."""
    schedule, currency = contract.schedule, contract.currency
    donated = any(period["in_kind"] for period in schedule["periods"])
    amounts = []
    for column, period in enumerate(schedule["periods"]):
        amounts += [row["cells"][column] for row in schedule["departments"].values()]
        amounts += [schedule["in_kind_row"][column]] if donated else []
        amounts.append(period["amount_minor"])
    amounts += [row["total_minor"] for row in schedule["departments"].values()]
    amounts += [schedule["in_kind_minor"]] if donated else []
    amounts.append(schedule["total_minor"])
    return [format_money(amount, currency) for amount in amounts]


def assert_prints_the_contract(contract: Contract, data: bytes) -> None:
    text = pdf_text(data)
    flat = words(text)
    assert contract.number in flat
    assert "Page 1 of " in flat
    names = ["Acme Traffic Systems, Inc.", "Transportation (TRN)", "Public Safety (PSD)"]
    names += [contract.municipality.name]
    for name in names:
        assert name in flat, name
    for signature in contract.signatures.filter(voided_at__isnull=True):
        assert signature.typed_name in flat, signature.typed_name
    # Every amount of the table, as often as the table prints it (the text prints some of
    # them again, in the facts and the clauses: more is fine, fewer is not).
    missing = Counter(schedule_amounts(contract)) - Counter(MONEY.findall(text))
    assert not missing, f"amounts missing from the PDF: {dict(missing)}"


def assert_signed_as_recorded(contract: Contract, data: bytes) -> None:
    document = ContractPdf.objects.get(contract=contract)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(data) == document.size
    check = pdf.check_signature(data)
    assert check.intact and check.valid and check.trusted and check.whole_document, check.summary


def test_the_demo_contract_prints_its_parties_signers_and_every_amount(
    actor, departments, personas, django_capture_on_commit_callbacks
):
    contract = build_contract(actor, departments, personas)
    contract, data = executed_pdf(actor, personas, contract, django_capture_on_commit_callbacks)

    assert_prints_the_contract(contract, data)
    assert_signed_as_recorded(contract, data)
    flat = words(pdf_text(data))
    for typed in ("Ada Acme", "Tomas Reyes", "Priya Shah"):
        assert typed in flat
    # The in-kind year and its donor, and the fund codes the departments are charged to.
    assert "Year 1 by Acme Traffic Systems" in flat
    assert "100-TRN-CAP" in flat and "200-PSD-OPS" in flat


@st.composite
def contract_terms(draw) -> dict:
    """Terms the officer could give the demo award (4,500.00): a term of 1 to 12 years, a
    one-time part, in-kind periods donated by the vendor or a partner."""
    years = draw(st.integers(1, 12))
    capital = draw(st.one_of(st.just(0), st.integers(0, 450_000)))
    periods = ([0] if capital else []) + list(range(1, years + 1))
    donated = draw(st.lists(st.sampled_from(periods), unique=True, max_size=3))
    donors = st.sampled_from(["vendor", "Harbor Foundation", "Riverton Rotary Club"])
    in_kind = []
    for period in donated:
        donor = draw(donors)
        if donor == "vendor":
            in_kind.append({"period": period, "donor": "vendor"})
        else:
            in_kind.append({"period": period, "donor": "partner", "partner": donor})
    return {"term_years": years, "capital": format_amount(capital, "USD"), "in_kind": in_kind}


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(terms=contract_terms())
def test_random_terms_print_every_amount_of_their_schedule(
    actor, departments, personas, django_capture_on_commit_callbacks, terms
):
    contract = build_contract(actor, departments, personas)
    contract = services.contract_update(actor=actor("officer"), contract=contract, **terms)
    contract, data = executed_pdf(actor, personas, contract, django_capture_on_commit_callbacks)

    assert_prints_the_contract(contract, data)
    assert_signed_as_recorded(contract, data)


# --- what people typed fetches nothing ------------------------------------------------------------


@pytest.fixture
def asked(monkeypatch) -> list[str]:
    """Every URL the renderer asked LocalOnlyFetcher for, in order."""
    seen: list[str] = []
    decide = LocalOnlyFetcher.static_file

    def spy(self, url):
        seen.append(url)
        return decide(self, url)

    monkeypatch.setattr(LocalOnlyFetcher, "static_file", spy)
    return seen


def test_markup_and_styles_people_typed_are_printed_and_fetch_nothing(
    actor, departments, personas, django_capture_on_commit_callbacks, server, asked
):
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    title = f'Cameras <img src="{origin}/title.png"> <link rel=stylesheet href="{origin}/t.css">'
    special_terms = "\n".join(
        [
            f'<img src="{origin}/terms.png">',
            f'<link rel=stylesheet href="{origin}/terms.css">',
            '<img src="file:///etc/passwd">',
            f"<style>body {{ background: url({origin}/background.png) }}</style>",
            f'<style>@import url("{origin}/import.css");</style>',
            f'<svg><image href="{origin}/svg.png"/></svg>',
        ]
    )
    partner = f'<style>@import "{origin}/partner.css";</style> file:///etc/passwd'
    contract = build_contract(
        actor,
        departments,
        personas,
        title=title,
        special_terms=special_terms,
        in_kind=[
            {"period": 1, "donor": "vendor"},
            {"period": 2, "donor": "partner", "partner": partner},
        ],
    )
    contract, data = executed_pdf(actor, personas, contract, django_capture_on_commit_callbacks)

    assert server.requests == []
    assert all(url.startswith(f"{STATIC_ORIGIN}/") for url in asked), asked
    # Printed as typed, though the layout may break a long URL after a slash.
    printed = unspaced(pdf_text(data))
    for typed in [title, *special_terms.splitlines(), partner]:
        assert unspaced(typed) in printed, typed
    assert "root:x:" not in printed  # nothing of /etc/passwd
    assert_signed_as_recorded(contract, data)
