"""``manage.py classify_messages IN.csv OUT.csv``: add category, confidence and department to each message."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.cityevents.classifier import MAX_TEXTS, classify_pairs
from zhizheng.core.errors import DomainError

REQUIRED = ("subject", "detail")


class Command(BaseCommand):
    help = (
        "Classify the messages of a UTF-8 CSV (columns subject, detail, optional id) and write them with the "
        "columns category, confidence and department added."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["input"]
        target: Path = options["output"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        csv.field_size_limit(sys.maxsize)
        try:
            with source.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                columns = list(reader.fieldnames or [])
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise CommandError(f"{source}: missing column(s) {', '.join(missing)}; found {columns}")
                rows = list(reader)
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source}: not UTF-8 ({exc})") from None
        out_columns = [*columns, *(c for c in ("category", "confidence", "department") if c not in columns)]
        written = 0
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=out_columns)
            writer.writeheader()
            for start in range(0, len(rows), MAX_TEXTS):
                batch = rows[start : start + MAX_TEXTS]
                pairs = [((r.get("subject") or "").strip(), (r.get("detail") or "").strip()) for r in batch]
                blank = [start + i + 2 for i, (s, d) in enumerate(pairs) if not s and not d]
                if blank:
                    raise CommandError(f"{source}: line(s) {blank[:10]} have neither subject nor detail")
                try:
                    predictions = classify_pairs(pairs)
                except DomainError as exc:
                    raise CommandError(f"{exc.code}: {exc.detail_en}") from None
                for row, prediction in zip(batch, predictions, strict=True):
                    row.update(
                        category=prediction.category,
                        confidence=f"{prediction.confidence:.4f}",
                        department=prediction.department,
                    )
                    writer.writerow(row)
                    written += 1
        self.stdout.write(f"{written} messages classified into {target}")
