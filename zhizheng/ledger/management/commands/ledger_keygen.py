"""Create (or rotate) the ledger's Ed25519 signing key in the file named by LEDGER_SIGNING_KEY_FILE."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.core.errors import DomainError
from zhizheng.ledger import keys


class Command(BaseCommand):
    help = "Create the ledger signing key (mode 0600, outside the database); --rotate replaces it."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--if-missing", action="store_true", help="do nothing when a key already exists")
        group.add_argument(
            "--rotate", action="store_true", help="replace the key; the old verifier key stays published"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = keys.keygen(rotate=options["rotate"], if_missing=options["if_missing"])
        except DomainError as exc:
            raise CommandError(exc.detail_en) from exc
        if not result.created:
            self.stdout.write(f"Ledger signing key present in {result.path}\nverifier key: {result.vkey}")
            return
        if result.retired:
            self.stdout.write(f"Retired verifier key (still published): {result.retired}")
        self.stdout.write(self.style.SUCCESS(f"Ledger signing key written to {result.path}"))
        self.stdout.write(f"verifier key: {result.vkey}")
