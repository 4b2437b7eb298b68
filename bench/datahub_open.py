"""Open data: CKAN package_search and datastore_search calls per second, and streamed CSV downloads in rows per
second, each also as a ratio to a baseline of the same run.

    .venv/bin/python bench/datahub_open.py                          (or `make bench`)
    .venv/bin/python bench/datahub_open.py --resources 1000 --rows 200000

Runs against a fresh SQLite file in a temporary directory (test settings, real migrations). What is measured:

* package_search: the Django test client calling ``/api/3/action/package_search`` (rows=20, five facets) over the
  open catalogue, against the baseline of the same page read from the ORM (count + 20 rows, no facets, no JSON);
* datastore_search: ``/api/3/action/datastore_search`` on an uploaded table (limit 100, one equality filter),
  against the baseline of the same 100 rows read with ``values_list``;
* CSV download: ``/data/datasets/<name>/download.csv`` streamed to the end, against the baseline of writing the
  same rows with ``csv.writer`` straight from one ``values_list`` iterator.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _timing import rate, ratio

ROOT = Path(__file__).resolve().parent.parent


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _load(resources: int, rows: int) -> tuple[str, str]:
    from zhizheng.core.actor import SYSTEM
    from zhizheng.datahub.choices import Category, Format, OpenType, ShareType, UpdateCycle
    from zhizheng.datahub.models import ColumnSpec
    from zhizheng.datahub.services import (
        ItemSpec,
        ResourceSpec,
        open_catalogue_load,
        registry_resources_load,
        resource_create,
        resource_publish,
        resource_submit,
        resource_tags_set,
    )
    from zhizheng.datahub.services.datastore import datastore_load
    from zhizheng.orgs import services as orgs

    orgs.divisions_load(actor=SYSTEM)
    orgs.departments_load(actor=SYSTEM)
    registry_resources_load(actor=SYSTEM)
    open_catalogue_load(actor=SYSTEM)
    providers = ["JYJ", "WJW", "MZJ", "JTYSJ", "STHJJ", "CGJ", "WGLJ", "SCJGJ"]
    cycles = list(UpdateCycle.values)
    for index in range(resources):
        spec = ResourceSpec(
            category=Category.DEPARTMENT,
            class_code=f"3{index % 90 + 10:02d}01",
            name=f"开放数据集{index:05d}",
            provider_code=providers[index % len(providers)],
            summary="基准测试用的开放数据集。",
            format=Format.SPREADSHEET,
            share_type=ShareType.UNCONDITIONAL,
            open_type=OpenType.OPEN,
            update_cycle=cycles[index % len(cycles)],
            items=(ItemSpec("name", "名称", "C"), ItemSpec("value", "数值", "N")),
        )
        resource = resource_publish(
            actor=SYSTEM, resource=resource_submit(actor=SYSTEM, resource=resource_create(actor=SYSTEM, spec=spec))
        )
        resource_tags_set(actor=SYSTEM, resource=resource, tags=[f"主题{index % 12}", "基准"])
    columns = (
        ColumnSpec("name", "名称", "C", nullable=False, indexed=True),
        ColumnSpec("district", "所在区", "C", indexed=True),
        ColumnSpec("seats", "厕位数", "I"),
        ColumnSpec("opened_on", "启用日期", "D"),
        ColumnSpec("fee", "收费（元）", "Y"),
    )
    table = resource_publish(
        actor=SYSTEM,
        resource=resource_submit(
            actor=SYSTEM,
            resource=resource_create(
                actor=SYSTEM,
                spec=ResourceSpec(
                    category=Category.DEPARTMENT,
                    class_code="39901",
                    name="公共厕所（基准）",
                    provider_code="CGJ",
                    summary="基准测试用的上传表格。",
                    format=Format.SPREADSHEET,
                    share_type=ShareType.UNCONDITIONAL,
                    open_type=OpenType.OPEN,
                    update_cycle=UpdateCycle.MONTHLY,
                    items=tuple(ItemSpec(c.name, c.label, c.data_type) for c in columns),
                ),
            ),
        ),
    )
    districts = ["青山区", "江南区", "东城区", "西城区"]
    generated = (
        (
            f"公厕{i:07d}",
            districts[i % 4],
            i % 30,
            dt.date(2015, 1, 1) + dt.timedelta(days=i % 3000),
            Decimal(i % 3) / 2,
        )
        for i in range(rows)
    )
    datastore_load(actor=SYSTEM, resource=table, columns=columns, rows=generated)
    return table.code, table.slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=300, help="synthetic open resources besides the demo ones")
    parser.add_argument("--rows", type=int, default=50_000, help="rows of the uploaded table")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _configure(f"sqlite:///{folder}/bench.sqlite3")
        started = time.perf_counter()
        code, slug = _load(options.resources, options.rows)
        took = time.perf_counter() - started
        print(f"loaded {options.resources} + demo open resources and a {options.rows:,}-row table in {took:.1f} s")

        from django.core.cache import cache
        from django.test import Client, override_settings

        from zhizheng.datahub.models import Resource
        from zhizheng.datahub.opendata import catalogue
        from zhizheng.datahub.opendata.ckan import resource_id

        client = Client()
        with override_settings(DATAHUB_ANONYMOUS_RATE_LIMIT=10**9, ALLOWED_HOSTS=["testserver"]):
            cache.clear()
            facets = '["organization","groups","tags","update_cycle","res_format"]'
            search_url = f"/api/3/action/package_search?rows=20&facet.field={facets}"
            first = client.get(search_url)
            assert first.status_code == 200, (first.status_code, first.content[:500])
            searched = rate(lambda: client.get(search_url))
            opened = catalogue.open_resources()
            baseline = rate(lambda: (opened.count(), list(opened.order_by("-updated_at")[:20])))
            count = opened.count()
            print(
                f"package_search (rows 20, 5 facets, {count} open): {searched:.1f}/s; "
                f"ORM page baseline {baseline:.1f}/s; ratio {ratio(searched, baseline):.3f}"
            )

            table = Resource.objects.get(code=code)
            model = table.datastore.row_model()
            store_url = (
                f"/api/3/action/datastore_search?resource_id={resource_id(code, 'csv')}&limit=100&filters="
                + '{"district":"江南区"}'
            )
            assert len(client.get(store_url).json()["result"]["records"]) == 100
            stored = rate(lambda: client.get(store_url))
            raw = rate(
                lambda: list(
                    model._default_manager.filter(district="江南区")
                    .order_by("pk")
                    .values_list("name", "district", "seats", "opened_on", "fee")[:100]
                )
            )
            print(
                f"datastore_search (100 rows, 1 filter): "
                f"{stored:.1f}/s; values_list baseline {raw:.1f}/s; ratio {ratio(stored, raw):.3f}"
            )

            started = time.perf_counter()
            response = client.get(f"/data/datasets/{slug}/download.csv")
            size = sum(len(chunk) for chunk in response.streaming_content)
            streamed = time.perf_counter() - started
            started = time.perf_counter()
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in (
                model._default_manager.order_by("pk")
                .values_list("name", "district", "seats", "opened_on", "fee")
                .iterator(chunk_size=5000)
            ):
                writer.writerow(row)
            direct = time.perf_counter() - started
            rows = options.rows
            print(
                f"CSV download ({rows:,} rows, {size / 1e6:.1f} MB): "
                f"{rows / streamed:,.0f} rows/s; csv.writer baseline {rows / direct:,.0f} rows/s; "
                f"ratio {ratio(direct, streamed):.3f}"
            )


if __name__ == "__main__":
    main()
