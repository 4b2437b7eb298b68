"""Tags of catalogue entries, and the demo city's open catalogue: realistic open resources of several departments
(registered, reviewed and published like any entry) and tags on the open resources with rows (空间单元, 宏观经济 and
the demo tables of ``services.demo``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, Source, Status, UpdateCycle
from zhizheng.datahub.errors import CatalogueRuleBroken
from zhizheng.datahub.models import Resource, Tag
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.datahub.services.catalogue import (
    ItemSpec,
    ResourceSpec,
    resource_create,
    resource_publish,
    resource_submit,
)
from zhizheng.ledger import services as ledger

MAX_TAGS = 10


@transaction.atomic
def resource_tags_set(*, actor: Actor, resource: Resource, tags: Sequence[str]) -> Resource:
    """Replace the tags of an entry (at most ten, 1-50 characters each; duplicates dropped). The provider's data
    officer (or the data office) may; recorded as a change of the entry."""
    policy.require(actor, Perm.EDIT, resource)
    names = list(dict.fromkeys(t.strip() for t in tags if t.strip()))
    if len(names) > MAX_TAGS or any(len(n) > 50 for n in names):
        raise CatalogueRuleBroken(field_errors={"tags": [_("At most ten tags of 1 to 50 characters each.")]})
    resource.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])
    ledger.record(
        actor=actor, act="datahub.resource.changed", subject=resource, payload={"code": resource.code, "tags": names}
    )
    return resource


C, N, D, I, T = "C", "N", "D", "I", "T"  # noqa: E741


def _open(
    category: str, class_code: str, name: str, provider: str, summary: str, cycle: str, items: Sequence[ItemSpec]
) -> ResourceSpec:
    return ResourceSpec(
        category=category,
        class_code=class_code,
        name=name,
        provider_code=provider,
        summary=summary,
        format=Format.SPREADSHEET,
        share_type=ShareType.UNCONDITIONAL,
        share_method="数据接口、文件下载",
        open_type=OpenType.OPEN,
        update_cycle=cycle,
        items=tuple(items),
    )


THEME, DEPARTMENT = Category.THEME, Category.DEPARTMENT
OPEN_CATALOGUE: tuple[tuple[ResourceSpec, tuple[str, ...]], ...] = (
    (
        _open(
            THEME,
            "20301",
            "空气质量监测日报",
            "STHJJ",
            "各国控、省控监测点每日空气质量指数（AQI）与首要污染物。",
            UpdateCycle.DAILY,
            [
                ItemSpec("station", "监测点", C),
                ItemSpec("date", "日期", D),
                ItemSpec("aqi", "空气质量指数", I),
                ItemSpec("primary_pollutant", "首要污染物", C),
            ],
        ),
        ("生态环境", "空气质量"),
    ),
    (
        _open(
            THEME,
            "20401",
            "公交线路与站点",
            "JTYSJ",
            "全市公交线路、首末班时间与站点位置。",
            UpdateCycle.MONTHLY,
            [
                ItemSpec("line", "线路", C),
                ItemSpec("stop", "站点", C),
                ItemSpec("longitude", "经度", N),
                ItemSpec("latitude", "纬度", N),
                ItemSpec("first_bus", "首班时间", C),
            ],
        ),
        ("交通出行", "公交"),
    ),
    (
        _open(
            DEPARTMENT,
            "30101",
            "中小学校名录",
            "JYJ",
            "全市中小学校的名称、学段、办学性质、地址与电话。",
            UpdateCycle.YEARLY,
            [
                ItemSpec("name", "学校名称", C),
                ItemSpec("stage", "学段", C),
                ItemSpec("ownership", "办学性质", C),
                ItemSpec("address", "地址", C),
                ItemSpec("phone", "联系电话", C),
            ],
        ),
        ("教育", "名录"),
    ),
    (
        _open(
            DEPARTMENT,
            "30201",
            "医疗机构名录",
            "WJW",
            "医院、社区卫生服务中心等医疗机构的名称、等级、类别与地址。",
            UpdateCycle.QUARTERLY,
            [
                ItemSpec("name", "机构名称", C),
                ItemSpec("grade", "等级", C),
                ItemSpec("kind", "类别", C),
                ItemSpec("address", "地址", C),
            ],
        ),
        ("医疗卫生", "名录"),
    ),
    (
        _open(
            DEPARTMENT,
            "30301",
            "养老服务机构名录",
            "MZJ",
            "养老院、日间照料中心的名称、床位数、地址与电话。",
            UpdateCycle.QUARTERLY,
            [
                ItemSpec("name", "机构名称", C),
                ItemSpec("beds", "床位数", I),
                ItemSpec("address", "地址", C),
                ItemSpec("phone", "联系电话", C),
            ],
        ),
        ("养老", "民政", "名录"),
    ),
    (
        _open(
            DEPARTMENT,
            "30401",
            "政务服务事项目录",
            "XZSPJ",
            "依申请政务服务事项的名称、实施主体、法定与承诺时限。",
            UpdateCycle.MONTHLY,
            [
                ItemSpec("item_code", "事项编码", C),
                ItemSpec("name", "事项名称", C),
                ItemSpec("department", "实施主体", C),
                ItemSpec("legal_days", "法定时限（工作日）", I),
                ItemSpec("promised_days", "承诺时限（工作日）", I),
            ],
        ),
        ("政务服务",),
    ),
    (
        _open(
            DEPARTMENT,
            "30601",
            "A级旅游景区名录",
            "WGLJ",
            "A级旅游景区的名称、等级、地址与开放时间。",
            UpdateCycle.HALF_YEARLY,
            [
                ItemSpec("name", "景区名称", C),
                ItemSpec("level", "等级", C),
                ItemSpec("address", "地址", C),
                ItemSpec("hours", "开放时间", C),
            ],
        ),
        ("文化旅游", "名录"),
    ),
    (
        _open(
            DEPARTMENT,
            "30701",
            "市场主体登记统计",
            "SCJGJ",
            "按月、按行政区和类型统计的新设与注销市场主体数量。",
            UpdateCycle.MONTHLY,
            [
                ItemSpec("month", "统计月份", C),
                ItemSpec("district_code", "行政区划代码", C),
                ItemSpec("type", "主体类型", C),
                ItemSpec("established", "新设数量", I),
                ItemSpec("cancelled", "注销数量", I),
            ],
        ),
        ("市场主体", "统计"),
    ),
)
BASE_TAGS = {Source.SPATIAL: ("行政区划", "空间地理"), Source.MACRO: ("宏观经济", "统计")}
TABLE_TAGS = {  # the demo tables of services.demo (provider, name): tags
    ("CGJ", "示范市公共厕所信息"): ("市政设施", "公共厕所"),
    ("JTYSJ", "示范市公共停车场信息"): ("交通出行", "停车"),
}


@transaction.atomic
def open_catalogue_load(*, actor: Actor) -> int:
    """Register and publish the demo city's open resources that are missing (by provider and name) and tag the open
    resources with rows (run after ``demo_tables_load``); returns how many entries were created. Only the system may.
    Idempotent."""
    if not actor.is_system:
        raise PermissionDenied()
    created = 0
    for spec, tags in OPEN_CATALOGUE:
        if Resource.objects.filter(provider__code=spec.provider_code, name=spec.name).exists():
            continue
        resource = resource_create(actor=actor, spec=spec)
        resource = resource_submit(actor=actor, resource=resource)
        resource = resource_publish(actor=actor, resource=resource)
        resource_tags_set(actor=actor, resource=resource, tags=tags)
        created += 1
    tagged = [(Resource.objects.filter(source=s, status=Status.PUBLISHED).first(), t) for s, t in BASE_TAGS.items()]
    tagged += [(Resource.objects.filter(provider__code=p, name=n).first(), t) for (p, n), t in TABLE_TAGS.items()]
    for entry, labels in tagged:
        if entry is not None and not entry.tags.exists():
            resource_tags_set(actor=actor, resource=entry, tags=labels)
    return created
