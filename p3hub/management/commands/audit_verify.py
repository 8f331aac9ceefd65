"""`manage.py audit_verify [--municipality SLUG]`: re-verify the hash-chained audit log.

Prints "OK <chain>: N events" for each chain that verifies; for one that does not, names its
first broken event (chain, seq, id, reason) and exits 1. An unknown slug exits 2.
"""

from django.core.management.base import BaseCommand, CommandError

from p3hub.audit import audit_chain_check, audit_chain_keys
from p3hub.models import AuditEvent


class Command(BaseCommand):
    help = "Re-verify the audit hash chains; exit 1 naming the first broken event of each."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--municipality", metavar="SLUG", help="verify only this chain")

    def handle(self, *args, municipality: str | None = None, **options) -> None:
        broken = []
        for key in self._chain_keys(municipality):
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
    def _chain_keys(slug: str | None) -> list[str]:
        if slug is None:
            return audit_chain_keys()
        # The tenant model through the audit event's own reference to it (DESIGN.md 7): p3hub
        # imports no app and looks up no model by label.
        tenant_model = AuditEvent._meta.get_field("municipality").related_model
        if (municipality := tenant_model.objects.filter(slug=slug).first()) is None:
            raise CommandError(f"No municipality with the slug {slug!r}.", returncode=2)
        return audit_chain_keys(municipality)
