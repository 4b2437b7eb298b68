"""One factory per model of ``orgs``."""

from __future__ import annotations

import itertools

from zhizheng.accounts.models import User
from zhizheng.orgs.models import Department, Division, Membership

_sequence = itertools.count(1)


def division(
    *, code: str = "990100", name: str = "示范市", level: str = "city", parent: Division | None = None
) -> Division:
    found, _created = Division.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return found


def department(
    *, code: str | None = None, name: str = "示范市测试局", kind: str = "bureau", parent: Department | None = None
) -> Department:
    return Department.objects.create(
        code=code or f"T{next(_sequence)}",
        name=name,
        short_name=name[:8],
        kind=kind,
        parent=parent,
        division=division(),
    )


def membership(*, user: User, department: Department, role: str = "caseworker", active: bool = True) -> Membership:
    return Membership.objects.create(user=user, department=department, role=role, active=active)
