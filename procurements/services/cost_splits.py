"""Cost splits: preview and propose a version, the heads' decisions on their departments'
shares, rebuilding after an edit, and the publish check of invariant 4."""

import json
from collections.abc import Mapping
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_amount, clean_choice, clean_text
from p3hub.errors import Checks, InvalidTransition, NotFound, ValidationErrors, ValidationFailed
from p3hub.money import format_money
from procurements import allocation
from procurements.models import CostSplitShare, CostSplitVersion, Participation, Solicitation
from procurements.services import notices
from procurements.services.common import (
    Status,
    check_bidding_period,
    lock_solicitation,
    require_editable,
    require_officer,
)

Version = CostSplitVersion
Share = CostSplitShare
# The key of `inputs` each method reads (procurements.allocation); nothing else is stored.
INPUT_KEYS = {
    allocation.PERCENTAGE: "percentages",
    allocation.FIXED: "amounts",
    allocation.LINE_ITEM: "lines",
    allocation.QUANTITY: "quantities",
}
# Why an invited department has no share yet (the split form shows it in place of inputs).
NOT_YET_JOINED = "invited, not yet joined: cannot share the cost until they join"
METHOD_REFUSED = "“{value}” is not a split method: percentage, fixed, line_item or quantity."


def basis_of(solicitation: Solicitation) -> list[dict]:
    """The line items as a version snapshots them (JSON-safe)."""
    return [
        {
            "id": item.pk,
            "position": item.position,
            "description": item.description,
            "quantity": str(item.quantity),
            "unit": item.unit,
            "site": item.site,
            "unit_price_minor": item.estimated_unit_price_minor,
        }
        for item in solicitation.line_items.order_by("position", "id")
    ]


def basis_lines(basis: list[dict]) -> list[allocation.BasisLine]:
    return [
        allocation.BasisLine(
            id=line["id"],
            description=line["description"],
            quantity=Decimal(line["quantity"]),
            unit_price_minor=line["unit_price_minor"],
        )
        for line in basis
    ]


def _current_version(solicitation: Solicitation, *, lock: bool = True) -> Version | None:
    """The version in force, locked (after the solicitation: the one lock order) unless only
    read for a page."""
    versions = Version.objects.current().filter(solicitation=solicitation)
    return (versions.select_for_update() if lock else versions).first()


def _clean_inputs(solicitation: Solicitation, method: str, inputs) -> dict:
    """The method's parameters as the engine takes them: only the method's key (any other is
    refused, never stored), fixed amounts read from major units like every amount."""
    if not isinstance(inputs, Mapping):
        raise ValidationFailed("Give the split's parameters as an object.", field="inputs")
    expected = INPUT_KEYS[method]
    unexpected = sorted(set(inputs) - {expected})
    if unexpected:
        raise ValidationFailed(f"The {method} method reads only “{expected}”.", field="inputs")
    values = inputs.get(expected)
    if method == allocation.FIXED and isinstance(values, Mapping):
        currency = solicitation.municipality.currency
        checks = Checks()
        values = {
            code: checks.run(clean_amount, value, field=f"amounts.{code}", currency=currency)
            for code, value in values.items()
        }
        checks.raise_any()
    return {expected: values}


def _compute(solicitation, basis, departments, method, inputs, in_kind_minor):
    try:
        return allocation.compute_split(
            method=method,
            lines=basis_lines(basis),
            departments=[d.code for d in departments],
            inputs=inputs,
            in_kind_minor=in_kind_minor,
        )
    except allocation.SplitError as error:
        failed = [
            ValidationFailed(_in_currency(each, solicitation), field=each.field)
            for each in getattr(error, "errors", [error])
        ]
        raise (failed[0] if len(failed) == 1 else ValidationErrors(failed)) from None


def _in_currency(error: allocation.SplitError, solicitation: Solicitation) -> str:
    """The engine counts minor units; people read money."""
    if error.amounts is None:
        return error.message
    currency = solicitation.municipality.currency
    given, expected = (format_money(amount, currency) for amount in error.amounts)
    return f"Fixed amounts total {given}; they must total exactly {expected}."


def _canonical(inputs: dict) -> dict:
    """JSON-safe inputs to store. Called after the engine accepted them, so every value is an
    int, str or Decimal."""
    return json.loads(json.dumps(inputs, cls=DjangoJSONEncoder))


def check_everyone_answered(solicitation: Solicitation) -> None:
    pending = solicitation.participations.filter(status=Participation.Status.INVITED)
    if pending.exists():
        codes = ", ".join(p.department.code for p in pending.select_related("department"))
        raise ValidationFailed(
            f"Wait until every invited department has joined or declined ({codes}).",
            field="departments",
            code="invitation_pending",
        )


