"""The demo's two vendors with their profiles and users (DESIGN.md 8). Idempotent: a profile
already seeded is brought back to these values."""

from departments.models import User
from vendors.models import Vendor
from vendors.services import vendor_user_add
from vendors.services.registration import tax_id_key

VENDORS = [
    {
        "username": "vendor.acme",
        "name": "Acme Traffic Systems",
        "legal_name": "Acme Traffic Systems, Inc.",
        "tax_id": "41-2345678",
        "contact_email": "bids@acme.example",
        "contact_phone": "+1 555 010 2000",
        "address": "2200 Industrial Pkwy\nRiverton, ST 00002",
        "categories": ["security", "traffic"],
    },
    {
        "username": "vendor.beacon",
        "name": "Beacon Safety Technologies",
        "legal_name": "Beacon Safety Technologies LLC",
        "tax_id": "52-3456789",
        "contact_email": "bids@beacon.example",
        "contact_phone": "+1 555 010 3000",
        "address": "18 Harbor Rd, Suite 4\nLakeside, ST 00003",
        "categories": ["health", "security", "telecom"],
    },
]


def seed() -> None:
    for profile in VENDORS:
        profile = dict(profile)
        username = profile.pop("username")
        profile["tax_id_key"] = tax_id_key(profile["tax_id"])
        vendor, _ = Vendor.objects.update_or_create(name=profile["name"], defaults=profile)
        vendor_user_add(vendor=vendor, user=User.objects.get(username=username))
