"""``manage.py certificate_export SERIAL``: print the signed credential JSON of one certificate."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhizheng.certificates import selectors
from zhizheng.core.errors import NotFound


class Command(BaseCommand):
    help = "Print the signed Verifiable Credential of a certificate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial", help="The certificate's serial number.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            certificate = selectors.certificate_get(serial=options["serial"].strip().upper())
        except NotFound:
            raise CommandError(f"no certificate has the serial number {options['serial']!r}") from None
        self.stdout.write(json.dumps(certificate.credential, ensure_ascii=False, indent=2))
