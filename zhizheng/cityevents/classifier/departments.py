"""Which department takes a message of each first-level category (data in ``departments.json``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

_FILE = Path(__file__).resolve().parent / "departments.json"


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str


def _read() -> dict[str, Department]:
    raw = json.loads(_FILE.read_text(encoding="utf-8"))
    return {
        category: Department(code=entry["code"], name=entry["name"])
        for category, entry in raw.items()
        if not category.startswith("_")
    }


DEPARTMENTS: dict[str, Department] = _read()
CATEGORIES: tuple[str, ...] = tuple(DEPARTMENTS)


def department_for(category: str) -> Department:
    """The responsible department; every category the classifier can return has one (checked at load)."""
    return DEPARTMENTS[category]
