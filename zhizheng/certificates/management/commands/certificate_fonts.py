"""``manage.py certificate_fonts``: prepare the GB 2312 copy of the PDF font (once per installation)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from zhizheng.certificates import pdf


class Command(BaseCommand):
    help = "Write a GB 2312 subset of Noto Sans SC to CERTIFICATES_FONT_CACHE (faster PDFs)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        paths = pdf.fonts_prepare()
        listing = ", ".join(f"{p} ({p.stat().st_size // 1024} KiB)" for p in paths)
        self.stdout.write(f"Fonts ready in {time.perf_counter() - started:.1f} s: {listing}")
