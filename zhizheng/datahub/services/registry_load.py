"""Register the base-registry resources (population, legal persons, spatial units, macro series) in the catalogue,
published at once by the system: base resources are shared unconditionally. Idempotent."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, Source, UpdateCycle
from zhizheng.datahub.models import Resource
from zhizheng.datahub.services.catalogue import ItemSpec, ResourceSpec, resource_register

C, N, D, I = "C", "N", "D", "I"  # noqa: E741

BASE_RESOURCES: tuple[ResourceSpec, ...] = (
    ResourceSpec(
        category=Category.BASE,
        class_code="10101",
        name="人口基础信息",
        provider_code="GAJ",
        summary="全市常住人口的身份号码、姓名、性别、出生年份、民族、户籍地址与状态（共享时脱敏）。",
        format=Format.DATABASE,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口",
        open_type=OpenType.NOT_OPEN,
        update_cycle=UpdateCycle.REALTIME,
        source=Source.POPULATION,
        items=(
            ItemSpec("id_number", "公民身份号码", C, personal=True),
            ItemSpec("name", "姓名", C, personal=True),
            ItemSpec("sex", "性别", C),
            ItemSpec("birth_year", "出生年份", I),
            ItemSpec("nationality", "国籍", C),
            ItemSpec("ethnicity", "民族", C),
            ItemSpec("household_address", "户籍地址", C, personal=True),
            ItemSpec("district_code", "行政区划代码", C),
            ItemSpec("status", "人员状态", C),
        ),
    ),
    ResourceSpec(
        category=Category.BASE,
        class_code="10201",
        name="法人单位基础信息",
        provider_code="SCJGJ",
        summary="法人单位的统一社会信用代码、名称、类型、法定代表人（脱敏）、注册资本、经营范围、住所与状态。",
        format=Format.DATABASE,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口",
        open_type=OpenType.CONDITIONAL,
        update_cycle=UpdateCycle.DAILY,
        source=Source.LEGAL_PERSONS,
        items=(
            ItemSpec("uscc", "统一社会信用代码", C),
            ItemSpec("name", "名称", C),
            ItemSpec("type", "类型", C),
            ItemSpec("legal_representative", "法定代表人", C, personal=True),
            ItemSpec("registered_capital_fen", "注册资本（分）", N),
            ItemSpec("business_scope", "经营范围", C),
            ItemSpec("address", "住所", C),
            ItemSpec("district_code", "行政区划代码", C),
            ItemSpec("established_on", "成立日期", D),
            ItemSpec("status", "登记状态", C),
        ),
    ),
    ResourceSpec(
        category=Category.BASE,
        class_code="10301",
        name="自然资源和空间地理基础信息（空间单元）",
        provider_code="ZRZYJ",
        summary="行政区划与网格等空间单元的代码、名称、层级与上级。",
        format=Format.DATABASE,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口",
        open_type=OpenType.OPEN,
        update_cycle=UpdateCycle.YEARLY,
        source=Source.SPATIAL,
        items=(
            ItemSpec("code", "空间单元代码", C),
            ItemSpec("name", "名称", C),
            ItemSpec("level", "层级", C),
            ItemSpec("parent_code", "上级代码", C),
        ),
    ),
    ResourceSpec(
        category=Category.BASE,
        class_code="10401",
        name="宏观经济基础信息",
        provider_code="FGW",
        summary="地区生产总值、居民收入等宏观经济指标的时间序列。",
        format=Format.DATABASE,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口",
        open_type=OpenType.OPEN,
        update_cycle=UpdateCycle.QUARTERLY,
        source=Source.MACRO,
        items=(
            ItemSpec("indicator", "指标代码", C),
            ItemSpec("period", "统计期", C),
            ItemSpec("value", "数值", N),
            ItemSpec("unit", "计量单位", C),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class LoadResult:
    created: int
    existing: int


@transaction.atomic
def registry_resources_load(*, actor: Actor) -> LoadResult:
    """Create and publish the base-registry entries that are missing (by source). Only the system may."""
    if not actor.is_system:
        raise PermissionDenied()
    created = existing = 0
    for spec in BASE_RESOURCES:
        if Resource.objects.filter(source=spec.source).exists():
            existing += 1
            continue
        resource_register(actor=actor, spec=spec)
        created += 1
    return LoadResult(created=created, existing=existing)