def _clean_request(
    solicitation: Solicitation,
    *,
    method: str,
    inputs: Mapping,
    in_kind_amount: Decimal | str | None = None,
    in_kind_contributor: str = "",
    in_kind_description: str = "",
    note: str = "",
) -> dict:
    """A preview's or a proposal's arguments (`in_kind_amount` in major units, as typed) as
    the engine and a version take them, each refused in its own words: both answer the same
    input alike."""
    # Every input is checked before any is refused: the form marks all at fault at once.
    checks = Checks()
    method = checks.run(
        clean_choice, method, allocation.METHODS, field="method", message=METHOD_REFUSED
    )
    currency = solicitation.municipality.currency
    in_kind_minor = checks.run(
        clean_amount, in_kind_amount, field="in_kind_amount", currency=currency, required=False
    )
    contributor = checks.run(
        clean_text, in_kind_contributor, field="in_kind_contributor", limit=200
    )
    if in_kind_minor and not contributor and not checks.refused("in_kind_contributor"):
        checks.refuse("Name who contributes in kind.", field="in_kind_contributor")
    description = checks.run(
        clean_text, in_kind_description, field="in_kind_description", limit=300
    )
    note = checks.run(clean_text, note, field="note", limit=2000)
    cleaned_inputs = None
    if method is not None:  # which inputs are read depends on the method
        cleaned_inputs = checks.run(_clean_inputs, solicitation, method, inputs)
    if checks.failed and cleaned_inputs is not None:
        # Refused anyway: the engine's refusals of the inputs (a percentage in words) are
        # named with the rest rather than after they are fixed.
        departments = solicitation.joined_departments()
        basis = basis_of(solicitation)
        checks.run(
            _compute, solicitation, basis, departments, method, cleaned_inputs, in_kind_minor or 0
        )
    checks.raise_any()
    return {
        "method": method,
        "inputs": cleaned_inputs,
        "in_kind": (in_kind_minor or 0, contributor, description),
        "note": note,
    }


def cost_split_preview(
    *, actor: TenantActor, solicitation: Solicitation, **request
) -> allocation.SplitResult:
    """What a proposal with these arguments (those of `_clean_request`) would allocate,
    without saving anything: any member of the solicitation's municipality may preview;
    anyone else gets NotFound."""
    if solicitation.municipality_id != actor.municipality.pk:
        raise NotFound("Not found.")
    cleaned = _clean_request(solicitation, **request)
    return _compute(
        solicitation,
        basis_of(solicitation),
        solicitation.joined_departments(),
        cleaned["method"],
        cleaned["inputs"],
        cleaned["in_kind"][0],
    )


