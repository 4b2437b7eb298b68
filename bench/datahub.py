"""Data hub: ``datastore_query`` p50/p95 on a 1,000,000-row uploaded table (filters, sorting, paging), rows per
second through the grant-scoped data API with masking, and CSV import rows per second — each with a baseline
measured in the same run (raw SQL for the same query, raw ``csv.reader`` for the same file).

    .venv/bin/python bench/datahub.py                       (or `make bench`)
    .venv/bin/python bench/datahub.py --rows 200000         (smaller table)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/datahub.py

Each database runs in a child process against a database of its own: a SQLite file in a temporary directory and,
when BENCH_DATABASE_URL or DATABASE_URL names a PostgreSQL server, a fresh database created there and dropped
afterwards. What is measured:

* load: ``datastore_load`` of typed rows into ``dh_t_<id>`` (staging table, bulk insert, indexes, swap);
* query: ``selectors.datastore_query`` with the total, for three shapes — one indexed filter and a page at a random
  offset ≤ 5,000; two filters sorted by an indexed column descending; a date-range-free IN filter on a low-
  cardinality column. The baseline runs the same SELECT and COUNT as raw SQL on the same connection;
* data API: ``services.data_read`` (grant check, rate-limit lock, access log row committed, masked name and phone
  columns) at random pages of 100 rows; the baseline is the raw SQL SELECT of the same pages;
* CSV import: ``imports.import_upload`` + ``import_confirm`` + ``import_run`` (encoding detection, inference,
  per-cell conversion, staging, swap) of a generated UTF-8 CSV; the baseline parses the same file with
  ``csv.reader`` and does nothing else.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from _timing import p50_p95, ratio

ROOT = Path(__file__).resolve().parent.parent
DISTRICTS = ("青山区", "江南区", "高新区", "临湖区", "东城区", "西城区", "北湖区", "南山区")
KINDS = ("一类", "二类", "三类", "活动厕所")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(count: int, seed: int = 7) -> Any:
    import datetime as dt

    rng = random.Random(seed)
    start = dt.date(2000, 1, 1)
    for i in range(count):
        yield (
            f"设施{i:07d}",
            rng.choice(DISTRICTS),
            rng.choice(KINDS),
            rng.randint(1, 200),
            start + dt.timedelta(days=rng.randint(0, 9000)),
            rng.choice(SURNAMES) + rng.choice("伟芳娜敏静丽强磊军洋"),
            f"13{rng.randint(100000000, 999999999)}",
        )


def _child(backend: str, url: str, rows: int, queries: int, api_calls: int, csv_rows: int) -> None:
    _configure(url)
    from django.core.files.base import File
    from django.db import connection, transaction

    from zhizheng.core.actor import SYSTEM
    from zhizheng.datahub import selectors, services
    from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, UpdateCycle
    from zhizheng.datahub.models import ColumnSpec, Grant
    from zhizheng.datahub.services import imports
    from zhizheng.datahub.services.datastore import datastore_load
    from zhizheng.orgs import services as orgs_services

    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    columns = (
        ColumnSpec("name", "名称", "C", nullable=False, indexed=True),
        ColumnSpec("district", "所在区", "C", nullable=False, indexed=True),
        ColumnSpec("kind", "类别", "C", nullable=False, indexed=True),
        ColumnSpec("seats", "厕位数", "I", nullable=False, indexed=True),
        ColumnSpec("opened_on", "启用日期", "D", indexed=True),
        ColumnSpec("keeper", "管理员", "C", mask="name"),
        ColumnSpec("phone", "联系电话", "C", mask="phone"),
    )

    def entry(name: str) -> Any:
        spec = services.ResourceSpec(
            category=Category.DEPARTMENT,
            class_code="31401",
            name=name,
            provider_code="CGJ",
            summary=name,
            format=Format.DATABASE,
            share_type=ShareType.UNCONDITIONAL,
            open_type=OpenType.OPEN,
            update_cycle=UpdateCycle.DAILY,
            items=tuple(services.ItemSpec(c.name, c.label, c.data_type, personal=bool(c.mask)) for c in columns),
        )
        resource = services.resource_create(actor=SYSTEM, spec=spec)
        resource = services.resource_submit(actor=SYSTEM, resource=resource)
        return services.resource_publish(actor=SYSTEM, resource=resource)

    result: dict[str, Any] = {"backend": backend, "rows": rows}
    resource = entry("基准设施表")
    started = time.perf_counter()
    table = datastore_load(actor=SYSTEM, resource=resource, columns=columns, rows=_rows(rows))
    result["load_rate"] = rows / (time.perf_counter() - started)
    print(f"  [{backend}] loaded {rows:,} rows", file=sys.stderr, flush=True)

    rng = random.Random(11)
    quote = connection.ops.quote_name
    t = quote(table.table_name)
    shapes = {
        "filter + page": (
            lambda: ({"district": rng.choice(DISTRICTS)}, None, rng.randrange(0, 50) * 100),
            "WHERE district = %s",
            'ORDER BY "_id"',
        ),
        "2 filters, sorted desc": (
            lambda: ({"district": rng.choice(DISTRICTS), "kind": rng.choice(KINDS)}, "seats desc", 0),
            "WHERE district = %s AND kind = %s",
            'ORDER BY seats DESC, "_id"',
        ),
        "IN filter + page": (
            lambda: ({"kind": [rng.choice(KINDS), rng.choice(KINDS)]}, "opened_on", rng.randrange(0, 20) * 100),
            "WHERE kind IN (%s, %s)",
            'ORDER BY opened_on, "_id"',
        ),
    }
    result["queries"] = {}
    for label, (make, where, order) in shapes.items():
        ours: list[float] = []
        raw: list[float] = []
        for _ in range(queries):
            filters, sort, offset = make()
            params = [v for value in filters.values() for v in (value if isinstance(value, list) else [value])]
            started = time.perf_counter()
            selectors.datastore_query(resource=resource, filters=filters, sort=sort, limit=100, offset=offset)
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {t} {where}", params)  # noqa: S608
                cursor.fetchone()
                cursor.execute(f"SELECT * FROM {t} {where} {order} LIMIT 100 OFFSET {offset}", params)  # noqa: S608
                cursor.fetchall()
            raw.append(time.perf_counter() - started)
        p50, p95 = (value * 1000 for value in p50_p95(ours))
        b50, b95 = (value * 1000 for value in p50_p95(raw))
        result["queries"][label] = {"p50": p50, "p95": p95, "raw_p50": b50, "raw_p95": b95}
    print(f"  [{backend}] queries done", file=sys.stderr, flush=True)

    issued = services.request_create(
        actor=SYSTEM,
        spec=services.RequestSpec(
            resource_code=resource.code,
            department_code="MZJ",
            purpose="基准测试",
            fields=("name", "district", "seats", "keeper", "phone"),
            legal_basis="基准测试",
            period_days=30,
        ),
    )
    Grant.objects.filter(pk=issued.grant.pk).update(rate_limit=10**9)
    offsets = [rng.randrange(0, rows - 100) for _ in range(api_calls)]
    started = time.perf_counter()
    served = 0
    for offset in offsets:
        page = services.data_read(key=issued.key, resource_code=resource.code, limit=100, offset=offset)
        served += len(page.items)
    result["api_rate"] = served / (time.perf_counter() - started)
    assert "*" in str(page.items[0]["phone"]), "phones must be masked"
    started = time.perf_counter()
    fetched = 0
    for offset in offsets:
        with connection.cursor() as cursor:
            columns_sql = "name, district, seats, keeper, phone"
            cursor.execute(f'SELECT {columns_sql} FROM {t} ORDER BY "_id" LIMIT 100 OFFSET {offset}')  # noqa: S608
            fetched += len(cursor.fetchall())
    result["api_raw_rate"] = fetched / (time.perf_counter() - started)
    print(f"  [{backend}] data API done", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="zz-bench-datahub-csv-") as folder:
        path = Path(folder) / "facilities.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["名称", "所在区", "类别", "厕位数", "启用日期", "管理员", "联系电话"])
            for row in _rows(csv_rows, seed=3):
                writer.writerow([*row[:4], row[4].isoformat(), *row[5:]])
        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as handle:
            parsed = sum(1 for _ in csv.reader(handle)) - 1
        result["csv_raw_rate"] = parsed / (time.perf_counter() - started)
        target = entry("基准导入表")
        started = time.perf_counter()
        with path.open("rb") as handle:
            job = imports.import_upload(actor=SYSTEM, resource=target, upload=File(handle), name="facilities.csv")
        with transaction.atomic():
            job = imports.import_confirm(actor=SYSTEM, job=job, columns=[ColumnSpec(**c) for c in job.columns])
        job = imports.import_run(job_id=job.pk)
        elapsed = time.perf_counter() - started
        assert (job.status, job.rows_ok) == ("done", csv_rows), (job.status, job.rows_ok, job.rows_bad)
        result["csv_rows"] = csv_rows
        result["csv_rate"] = csv_rows / elapsed
    result["server"] = (
        f"sqlite {'.'.join(map(str, connection.Database.sqlite_version_info))}"
        if connection.vendor == "sqlite"
        else f"postgresql {connection.pg_version // 10000}"
    )
    print(json.dumps(result))


def _postgres_database(base_url: str) -> tuple[str, str]:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    name = f"zz_bench_datahub_{os.getpid()}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _drop_postgres(base_url: str, name: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run_child(backend: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", backend, "--database-url", url, "--rows", str(args.rows)]
    command += ["--queries", str(args.queries), "--api-calls", str(args.api_calls), "--csv-rows", str(args.csv_rows)]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(output.stderr[-2000:] if output.returncode else "")
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def _print(r: dict[str, Any]) -> None:
    print(f"\n{r['server']}: {r['rows']:,}-row table loaded at {r['load_rate']:,.0f} rows/s")
    heading = "datastore_query (limit 100, with total)"
    print(f"  {heading:<42} {'p50 ms':>8} {'p95 ms':>8} | raw SQL p50/p95 | ratio p50")
    for label, q in r["queries"].items():
        p50_ratio = ratio(q["p50"], q["raw_p50"])
        print(
            f"  {label:<42} {q['p50']:>8.2f} {q['p95']:>8.2f} | {q['raw_p50']:>6.2f} /{q['raw_p95']:>6.2f} |"
            f" {p50_ratio:>6.2f}×"
        )
    print(
        f"  data API with masking: {r['api_rate']:,.0f} rows/s; raw SQL {r['api_raw_rate']:,.0f} rows/s;"
        f" ratio {ratio(r['api_rate'], r['api_raw_rate']):.3f}"
    )
    print(
        f"  CSV import ({r['csv_rows']:,} rows): {r['csv_rate']:,.0f} rows/s; raw csv.reader {r['csv_raw_rate']:,.0f}"
        f" rows/s; ratio {ratio(r['csv_rate'], r['csv_raw_rate']):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the queried table (default 1,000,000)")
    parser.add_argument("--queries", type=int, default=30, help="queries per shape")
    parser.add_argument("--api-calls", type=int, default=150, help="data-API pages of 100 rows")
    parser.add_argument("--csv-rows", type=int, default=50_000, help="rows of the imported CSV")
    parser.add_argument("--backends", default="", help="sqlite,postgresql (default: sqlite, and PostgreSQL if given)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.database_url, args.rows, args.queries, args.api_calls, args.csv_rows)
        return
    pg_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    pg_url = pg_url if pg_url.startswith(("postgres://", "postgresql://")) else ""
    backends = args.backends.split(",") if args.backends else ["sqlite"] + (["postgresql"] if pg_url else [])
    print(f"Data hub benchmark: {args.rows:,}-row table, {args.csv_rows:,}-row CSV; {os.cpu_count()} CPUs")
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="zz-bench-datahub-") as directory:
                _print(_run_child("sqlite", f"sqlite:///{directory}/datahub.sqlite3", args))
        elif backend == "postgresql":
            if not pg_url:
                sys.exit("PostgreSQL needs BENCH_DATABASE_URL=postgres://user@host:port/db")
            url, name = _postgres_database(pg_url)
            try:
                _print(_run_child("postgresql", url, args))
            finally:
                _drop_postgres(pg_url, name)
        else:
            sys.exit(f"unknown backend {backend!r}")


if __name__ == "__main__":
    main()
