"""The demo's two vendors with their profiles and users (DESIGN.md 8), and their certificates
(`seed_certificates`, a seeder of its own so that tests' personas start without files).
Idempotent: a profile already seeded is brought back to these values, a certificate already
uploaded is kept (its expiry brought back to the same distance from today)."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from departments.models import User
from vendors.actor import VendorActor
from vendors.models import Certificate, Vendor, VendorUser
from vendors.services import certificate_add, vendor_user_add
from vendors.services.certificates import certificate_day
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


# (username, what the service takes, days from today to the expiry or None).
CERTIFICATES = [
    (
        "vendor.acme",
        {
            "kind": Certificate.Kind.INSURANCE,
            "title": "General liability 2025-2026",
            "issuer": "Harbor Mutual Insurance",
            "number": "HMI-GL-2025-04417",
            "coverage": "2,000,000.00",
        },
        20,
    ),
    ("vendor.acme", {"kind": Certificate.Kind.TAX_FORM, "title": "W-9 2026"}, None),
    (
        "vendor.beacon",
        {
            "kind": Certificate.Kind.INSURANCE,
            "title": "General liability 2026-2027",
            "issuer": "Lakeshore Casualty Company",
            "number": "LCC-2026-118320",
            "coverage": "1,000,000.00",
        },
        365,
    ),
]


def demo_pdf(*lines: str) -> bytes:
    """A small valid one-page PDF showing `lines` (the cross-reference offsets computed)."""
    text = "\n".join(
        f"BT /F1 12 Tf 72 {720 - 18 * i} Td ({line.replace('(', '[').replace(')', ']')}) Tj ET"
        for i, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def seed_certificates() -> None:
    today = certificate_day()
    for username, fields, days in CERTIFICATES:
        vendor_user = VendorUser.objects.select_related("vendor", "user").get(
            user__username=username, status=VendorUser.Status.ACTIVE
        )
        expires_on = today + dt.timedelta(days=days) if days is not None else None
        same = Certificate.objects.filter(
            vendor=vendor_user.vendor,
            kind=fields["kind"],
            title=fields["title"],
            removed_at__isnull=True,
        )
        if same.exists():
            same.exclude(expires_on=expires_on).update(expires_on=expires_on)
            continue
        name = f"{fields['title'].lower().replace(' ', '-')}.pdf"
        lines = [vendor_user.vendor.name, fields["title"], fields.get("issuer", "")]
        certificate_add(
            actor=VendorActor.of(vendor_user),
            file=SimpleUploadedFile(name, demo_pdf(*filter(None, lines))),
            expires_on=expires_on,
            **fields,
        )
