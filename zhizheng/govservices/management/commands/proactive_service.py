"""``manage.py proactive_service [--date YYYY-MM-DD]``: run the daily proactive-service jobs now (主动服务).

Certificates expiring in 90 / 30 days (certificates.reminders) and residents who became eligible for a benefit
(govservices.proactive). ``--date`` runs them as if it were that day; nobody is told twice either way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zhizheng.certificates.reminders import expiry_reminders_send
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.services.proactive import eligibility_notices_send


class Command(BaseCommand):
    help = "Run the proactive-service jobs now: expiry reminders and benefit invitations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD); default: today.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, not {options['date']!r}") from None
        expiry = expiry_reminders_send(actor=SYSTEM, today=today)
        self.stdout.write(
            f"{today}: certificates expiring within 90 days {expiry.expiring}; reminded now {expiry.reminded} "
            f"({expiry.notifications} notifications); already reminded {expiry.already_reminded}; "
            f"holders without an account {expiry.without_account}"
        )
        for code, run in eligibility_notices_send(actor=SYSTEM, today=today).items():
            self.stdout.write(
                f"{today}: {code}: newly eligible {run.eligible}; invited now {run.notified}; already invited "
                f"{run.already_told}; already applied {run.already_applied}; without an account {run.without_account}"
            )
