"""State changes of ``orgs``: loading divisions and departments, granting and revoking staff roles."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.orgs.choices import DepartmentKind, DivisionLevel, Role
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.orgs.permissions import Perm, policy

DATA_DIR = Path(__file__).resolve().parent / "data"
CITY_DIVISION_CODE = "990100"
"""The division every municipal department belongs to."""


class ReferenceDataInvalid(ValidationFailed):
    code = "orgs.reference_data_invalid"
    message = _("The reference data file is invalid: %(reason)s")


class UnknownRole(ValidationFailed):
    code = "orgs.unknown_role"
    message = _("“%(role)s” is not a staff role.")


class UnknownDepartment(NotFound):
    code = "orgs.unknown_department"
    message = _("There is no department with the code “%(code)s”.")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a loader did: rows created, rows changed and rows already as in the file."""

    created: int
    updated: int
    unchanged: int


def _read_rows(path: Path, required: Sequence[str]) -> list[dict[str, Any]]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataInvalid(params={"reason": f"{path.name}: {exc}"}) from exc
    if not isinstance(rows, list):
        raise ReferenceDataInvalid(params={"reason": f"{path.name}: not a list"})
    for index, row in enumerate(rows):
        missing = [key for key in required if not isinstance(row, dict) or key not in row]
        if missing:
            raise ReferenceDataInvalid(params={"reason": f"{path.name}[{index}]: missing {', '.join(missing)}"})
    return rows


def _order_parents_first(rows: list[dict[str, Any]], *, key: str, name: str) -> list[dict[str, Any]]:
    """Rows sorted so that each parent comes before its children; unknown parents are an error."""
    by_key = {row[key]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()

    def place(row: dict[str, Any], trail: tuple[str, ...]) -> None:
        if row[key] in placed:
            return
        parent = row.get("parent")
        if parent is not None:
            if parent in trail:
                raise ReferenceDataInvalid(params={"reason": f"{name}: cycle through {parent}"})
            if parent not in by_key:
                raise ReferenceDataInvalid(params={"reason": f"{name}: {row[key]} has unknown parent {parent}"})
            place(by_key[parent], (*trail, row[key]))
        placed.add(row[key])
        ordered.append(row)

    for row in rows:
        place(row, ())
    return ordered


@transaction.atomic
def divisions_load(*, actor: Actor, path: Path | None = None) -> LoadResult:
    """Create or update divisions from a JSON file (default: the demo city's). Running it twice changes nothing."""
    policy.require(actor, Perm.LOAD_REFERENCE_DATA)
    source = path or DATA_DIR / "divisions.json"
    rows = _order_parents_first(_read_rows(source, ("code", "name", "level", "parent")), key="code", name=source.name)
    existing = {division.code: division for division in Division.objects.select_related("parent")}
    created = updated = unchanged = 0
    for row in rows:
        if row["level"] not in DivisionLevel.values:
            raise ReferenceDataInvalid(params={"reason": f"{source.name}: {row['code']} has level {row['level']}"})
        parent = existing[row["parent"]] if row["parent"] else None
        division = existing.get(row["code"])
        if division is None:
            division = Division.objects.create(code=row["code"], name=row["name"], level=row["level"], parent=parent)
            existing[division.code] = division
            created += 1
            continue
        changes = {"name": row["name"], "level": row["level"], "parent_id": parent.pk if parent else None}
        changed = [field for field, value in changes.items() if getattr(division, field) != value]
        if changed:
            for field in changed:
                setattr(division, field, changes[field])
            division.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def departments_load(*, actor: Actor, path: Path | None = None) -> LoadResult:
    """Create or update departments from a JSON file (default: the 31 departments of 示范市), parents first.

    Needs the city division (load divisions first). Running it twice changes nothing."""
    policy.require(actor, Perm.LOAD_REFERENCE_DATA)
    source = path or DATA_DIR / "departments.json"
    rows = _order_parents_first(
        _read_rows(source, ("code", "name", "short_name", "kind", "parent", "phone")), key="code", name=source.name
    )
    try:
        city = Division.objects.get(code=CITY_DIVISION_CODE)
    except Division.DoesNotExist:
        raise ReferenceDataInvalid(params={"reason": f"division {CITY_DIVISION_CODE} is not loaded"}) from None
    existing = {department.code: department for department in Department.objects.all()}
    created = updated = unchanged = 0
    for row in rows:
        if row["kind"] not in DepartmentKind.values:
            raise ReferenceDataInvalid(params={"reason": f"{source.name}: {row['code']} has kind {row['kind']}"})
        parent = existing[row["parent"]] if row["parent"] else None
        values: dict[str, Any] = {
            "name": row["name"],
            "short_name": row["short_name"],
            "kind": row["kind"],
            "parent_id": parent.pk if parent else None,
            "division_id": city.pk,
            "phone": row["phone"] or "",
        }
        department = existing.get(row["code"])
        if department is None:
            department = Department.objects.create(code=row["code"], **values)
            existing[department.code] = department
            created += 1
            continue
        changed = [field for field, value in values.items() if getattr(department, field) != value]
        if changed:
            for field in changed:
                setattr(department, field, values[field])
            department.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    return LoadResult(created=created, updated=updated, unchanged=unchanged)


def _department(code: str) -> Department:
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist:
        raise UnknownDepartment(params={"code": code}) from None


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise UnknownRole(params={"role": role})


@transaction.atomic
def membership_grant(*, actor: Actor, user_id: int, department_code: str, role: str) -> Membership:
    """Give a staff member ``role`` in a department (re-activating a revoked membership). Idempotent."""
    policy.require(actor, Perm.MANAGE_MEMBERSHIPS)
    _check_role(role)
    department = _department(department_code)
    if not get_user_model().objects.filter(pk=user_id).exists():
        raise NotFound()
    membership, created = Membership.objects.select_for_update().get_or_create(
        user_id=user_id, department=department, role=role
    )
    if not created and not membership.active:
        membership.active = True
        membership.save(update_fields=["active", "updated_at"])
    return membership


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> Membership:
    """End a membership; the role stops counting from the member's next request. Revoking twice is harmless."""
    policy.require(actor, Perm.MANAGE_MEMBERSHIPS)
    if membership.active:
        membership.active = False
        membership.save(update_fields=["active", "updated_at"])
    return membership


@transaction.atomic
def memberships_grant_many(*, actor: Actor, grants: Iterable[tuple[int, str, str]]) -> int:
    """Grant many ``(user_id, department_code, role)`` at once (bulk loading); returns how many were new."""
    policy.require(actor, Perm.MANAGE_MEMBERSHIPS)
    departments = dict(Department.objects.values_list("code", "pk"))
    wanted: dict[tuple[int, int, str], None] = {}
    for user_id, department_code, role in grants:
        _check_role(role)
        if department_code not in departments:
            raise UnknownDepartment(params={"code": department_code})
        wanted[(user_id, departments[department_code], role)] = None
    user_ids = {user_id for user_id, _department_id, _role in wanted}
    existing = set(Membership.objects.filter(user_id__in=user_ids).values_list("user_id", "department_id", "role"))
    new = [
        Membership(user_id=user_id, department_id=department_id, role=role)
        for user_id, department_id, role in wanted
        if (user_id, department_id, role) not in existing
    ]
    Membership.objects.bulk_create(new, batch_size=500)
    return len(new)
