"""Reads of the data hub, scoped by the actor: the catalogue, requests (inbox and own), grants and the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.datahub.choices import DATA_OFFICE, Source, Status
from zhizheng.datahub.errors import DatastoreNotAvailable, DatastoreQueryInvalid, lazy_format
from zhizheng.datahub.models import (
    ROW_ID,
    AccessLogSeal,
    AppUsage,
    DataAccess,
    DatastoreTable,
    Grant,
    ImportJob,
    ImportProblem,
    OpenApp,
    QualityRuleSet,
    QualityRun,
    Resource,
    ShareRequest,
)
from zhizheng.datahub.permissions import DATA_OFFICER, REQUESTER_ROLES, Perm, policy
from zhizheng.registries import selectors as registry

MAX_PAGE_SIZE = 100


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_PAGE_SIZE)), max(0, offset)


def _resources(actor: Actor) -> QuerySet[Resource]:
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    queryset = Resource.objects.select_related("provider")
    if actor.is_superuser or actor.has_role(DATA_OFFICER, DATA_OFFICE):
        return queryset
    return queryset.filter(Q(status=Status.PUBLISHED) | Q(provider__code__in=actor.departments(DATA_OFFICER)))


def resource_list(
    *, actor: Actor, q: str = "", category: str = "", status: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[Resource]]:
    """Catalogue entries the actor may see (staff: published ones; editors also their drafts)."""
    queryset = _resources(actor)
    if q.strip():
        queryset = queryset.filter(Q(name__icontains=q.strip()) | Q(code__startswith=q.strip()))
    if category:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset.prefetch_related("items")[offset : offset + limit])


def resource_get(*, actor: Actor, code: str) -> Resource:
    found = _resources(actor).prefetch_related("items", "versions").filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def request_list(*, actor: Actor, box: str, limit: int = 50, offset: int = 0) -> tuple[int, list[ShareRequest]]:
    """``inbox``: requests for the resources of departments where the actor is data officer; ``mine``: requests
    of the actor's departments (data officer or caseworker)."""
    queryset = ShareRequest.objects.select_related("resource__provider", "department")
    if box == "inbox":
        queryset = queryset.filter(resource__provider__code__in=actor.departments(DATA_OFFICER))
    else:
        mine = {d for d, r in actor.roles if r in REQUESTER_ROLES}
        queryset = queryset.filter(department__code__in=mine)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def request_get(*, actor: Actor, pk: int) -> ShareRequest:
    found = ShareRequest.objects.select_related("resource__provider", "department").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.SEE_REQUEST, found):
        raise NotFound()
    return found


def grant_list(*, actor: Actor) -> list[Grant]:
    """Grants held by the actor's departments or given by the departments whose data officer the actor is."""
    mine = {d for d, r in actor.roles if r in REQUESTER_ROLES}
    provided = actor.departments(DATA_OFFICER)
    queryset = Grant.objects.select_related("resource__provider", "department", "request")
    return list(queryset.filter(Q(department__code__in=mine) | Q(resource__provider__code__in=provided))[:200])


def grant_get(*, actor: Actor, pk: int) -> Grant:
    found = Grant.objects.select_related("resource__provider", "department", "request").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.SEE_REQUEST, found.request):
        raise NotFound()
    return found


def access_list(
    *, actor: Actor, resource_code: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[DataAccess]]:
    """Calls of the data API on resources the actor's departments provide (all for the data office)."""
    queryset = DataAccess.objects.all()
    if not (actor.is_superuser or actor.has_role(DATA_OFFICER, DATA_OFFICE)):
        codes = Resource.objects.filter(provider__code__in=actor.departments(DATA_OFFICER)).values("code")
        queryset = queryset.filter(resource_code__in=codes)
    if resource_code:
        queryset = queryset.filter(resource_code=resource_code)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def app_list(*, actor: Actor) -> list[OpenApp]:
    """The open-data applications the actor registered, newest first (none for a visitor)."""
    if actor.user_id is None:
        return []
    return list(OpenApp.objects.filter(owner_id=actor.user_id).select_related("token"))


def app_get(*, actor: Actor, pk: int) -> OpenApp:
    found = OpenApp.objects.select_related("token").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.MANAGE_APP, found):
        raise NotFound()
    return found


@dataclass(frozen=True, slots=True)
class AppStatistics:
    days: int
    total: int
    per_day: list[tuple[dt.date, int]]
    per_resource: list[tuple[str, int]]


