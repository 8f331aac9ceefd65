"""Cost-split versions: preview, propose, approve, reject, and rebuilding after an edit."""

import json
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse

from departments.models import Department, Membership
from departments.tenancy import TenantActor
from p3hub.clock import db_now
from p3hub.errors import InvalidTransition, NotFound, ValidationFailed
from p3hub.mail import email_queue
from p3hub.money import format_money
from procurements import splits
from procurements.models import CostSplitDecision, CostSplitVersion, Participation, Solicitation
from procurements.services.common import (
    Status,
    clean_text,
    lock_solicitation,
    require_editable,
    require_head_of,
    require_officer,
    solicitation_transition,
)

Version = CostSplitVersion
# The key of `inputs` each method reads (procurements.splits); nothing else is stored.
INPUT_KEYS = {
    splits.PERCENTAGE: "percentages",
    splits.FIXED: "amounts",
    splits.LINE_ITEM: "lines",
    splits.QUANTITY: "quantities",
}


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


def basis_lines(basis: list[dict]) -> list[splits.BasisLine]:
    return [
        splits.BasisLine(
            id=line["id"],
            description=line["description"],
            quantity=Decimal(line["quantity"]),
            unit_price_minor=line["unit_price_minor"],
        )
        for line in basis
    ]


def joined_departments(solicitation: Solicitation) -> list[Department]:
    return list(
        Department.objects.filter(
            participations__solicitation=solicitation,
            participations__status=Participation.Status.JOINED,
        ).order_by("code")
    )


def current_version(solicitation: Solicitation, *, lock: bool = False) -> Version | None:
    versions = Version.objects.filter(solicitation=solicitation, status__in=Version.CURRENT)
    return (versions.select_for_update() if lock else versions).first()


def _compute(solicitation, basis, departments, method, inputs, in_kind_minor):
    if not isinstance(inputs, Mapping):
        raise ValidationFailed("Give the split's parameters as an object.", field="inputs")
    try:
        return splits.compute_split(
            method=method,
            lines=basis_lines(basis),
            departments=[d.code for d in departments],
            inputs=inputs,
            in_kind_minor=in_kind_minor,
        )
    except splits.SplitError as error:
        raise ValidationFailed(_in_currency(error, solicitation), field=error.field) from None


def _in_currency(error: splits.SplitError, solicitation: Solicitation) -> str:
    """The engine counts cents; people read money."""
    if error.amounts is None:
        return error.message
    currency = solicitation.municipality.currency
    given, expected = (format_money(amount, currency) for amount in error.amounts)
    return f"Fixed amounts total {given}; they must total exactly {expected}."


def _canonical_inputs(method: str, inputs: Mapping) -> dict:
    """The inputs a version stores: only the method's key, numbers as JSON-safe strings.
    Called after the engine accepted them, so every value is an int, str or Decimal."""
    key = INPUT_KEYS[method]
    return {key: json.loads(json.dumps(inputs[key], cls=DjangoJSONEncoder))}


def check_everyone_answered(solicitation: Solicitation) -> None:
    pending = solicitation.participations.filter(status=Participation.Status.INVITED)
    if pending.exists():
        codes = ", ".join(p.department.code for p in pending.select_related("department"))
        raise ValidationFailed(
            f"Wait until every invited department has joined or declined ({codes}).",
            field="departments",
            code="invitation_pending",
        )


def cost_split_preview(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    method: str,
    inputs: Mapping,
    in_kind_minor: int = 0,
) -> splits.SplitResult:
    """What a split would allocate, without saving anything. Any member of the solicitation's
    municipality may preview; anyone else gets NotFound."""
    if solicitation.municipality_id != actor.municipality.pk:
        raise NotFound("Not found.")
    return _compute(
        solicitation,
        basis_of(solicitation),
        joined_departments(solicitation),
        method,
        inputs,
        in_kind_minor,
    )


