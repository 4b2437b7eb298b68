"""Loading the three-level category tree from ``data_taxonomy/`` (idempotent: codes are stable per order)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from zhizheng.cityevents.models import Category
from zhizheng.cityevents.routing import DATA_DIR, level1_departments
from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.ledger import services as ledger


@dataclass(frozen=True, slots=True)
class TaxonomyRow:
    level1: str
    level2: str
    level3: str
    department: str = ""
    limit_days: int = 5
    urgent_limit_hours: int = 8


def read_rows(directory: Path = DATA_DIR) -> list[TaxonomyRow]:
    """The message-board tree, then the city-management additions."""
    rows: list[TaxonomyRow] = []
    with (directory / "category_taxonomy.csv").open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            rows.append(TaxonomyRow(raw["level1"].strip(), raw["level2"].strip(), raw["level3"].strip()))
    with (directory / "city_management.csv").open(encoding="utf-8", newline="") as handle:
        for raw in csv.DictReader(handle):
            rows.append(
                TaxonomyRow(
                    raw["level1"].strip(),
                    raw["level2"].strip(),
                    raw["level3"].strip(),
                    raw["department"].strip(),
                    int(raw["limit_days"]),
                    int(raw["urgent_limit_hours"]),
                )
            )
    return rows


@transaction.atomic
def categories_load(*, actor: Actor, directory: Path = DATA_DIR) -> int:
    """Create or update every category of the tree; returns how many rows were created."""
    if not (actor.is_system or actor.is_superuser):
        raise PermissionDenied()
    existing = {c.code: c for c in Category.objects.all()}
    departments = level1_departments()
    codes: dict[tuple[str, ...], str] = {}
    counters: dict[tuple[str, ...], int] = {}
    created = 0

    def node(path: tuple[str, ...], parent: Category | None, **values: object) -> Category:
        nonlocal created
        if path not in codes:
            prefix = codes.get(path[:-1], "")
            counters[path[:-1]] = counters.get(path[:-1], 0) + 1
            codes[path] = f"{prefix}{counters[path[:-1]]:02d}"
        code = codes[path]
        found = existing.get(code)
        fields = {"name": path[-1], "level": len(path), "parent": parent, **values}
        if found is None:
            found = Category.objects.create(code=code, **fields)
            existing[code] = found
            created += 1
        elif any(getattr(found, k) != v for k, v in fields.items()):
            for key, value in fields.items():
                setattr(found, key, value)
            found.save()
        return found

    for row in read_rows(directory):
        root = node((row.level1,), None, department_code=departments.get(row.level1, ""))
        middle = node((row.level1, row.level2), root)
        node(
            (row.level1, row.level2, row.level3),
            middle,
            department_code=row.department,
            limit_days=row.limit_days,
            urgent_limit_hours=row.urgent_limit_hours,
        )
    if created:
        ledger.record(
            actor=actor,
            act="cityevents.categories.loaded",
            subject=("cityevents.category", "tree"),
            payload={"created": created, "total": len(existing)},
        )
    return created
