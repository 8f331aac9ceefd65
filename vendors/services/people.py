"""Writes about vendors' people."""

from django.db import transaction

from departments.models import Membership
from p3hub.errors import ValidationFailed
from vendors.models import Vendor, VendorUser

STAFF_ACCOUNT = "This account holds a municipal role: it cannot act for a vendor."


@transaction.atomic
def vendor_user_add(*, vendor: Vendor, user) -> VendorUser:
    """A person acts for a vendor; never one who holds a municipal role (they could approve
    the split their company bids on). The vendor portal (registration, colleagues) builds on
    this."""
    if Membership.objects.filter(user=user).exists():
        raise ValidationFailed(STAFF_ACCOUNT, field="user")
    vendor_user, _ = VendorUser.objects.get_or_create(vendor=vendor, user=user)
    return vendor_user
