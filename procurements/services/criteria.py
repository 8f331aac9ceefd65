"""Evaluation criteria: replaced as a whole, weights totalling 100 with one price criterion."""

from django.db import transaction

from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text, clean_whole_number
from p3hub.errors import Checks, ValidationFailed
from procurements.models import Criterion, Solicitation
from procurements.services.common import lock_solicitation, require_editable, require_officer

MAX_CRITERIA = 20  # far more than any evaluation uses; bounds the work one request can ask for


def _clean_flag(value, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationFailed("Say true or false.", field=field)
    return value


def _clean_criterion(checks: Checks, index: int, entry) -> dict:
    """One criterion, each of its fields checked (refusals go to `checks`)."""
    field = f"criteria.{index}"
    if not isinstance(entry, dict):
        checks.refuse("Each criterion has a name and a weight.", field=field)
        return {}
    return {
        "name": checks.run(
            clean_text, entry.get("name"), field=f"{field}.name", limit=120, required=True
        ),
        "description": checks.run(
            clean_text, entry.get("description"), field=f"{field}.description", limit=2000
        ),
        "weight": checks.run(
            clean_whole_number, entry.get("weight"), field=f"{field}.weight", low=1, high=100
        ),
        "is_price": checks.run(
            _clean_flag, entry.get("is_price", False), field=f"{field}.is_price"
        ),
    }


def clean_criteria(criteria) -> list[dict]:
    """The criteria as stored. Every entry's every field is checked before any is refused,
    then the totals together (ValidationErrors names each: `criteria.1.weight`, `criteria`)."""
    if not isinstance(criteria, list | tuple):
        raise ValidationFailed("Give the criteria as a list.", field="criteria")
    if len(criteria) > MAX_CRITERIA:
        raise ValidationFailed(f"At most {MAX_CRITERIA} criteria.", field="criteria")
    if not criteria:
        raise ValidationFailed("Add at least one criterion.", field="criteria")
    checks = Checks()
    cleaned = [_clean_criterion(checks, index, entry) for index, entry in enumerate(criteria)]
    checks.raise_any()
    total = sum(c["weight"] for c in cleaned)
    if total != 100:
        checks.refuse(f"Weights total {total}; they must total 100.", field="criteria")
    if sum(c["is_price"] for c in cleaned) != 1:
        checks.refuse("Exactly one criterion must be price.", field="criteria")
    checks.raise_any()
    return cleaned


@transaction.atomic
def criteria_set(*, actor: TenantActor, solicitation: Solicitation, criteria) -> list[Criterion]:
    """An officer replaces the evaluation criteria: weights total exactly 100 and exactly one
    criterion is price. Criteria do not touch the split, so approvals stand."""
    require_officer(actor)
    solicitation = lock_solicitation(actor, solicitation)
    require_editable(solicitation)
    cleaned = clean_criteria(criteria)
    existing = solicitation.criteria.order_by("position")
    if list(existing.values(*cleaned[0])) == cleaned:
        return list(existing)  # re-saving the same criteria changes, and records, nothing
    before = list(solicitation.criteria.values("name", "weight", "is_price"))
    solicitation.criteria.all().delete()
    created = Criterion.objects.bulk_create(
        Criterion(solicitation=solicitation, position=i + 1, **c) for i, c in enumerate(cleaned)
    )
    actor.audit(
        Verb.CRITERIA_SET, solicitation, before={"criteria": before}, after={"criteria": cleaned}
    )
    return created
