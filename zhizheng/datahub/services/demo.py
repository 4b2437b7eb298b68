"""Demo data of the data hub: two department resources of 示范市 backed by uploaded tables — 公共厕所 (城市管理局)
and 公共停车场 (交通运输局) — generated deterministically from a seed over the city's districts, with quality rules
and a first quality run. Idempotent: a resource that already has its table is left alone."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import Category, Format, OpenType, QualityTrigger, ShareType, UpdateCycle
from zhizheng.datahub.models import ColumnSpec, DatastoreTable, Resource
from zhizheng.datahub.services.catalogue import (
    ItemSpec,
    ResourceSpec,
    resource_register,
)
from zhizheng.datahub.services.datastore import datastore_load
from zhizheng.datahub.services.quality import quality_rules_set, quality_run
from zhizheng.registries import selectors as registry

SEED = 2026
FALLBACK_DISTRICTS = (("990102", "青山区"), ("990103", "江南区"), ("990104", "高新区"), ("990105", "临湖区"))
ROADS: tuple[str, ...] = (
    "人民路",
    "解放路",
    "建设路",
    "中山路",
    "滨江路",
    "湖滨路",
    "文化路",
    "学府路",
    "长江路",
    "和平路",
    "新华路",
)
ROADS += ("青年路", "胜利路", "光明路", "友谊路", "朝阳路", "东风路", "迎宾大道", "科技大道", "园区路")
PLACES = ("公园", "广场", "市场", "车站", "社区", "体育馆", "图书馆", "医院", "学校", "商业街", "地铁站", "码头")

TOILET_COLUMNS = (
    ColumnSpec("name", "名称", "C", nullable=False, indexed=True),
    ColumnSpec("district_code", "行政区划代码", "C", nullable=False, indexed=True),
    ColumnSpec("district", "所在区", "C", nullable=False, indexed=True),
    ColumnSpec("address", "地址", "C", nullable=False),
    ColumnSpec("longitude", "经度", "N"),
    ColumnSpec("latitude", "纬度", "N"),
    ColumnSpec("category", "类别", "C", nullable=False, indexed=True),
    ColumnSpec("male_seats", "男厕位", "I", nullable=False),
    ColumnSpec("female_seats", "女厕位", "I", nullable=False),
    ColumnSpec("accessible", "无障碍厕位", "L", nullable=False, indexed=True),
    ColumnSpec("open_hours", "开放时间", "C"),
    ColumnSpec("opened_on", "启用日期", "D", indexed=True),
)
PARKING_COLUMNS = (
    ColumnSpec("name", "名称", "C", nullable=False, indexed=True),
    ColumnSpec("district_code", "行政区划代码", "C", nullable=False, indexed=True),
    ColumnSpec("district", "所在区", "C", nullable=False, indexed=True),
    ColumnSpec("address", "地址", "C", nullable=False),
    ColumnSpec("kind", "类型", "C", nullable=False, indexed=True),
    ColumnSpec("spaces", "泊位数", "I", nullable=False, indexed=True),
    ColumnSpec("charging_spaces", "充电泊位数", "I", nullable=False),
    ColumnSpec("first_hour_fee", "首小时收费（元）", "Y"),
    ColumnSpec("open_24h", "24小时开放", "L", nullable=False),
    ColumnSpec("operator_uscc", "经营单位统一社会信用代码", "C", indexed=True),
    ColumnSpec("updated_on", "数据更新日期", "D", indexed=True),
)


@dataclass(frozen=True, slots=True)
class DemoTable:
    spec: ResourceSpec
    columns: tuple[ColumnSpec, ...]
    rules: list[dict[str, Any]]


def _items(columns: tuple[ColumnSpec, ...]) -> tuple[ItemSpec, ...]:
    return tuple(ItemSpec(c.name, c.label, c.data_type, personal=bool(c.mask)) for c in columns)


TABLES = (
    DemoTable(
        spec=ResourceSpec(
            category=Category.DEPARTMENT,
            class_code="31401",
            name="示范市公共厕所信息",
            provider_code="CGJ",
            summary="全市城市公共厕所的名称、位置、类别、厕位数、无障碍设施与开放时间。",
            format=Format.SPREADSHEET,
            share_type=ShareType.UNCONDITIONAL,
            share_method="数据接口、文件下载",
            open_type=OpenType.OPEN,
            update_cycle=UpdateCycle.MONTHLY,
            items=_items(TOILET_COLUMNS),
        ),
        columns=TOILET_COLUMNS,
        rules=[
            {"kind": "not_null", "column": "opened_on"},
            {"kind": "unique", "column": "name"},
            {"kind": "range", "column": "male_seats", "min": 1, "max": 60},
            {"kind": "allowed", "column": "category", "values": ["一类", "二类", "三类", "活动厕所"]},
            {"kind": "reference", "column": "district_code", "registry": "spatial_unit"},
            {
                "kind": "pattern",
                "column": "open_hours",
                "regex": "^(24小时|[0-2][0-9]:[0-5][0-9]-[0-2][0-9]:[0-5][0-9])$",
            },
            {"kind": "freshness"},
        ],
    ),
    DemoTable(
        spec=ResourceSpec(
            category=Category.DEPARTMENT,
            class_code="31501",
            name="示范市公共停车场信息",
            provider_code="JTYSJ",
            summary="全市经营性公共停车场的名称、位置、类型、泊位与充电泊位、收费标准和经营单位。",
            format=Format.SPREADSHEET,
            share_type=ShareType.UNCONDITIONAL,
            share_method="数据接口、文件下载",
            open_type=OpenType.OPEN,
            update_cycle=UpdateCycle.WEEKLY,
            items=_items(PARKING_COLUMNS),
        ),
        columns=PARKING_COLUMNS,
        rules=[
            {"kind": "range", "column": "spaces", "min": 5, "max": 5000},
            {"kind": "uscc", "column": "operator_uscc"},
            {"kind": "reference", "column": "district_code", "registry": "spatial_unit"},
            {"kind": "freshness", "column": "updated_on"},
        ],
    ),
)


def _districts() -> list[tuple[str, str]]:
    found = list(registry.spatial_unit_table().filter(level="district").order_by("code").values_list("code", "name"))
    return found or list(FALLBACK_DISTRICTS)


def _toilets(rng: random.Random, districts: list[tuple[str, str]], today: dt.date) -> Iterator[tuple[Any, ...]]:
    seen: set[str] = set()
    for number in range(640):
        code, district = rng.choice(districts)
        road, place = rng.choice(ROADS), rng.choice(PLACES)
        name = f"{district}{road}{place}公厕"
        if name in seen:
            name = f"{name}（{number + 1}号）"
        seen.add(name)
        category = rng.choices(["一类", "二类", "三类", "活动厕所"], weights=[2, 5, 3, 1])[0]
        hours = "24小时" if rng.random() < 0.35 else f"{rng.choice(['05', '06'])}:00-{rng.choice(['22', '23'])}:00"
        opened = None if rng.random() < 0.02 else today - dt.timedelta(days=rng.randint(200, 6000))
        yield (
            name,
            code,
            district,
            f"{district}{road}{rng.randint(1, 399)}号",
            round(117.0 + rng.random() * 0.6, 6),
            round(31.6 + rng.random() * 0.5, 6),
            category,
            rng.randint(2, 16) if category != "活动厕所" else rng.randint(1, 4),
            rng.randint(3, 24) if category != "活动厕所" else rng.randint(1, 4),
            rng.random() < 0.7,
            hours,
            opened,
        )


def _parking(
    rng: random.Random, districts: list[tuple[str, str]], operators: list[str], today: dt.date
) -> Iterator[tuple[Any, ...]]:
    for number in range(1500):
        code, district = rng.choice(districts)
        road, place = rng.choice(ROADS), rng.choice(PLACES)
        kind = rng.choices(["路外平面", "地下", "立体机械", "路内"], weights=[5, 4, 1, 3])[0]
        spaces = rng.randint(20, 1200) if kind != "路内" else rng.randint(8, 80)
        operator = rng.choice(operators) if operators and kind != "路内" else None
        yield (
            f"{district}{road}{place}停车场" + (f"（{number + 1}）" if rng.random() < 0.5 else ""),
            code,
            district,
            f"{district}{road}{rng.randint(1, 399)}号",
            kind,
            spaces,
            int(spaces * rng.choice([0, 0.05, 0.1, 0.2])),
            Decimal(rng.choice(["0.00", "2.00", "3.00", "4.00", "5.00", "6.00"])),
            rng.random() < 0.6,
            operator,
            today - dt.timedelta(days=rng.randint(0, 10)),
        )


@transaction.atomic
def demo_tables_load(*, actor: Actor, today: dt.date, seed: int = SEED) -> int:
    """Create, publish and fill the demo tables that are missing; returns the rows loaded."""
    if not actor.is_system:
        raise PermissionDenied()
    rng = random.Random(seed)
    districts = _districts()
    operators = list(registry.legal_person_codes().order_by("uscc").values_list("uscc", flat=True)[:200])
    loaded = 0
    for table in TABLES:
        resource = Resource.objects.filter(name=table.spec.name, provider__code=table.spec.provider_code).first()
        if resource is not None and DatastoreTable.objects.filter(resource=resource).exists():
            continue
        if resource is None:
            resource = resource_register(actor=actor, spec=table.spec)
        rows = list(
            _toilets(rng, districts, today)
            if table.columns is TOILET_COLUMNS
            else _parking(rng, districts, operators, today)
        )
        datastore_load(actor=actor, resource=resource, columns=table.columns, rows=rows)
        quality_rules_set(actor=actor, resource=resource, rules=table.rules)
        quality_run(actor=actor, resource=resource, trigger=QualityTrigger.IMPORT)
        loaded += len(rows)
    return loaded
