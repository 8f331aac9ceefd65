"""`manage.py audit_verify [--municipality SLUG] [--checkpoints FILE_OR_URL]`: re-verify the
hash-chained audit log.

Prints "OK <chain>: N events" for each chain that verifies; for one that does not, names its
first broken event (chain, seq, id, reason) and exits 1. An unknown slug exits 2.

With --checkpoints, reads checkpoints someone saved from /api/v1/public/checkpoints/<slug>/
(a JSON list, or the endpoint's page) from a file or an http(s) URL, and checks each one: its
chain's event at `seq` still has its hash, and the chain verifies. So a history rewritten
after a checkpoint is caught even when every later hash and the head were recomputed with the
key. Prints "OK checkpoint <chain> #<seq> (<date>)" for each that holds, names each that does
not and exits 1; a source that cannot be read exits 2.
"""

import json
import urllib.request
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from p3hub.audit import audit_chain_check, audit_chain_keys
from p3hub.checkpoints import CheckpointFormatError, checkpoint_break, saved_checkpoints
from p3hub.models import AuditEvent

URL_TIMEOUT_SECONDS = 10


class Command(BaseCommand):
    help = "Re-verify the audit hash chains; exit 1 naming the first broken event of each."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--municipality", metavar="SLUG", help="verify only this chain")
        parser.add_argument(
            "--checkpoints",
            metavar="FILE_OR_URL",
            help="check that the chains still extend these saved public checkpoints",
        )

    def handle(
        self, *args, municipality: str | None = None, checkpoints: str | None = None, **options
    ) -> None:
        if checkpoints is not None:
            self._verify_checkpoints(checkpoints)
            return
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

    def _verify_checkpoints(self, source: str) -> None:
        chain_breaks = {}  # each chain is re-verified once, however many checkpoints it has
        failed = []
        for saved in self._read_checkpoints(source):
            if saved.chain not in chain_breaks:
                chain_breaks[saved.chain] = audit_chain_check(saved.chain).broken
            reason = checkpoint_break(saved)
            if reason is None and (brk := chain_breaks[saved.chain]) is not None:
                reason = f"the chain does not verify: {brk}"
            if reason is None:
                self.stdout.write(f"OK checkpoint {saved}")
                continue
            failed.append(saved)
            self.stderr.write(f"BROKEN checkpoint {saved}: {reason}")
        if failed:
            raise CommandError(
                f"{len(failed)} checkpoint(s) no longer hold; first: {failed[0]}", returncode=1
            )

    @staticmethod
    def _read_checkpoints(source: str):
        try:
            if source.startswith(("http://", "https://")):
                with urllib.request.urlopen(source, timeout=URL_TIMEOUT_SECONDS) as response:  # noqa: S310 (scheme checked)
                    text = response.read().decode("utf-8")
            else:
                text = Path(source).read_text(encoding="utf-8")
            return saved_checkpoints(json.loads(text))
        except (OSError, ValueError, CheckpointFormatError) as error:
            raise CommandError(
                f"Cannot read checkpoints from {source}: {error}", returncode=2
            ) from error

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
