"""The demo's two vendors and their users (DESIGN.md 8). Idempotent."""

from departments.models import User
from vendors.models import Vendor
from vendors.services import vendor_user_add

VENDORS = [
    ("Acme Traffic Systems", "vendor.acme", "bids@acme.example"),
    ("Beacon Safety Technologies", "vendor.beacon", "bids@beacon.example"),
]


def seed() -> None:
    for name, username, email in VENDORS:
        vendor, _ = Vendor.objects.get_or_create(name=name, defaults={"contact_email": email})
        vendor_user_add(vendor=vendor, user=User.objects.get(username=username))
