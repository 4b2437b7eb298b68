"""Factories of the data-hub tests: catalogue entries backed by uploaded tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, UpdateCycle
from zhizheng.datahub.models import ColumnSpec, Resource
from zhizheng.datahub.services import ItemSpec, ResourceSpec, resource_create, resource_publish, resource_submit
from zhizheng.datahub.services.datastore import datastore_load

TOILET_COLUMNS = (
    ColumnSpec("name", "名称", "C", nullable=False, indexed=True),
    ColumnSpec("district", "所在区", "C", indexed=True),
    ColumnSpec("seats", "厕位数", "I", indexed=True),
    ColumnSpec("opened_on", "启用日期", "D", indexed=True),
    ColumnSpec("accessible", "无障碍", "L"),
    ColumnSpec("fee", "收费（元）", "Y"),
    ColumnSpec("keeper", "保洁员", "C", mask="name"),
)

TOILET_ROWS: tuple[tuple[Any, ...], ...] = (
    ("人民广场公厕", "青山区", 12, dt.date(2019, 5, 1), True, "0.00", "王小明"),
    ("滨江公园公厕", "江南区", 8, dt.date(2021, 3, 15), False, "0.50", "李华"),
    ("火车站东公厕", "青山区", 20, dt.date(2015, 9, 30), True, "1.00", "陈静"),
    ("文化宫公厕", "江南区", 6, None, None, None, None),
)


def catalogue_entry(
    *,
    name: str = "示范市公共厕所",
    provider_code: str = "MZJ",
    class_code: str = "30101",
    items: Sequence[ItemSpec] = (),
    publish: bool = True,
    update_cycle: str = UpdateCycle.MONTHLY,
) -> Resource:
    spec = ResourceSpec(
        category=Category.DEPARTMENT,
        class_code=class_code,
        name=name,
        provider_code=provider_code,
        summary=f"{name}的名称、位置与设施。",
        format=Format.SPREADSHEET,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口",
        open_type=OpenType.OPEN,
        update_cycle=update_cycle,
        items=items or tuple(ItemSpec(c.name, c.label, c.data_type, personal=bool(c.mask)) for c in TOILET_COLUMNS),
    )
    resource = resource_create(actor=SYSTEM, spec=spec)
    if publish:
        resource = resource_submit(actor=SYSTEM, resource=resource)
        resource = resource_publish(actor=SYSTEM, resource=resource)
    return resource


def toilets(*, actor: Actor = SYSTEM, rows: Sequence[Sequence[Any]] = TOILET_ROWS) -> Resource:
    """A published resource whose table holds ``rows`` (default: four public toilets, one mostly empty)."""
    from decimal import Decimal

    resource = catalogue_entry()
    typed = [tuple(Decimal(v) if i == 5 and v is not None else v for i, v in enumerate(row)) for row in rows]
    datastore_load(actor=actor, resource=resource, columns=TOILET_COLUMNS, rows=typed)
    resource.refresh_from_db()
    return resource
