"""The datastore: one real database table per uploaded resource (ADR 0003).

Rows are loaded into a staging table first (``dh_stage_<job>``); only a complete, accepted load replaces the
resource's table (``dh_t_<resource id>``), in one transaction that drops the old table, renames the staging table,
builds the indexes on the filterable columns and records the act in the ledger. Readers therefore see the old rows
or the new ones, never a half-imported table.

DDL goes through Django's schema editor in *collect* mode and is executed on the caller's connection, so that it
joins the surrounding transaction on both SQLite and PostgreSQL (SQLite's editor refuses to open inside one).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import Source
from zhizheng.datahub.errors import SchemaInvalid
from zhizheng.datahub.models import ROW_ID, UPLOADABLE_TYPES, ColumnSpec, DatastoreTable, Resource, row_model
from zhizheng.datahub.permissions import Perm, policy
from zhizheng.ledger import services as ledger

TABLE_PREFIX = "dh_t_"
INSERT_BATCH = 5_000
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
RESERVED_NAMES = frozenset({"pk", "id", "q", "objects", "filters", "fields", "sort", "limit", "offset"})


def table_name_for(resource: Resource) -> str:
    return f"{TABLE_PREFIX}{resource.pk}"


def columns_validate(columns: Sequence[ColumnSpec]) -> tuple[ColumnSpec, ...]:
    """Check a schema before it becomes a table: identifiers, unique names, known types and masks; a 422 naming
    every wrong column otherwise."""
    from zhizheng.datahub.choices import Mask

    errors: dict[str, list[Any]] = {}
    seen: set[str] = set()
    for position, column in enumerate(columns, start=1):
        key = f"columns[{position}]"
        if not NAME_PATTERN.match(column.name) or "__" in column.name or column.name.endswith("_"):
            errors.setdefault(key, []).append(SchemaInvalid.bad_name)
        elif column.name in RESERVED_NAMES:
            errors.setdefault(key, []).append(SchemaInvalid.reserved_name)
        elif column.name in seen:
            errors.setdefault(key, []).append(SchemaInvalid.duplicate_name)
        seen.add(column.name)
        if column.data_type not in UPLOADABLE_TYPES:
            errors.setdefault(key, []).append(SchemaInvalid.bad_type)
        if column.mask not in Mask.values:
            errors.setdefault(key, []).append(SchemaInvalid.bad_mask)
        if not column.label.strip() or len(column.label) > 100:
            errors.setdefault(key, []).append(SchemaInvalid.bad_label)
    if not columns:
        errors["columns"] = [SchemaInvalid.empty]
    if errors:
        raise SchemaInvalid(field_errors=errors)
    return tuple(columns)


def _execute_ddl(build: Callable[[BaseDatabaseSchemaEditor], None]) -> None:
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []  # normally set by __enter__, which SQLite's editor refuses inside a transaction
    build(editor)
    statements = [*editor.collected_sql, *(str(sql) for sql in editor.deferred_sql)]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def table_create(table_name: str, columns: Sequence[ColumnSpec]) -> type[models.Model]:
    """Create an empty table (no secondary indexes: they are built after the load, which is much faster)."""
    model = row_model(table_name, tuple(columns))
    _execute_ddl(lambda editor: editor.create_model(model))
    return model


def table_drop(table_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table_name)}")


def _index_name(table_name: str, position: int) -> str:
    return f"{table_name}_c{position}_ix"


def indexes_create(table_name: str, columns: Sequence[ColumnSpec]) -> None:
    model = row_model(table_name, tuple(columns))

    def build(editor: BaseDatabaseSchemaEditor) -> None:
        for position, column in enumerate(columns, start=1):
            if column.indexed:
                editor.add_index(model, models.Index(fields=[column.name], name=_index_name(table_name, position)))

    _execute_ddl(build)
    with connection.cursor() as cursor:
        # Fresh statistics, so that the planner picks the selective index (SQLite has none until ANALYZE runs;
        # PostgreSQL's autovacuum would get there minutes later).
        cursor.execute(f"ANALYZE {connection.ops.quote_name(table_name)}")


def rows_insert(table_name: str, columns: Sequence[ColumnSpec], rows: Sequence[Sequence[Any]]) -> None:
    """Append rows (values in column order, already converted to Python types): ``COPY`` on PostgreSQL, one prepared
    ``executemany`` elsewhere. ``_id`` comes from the table's sequence, i.e. import order."""
    if not rows:
        return
    model = row_model(table_name, tuple(columns))
    quote = connection.ops.quote_name
    names = ", ".join(quote(c.name) for c in columns)
    table = quote(table_name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        fields: list[Any] = [model._meta.get_field(c.name) for c in columns]
        # Only dates, times, decimals and booleans need the backend's adaptation; text and numbers go as they are.
        adapt = [i for i, c in enumerate(columns) if c.data_type in ("D", "T", "Y", "L")]
        if adapt:
            prepared: list[Sequence[Any]] = []
            for row in rows:
                values = list(row)
                for i in adapt:
                    if values[i] is not None:
                        values[i] = fields[i].get_db_prep_save(values[i], connection)
                prepared.append(values)
            rows = prepared
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def _swap(
    *, actor: Actor, resource: Resource, staging: str, columns: tuple[ColumnSpec, ...], rows: int
) -> DatastoreTable:
    """Replace the resource's table by ``staging`` (caller holds the transaction)."""
    final = table_name_for(resource)
    table_drop(final)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {quote(staging)} RENAME TO {quote(final)}")
    indexes_create(final, columns)
    table, _ = DatastoreTable.objects.select_for_update().get_or_create(
        resource=resource, defaults={"table_name": final}
    )
    table.columns = [c.as_dict() for c in columns]
    table.row_count = rows
    table.generation += 1
    table.imported_at = timezone.now()
    table.imported_by = actor.ref
    table.save()
    if resource.source != Source.UPLOAD:
        resource.source = Source.UPLOAD
        resource.save(update_fields=["source", "updated_at"])
    ledger.record(
        actor=actor,
        act="datahub.datastore.replaced",
        subject=resource,
        payload={
            "code": resource.code,
            "rows": rows,
            "generation": table.generation,
            "columns": [[c.name, c.data_type] for c in columns],
        },
    )
    return table


@transaction.atomic
def datastore_replace(
    *, actor: Actor, resource: Resource, staging: str, columns: Sequence[ColumnSpec], rows: int
) -> DatastoreTable:
    """Make a fully loaded staging table the resource's data (the act ``datahub.datastore.replaced``)."""
    policy.require(actor, Perm.EDIT, resource)
    return _swap(actor=actor, resource=resource, staging=staging, columns=tuple(columns), rows=rows)


@transaction.atomic
def datastore_load(
    *, actor: Actor, resource: Resource, columns: Sequence[ColumnSpec], rows: Iterable[Sequence[Any]]
) -> DatastoreTable:
    """Load already typed rows as the resource's table in one step (demo data, benchmarks, programmatic loads).
    Files from people go through ``services.imports``, which checks every value and reports problems."""
    policy.require(actor, Perm.EDIT, resource)
    if resource.source not in (Source.NONE, Source.UPLOAD):
        raise PermissionDenied()
    specs = columns_validate(columns)
    staging = f"{table_name_for(resource)}_load"
    table_drop(staging)
    table_create(staging, specs)
    count = 0
    batch: list[Sequence[Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= INSERT_BATCH:
            rows_insert(staging, specs, batch)
            count += len(batch)
            batch = []
    rows_insert(staging, specs, batch)
    count += len(batch)
    return _swap(actor=actor, resource=resource, staging=staging, columns=specs, rows=count)


__all__ = [
    "INSERT_BATCH",
    "ROW_ID",
    "TABLE_PREFIX",
    "columns_validate",
    "datastore_load",
    "datastore_replace",
    "indexes_create",
    "rows_insert",
    "table_create",
    "table_drop",
    "table_name_for",
]
