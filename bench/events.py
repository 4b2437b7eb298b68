"""City events: events accepted per second through the JSON API and through Open311 (and as a ratio to reading a
one-event page through the same stack, measured in the same run), and the message classifier's held-out macro-F1
(from the committed artefact's metrics) and messages per second.

    .venv/bin/python bench/events.py                 (or `make bench`)
    .venv/bin/python bench/events.py --events 300
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/events.py

Runs against a fresh SQLite file in a temporary directory (WAL, IMMEDIATE transactions, as configured), or a fresh
PostgreSQL database created on BENCH_DATABASE_URL and dropped afterwards. Every event goes the whole real path:
HTTP request through Django's middleware (test client, in process, no network), authentication, validation, the
classifier's suggestion, the event row, its number, the timeline row and the ledger append, one transaction each.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from _timing import per_second, ratio

ROOT = Path(__file__).resolve().parent.parent

PLACES = ["人民路", "解放大道", "滨江路", "中山街", "建设路", "学府路"]
PROBLEMS = [
    "井盖缺失，晚上很危险",
    "小区门口占道经营，人行道被堵住",
    "工地夜间施工噪音扰民",
    "垃圾堆放多日无人清运",
    "路灯损坏，晚上一片漆黑",
    "楼顶违章搭建彩钢房",
]


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _fixtures() -> tuple[Any, str]:
    from zhizheng.accounts.models import User
    from zhizheng.cityevents.services import open311_client_create
    from zhizheng.cityevents.taxonomy import categories_load
    from zhizheng.core.actor import SYSTEM
    from zhizheng.orgs.models import Division

    city = Division.objects.create(code="990100", name="示范市", level="city")
    Division.objects.create(code="990102", name="东城区", level="district", parent=city)
    categories_load(actor=SYSTEM)
    user = User.objects.create_user(username="bench-citizen", kind="citizen")
    _client, key = open311_client_create(actor=SYSTEM, name="bench")
    return user, key


def _text(i: int) -> str:
    return f"{PLACES[i % len(PLACES)]}{i % 97 + 1}号{PROBLEMS[i % len(PROBLEMS)]}"


def run(events: int) -> None:
    from django.test import Client
    from django.test.utils import setup_test_environment

    from zhizheng.cityevents.classifier import classify, load_classifier
    from zhizheng.cityevents.models import Category, Event

    setup_test_environment()  # lets the in-process client's host "testserver" through ALLOWED_HOSTS
    user, key = _fixtures()
    load_classifier()  # not part of any timing
    classify(["预热"])
    client = Client()
    client.force_login(user)
    rng = random.Random(42)

    started = time.perf_counter()
    for i in range(events):
        body = {
            "description": _text(i),
            "longitude": 116.3 + rng.random() / 5,
            "latitude": 39.8 + rng.random() / 5,
            "district_code": "990102",
        }
        response = client.post("/api/v1/cityevents/events", json.dumps(body), content_type="application/json")
        assert response.status_code == 201, response.content
    api_seconds = time.perf_counter() - started

    # Baseline in the same run (the machine is shared and noisy): a one-event page through the same middleware,
    # session and authentication; the ratios below are the cost of accepting an event against it.
    client.get("/api/v1/cityevents/events", {"limit": 1})
    started = time.perf_counter()
    for _ in range(events):
        response = client.get("/api/v1/cityevents/events", {"limit": 1})
        assert response.status_code == 200, response.content
    baseline_seconds = time.perf_counter() - started

    open311 = Client()
    codes = list(Category.objects.filter(level=3).order_by("code").values_list("code", flat=True)[:50])
    started = time.perf_counter()
    for i in range(events):
        form = {
            "api_key": key,
            "service_code": codes[i % len(codes)],
            "lat": f"{39.8 + rng.random() / 5:.6f}",
            "long": f"{116.3 + rng.random() / 5:.6f}",
            "description": _text(i),
        }
        response = open311.post(
            "/open311/v2/requests.json", urllib.parse.urlencode(form), content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 201, response.content
    open311_seconds = time.perf_counter() - started
    assert Event.objects.count() == 2 * events

    texts = [_text(i) for i in range(1000)]
    started = time.perf_counter()
    classify(texts)
    batch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for text in texts[:300]:
        classify([text])
    single_seconds = time.perf_counter() - started

    metrics_path = next(iter(sorted((ROOT / "zhizheng/cityevents/artefacts").glob("*/metrics.json"))), None)
    held_out = "n/a"
    if metrics_path is not None:
        metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
        found = metrics.get("held_out", {}).get("all", {}).get("macro_f1")
        held_out = f"{found:.4f}" if isinstance(found, int | float) else "see " + str(metrics_path.relative_to(ROOT))

    print(f"load average (1 min) {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"baseline GET /api/v1/cityevents/events?limit=1  {per_second(events, baseline_seconds)}")
    print(
        f"events via POST /api/v1/cityevents/events  {per_second(events, api_seconds)}"
        f"  = {ratio(api_seconds, baseline_seconds):.1f}x the baseline read"
    )
    print(
        f"events via POST /open311/v2/requests.json  {per_second(events, open311_seconds)}"
        f"  = {ratio(open311_seconds, baseline_seconds):.1f}x the baseline read"
    )
    print(f"classifier, one batch of 1,000 texts        {per_second(1000, batch_seconds)}")
    print(f"classifier, one text per call (300 calls)   {per_second(300, single_seconds)}")
    print(f"classifier held-out macro-F1 (artefact)     {held_out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200, help="events per intake channel (default 200)")
    args = parser.parse_args()
    server = os.environ.get("BENCH_DATABASE_URL", "")
    if server.startswith("postgres"):
        import psycopg

        name = f"zz_bench_events_{os.getpid()}"
        base = urllib.parse.urlsplit(server)
        admin = urllib.parse.urlunsplit(base._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        try:
            print(f"PostgreSQL ({name})")
            _configure(urllib.parse.urlunsplit(base._replace(path=f"/{name}")))
            run(args.events)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        return
    with tempfile.TemporaryDirectory() as folder:
        print("SQLite (temporary file)")
        _configure(f"sqlite:///{folder}/bench.sqlite3")
        run(args.events)


if __name__ == "__main__":
    main()
