"""Sign a checkpoint now (what the periodic Celery task does), and print it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import DomainError
from zhizheng.ledger import selectors, services


class Command(BaseCommand):
    help = "Sign a checkpoint of the ledger if the tree has grown, and print the latest signed checkpoint."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checkpoint = services.checkpoint_sign(actor=SYSTEM)
        except DomainError as exc:
            raise CommandError(exc.detail_en) from exc
        self.stdout.write(selectors.checkpoint_note(checkpoint), ending="")
