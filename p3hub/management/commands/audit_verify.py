"""`manage.py audit_verify [--municipality SLUG]`: re-verify the hash-chained audit log.

Prints "OK <chain>: N events" for each chain that verifies; for one that does not, names its
first broken event (chain, seq, id, reason) and exits 1. An unknown slug exits 2.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from p3hub.audit import audit_chain_check, audit_chain_keys


class Command(BaseCommand):
    help = "Re-verify the audit hash chains; exit 1 naming the first broken event of each."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--municipality", metavar="SLUG", help="verify only this chain")

    def handle(self, *args, municipality: str | None = None, **options) -> None:
        broken = []
        for key in audit_chain_keys(self._municipality(municipality)):
            report = audit_chain_check(key)
            if report.broken is None:
                self.stdout.write(f"OK {key}: {report.events} events")
                continue
            brk = report.broken
            broken.append(brk)
            self.stderr.write(
                f"BROKEN {brk.chain}: first broken event seq {brk.seq}, "
                f"id {brk.event_id if brk.event_id is not None else '-'}: {brk.reason}"
            )
        if broken:
            raise CommandError(
                f"{len(broken)} audit chain(s) do not verify; first break: {broken[0]}",
                returncode=1,
            )

    @staticmethod
    def _municipality(slug: str | None):
        if slug is None:
            return None
        # By label: p3hub is plumbing that departments builds on, never the other way round.
        municipality_model = apps.get_model("departments", "Municipality")
        if (found := municipality_model.objects.filter(slug=slug).first()) is None:
            raise CommandError(f"No municipality with the slug {slug!r}.", returncode=2)
        return found
