"""`manage.py seed_demo`: the demo of DESIGN.md section 8, idempotent.

Each app seeds its own part (settings.DEMO_SEEDERS, in order), so the demo grows with the
apps while imports still point one way.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Create the demo municipalities, people, vendors and solicitations (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for path in settings.DEMO_SEEDERS:
            import_string(path)()
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS("Demo data is in place."))
