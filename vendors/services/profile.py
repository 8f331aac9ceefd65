"""A company keeps its own profile: only its users change it. Staff of a city never do (no
page, no API, a read-only Django admin): a city changing it would change what every other
city sees."""

from django.db import transaction

from p3hub.audit import Verb
from p3hub.errors import Checks
from vendors.actor import VendorActor
from vendors.models import Vendor
from vendors.services.registration import COMPANY_FIELDS, clean_company

TAX_ID_FIXED = (
    "The tax id identifies the company and cannot be changed. If it is wrong, write to the "
    "platform's operator."
)


@transaction.atomic
def vendor_profile_update(*, actor: VendorActor, tax_id=None, **fields) -> Vendor:
    """A user of the company changes its name, legal_name, address, contact_email,
    contact_phone or categories; a field left out (None) stays as it is. Every input is
    checked before any is refused; only the fields that changed are saved and audited."""
    unknown = sorted(set(fields) - set(COMPANY_FIELDS))
    if unknown:
        raise TypeError(f"vendor_profile_update() got unexpected fields {unknown}")
    vendor = Vendor.objects.select_for_update().get(pk=actor.vendor.pk)
    checks = Checks()
    if tax_id is not None and str(tax_id).strip() != vendor.tax_id:
        checks.refuse(TAX_ID_FIXED, field="tax_id", code="read_only")
    given = [name for name in COMPANY_FIELDS if fields.get(name) is not None]
    cleaned = clean_company(checks, fields, given)
    checks.raise_any()
    before = {name: getattr(vendor, name) for name in given}
    changed = [name for name in given if cleaned[name] != before[name]]
    if not changed:
        return vendor
    for name in changed:
        setattr(vendor, name, cleaned[name])
    vendor.save(update_fields=changed)
    actor.audit(
        Verb.VENDOR_UPDATE,
        vendor,
        before={name: before[name] for name in changed},
        after={name: cleaned[name] for name in changed},
    )
    return vendor
