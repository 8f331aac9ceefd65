"""The contract's life before and after the signatures (issue 13): the officer prepares it from
a final award (term, one-time part, in-kind periods, each party's signatory), changes it
(which, once out for signature, voids every signature and returns it to draft), sends it for
signature, takes it back or terminates it; the clock makes it active from its start date and
completed at the end of its term.

Lock order: the solicitation (preparing), then the contract, then its parties."""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from guardian.shortcuts import assign_perm, remove_perm

from contracts import notices
from contracts.models import SIGN, Contract, ContractCounter, Party, Signature
from contracts.schedule import (
    CAPITAL,
    MAX_TERM_YEARS,
    ScheduleError,
    add_years,
    compute_schedule,
)
from contracts.services.common import lock_contract, require_editable, require_officer
from departments.models import Department, Membership, User
from departments.tenancy import SystemActor, TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_amount, clean_text, clean_whole_number
from p3hub.clock import db_now
from p3hub.errors import Checks, InvalidTransition, ValidationFailed
from procurements.models import Award, AwardShare, BidRevision, Solicitation
from procurements.services.common import lock_solicitation
from vendors.models import VendorUser

__all__ = [
    "TERMS_LIMIT",
    "contract_prepare",
    "contract_recall",
    "contract_send",
    "contract_terminate",
    "contract_update",
    "contracts_clock_due",
    "default_in_kind",
    "default_signatories",
    "department_signers",
    "final_award_of",
    "vendor_signers",
]

TITLE_LIMIT = 200
TERMS_LIMIT = 8000
DONOR_LIMIT = 200
REASON_LIMIT = 4000
VENDOR = Party.Kind.VENDOR.value  # the vendor party's code among the departments' codes
# The columns a change of terms writes.
TERM_COLUMNS = (
    "title",
    "start_date",
    "term_years",
    "capital_minor",
    "in_kind",
    "special_terms",
    "starts_at",
    "ends_at",
)
EDITABLE_FIELDS = (
    "title",
    "start_date",
    "term_years",
    "capital",
    "in_kind",
    "special_terms",
    "signatories",
)


@dataclass(frozen=True)
class Terms:
    """The cleaned terms of a contract, as prepare and update store them."""

    title: str
    start_date: dt.date
    term_years: int
    capital_minor: int
    in_kind: list[dict]
    special_terms: str
    signatories: dict[str, User]  # party code ("vendor", "TRN") -> who signs


# --- reading what was typed ---------------------------------------------------------------------


