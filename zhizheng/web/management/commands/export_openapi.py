"""Write the OpenAPI document of /api/v1/ to a file, byte-for-byte reproducible (``make openapi``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation


def openapi_document() -> str:
    """The schema as committed under docs/api/: English descriptions, sorted keys, indent 2, trailing newline."""
    from zhizheng.api import api

    with translation.override("en"):
        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        text = json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False, default=str)
    return text + "\n"


class Command(BaseCommand):
    help = "Export the OpenAPI schema of /api/v1/ (sorted keys, indent 2) to --output, or stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="File to write; '-' or absent writes to stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        document = openapi_document()
        output = options.get("output")
        if not output or output == "-":
            self.stdout.write(document, ending="")
            return
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(document, encoding="utf-8")
        self.stderr.write(f"Wrote {path} ({len(document.encode())} bytes)")