@transaction.atomic
def cost_split_propose(
    *,
    actor: TenantActor,
    solicitation: Solicitation,
    method: str,
    inputs: Mapping,
    in_kind_minor: int = 0,
    in_kind_contributor: str = "",
    in_kind_description: str = "",
    note: str = "",
) -> Version:
    """An officer proposes a new split version; the current one is superseded, the
    solicitation goes (back) to in_approval and every head of a department in it is told."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    check_everyone_answered(solicitation)
    contributor = clean_text(in_kind_contributor, field="in_kind_contributor", limit=200)
    description = clean_text(in_kind_description, field="in_kind_description", limit=300)
    note = clean_text(note, field="note", limit=5000)
    if in_kind_minor and not contributor:
        raise ValidationFailed("Name who contributes in kind.", field="in_kind_contributor")
    version = _create_version(
        actor,
        solicitation,
        method=method,
        inputs=inputs,
        in_kind=(in_kind_minor, contributor, description),
        note=note,
    )
    _notify_heads(actor, version)
    return version


def _create_version(actor, solicitation, *, method, inputs, in_kind, note) -> Version:
    in_kind_minor, contributor, description = in_kind
    departments = joined_departments(solicitation)
    basis = basis_of(solicitation)
    result = _compute(solicitation, basis, departments, method, inputs, in_kind_minor)
    _supersede_current(actor, solicitation)
    last = solicitation.split_versions.order_by("-number").values_list("number", flat=True)
    version = Version.objects.create(
        solicitation=solicitation,
        number=(last.first() or 0) + 1,
        method=method,
        inputs=_canonical_inputs(method, inputs),
        basis=basis,
        result=result.as_json(),
        total_minor=result.total_minor,
        in_kind_minor=result.in_kind_minor,
        in_kind_contributor=contributor,
        in_kind_description=description,
        note=note,
        created_by=actor.user,
    )
    version.departments.set(departments)
    actor.audit(
        "cost_split.propose",
        solicitation,
        after={"version": version.number, "method": method, "result": result.as_json()},
    )
    solicitation_transition(actor, solicitation, Status.IN_APPROVAL)
    return version


def _supersede_current(actor: TenantActor, solicitation: Solicitation) -> None:
    version = current_version(solicitation, lock=True)
    if version is None:
        return
    version.status = Version.Status.SUPERSEDED
    version.save(update_fields=["status"])
    actor.audit("cost_split.supersede", solicitation, after={"version": version.number})


def split_inputs_changed(actor: TenantActor, solicitation: Solicitation, *, rebuild: bool) -> None:
    """Line items or participants of a locked solicitation changed. Once a split exists, its
    approvals no longer count: with `rebuild`, a new version is made from the same method and
    inputs when they still fit; otherwise the officer must propose one. Either way the
    solicitation is back in approval (DESIGN.md 4)."""
    if solicitation.status == Status.DRAFT:
        return
    previous = current_version(solicitation, lock=True)
    if rebuild and previous is not None:
        inputs = _inputs_for_new_lines(previous, solicitation)
        try:
            with transaction.atomic():  # a savepoint: a misfit leaves nothing half-made
                version = _create_version(
                    actor,
                    solicitation,
                    method=previous.method,
                    inputs=inputs,
                    in_kind=_in_kind_of(previous),
                    note=f"Recomputed from version {previous.number} after an edit.",
                )
            _notify_heads(actor, version)
            return
        except ValidationFailed:
            pass
    _supersede_current(actor, solicitation)
    solicitation_transition(actor, solicitation, Status.IN_APPROVAL)


def _in_kind_of(version: Version) -> tuple[int, str, str]:
    return version.in_kind_minor, version.in_kind_contributor, version.in_kind_description


def _inputs_for_new_lines(previous: Version, solicitation: Solicitation) -> dict:
    """The previous inputs, with lines that are new charged to the lead department (they were
    assigned to nobody, and the heads see and approve the result in the new version) and
    lines that are gone dropped. Edited lines keep their shares, which may no longer fit
    (a quantity split of a changed quantity): then there is no rebuild."""
    inputs = dict(previous.inputs)
    if previous.method not in (splits.LINE_ITEM, splits.QUANTITY):
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


def _notify_heads(actor: TenantActor, version: Version) -> None:
    heads = (
        Membership.objects.filter(
            role=Membership.Role.HEAD, department__in=version.departments.all()
        )
        .exclude(user__email="")
        .select_related("user")
    )
    solicitation = version.solicitation
    link = settings.SITE_URL + reverse("approval-inbox", args=[actor.municipality.slug])
    for membership in heads:
        email_queue(
            municipality=actor.municipality,
            to=[membership.user.email],
            subject=f"[{solicitation.reference}] Cost split v{version.number} awaits your approval",
            body=(
                f"{solicitation.title}\n\nA cost split (version {version.number}) needs your "
                f"decision for {membership.department.name}.\n\nReview it: {link}\n"
            ),
        )


def _lock_version_for_decision(actor, version, department) -> tuple[Solicitation, Version]:
    """Lock solicitation, then version (the one lock order), then check who decides: another
    city's version is NotFound before a role check could confirm it exists."""
    solicitation = lock_solicitation(actor, version.solicitation)
    try:
        version = Version.objects.select_for_update().get(pk=version.pk, solicitation=solicitation)
    except Version.DoesNotExist:
        raise NotFound("Not found.") from None
    if not isinstance(department, Department):
        raise ValidationFailed("No such department.", field="department")
    require_head_of(actor, department)
    if version.status != Version.Status.PROPOSED or solicitation.status != Status.IN_APPROVAL:
        raise InvalidTransition(
            f"Version {version.number} is {version.status}; only the current proposed version "
            "can be decided.",
            code="version_not_open",
        )
    if not version.departments.filter(pk=department.pk).exists():
        raise ValidationFailed(f"{department.code} is not part of this split.", field="department")
    if version.decisions.filter(department=department).exists():
        raise ValidationFailed(
            f"{department.code} has already decided on version {version.number}.",
            field="department",
            code="already_decided",
        )
    return solicitation, version


