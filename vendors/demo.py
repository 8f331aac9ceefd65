"""The demo's two vendors and their users (DESIGN.md 8). Idempotent."""

from departments.models import User
from vendors.models import Vendor, VendorUser

VENDORS = [
    ("Acme Traffic Systems", "vendor.acme", "bids@acme.example"),
    ("Beacon Safety Technologies", "vendor.beacon", "bids@beacon.example"),
]


def seed() -> None:
    for name, username, email in VENDORS:
        vendor, _ = Vendor.objects.get_or_create(name=name, defaults={"email": email})
        VendorUser.objects.get_or_create(vendor=vendor, user=User.objects.get(username=username))
