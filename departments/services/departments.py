"""Departments of a municipality: add, rename, recode, re-fund, retire (tenant admins)."""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction

from departments.models import Department
from departments.services.common import require_admin
from departments.tenancy import TenantActor
from p3hub.audit import Verb
from p3hub.cleaning import clean_text
from p3hub.errors import Checks, ValidationFailed, get_or_not_found

FUND_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]{0,29}$")


def _department_snapshot(department: Department) -> dict:
    return {
        "code": department.code,
        "name": department.name,
        "fund_codes": department.fund_codes,
        "is_active": department.is_active,
    }


MAX_FUND_CODES = 50


def _clean_fund_codes(fund_codes) -> list[str]:
    # Callers other than the API (the admin's JSON field, scripts) may pass any JSON value; a
    # string would otherwise be split into one-letter "fund codes".
    if not isinstance(fund_codes, list | tuple):
        raise ValidationFailed("Fund codes are a list of codes.", field="fund_codes")
    if len(fund_codes) > MAX_FUND_CODES:
        raise ValidationFailed(f"At most {MAX_FUND_CODES} fund codes.", field="fund_codes")
    cleaned = []
    for index, code in enumerate(fund_codes):
        code = str(code).strip()
        if not FUND_CODE.match(code):
            raise ValidationFailed(
                f"“{code[:40]}” is not a fund code (letters, digits, dots and dashes, at most 30).",
                field=f"fund_codes.{index}",
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _check_department_fields(checks: Checks, department: Department) -> None:
    """Run the model's field validators on the fields no earlier check refused; each
    failure becomes a named refusal."""
    try:
        department.full_clean(exclude=["municipality"], validate_unique=False)
    except DjangoValidationError as error:
        for field, messages in error.message_dict.items():
            if not checks.refused(field):
                checks.refuse(messages[0], field=field)


def _save_department(department: Department, **kwargs) -> None:
    """Save; a concurrent request that took the same code first becomes the same named error
    as `_check_code_free` (the unique constraint decides, in a savepoint)."""
    try:
        with transaction.atomic():
            department.save(**kwargs)
    except IntegrityError:
        raise ValidationFailed(
            f"A department with code {department.code} already exists.", field="code"
        ) from None


def _check_code_free(department: Department) -> None:
    taken = Department.objects.filter(
        municipality=department.municipality, code=department.code
    ).exclude(pk=department.pk)
    if taken.exists():
        raise ValidationFailed(
            f"A department with code {department.code} already exists.", field="code"
        )


@transaction.atomic
def department_create(
    *, actor: TenantActor, code: str, name: str, fund_codes: list[str] | None = None
) -> Department:
    """A tenant admin adds a department to their municipality."""
    require_admin(actor)
    # Every input is checked before any is refused: the form marks all at fault at once.
    checks = Checks()
    department = Department(
        municipality=actor.municipality,
        code=(checks.run(clean_text, code, field="code", limit=10, required=True) or "").upper(),
        name=checks.run(clean_text, name, field="name", limit=120, required=True) or "",
        fund_codes=checks.run(_clean_fund_codes, fund_codes or []) or [],
    )
    _check_department_fields(checks, department)
    if not checks.refused("code"):
        checks.run(_check_code_free, department)
    checks.raise_any()
    _save_department(department)
    actor.audit(
        Verb.DEPARTMENT_CREATE,
        obj=department,
        after=_department_snapshot(department),
    )
    return department


@transaction.atomic
def department_update(
    *,
    actor: TenantActor,
    department: Department,
    code: str | None = None,
    name: str | None = None,
    fund_codes: list[str] | None = None,
    is_active: bool | None = None,
) -> Department:
    """A tenant admin renames, recodes, re-funds or deactivates a department of theirs."""
    require_admin(actor)
    # Another municipality's is NotFound, as in the selectors.
    department = get_or_not_found(
        Department.objects.select_for_update(), pk=department.pk, municipality=actor.municipality
    )
    before = _department_snapshot(department)
    checks = Checks()
    if code is not None:
        cleaned = checks.run(clean_text, code, field="code", limit=10, required=True)
        department.code = (cleaned or "").upper()
    if name is not None:
        department.name = checks.run(clean_text, name, field="name", limit=120, required=True)
    if fund_codes is not None:
        department.fund_codes = checks.run(_clean_fund_codes, fund_codes)
    if is_active is not None:
        department.is_active = is_active
    _check_department_fields(checks, department)
    if not checks.refused("code"):
        checks.run(_check_code_free, department)
    checks.raise_any()
    after = _department_snapshot(department)
    changed = [name for name in after if after[name] != before[name]]
    if changed:
        _save_department(department, update_fields=changed)
        actor.audit(
            Verb.DEPARTMENT_UPDATE,
            obj=department,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
    return department
