"""`manage.py signing_certificate`: make the demo signing pair if it is missing (outside
production), then print where the key and certificate are and the certificate's SHA-256
fingerprint, which a reader of a contract PDF can compare with the one its viewer shows.

In production it refuses: the operator supplies the pair (P3HUB_SIGNING_KEY_FILE,
P3HUB_SIGNING_CERT_FILE), issued for the public body, and nothing here makes one."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from contracts.signing import ensure_demo_certificate, fingerprint, platform_certificate


class Command(BaseCommand):
    help = "Make the demo contract-signing certificate if missing; print its paths and fingerprint."

    def handle(self, *args, **options) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "Production never makes a signing certificate: supply your own key and "
                "certificate (PEM files) in P3HUB_SIGNING_KEY_FILE and P3HUB_SIGNING_CERT_FILE."
            )
        ensure_demo_certificate(
            settings.SIGNING_KEY_FILE, settings.SIGNING_CERT_FILE, settings.SIGNING_KEY_PASSPHRASE
        )
        self.stdout.write(f"signing key:         {settings.SIGNING_KEY_FILE}")
        self.stdout.write(f"signing certificate: {settings.SIGNING_CERT_FILE}")
        self.stdout.write(f"SHA-256 fingerprint: {fingerprint(platform_certificate())}")