@transaction.atomic
def cost_split_approve(
    *, actor: TenantActor, version: Version, department: Department
) -> CostSplitDecision:
    """The head of `department` (and no one else: invariant 5) approves its share of this
    exact version. When the last department approves, the version and the solicitation become
    approved."""
    solicitation, version = _lock_version_for_decision(actor, version, department)
    decision = CostSplitDecision.objects.create(
        version=version,
        department=department,
        decision=CostSplitDecision.Decision.APPROVED,
        decided_by=actor.user,
        decided_at=db_now(),
    )
    share = version.result["departments"].get(department.code)
    actor.audit(
        "cost_split.approve",
        solicitation,
        after={"version": version.number, "department": department.code, "share_minor": share},
    )
    approved = version.decisions.filter(decision=CostSplitDecision.Decision.APPROVED).count()
    if approved == version.departments.count():
        version.status = Version.Status.APPROVED
        version.save(update_fields=["status"])
        solicitation_transition(actor, solicitation, Status.APPROVED)
    return decision


@transaction.atomic
def cost_split_reject(
    *, actor: TenantActor, version: Version, department: Department, reason: str
) -> CostSplitDecision:
    """The head of `department` rejects this version, with a reason; the officer must
    propose a new one."""
    reason = clean_text(reason, field="reason", limit=2000, required=True)
    solicitation, version = _lock_version_for_decision(actor, version, department)
    decision = CostSplitDecision.objects.create(
        version=version,
        department=department,
        decision=CostSplitDecision.Decision.REJECTED,
        reason=reason,
        decided_by=actor.user,
        decided_at=db_now(),
    )
    version.status = Version.Status.REJECTED
    version.save(update_fields=["status"])
    actor.audit(
        "cost_split.reject",
        solicitation,
        after={"version": version.number, "department": department.code, "reason": reason},
    )
    return decision


def check_split_publishable(solicitation: Solicitation) -> Version:
    """Invariant 4, checked on the locked solicitation: the current version is approved by
    every participating department, was computed on the line items as they are now, and its
    shares add up exactly to the whole."""
    version = current_version(solicitation, lock=True)
    if version is None or version.status != Version.Status.APPROVED:
        raise InvalidTransition("The current cost split is not approved.", code="not_approved")
    departments = {d.pk for d in joined_departments(solicitation)}
    if set(version.departments.values_list("pk", flat=True)) != departments:
        raise InvalidTransition("The participating departments changed.", code="not_approved")
    approved = set(
        version.decisions.filter(decision=CostSplitDecision.Decision.APPROVED).values_list(
            "department_id", flat=True
        )
    )
    if approved != departments:
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
    if result.as_json() != version.result or not splits.result_adds_up(version.result):
        raise InvalidTransition("The shares do not add up to the whole.", code="split_mismatch")
    return version