def _clean_date(value, *, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValidationFailed("Enter a date (YYYY-MM-DD).", field=field)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    if value in (None, ""):
        raise ValidationFailed("This field is required.", field=field, code="required")
    raise ValidationFailed("Enter a date (YYYY-MM-DD).", field=field)


def _clean_in_kind(value, *, vendor_name: str) -> list[dict]:
    """[{"period": 1, "donor": "vendor"}, {"period": 2, "donor": "partner", "partner": "..."}]
    as stored: each period once, with the donor's name."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValidationFailed("Give a list of in-kind periods.", field="in_kind")
    checks, cleaned, seen = Checks(), [], set()
    for position, entry in enumerate(value):
        field = f"in_kind.{position}"
        if not isinstance(entry, Mapping):
            checks.refuse("Give the period and its donor.", field=field)
            continue
        period = checks.run(
            clean_whole_number,
            entry.get("period"),
            field=f"{field}.period",
            low=CAPITAL,
            high=MAX_TERM_YEARS,
        )
        donor = checks.run(_clean_donor, entry, field=field, vendor_name=vendor_name)
        if period is None or donor is None:
            continue
        if period in seen:
            checks.refuse("This period is listed twice.", field=f"{field}.period", code="twice")
            continue
        seen.add(period)
        cleaned.append({"period": period, **donor})
    checks.raise_any()
    return sorted(cleaned, key=lambda entry: entry["period"])


def _clean_donor(entry: Mapping, *, field: str, vendor_name: str) -> dict:
    kind = entry.get("donor")
    if kind == "vendor":
        return {"donor": vendor_name, "donor_is_vendor": True}
    if kind == "partner":
        name = clean_text(
            entry.get("partner"), field=f"{field}.partner", limit=DONOR_LIMIT, required=True
        )
        return {"donor": name, "donor_is_vendor": False}
    raise ValidationFailed(
        'The donor is "vendor" or "partner" (with the partner\'s name).', field=f"{field}.donor"
    )


def _clean_signatories(value, award: Award, current: Mapping[str, User]) -> dict[str, User]:
    """Who signs for each party: a user of the vendor for it, an active head of each
    department for that department (invariant 5). Parties not named keep `current`."""
    if value in (None, ""):
        value = {}
    if not isinstance(value, Mapping):
        raise ValidationFailed("Name a signatory per party.", field="signatories")
    codes = [VENDOR, *_department_codes(award)]
    checks, chosen = Checks(), dict(current)
    for code, pk in value.items():
        field = f"signatories.{code}"
        if code not in codes:
            checks.refuse(f"{str(code)[:30]} is not a party of this contract.", field=field)
            continue
        user = checks.run(_signatory_for, award, code, pk, field=field)
        if user is not None:
            chosen[code] = user
    checks.raise_any()
    return chosen


def _as_pk(value, field: str) -> int:
    if isinstance(value, User):
        return value.pk
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    raise ValidationFailed("Choose a person.", field=field)


def _signatory_for(award: Award, code: str, value, *, field: str) -> User:
    pk = _as_pk(value, field)
    if code == VENDOR:
        found = vendor_signers(award.bid.vendor_id).filter(pk=pk).first()
        message = f"Only an active user of {award.bid.vendor.name} can sign for it."
    else:
        found = department_signers(award.solicitation.municipality_id, code).filter(pk=pk).first()
        message = f"Only an active head of {code} can sign for it."
    if found is None:
        raise ValidationFailed(message, field=field, code="not_a_signer")
    return found


def vendor_signers(vendor_id: int) -> QuerySet[User]:
    """Who may sign for the company: its active users with active accounts."""
    return User.objects.filter(
        is_active=True,
        vendor_roles__vendor_id=vendor_id,
        vendor_roles__status=VendorUser.Status.ACTIVE,
    ).order_by("username")


def department_signers(municipality_id: int, code: str) -> QuerySet[User]:
    """Who may sign for a department: its active heads (the head role, active)."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.HEAD,
            memberships__is_active=True,
            memberships__department__code=code,
            memberships__municipality_id=municipality_id,
        )
        .distinct()
        .order_by("username")
    )


def _department_codes(award: Award) -> list[str]:
    return sorted(award.result["departments"])


def default_signatories(award: Award) -> dict[str, User]:
    """Whom the form proposes: the person who submitted the winning bid (if still one of
    the company's users) and the head who approved each department's amount (if still its
    head); otherwise the first of each in alphabetical order."""
    chosen = {}
    submitter = (
        BidRevision.objects.filter(bid=award.bid).order_by("-number").values("submitted_by")[:1]
    )
    vendor_people = vendor_signers(award.bid.vendor_id)
    found = vendor_people.filter(pk__in=submitter).first() or vendor_people.first()
    if found is not None:
        chosen[VENDOR] = found
    deciders = dict(
        AwardShare.objects.filter(award=award).values_list("department__code", "decided_by")
    )
    for code in _department_codes(award):
        heads = department_signers(award.solicitation.municipality_id, code)
        found = heads.filter(pk=deciders.get(code)).first() or heads.first()
        if found is not None:
            chosen[code] = found
    return chosen


def default_in_kind(award: Award) -> list[dict]:
    """The cost split's in-kind contribution carried over: when the approved split had one,
    year 1 is proposed in kind, donated by its contributor (the vendor, if that is who it
    names). The officer may mark other periods; together they must cover the contribution."""
    if not award.in_kind_minor:
        return []
    contributor = award.split_version.in_kind_contributor.strip()
    if not contributor or contributor.casefold() == award.bid.vendor.name.casefold():
        return [{"period": 1, "donor": "vendor"}]
    return [{"period": 1, "donor": "partner", "partner": contributor}]