def app_statistics(*, actor: Actor, app: OpenApp, days: int = 30) -> AppStatistics:
    """Calls of the actor's app in the last ``days`` days (local dates): per day (every day, oldest first, zero
    included) and per resource code (most called first; "" for calls about no single resource)."""
    if not policy.has(actor, Perm.MANAGE_APP, app):
        raise NotFound()
    days = max(1, min(days, 366))
    today = timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    rows = AppUsage.objects.filter(app=app, used_on__gte=since)
    by_day = dict(rows.values_list("used_on").annotate(n=Sum("calls")).values_list("used_on", "n"))
    per_resource = list(
        rows.values_list("resource_code")
        .annotate(n=Sum("calls"))
        .order_by("-n", "resource_code")
        .values_list("resource_code", "n")
    )
    per_day = [(since + dt.timedelta(days=i), int(by_day.get(since + dt.timedelta(days=i), 0))) for i in range(days)]
    total = sum(n for _day, n in per_day)
    resources = [(code, int(n)) for code, n in per_resource]
    return AppStatistics(days=days, total=total, per_day=per_day, per_resource=resources)


# --- Datastore: uploaded tables and the non-personal registry tables ---------------------------------------------

DATASTORE_MAX_LIMIT = 10_000
CKAN_TYPES = {"C": "text", "M": "text", "N": "numeric", "F": "numeric", "Y": "numeric", "I": "int4"}
CKAN_TYPES |= {"D": "date", "T": "timestamp", "L": "bool"}
PERSONAL_SOURCES = frozenset({Source.POPULATION, Source.LEGAL_PERSONS})


@dataclass(frozen=True, slots=True)
class DatastoreField:
    """A queryable column: ``id`` (column name), ``type`` (CKAN: text, numeric, int4, date, timestamp, bool) and
    ``label`` (its Chinese name)."""

    id: str
    type: str
    label: str


@dataclass(frozen=True, slots=True)
class DatastoreResult:
    fields: list[DatastoreField]
    records: list[dict[str, Any]]
    total: int | None


@dataclass(frozen=True, slots=True)
class _Table:
    queryset: QuerySet[Any]
    fields: list[DatastoreField]
    paths: dict[str, str]  # field id -> ORM path
    rows: int | None = None  # the row count when it is known without counting (uploaded tables)


# (field id, CKAN type, Chinese label, ORM path) of the public registry tables.
_SPATIAL = (
    ("code", "text", "空间单元代码", "code"),
    ("name", "text", "名称", "name"),
    ("level", "text", "层级", "level"),
    ("parent_code", "text", "上级代码", "parent__code"),
    ("area_km2", "numeric", "面积（平方千米）", "area_km2"),
)
_MACRO = (
    ("indicator", "text", "指标代码", "indicator__code"),
    ("indicator_name", "text", "指标名称", "indicator__name"),
    ("period", "date", "统计期", "period"),
    ("value", "numeric", "数值", "value"),
    ("unit", "text", "计量单位", "indicator__unit"),
)


def _registry_table(queryset: QuerySet[Any], columns: tuple[tuple[str, str, str, str], ...]) -> _Table:
    fields = [DatastoreField(id=ROW_ID, type="int4", label="行号")]
    fields += [DatastoreField(id=i, type=t, label=label) for i, t, label, _ in columns]
    return _Table(queryset=queryset, fields=fields, paths={ROW_ID: "pk"} | {c[0]: c[3] for c in columns})


def _table(resource: Resource) -> _Table:
    """The backing table of ``resource``; personal resources are never served here."""
    if resource.source == Source.SPATIAL:
        return _registry_table(registry.spatial_unit_table(), _SPATIAL)
    if resource.source == Source.MACRO:
        return _registry_table(registry.economic_observation_table(), _MACRO)
    if resource.source == Source.UPLOAD:
        table = DatastoreTable.objects.filter(resource=resource).order_by().first()
        if table is not None:
            public = [c for c in table.specs if not c.mask]  # personal columns only ever leave through a grant
            fields = [DatastoreField(id=ROW_ID, type="int4", label="行号")]
            fields += [DatastoreField(id=c.name, type=CKAN_TYPES[c.data_type], label=c.label) for c in public]
            paths = {ROW_ID: ROW_ID} | {c.name: c.name for c in public}
            queryset = table.row_model()._default_manager.all()
            return _Table(queryset=queryset, fields=fields, paths=paths, rows=table.row_count)
    raise DatastoreNotAvailable(params={"code": resource.code})


