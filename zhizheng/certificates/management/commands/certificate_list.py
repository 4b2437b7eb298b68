"""``manage.py certificate_list``: serial numbers, types, masked holders and states of issued certificates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhizheng.certificates import selectors
from zhizheng.certificates.models import Certificate
from zhizheng.core.masking import mask_id_number


class Command(BaseCommand):
    help = "List issued certificates (holders masked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", dest="type_code", help="Only this certificate type code, e.g. CT-YYZZ.")
        parser.add_argument("--limit", type=int, default=50, help="At most this many rows (default 50).")

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Certificate.objects.select_related("type", "issuing_department").order_by("serial")
        if options["type_code"]:
            queryset = queryset.filter(type__code=options["type_code"])
        total = queryset.count()
        for certificate in queryset[: max(0, options["limit"])]:
            self.stdout.write(
                f"{certificate.serial}\t{certificate.type.code}\t{certificate.type.name}\t"
                f"{mask_id_number(certificate.holder_identifier)}\t{selectors.effective_status(certificate)}"
            )
        self.stdout.write(f"{total} certificate(s)")
