"""Factories for city-event tests: a small category tree, the loop's people, and events in each state."""

from __future__ import annotations

import itertools
from typing import Any

from zhizheng.accounts.models import User
from zhizheng.cityevents import services
from zhizheng.cityevents.choices import Source
from zhizheng.cityevents.models import Category, Event
from zhizheng.core.actor import Actor
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.orgs.selectors import actor_for_user

PASSWORD = "Zz-test-pass-2026"
_sequence = itertools.count(1)


def city() -> Division:
    root, _ = Division.objects.get_or_create(code="990100", defaults={"name": "示范市", "level": "city"})
    for code, name in (("990102", "东城区"), ("990103", "西城区")):
        Division.objects.get_or_create(code=code, defaults={"name": name, "level": "district", "parent": root})
    return root


def department(code: str, name: str = "") -> Department:
    found, _ = Department.objects.get_or_create(
        code=code,
        defaults={
            "name": name or f"示范市{code}",
            "short_name": (name or code)[:8],
            "kind": "bureau",
            "division": city(),
        },
    )
    return found


def category_tree() -> dict[str, Category]:
    """城市管理 › 市政设施 › 井盖缺失 (ZJJ, 1 day / 2 h), 城市管理 › 市容环境 › 占道经营 (CGJ, 3 days / 4 h),
    环境保护 › 噪声污染 › 施工噪音 (level-1 default STHJJ, 5 days / 8 h)."""
    city_root = Category.objects.create(code="16", name="城市管理", level=1, department_code="CGJ")
    facilities = Category.objects.create(code="1601", name="市政设施", level=2, parent=city_root)
    appearance = Category.objects.create(code="1602", name="市容环境", level=2, parent=city_root)
    env_root = Category.objects.create(code="05", name="环境保护", level=1, department_code="STHJJ")
    noise = Category.objects.create(code="0501", name="噪声污染", level=2, parent=env_root)
    return {
        "manhole": Category.objects.create(
            code="160101",
            name="井盖缺失",
            level=3,
            parent=facilities,
            department_code="ZJJ",
            limit_days=1,
            urgent_limit_hours=2,
        ),
        "vending": Category.objects.create(
            code="160201",
            name="占道经营",
            level=3,
            parent=appearance,
            department_code="CGJ",
            limit_days=3,
            urgent_limit_hours=4,
        ),
        "noise": Category.objects.create(code="050101", name="施工噪音", level=3, parent=noise),
        "city_root": city_root,
    }


def person(role: str | None, department_code: str | None, *, kind: str = "staff") -> User:
    user = User.objects.create_user(
        username=f"ce{next(_sequence)}",
        password=PASSWORD,
        kind=kind,
        real_name="测试员",  # type: ignore[arg-type]
    )
    if role and department_code:
        Membership.objects.create(user=user, department=department(department_code), role=role)
    return user


def actor(user: User) -> Actor:
    return actor_for_user(user)


def report(actor_: Actor, **overrides: Any) -> tuple[Event, str]:
    values: dict[str, Any] = {
        "source": Source.PORTAL,
        "description": "东城区人民路口井盖缺失，夜里很危险",
        "longitude": "116.400000",
        "latitude": "39.900000",
        "address": "东城区人民路12号",
        "district_code": "990102",
    }
    values.update(overrides)
    return services.event_report(actor=actor_, report=services.Report(**values))
