"""``manage.py supervision_warnings [--date YYYY-MM-DD]`` runs the supervision job (电子监察) once, as Celery beat
does: yellow, red and statutory warnings, each raised once per application and level."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.services.supervision import supervision_warnings_raise


class Command(BaseCommand):
    help = "Raise the supervision warnings due today (or on --date); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="the day to check, YYYY-MM-DD (default: today in Beijing)")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date must be YYYY-MM-DD: {exc}") from exc
        raised = supervision_warnings_raise(actor=SYSTEM, today=today)
        counts: dict[str, int] = {}
        for warning in raised:
            counts[warning.level] = counts.get(warning.level, 0) + 1
        summary = ", ".join(f"{level} {count}" for level, count in sorted(counts.items())) or "none"
        self.stdout.write(f"{len(raised)} warnings raised ({summary})")