def _invalid(template: Any, **params: Any) -> DatastoreQueryInvalid:
    return DatastoreQueryInvalid(params={"reason": lazy_format(template, **params)})


_TRUE = frozenset({"true", "t", "1", "yes", "y", "是"})
_FALSE = frozenset({"false", "f", "0", "no", "n", "否"})


def _filter_value(field: DatastoreField, value: Any) -> Any:
    """``value`` as the column's type; a DatastoreQueryInvalid naming the field otherwise."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        if field.type == "int4":
            return int(text)
        if field.type == "numeric":
            return float(text)
        if field.type == "date":
            return dt.date.fromisoformat(text)
        if field.type == "timestamp":
            parsed = parse_datetime(text)
            if parsed is None:
                raise ValueError(text)
            return parsed
        if field.type == "bool":
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError(text)
    except ValueError:
        raise _invalid(DatastoreQueryInvalid.bad_value, value=text[:50], name=field.id) from None
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def datastore_fields(*, resource: Resource) -> list[DatastoreField]:
    """The columns ``datastore_query`` can return, filter and sort for ``resource`` (``_id`` first)."""
    return list(_table(resource).fields)


def _order(sort: str, table: _Table) -> list[str]:
    order: list[str] = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _invalid(DatastoreQueryInvalid.bad_sort, text=part.strip()[:50])
        if words[0] not in table.paths:
            raise _invalid(DatastoreQueryInvalid.unknown_field, name=words[0][:50])
        descending = len(words) == 2 and words[1].lower() == "desc"
        order.append(("-" if descending else "") + table.paths[words[0]])
    return order


def datastore_query(
    *,
    resource: Resource,
    filters: dict[str, Any] | None = None,
    q: str | None = None,
    fields: list[str] | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    include_total: bool = True,
) -> DatastoreResult:
    """Rows of ``resource``'s table, filtered in the database.

    ``filters`` maps a field to a value or a list of values (equality, IN); ``q`` finds rows where any text field
    contains it; ``sort`` is ``"field [asc|desc], …"`` (``_id`` breaks ties, so pages are stable); ``limit`` is
    capped at ``DATASTORE_MAX_LIMIT``. Records are JSON-ready (dates ISO 8601, numbers as numbers). Unknown fields,
    sorts or values raise ``DatastoreQueryInvalid`` (422); personal and catalogue-only resources
    ``DatastoreNotAvailable`` (409)."""
    table = _table(resource)
    by_id = {f.id: f for f in table.fields}
    chosen = list(dict.fromkeys(fields)) if fields else [f.id for f in table.fields]
    for name in chosen:
        if name not in by_id:
            raise _invalid(DatastoreQueryInvalid.unknown_field, name=str(name)[:50])
    queryset = table.queryset
    if filters is not None and not isinstance(filters, dict):
        raise _invalid(DatastoreQueryInvalid.bad_filter)
    for name, wanted in (filters or {}).items():
        if name not in by_id:
            raise _invalid(DatastoreQueryInvalid.unknown_field, name=str(name)[:50])
        path = table.paths[name]
        if isinstance(wanted, list | tuple):
            values = [_filter_value(by_id[name], v) for v in wanted]
            queryset = queryset.filter(**{f"{path}__in": [v for v in values if v is not None]})
        elif wanted is None:
            queryset = queryset.filter(**{f"{path}__isnull": True})
        elif isinstance(wanted, dict):
            raise _invalid(DatastoreQueryInvalid.bad_filter)
        else:
            queryset = queryset.filter(**{path: _filter_value(by_id[name], wanted)})
    if q and q.strip():
        text_paths = [table.paths[f.id] for f in table.fields if f.type == "text"]
        match = Q()
        for path in text_paths:
            match |= Q(**{f"{path}__contains": q.strip()})
        queryset = queryset.filter(match) if text_paths else queryset.none()
    order = _order(sort or "", table)
    if "pk" not in order and "-pk" not in order:
        order.append("pk")
    limit = max(0, min(int(limit), DATASTORE_MAX_LIMIT))
    offset = max(0, int(offset))
    unfiltered = not filters and not (q and q.strip())
    total = (table.rows if unfiltered and table.rows is not None else queryset.count()) if include_total else None
    paths = [table.paths[name] for name in chosen]
    rows = queryset.order_by(*order).values_list(*paths)[offset : offset + limit] if limit else []
    # Only dates, times and decimals need converting; checking the type per column, not per value, keeps a
    # page of 100 rows cheap.
    convert = [by_id[name].type in ("date", "timestamp", "numeric") for name in chosen]
    records = [
        {
            name: _json_value(value) if change else value
            for name, value, change in zip(chosen, row, convert, strict=True)
        }
        for row in rows
    ]
    return DatastoreResult(fields=[by_id[name] for name in chosen], records=records, total=total)


# --- Quality ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepartmentScore:
    code: str
    name: str
    resources: int
    score: float


def quality_latest(*, actor: Actor, resource: Resource) -> QualityRun | None:
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    return QualityRun.objects.filter(resource=resource).order_by("-at", "-id").first()


def quality_rules(*, actor: Actor, resource: Resource) -> list[dict[str, Any]]:
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    found = QualityRuleSet.objects.filter(resource=resource).first()
    return list(found.rules) if found else []


def quality_department_scores(*, actor: Actor) -> list[DepartmentScore]:
    """Each provider department's mean of its resources' latest quality scores (best first)."""
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    latest = QualityRun.objects.filter(resource=OuterRef("pk")).order_by("-at", "-id").values("score")[:1]
    rows = (
        Resource.objects.annotate(latest=Subquery(latest))
        .filter(latest__isnull=False)
        .values("provider__code", "provider__name")
        .annotate(resources=Count("pk"), score=Avg("latest"))
        .order_by("-score", "provider__code")
    )
    return [
        DepartmentScore(r["provider__code"], r["provider__name"], r["resources"], round(r["score"], 1)) for r in rows
    ]


def quality_failures(
    *, actor: Actor, resource: Resource, rule_index: int, limit: int = 50, offset: int = 0
) -> tuple[int, list[str], list[dict[str, Any]]]:
    """``(count, columns, rows)`` of the rows that break rule ``rule_index`` now (paged in the database; the
    check-character rules page the row ids kept by the latest run)."""
    from zhizheng.datahub.services.quality import failing_filter

    rules = quality_rules(actor=actor, resource=resource)
    if not 0 <= rule_index < len(rules):
        raise NotFound()
    table = DatastoreTable.objects.filter(resource=resource).first()
    if table is None:
        raise DatastoreNotAvailable(params={"code": resource.code})
    columns = {c.name: c for c in table.specs}
    rule = rules[rule_index]
    queryset = table.row_model()._default_manager.all()
    condition = failing_filter(rule, queryset, columns) if rule.get("column") in columns else None
    if condition is not None:
        failing = queryset.filter(condition)
    elif rule["kind"] in ("id_number", "uscc"):
        run = quality_latest(actor=actor, resource=resource)
        kept: list[int] = next(
            (r.get("failing_ids", []) for r in (run.results if run else []) if r["index"] == rule_index), []
        )
        failing = queryset.filter(pk__in=kept)
    else:
        failing = queryset.none()
    shown = [ROW_ID] + [c.name for c in table.specs if not c.mask]
    limit, offset = _page(limit, offset)
    rows = failing.order_by(ROW_ID).values(*shown)[offset : offset + limit]
    return failing.count(), shown, [{k: _json_value(v) for k, v in row.items()} for row in rows]


# --- Imports and the sealed access log ------------------------------------------------------------------------------


def import_list(*, actor: Actor, resource: Resource, limit: int = 50, offset: int = 0) -> tuple[int, list[ImportJob]]:
    """Uploads into ``resource`` (its editors only; others see none)."""
    if not policy.has(actor, Perm.EDIT, resource):
        return 0, []
    queryset = ImportJob.objects.filter(resource=resource).select_related("resource__provider")
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def import_get(*, actor: Actor, pk: int) -> ImportJob:
    """One upload, for the editors of its resource (404 for everyone else)."""
    found = ImportJob.objects.select_related("resource__provider").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.EDIT, found.resource):
        raise NotFound()
    return found


def import_problems(*, job: ImportJob, limit: int = 50, offset: int = 0) -> tuple[int, list[ImportProblem]]:
    queryset = ImportProblem.objects.filter(job=job)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def access_seal_list(*, actor: Actor, limit: int = 50, offset: int = 0) -> tuple[int, list[AccessLogSeal]]:
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    limit, offset = _page(limit, offset)
    queryset = AccessLogSeal.objects.defer("leaves")
    return queryset.count(), list(queryset[offset : offset + limit])
