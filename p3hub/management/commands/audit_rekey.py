"""`manage.py audit_rekey --from-sha256 | --from-key-env VARIABLE`: re-hash every audit chain
under the audit key (P3HUB_AUDIT_KEY).

`--from-sha256` re-keys chains written before the key, with plain SHA-256 (migration p3hub 0004
does this once at deploy; the option is for a database restored from an older dump).
`--from-key-env` rotates the key: the variable named holds the previous one. Every chain must
verify as it was written, or none is re-keyed and the command exits 1 naming the first break.
"""

import os
from functools import partial

from django.core.management.base import BaseCommand, CommandError

from p3hub.audit import ChainNotRekeyed, audit_rekey, event_hash, event_hash_unkeyed


class Command(BaseCommand):
    help = "Re-hash every audit chain under P3HUB_AUDIT_KEY, after checking it as written."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--from-sha256",
            action="store_true",
            help="the chains were written with plain SHA-256, before the key",
        )
        source.add_argument(
            "--from-key-env",
            metavar="VARIABLE",
            help="the environment variable holding the key the chains were written with",
        )

    def handle(self, *args, from_sha256: bool = False, from_key_env: str | None = None, **opts):
        if from_sha256:
            hash_before = event_hash_unkeyed
        else:
            if not (old_key := os.environ.get(from_key_env, "")):
                message = f"{from_key_env} is not set: it must hold the chains' previous key."
                raise CommandError(message, returncode=2)
            hash_before = partial(event_hash, key=old_key.encode())
        try:
            counts = audit_rekey(hash_before)
        except ChainNotRekeyed as error:
            raise CommandError(str(error), returncode=1) from None
        for key, count in counts.items():
            self.stdout.write(f"Re-keyed {key}: {count} events")
