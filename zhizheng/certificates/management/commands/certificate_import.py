"""``manage.py certificate_import FILE.csv``: issue (sign) existing certificates in bulk, all or nothing.

Columns: ``type`` (a type code such as CT-YYZZ), ``holder`` (公民身份号码 or 统一社会信用代码), optional
``valid_from`` and ``valid_until`` (ISO dates), and one column per data field of the type (``field:<key>``, or the
bare key). Empty cells are left out. A bad row stops the import with its line number; nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.certificates import services
from zhizheng.certificates.errors import ImportFileInvalid
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError

RESERVED = {"type", "holder", "valid_from", "valid_until"}


def _moment(value: str, line: int, name: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ImportFileInvalid(
            params={"line": line, "reason": f"{name} {value!r} is not a date (YYYY-MM-DD)"}
        ) from None
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def read_requests(path: Path) -> list[services.IssueRequest]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileInvalid(params={"line": 0, "reason": f"cannot read {path}: {exc}"}) from exc
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or not {"type", "holder"} <= set(reader.fieldnames):
        raise ImportFileInvalid(params={"line": 1, "reason": "the header must name the columns type and holder"})
    requests = []
    for line, row in enumerate(reader, start=2):
        if None in row:
            raise ImportFileInvalid(params={"line": line, "reason": "more cells than header columns"})
        subject = {
            key.removeprefix("field:"): value.strip()
            for key, value in row.items()
            if key not in RESERVED and value is not None and value.strip()
        }
        requests.append(
            services.IssueRequest(
                certificate_type=(row["type"] or "").strip(),
                holder=(row["holder"] or "").strip(),
                subject=subject,
                valid_from=_moment(row.get("valid_from") or "", line, "valid_from"),
                valid_until=_moment(row.get("valid_until") or "", line, "valid_until"),
            )
        )
    return requests


class Command(BaseCommand):
    help = "Issue certificates listed in a CSV file (columns type, holder, valid_from, valid_until, fields)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            requests = read_requests(options["file"])
            issued = []
            for number, request in enumerate(requests, start=2):
                if not request.certificate_type or not request.holder:
                    raise ImportFileInvalid(params={"line": number, "reason": "type and holder are required"})
            try:
                issued = services.certificates_issue_many(actor=SYSTEM, requests=requests)
            except DomainError as exc:
                where = f"line {exc.batch_position + 2}: " if hasattr(exc, "batch_position") else ""
                raise CommandError(f"nothing imported: {where}{exc.detail_en}") from exc
        except ImportFileInvalid as exc:
            raise CommandError(exc.detail_en) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Issued {len(issued)} certificate(s) in {elapsed:.2f} s.")
