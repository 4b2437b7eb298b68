"""The rows of an open resource, for previews, downloads and CKAN's ``datastore_search``: a thin layer over the
data hub's datastore (``selectors.datastore_fields`` / ``datastore_query``), which serves uploaded tables and the
non-personal registry tables (空间单元, 宏观经济) and never personal columns.

``has_rows`` decides without a query per resource when ``open_resources()`` has joined the datastore table."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from zhizheng.datahub.choices import Source
from zhizheng.datahub.models import ROW_ID, Resource
from zhizheng.datahub.selectors import DatastoreField, DatastoreResult, datastore_fields, datastore_query

REGISTRY_TABLES = frozenset({Source.SPATIAL, Source.MACRO})
"""Sources whose rows the datastore serves from the base registries (no personal data)."""
TABLE_SOURCES = (*REGISTRY_TABLES, Source.UPLOAD)
EXPORT_PAGE = 5000

Field = DatastoreField
Rows = DatastoreResult


def has_rows(resource: Resource) -> bool:
    """True when the datastore has a table for the resource (a registry table, or an uploaded one)."""
    if resource.source in REGISTRY_TABLES:
        return True
    if resource.source != Source.UPLOAD:
        return False
    try:
        return resource.datastore is not None
    except ObjectDoesNotExist:
        return False


def data_fields(resource: Resource) -> list[Field]:
    """The columns of the resource's table without the row number (``_id``): what previews and downloads show."""
    return [f for f in datastore_fields(resource=resource) if f.id != ROW_ID]


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
    """One page of the resource's rows (see ``selectors.datastore_query``)."""
    return datastore_query(
        resource=resource,
        filters=dict(filters) if filters is not None else None,
        q=q,
        fields=list(fields) if fields else None,
        sort=sort,
        limit=limit,
        offset=offset,
        include_total=include_total,
    )


def rows_iter(*, resource: Resource) -> tuple[list[Field], Iterator[dict[str, Any]]]:
    """All the rows of a resource (without ``_id``) in row order, read a page at a time for streamed downloads."""
    fields = data_fields(resource)
    names = [f.id for f in fields]

    def records() -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = rows_query(
                resource=resource, fields=names, sort=ROW_ID, limit=EXPORT_PAGE, offset=offset, include_total=False
            )
            yield from page.records
            if len(page.records) < EXPORT_PAGE:
                return
            offset += EXPORT_PAGE

    return fields, records()