def _clean_terms(data: Mapping, award: Award, base: Terms) -> Terms:
    """`data` over `base`: every field named at fault at once."""
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(f"{unknown[0][:40]} cannot be set.", field=str(unknown[0])[:40])
    checks = Checks()
    currency = award.solicitation.municipality.currency

    def given(name, clean, *args, **kwargs):
        kept = getattr(base, "capital_minor" if name == "capital" else name)
        if name not in data and kept is not None:
            return kept
        return checks.run(clean, data.get(name), *args, **kwargs)

    terms = Terms(
        title=given("title", clean_text, field="title", limit=TITLE_LIMIT, required=True),
        start_date=given("start_date", _clean_date, field="start_date"),
        term_years=given(
            "term_years", clean_whole_number, field="term_years", low=1, high=MAX_TERM_YEARS
        ),
        capital_minor=given("capital", _clean_capital, currency=currency),
        in_kind=given("in_kind", _clean_in_kind, vendor_name=award.bid.vendor.name),
        special_terms=given("special_terms", clean_text, field="special_terms", limit=TERMS_LIMIT),
        signatories=given("signatories", _clean_signatories, award, base.signatories),
    )
    # The checks across fields run with the rest, on whatever was read: a form shows a start
    # before the award beside a wrong signatory, not one after the other is fixed.
    if terms.start_date is not None:
        checks.run(_check_start, terms.start_date, award)
    laid_out = (terms.start_date, terms.term_years, terms.capital_minor, terms.in_kind)
    # Not from a start refused: a term from the year 9999 has no end to lay out.
    if None not in laid_out and not checks.refused("start_date"):
        checks.run(_schedule, terms, award)
    for code in [VENDOR, *_department_codes(award)]:
        if terms.signatories is not None and code not in terms.signatories:
            checks.refuse(
                f"Name who signs for {'the vendor' if code == VENDOR else code}.",
                field=f"signatories.{code}",
                code="required",
            )
    checks.raise_any()
    return terms


def _clean_capital(value, *, currency: str) -> int:
    amount = clean_amount(value, field="capital", currency=currency, required=False)
    return amount or 0


def _check_start(start: dt.date, award: Award) -> None:
    final_day = award.final_at.astimezone(award.solicitation.municipality.zone).date()
    if start < final_day:
        raise ValidationFailed(
            f"The term cannot start before the award became final ({final_day.isoformat()}).",
            field="start_date",
            code="start_before_award",
        )
    if start.year > final_day.year + 10:
        raise ValidationFailed(
            "The term must start within ten years of the award.", field="start_date"
        )


def _schedule(terms: Terms, award: Award) -> dict:
    try:
        schedule = compute_schedule(
            total_minor=award.total_minor,
            capital_minor=terms.capital_minor,
            term_years=terms.term_years,
            start_date=terms.start_date,
            weights=dict(award.result["departments"]),
            donors={entry["period"]: entry["donor"] for entry in terms.in_kind},
            min_in_kind_minor=award.in_kind_minor,
        )
    except ScheduleError as error:
        raise ValidationFailed(error.message, field=error.field, code=error.code) from None
    return schedule.as_json()


# --- preparing and changing -----------------------------------------------------------------------


