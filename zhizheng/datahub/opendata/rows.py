"""The rows of an open resource, for previews, downloads and CKAN's ``datastore_search``.

Rows come from the non-personal base registries that back a resource (空间单元 from ``registries.spatial``,
宏观经济 from ``registries.economy``). Only the resource's information items that are not personal are columns;
a resource with a personal item, or with no table behind it, has no rows here (``has_rows`` is False).
Fields carry CKAN datastore types (text, numeric, int4, date, timestamp, bool)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zhizheng.datahub.choices import DataType, Source
from zhizheng.datahub.errors import RowQueryInvalid
from zhizheng.datahub.models import Resource
from zhizheng.registries.economy import economic_observation_table
from zhizheng.registries.spatial import spatial_unit_table

MAX_LIMIT = 1000
CKAN_TYPES: dict[str, str] = {
    DataType.N: "numeric",
    DataType.Y: "numeric",
    DataType.F: "numeric",
    DataType.I: "int4",
    DataType.D: "date",
    DataType.T: "timestamp",
    DataType.L: "bool",
}

# Which table serves a source, and the table column behind each information item key (same name if absent).
TABLES: dict[str, tuple[Callable[[], QuerySet[Any, Any]], dict[str, str]]] = {
    Source.SPATIAL: (spatial_unit_table, {}),
    Source.MACRO: (economic_observation_table, {"indicator": "indicator_code"}),
}


@dataclass(frozen=True, slots=True)
class Field:
    id: str
    type: str
    label: str


@dataclass(frozen=True, slots=True)
class Rows:
    fields: list[Field]
    records: list[dict[str, Any]]
    total: int | None


def has_rows(resource: Resource) -> bool:
    """True when the resource has a table behind it and no personal information item."""
    items = list(resource.items.all())
    return resource.source in TABLES and bool(items) and not any(item.personal for item in items)


def row_fields(resource: Resource) -> list[Field]:
    """The columns of the resource's table (its information items, in order); empty without rows."""
    if not has_rows(resource):
        return []
    return [Field(item.key, CKAN_TYPES.get(item.data_type, "text"), item.name) for item in resource.items.all()]


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _invalid(field: str, message: Any) -> RowQueryInvalid:
    return RowQueryInvalid(field_errors={field: [message]})


def _parse_sort(sort: str | None, known: Sequence[str], column: Mapping[str, str]) -> list[str]:
    order: list[str] = []
    for part in (sort or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) > 2 or words[0] not in known or (len(words) == 2 and words[1].lower() not in ("asc", "desc")):
            raise _invalid("sort", _("Sort by known fields, e.g. “name asc, code desc”."))
        prefix = "-" if len(words) == 2 and words[1].lower() == "desc" else ""
        order.append(prefix + column.get(words[0], words[0]))
    return order


def _queryset(
    resource: Resource,
    *,
    filters: Mapping[str, Any] | None,
    q: str | None,
    sort: str | None,
) -> tuple[QuerySet[Any, dict[str, Any]], list[Field], Mapping[str, str]]:
    fields = row_fields(resource)
    if not fields:
        raise _invalid("resource_id", _("This resource has no data table."))
    table, column = TABLES[resource.source]
    known = [f.id for f in fields]
    queryset = table()
    for key, wanted in (filters or {}).items():
        if key not in known:
            raise _invalid("filters", _("Unknown field in filters: %(field)s.") % {"field": key})
        values = wanted if isinstance(wanted, list) else [wanted]
        queryset = queryset.filter(**{f"{column.get(key, key)}__in": [str(v) for v in values]})
    if q and q.strip():
        texts = [f.id for f in fields if f.type == "text"]
        condition = Q()
        for key in texts:
            condition |= Q(**{f"{column.get(key, key)}__icontains": q.strip()})
        queryset = queryset.filter(condition)
    order = _parse_sort(sort, known, column)
    if order:
        queryset = queryset.order_by(*order)
    return queryset, fields, column


def _chosen(fields: list[Field], wanted: Sequence[str] | None) -> list[Field]:
    if not wanted:
        return fields
    by_id = {f.id: f for f in fields}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        raise _invalid("fields", _("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    return [by_id[name] for name in dict.fromkeys(wanted)]


def rows_query(
    *,
    resource: Resource,
    filters: Mapping[str, Any] | None = None,
    q: str | None = None,
    fields: Sequence[str] | None = None,
    sort: str | None = None,
    limit: int = 100,
    offset: int = 0,
    include_total: bool = True,
) -> Rows:
    """One page of the resource's rows, narrowed by exact ``filters`` and a text search ``q`` over text fields."""
    queryset, all_fields, column = _queryset(resource, filters=filters, q=q, sort=sort)
    chosen = _chosen(all_fields, fields)
    if limit < 0 or offset < 0:
        raise _invalid("limit", _("limit and offset are zero or more."))
    limit = min(limit, MAX_LIMIT)
    page = queryset[offset : offset + limit] if limit else []
    records = [{f.id: _value(row[column.get(f.id, f.id)]) for f in chosen} for row in page]
    return Rows(fields=chosen, records=records, total=queryset.count() if include_total else None)


def rows_iter(*, resource: Resource) -> tuple[list[Field], Iterator[dict[str, Any]]]:
    """All the rows of a resource, read in chunks (for streamed downloads)."""
    queryset, fields, column = _queryset(resource, filters=None, q=None, sort=None)

    def records() -> Iterator[dict[str, Any]]:
        for row in queryset.iterator(chunk_size=2000):
            yield {f.id: _value(row[column.get(f.id, f.id)]) for f in fields}

    return fields, records()
