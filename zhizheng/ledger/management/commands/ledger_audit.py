"""Recompute the whole ledger tree from the database and name the first entry that diverges (exit status 1)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.ledger.audit import audit_log


class Command(BaseCommand):
    help = "Audit the ledger: re-derive every leaf, recompute every node and checkpoint root, report divergences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        parser.add_argument("--chunk-size", type=int, default=2000, help="entries read per query")

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_log(chunk_size=options["chunk_size"])
        if options["json"]:
            data = {
                "ok": report.ok,
                "tree_size": report.head_size,
                "entries_checked": report.entries_checked,
                "checkpoints_checked": report.checkpoints_checked,
                "first_divergent_entry": report.first.index if report.first else None,
                "findings": [{"kind": f.kind, "index": f.index, "message": f.message} for f in report.findings],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"tree size {report.head_size}; {report.entries_checked} entries and "
                f"{report.checkpoints_checked} checkpoints checked"
            )
            for finding in sorted(report.findings, key=lambda f: (f.index is None, f.index or 0)):
                self.stdout.write(str(finding))
        if not report.ok:
            first = report.first
            where = f"entry #{first.index}" if first and first.index is not None else "the log's metadata"
            raise CommandError(f"ledger audit FAILED: the first divergence is at {where}")
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("ledger audit OK"))