def _next_number(municipality) -> str:
    """RIV-C-2026-0001: the municipality's code, C for contract, the local year, a counter
    no two concurrent preparations share (its row is locked until the transaction ends)."""
    year = db_now().astimezone(municipality.zone).year
    ContractCounter.objects.get_or_create(municipality=municipality, year=year)
    counter = ContractCounter.objects.select_for_update().get(municipality=municipality, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{municipality.code}-C-{year}-{counter.last_number:04d}"


def _instant(day: dt.date, municipality) -> dt.datetime:
    """Midnight at the start of `day` in the municipality's time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=municipality.zone)


def _term_instants(terms: Terms, municipality) -> dict:
    return {
        "starts_at": _instant(terms.start_date, municipality),
        "ends_at": _instant(add_years(terms.start_date, terms.term_years), municipality),
    }


def final_award_of(solicitation: Solicitation) -> Award:
    award = solicitation.awards.select_related("bid__vendor").filter(status=Award.Status.FINAL)
    award = award.first()
    if award is None:
        raise InvalidTransition(
            "A contract is prepared from a final award (its protest period over).",
            code="award_not_final",
        )
    return award


@transaction.atomic
def contract_prepare(*, actor: TenantActor, solicitation: Solicitation, **data) -> Contract:
    """The officer prepares the contract of `solicitation`'s final award. `data` holds the
    terms as typed (EDITABLE_FIELDS): `start_date`, `term_years`, `capital` (the one-time
    part; the rest recurs yearly), `in_kind` periods, `special_terms`, `title` (the
    solicitation's by default) and `signatories` (the defaults of `default_signatories`)."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    award = final_award_of(solicitation)
    award.solicitation = solicitation
    if Contract.objects.filter(award=award).exists():
        raise InvalidTransition("This award already has its contract.", code="contract_exists")
    base = Terms(
        title=solicitation.title,
        start_date=None,
        term_years=None,
        capital_minor=0,
        in_kind=_clean_in_kind(default_in_kind(award), vendor_name=award.bid.vendor.name),
        special_terms="",
        signatories=default_signatories(award),
    )
    terms = _clean_terms(data, award, base)
    contract = Contract.objects.create(
        municipality=actor.municipality,
        number=_next_number(actor.municipality),
        award=award,
        solicitation=solicitation,
        vendor=award.bid.vendor,
        title=terms.title,
        start_date=terms.start_date,
        term_years=terms.term_years,
        total_minor=award.total_minor,
        capital_minor=terms.capital_minor,
        in_kind=terms.in_kind,
        schedule=_schedule(terms, award),
        special_terms=terms.special_terms,
        prepared_by=actor.user,
        prepared_at=db_now(),
        **_term_instants(terms, actor.municipality),
    )
    _make_parties(contract, award, terms)
    actor.audit(Verb.CONTRACT_PREPARE, contract, after=_audited(contract))
    return contract


def _audited(contract: Contract) -> dict:
    return {
        "number": contract.number,
        "solicitation": contract.solicitation.reference,
        "vendor": contract.vendor.name,
        "start_date": contract.start_date.isoformat(),
        "term_years": contract.term_years,
        "total_minor": contract.total_minor,
        "capital_minor": contract.capital_minor,
        "in_kind": contract.in_kind,
        "revision": contract.revision,
    }


def _make_parties(contract: Contract, award: Award, terms: Terms) -> None:
    fund_codes = dict(award.shares.values_list("department__code", "fund_code"))
    departments = {
        d.code: d
        for d in Department.objects.filter(
            municipality=contract.municipality, code__in=_department_codes(award)
        )
    }
    vendor_signer = terms.signatories[VENDOR]
    parties = [
        Party(
            contract=contract,
            kind=Party.Kind.VENDOR,
            signatory=vendor_signer,
            signatory_title=f"{vendor_signer.display_name}, authorised signer for "
            f"{contract.vendor.name}",
            position=0,
        )
    ]
    for position, code in enumerate(sorted(departments), start=1):
        signer = terms.signatories[code]
        parties.append(
            Party(
                contract=contract,
                kind=Party.Kind.DEPARTMENT,
                department=departments[code],
                amount_minor=contract.schedule["departments"][code]["total_minor"],
                fund_code=fund_codes.get(code, ""),
                signatory=signer,
                signatory_title=f"{signer.display_name}, Head of {departments[code].name}",
                position=position,
            )
        )
    Party.objects.bulk_create(parties)
    for party in parties:
        assign_perm(SIGN, party.signatory, contract)


def _terms_of(contract: Contract) -> Terms:
    return Terms(
        title=contract.title,
        start_date=contract.start_date,
        term_years=contract.term_years,
        capital_minor=contract.capital_minor,
        in_kind=contract.in_kind,
        special_terms=contract.special_terms,
        signatories={
            party.code: party.signatory
            for party in contract.parties.select_related("department", "signatory")
        },
    )


@transaction.atomic
def contract_update(*, actor: TenantActor, contract: Contract, **data) -> Contract:
    """The officer changes the terms (any of EDITABLE_FIELDS). Nothing changes once the
    contract is executed (invariant 7). A change while it is out for signature voids every
    signature and returns it to draft; everyone who signed is told. The same terms again
    change nothing."""
    require_officer(actor)
    contract = lock_contract(contract, municipality=actor.municipality)
    require_editable(contract)
    before = _terms_of(contract)
    terms = _clean_terms(data, contract.award, before)
    if terms == before:
        return contract
    if contract.status == Contract.Status.OUT_FOR_SIGNATURE:
        _return_to_draft(actor, contract, reason="The contract was changed.")
    contract.title, contract.start_date = terms.title, terms.start_date
    contract.term_years, contract.capital_minor = terms.term_years, terms.capital_minor
    contract.in_kind, contract.special_terms = terms.in_kind, terms.special_terms
    contract.schedule = _schedule(terms, contract.award)
    for field, value in _term_instants(terms, contract.municipality).items():
        setattr(contract, field, value)
    contract.revision += 1
    contract.save(update_fields=[*TERM_COLUMNS, "schedule", "revision", "updated_at"])
    _update_parties(contract, before.signatories, terms.signatories)
    actor.audit(
        Verb.CONTRACT_UPDATE,
        contract,
        before={"revision": contract.revision - 1},
        after=_audited(contract),
    )
    return contract


def _update_parties(contract: Contract, before: dict, after: dict) -> None:
    for party in contract.parties.select_related("department", "signatory"):
        if party.department_id:
            party.amount_minor = contract.schedule["departments"][party.code]["total_minor"]
        signer = after[party.code]
        if signer != before[party.code]:
            party.signatory = signer
            where = contract.vendor.name if party.is_vendor else f"Head of {party.department.name}"
            joiner = "authorised signer for " if party.is_vendor else ""
            party.signatory_title = f"{signer.display_name}, {joiner}{where}"
        party.save(update_fields=["amount_minor", "signatory", "signatory_title"])
    # The grant is per contract, not per party: a person named for two parties keeps it
    # while they are still named for one.
    for person in set(before.values()) - set(after.values()):
        remove_perm(SIGN, person, contract)
    for person in set(after.values()) - set(before.values()):
        assign_perm(SIGN, person, contract)


def _return_to_draft(actor, contract: Contract, *, reason: str) -> None:
    """Void every live signature and move back to draft; whoever had signed is told."""
    now = db_now()
    ending = notices.signing_round(contract)
    signed = list(
        Signature.objects.filter(contract=contract, voided_at__isnull=True).select_related("signer")
    )
    Signature.objects.filter(pk__in=[s.pk for s in signed]).update(voided_at=now)
    Contract.lifecycle.apply(
        contract,
        "recall",
        actor=actor,
        changes={"sent_at": None},
        details={"reason": reason, "signatures_voided": len(signed)},
    )
    notices.notify_returned(
        contract, reason=reason, signers=[s.signer for s in signed], round_key=ending
    )


@transaction.atomic
def contract_send(*, actor: TenantActor, contract: Contract) -> Contract:
    """The officer sends the draft for signature: each party's signatory is asked to sign."""
    contract = lock_contract(contract, municipality=actor.municipality)
    Contract.lifecycle.apply(contract, "send", actor=actor, changes={"sent_at": db_now()})
    notices.notify_out_for_signature(contract)
    return contract


@transaction.atomic
def contract_recall(*, actor: TenantActor, contract: Contract, reason: str = "") -> Contract:
    """The officer takes the contract back from signature: every signature is voided."""
    reason = clean_text(reason, field="reason", limit=REASON_LIMIT)
    contract = lock_contract(contract, municipality=actor.municipality)
    Contract.lifecycle.check(contract, "recall", actor)
    _return_to_draft(actor, contract, reason=reason or "The officer took it back for changes.")
    return contract


@transaction.atomic
def contract_terminate(*, actor: TenantActor, contract: Contract, reason: str) -> Contract:
    """The officer terminates an executed or active contract, with the reason (published
    with its summary). The signed PDF stays what it was."""
    reason = clean_text(reason, field="reason", limit=REASON_LIMIT, required=True)
    contract = lock_contract(contract, municipality=actor.municipality)
    Contract.lifecycle.apply(
        contract,
        "terminate",
        actor=actor,
        changes={"termination_reason": reason, "ended_at": db_now()},
        details={"reason": reason},
    )
    notices.notify_terminated(contract)
    return contract


# --- the clock ---------------------------------------------------------------------------------


def contracts_clock_due(*, batch: int = 100) -> dict:
    """The chronograph's part (STYLE.md 10): executed contracts whose term has begun become
    active and active ones whose term has ended completed, by the database clock, each once
    (rows another worker holds are skipped; a second run finds nothing left to do)."""
    now = db_now()
    return {
        "activated": _move_due("activate", Contract.Status.EXECUTED, "starts_at", now, batch),
        "completed": _move_due("complete", Contract.Status.ACTIVE, "ends_at", now, batch),
    }


def _move_due(move: str, status: str, field: str, now: dt.datetime, batch: int) -> int:
    moved = 0
    due = Contract.objects.filter(status=status, **{f"{field}__lte": now}).order_by(field)
    for pk in list(due.values_list("pk", flat=True)[:batch]):
        with transaction.atomic():
            contract = (
                Contract.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("municipality")
                .filter(pk=pk, status=status)
                .first()
            )
            if contract is None:
                continue
            changes = {"ended_at": now} if move == "complete" else {}
            Contract.lifecycle.apply(
                contract, move, actor=SystemActor(contract.municipality), changes=changes
            )
            moved += 1
    return moved
