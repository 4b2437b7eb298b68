"""``manage.py datahub_access_verify YYYY-MM-DD``: check a day's data-API access log against the Merkle root that
was recorded in the ledger; exit 1 and name the first differing entry when it does not match."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.datahub.services.access_log import access_log_verify


class Command(BaseCommand):
    help = "Verify one day's data-API access log against its root in the ledger."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("day", help="The day, YYYY-MM-DD (local time).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = dt.date.fromisoformat(options["day"])
        except ValueError:
            raise CommandError("day must be YYYY-MM-DD") from None
        result = access_log_verify(day=day)
        if not result.sealed:
            self.stderr.write(f"{day}: not sealed yet ({result.entries_now} entries, root {result.root_now})")
            sys.exit(2)
        if result.ok:
            self.stdout.write(
                f"{day}: OK — {result.entries_now} entries, root {result.root_now} (ledger entry {result.ledger_index})"
            )
            return
        where = f"entry {result.first_difference}" if result.first_difference is not None else "the seal itself"
        self.stderr.write(
            f"{day}: MISMATCH ({result.difference}) at {where}; recorded root {result.root_recorded}, "
            f"now {result.root_now}; {result.entries_sealed} entries sealed, {result.entries_now} now"
        )
        sys.exit(1)
