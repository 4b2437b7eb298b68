"""GB/T 2260 division codes as reference data: every code ever published, plus this installation's own.

The national table ships in ``data/gb2260.csv`` (sources and licences in ``data/README.md``); the setting
``ZHIZHENG_LOCAL_DIVISION_CODES`` (code -> name) extends it, e.g. with the fictional demo city 示范市 (9901xx).
Identity numbers keep the code of the place of first registration, so retired codes stay valid here. The
``orgs`` app owns the administrative hierarchy; this module only answers "is this a real code, and its name?".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA_FILE = Path(__file__).resolve().parent / "data" / "gb2260.csv"
_CODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True, slots=True)
class Division:
    """One entry of the table. ``in_force`` is False for retired codes; ``local`` marks installation codes."""

    code: str
    name: str
    in_force: bool
    local: bool = False


@lru_cache(maxsize=1)
def _national() -> dict[str, Division]:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["code"]: Division(code=row["code"], name=row["name"], in_force=row["in_force"] == "1")
            for row in csv.DictReader(handle)
        }


def _local() -> dict[str, Division]:
    configured = getattr(settings, "ZHIZHENG_LOCAL_DIVISION_CODES", {}) or {}
    local: dict[str, Division] = {}
    for code, name in dict(configured).items():
        if not _CODE.match(str(code)):
            raise ImproperlyConfigured(f"ZHIZHENG_LOCAL_DIVISION_CODES: {code!r} is not a six-digit code")
        local[str(code)] = Division(code=str(code), name=str(name), in_force=True, local=True)
    return local


def division(code: str) -> Division | None:
    """The division with this six-digit code (local codes first), or None when no table knows it."""
    found = _local().get(code)
    return found if found is not None else _national().get(code)


def is_known_division(code: str) -> bool:
    return division(code) is not None


def national_division_count() -> int:
    """How many codes the shipped national table holds (for tests and the admin's information)."""
    return len(_national())