@transaction.atomic
def cost_split_propose(*, actor: TenantActor, solicitation: Solicitation, **request) -> Version:
    """An officer proposes a new split version from the arguments of `_clean_request`
    (method, inputs, in_kind_amount as typed, in_kind_contributor, in_kind_description,
    note); the current one is superseded, the solicitation goes (back) to in_approval and
    every head of a department in it is told."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    check_everyone_answered(solicitation)
    _check_dates_before_approval(solicitation)
    cleaned = _clean_request(solicitation, **request)
    version = _create_version(actor, solicitation, **cleaned)
    notices.notify_proposed(version)  # each head: their share, once, after commit
    return version


def _check_dates_before_approval(solicitation: Solicitation) -> None:
    """Heads approve a split only for dates that can be published: a deadline that has passed
    or is too close is refused now, naming the date to edit, not after every approval."""
    try:
        check_bidding_period(solicitation)
    except ValidationFailed as error:
        raise ValidationFailed(
            f"Edit the key dates first: {error.message}", code=error.code, field="bids_due_at"
        ) from None


def _create_version(actor, solicitation, *, method, inputs, in_kind, note) -> Version:
    in_kind_minor, contributor, description = in_kind
    departments = solicitation.joined_departments()
    basis = basis_of(solicitation)
    result = _compute(solicitation, basis, departments, method, inputs, in_kind_minor)
    _supersede_current(actor, solicitation)
    last = solicitation.split_versions.order_by("-number").values_list("number", flat=True)
    version = Version.objects.create(
        solicitation=solicitation,
        number=(last.first() or 0) + 1,
        method=method,
        inputs=_canonical(inputs),
        basis=basis,
        result=result.as_json(),
        total_minor=result.total_minor,
        in_kind_minor=result.in_kind_minor,
        in_kind_contributor=contributor,
        in_kind_description=description,
        note=note,
        created_by=actor.user,
    )
    Share.objects.bulk_create(Share(version=version, department=d) for d in departments)
    actor.audit(
        Verb.COST_SPLIT_PROPOSE,
        solicitation,
        after={"version": version.number, "method": method, "result": result.as_json()},
    )
    _into_approval(actor, solicitation)
    return version


def _into_approval(actor: TenantActor, solicitation: Solicitation) -> None:
    """A new version, or a change that voids the current one, puts the solicitation in
    approval: a draft is submitted, an approved one reopened; one in approval stays there."""
    move = {Status.DRAFT: "submit", Status.APPROVED: "reopen"}.get(solicitation.status)
    if move:
        Solicitation.lifecycle.apply(solicitation, move, actor=actor)


def _supersede_current(actor: TenantActor, solicitation: Solicitation) -> None:
    version = _current_version(solicitation)
    if version is not None:
        version.solicitation = solicitation
        Version.lifecycle.apply(
            version, "supersede", actor=actor, details={"version": version.number}
        )


def split_inputs_changed(actor: TenantActor, solicitation: Solicitation, *, rebuild: bool) -> None:
    """Line items or participants of a locked solicitation changed. Once a split exists, its
    approvals no longer count: with `rebuild`, a new version is made from the same method and
    inputs when they still fit; otherwise the officer must propose one. Either way the
    solicitation is back in approval (DESIGN.md 4)."""
    if solicitation.status == Status.DRAFT:
        return
    previous = _current_version(solicitation)
    if rebuild and previous is not None:
        try:
            with transaction.atomic():  # a savepoint: a misfit leaves nothing half-made
                version = _create_version(
                    actor,
                    solicitation,
                    method=previous.method,
                    inputs=_inputs_for_new_lines(previous, solicitation),
                    in_kind=_in_kind_of(previous),
                    note=f"Recomputed from version {previous.number} after an edit.",
                )
            notices.notify_proposed(version)
            return
        except ValidationFailed:
            # The savepoint rolled back the moves made inside it; the row keeps its old state.
            solicitation.refresh_from_db(fields=["status"])
    _supersede_current(actor, solicitation)
    _into_approval(actor, solicitation)


def _in_kind_of(version: Version) -> tuple[int, str, str]:
    return version.in_kind_minor, version.in_kind_contributor, version.in_kind_description


def _inputs_for_new_lines(previous: Version, solicitation: Solicitation) -> dict:
    """The previous inputs, with lines that are new charged to the lead department (they were
    assigned to nobody, and the heads see and approve the result in the new version) and
    lines that are gone dropped. Edited lines keep their shares, which may no longer fit
    (a quantity split of a changed quantity): then there is no rebuild."""
    inputs = dict(previous.inputs)
    if previous.method not in (allocation.LINE_ITEM, allocation.QUANTITY):
        return inputs
    key = INPUT_KEYS[previous.method]
    lead = solicitation.lead_department.code
    given = inputs.get(key) if isinstance(inputs.get(key), Mapping) else {}
    per_line = {}
    for item in solicitation.line_items.all():
        whole = "100" if key == "lines" else str(item.quantity)
        per_line[str(item.pk)] = given.get(str(item.pk), {lead: whole})
    inputs[key] = per_line
    return inputs


def check_split_publishable(solicitation: Solicitation, *, lock: bool = True) -> Version:
    """Invariant 4, checked on the locked solicitation: the current version is approved by
    every participating department, was computed on the line items as they are now, and its
    shares add up exactly to the whole. `lock=False` only reads (a page saying whether it
    could be published): no row is locked."""
    version = _current_version(solicitation, lock=lock)
    if version is None or version.status != Version.Status.APPROVED:
        raise InvalidTransition("The current cost split is not approved.", code="not_approved")
    departments = {d.pk for d in solicitation.joined_departments()}
    shares = dict(version.shares.values_list("department_id", "status"))
    if set(shares) != departments:
        raise InvalidTransition("The participating departments changed.", code="not_approved")
    if any(status != Share.Status.APPROVED for status in shares.values()):
        raise InvalidTransition("Not every department approved.", code="not_approved")
    if version.basis != basis_of(solicitation):
        raise InvalidTransition("Line items changed since the approval.", code="not_approved")
    result = _compute(
        solicitation,
        version.basis,
        version.departments.order_by("code"),
        version.method,
        version.inputs,
        version.in_kind_minor,
    )
    if result.as_json() != version.result or not allocation.result_adds_up(version.result):
        raise InvalidTransition("The shares do not add up to the whole.", code="split_mismatch")
    return version
