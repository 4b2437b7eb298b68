"""Service search: quality on the judged query sets, latency at 160 and 3,000 items, index build time.

    .venv/bin/python bench/search.py            (or `make bench`)

Quality is counted on service items only (life events in a ranking are skipped): hit@1, hit@5, MRR@10 on the dev
set, on its two hash halves, and on two sets written for this project before the lexicon was tuned against them.
Latency is per query over the dev set (each query three times, after one warm-up pass), analysis included.
The 3,000-item catalogue repeats every item for 18 districts, towns and streets with their own codes,
departments and descriptions, as a provincial catalogue does.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from _timing import p50_p95

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhizheng.settings.test")

import django  # noqa: E402

django.setup()

from zhizheng.govservices.search import SearchDocument, build_engine  # noqa: E402
from zhizheng.govservices.search.documents import reference_documents  # noqa: E402
from zhizheng.govservices.search.evaluation import evaluate, half_of, read_queries  # noqa: E402

QUERIES = ROOT / "zhizheng" / "govservices" / "tests" / "data"
DIVISIONS = [
    "东城区",
    "西城区",
    "南湖区",
    "北山区",
    "高新区",
    "青河县",
    "东城区龙湾街道",
    "东城区柳巷街道",
    "西城区新华街道",
    "西城区白塔街道",
    "南湖区湖滨街道",
    "南湖区金沙镇",
    "北山区石门镇",
    "北山区云岭乡",
    "高新区科技城街道",
    "高新区创业园街道",
    "青河县城关镇",
    "青河县河口乡",
]


def grown(documents: list[SearchDocument], size: int) -> list[SearchDocument]:
    """The reference documents plus per-division copies of the items, up to ``size`` documents."""
    out = list(documents)
    items = [d for d in documents if d.kind == "item"]
    for division in DIVISIONS:
        for doc in items:
            if len(out) >= size:
                return out
            out.append(
                replace(
                    doc,
                    code=f"{doc.code}-{division}",
                    department_name=f"示范市{division}{doc.department_name.split(' ')[0].removeprefix('示范市')}",
                    description=f"{division}办理：{doc.description}",
                    keywords=doc.keywords[1:] + doc.keywords[:1],
                )
            )
    return out


def latency(engine, queries: list[str]) -> str:  # type: ignore[no-untyped-def]
    """p50 and p95 of wall-clock and of CPU time per query (CPU time is what a busy machine does not inflate)."""
    for q in queries:
        engine.search(q, 10)
    wall, cpu = [], []
    for _ in range(3):
        for q in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            engine.search(q, 10)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)

    (wall_p50, wall_p95), (cpu_p50, cpu_p95) = p50_p95(wall), p50_p95(cpu)
    return f"p50 {wall_p50:.2f} ms, p95 {wall_p95:.2f} ms (CPU p50 {cpu_p50:.2f} ms, p95 {cpu_p95:.2f} ms)"


def main() -> None:
    base = reference_documents()
    start = time.perf_counter()
    engine = build_engine(base)
    first_build = time.perf_counter() - start
    start = time.perf_counter()
    engine = build_engine(base)
    print(
        f"index build, {len(base)} documents: {time.perf_counter() - start:.2f} s "
        f"(first in the process, with the segmenter's dictionary: {first_build:.2f} s)"
    )

    def rank(q: str) -> list[str]:
        return [h.code for h in engine.search(q, 10)]

    dev = read_queries(QUERIES / "service_queries_dev.jsonl")
    sets = {
        "dev (all)": dev,
        "dev half A": [r for r in dev if half_of(r["q"]) == "A"],
        "dev half B": [r for r in dev if half_of(r["q"]) == "B"],
        "own (written before tuning)": read_queries(QUERIES / "service_queries_own.jsonl"),
        "fresh (written later)": read_queries(QUERIES / "service_queries_fresh.jsonl"),
        "blind (third set)": read_queries(QUERIES / "service_queries_blind.jsonl"),
        "blind2 (fourth set)": read_queries(QUERIES / "service_queries_blind2.jsonl"),
        "blind3 (fifth set)": read_queries(QUERIES / "service_queries_blind3.jsonl"),
        "blind4 (sixth set)": read_queries(QUERIES / "service_queries_blind4.jsonl"),
        "blind5 (seventh set)": read_queries(QUERIES / "service_queries_blind5.jsonl"),
        "blind6 (eighth set)": read_queries(QUERIES / "service_queries_blind6.jsonl"),
    }
    print("quality (items only):")
    for name, rows in sets.items():
        print(f"  {name:28s} {evaluate(rows, rank).line()}")
    kinds = sorted({r["kind"] for r in dev})
    for kind in kinds:
        print(f"  dev kind={kind:19s} {evaluate([r for r in dev if r['kind'] == kind], rank).line()}")

    texts = [r["q"] for r in dev]
    print(f"latency at {len(engine)} documents: {latency(engine, texts)}")

    big_docs = grown(base, 3000)
    start, cpu = time.perf_counter(), time.process_time()
    big = build_engine(big_docs)
    build, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"index build, {len(big)} documents: {build:.2f} s ({build_cpu:.2f} s of CPU)")
    print(f"latency at {len(big)} documents: {latency(big, texts)}")
    edited = replace(big_docs[10], name=big_docs[10].name + "（已更新）")
    start, cpu = time.perf_counter(), time.process_time()
    big.upsert(edited)
    print(
        f"one item edited at {len(big)} documents (upsert): {time.perf_counter() - start:.2f} s "
        f"({time.process_time() - cpu:.2f} s of CPU)"
    )
    start = time.perf_counter()
    for q in ["gjj", "公积金", "sheb", "营业"]:
        big.suggest(q, 8)
    print(f"suggest at {len(big)} documents: {(time.perf_counter() - start) * 1000 / 4:.2f} ms per prefix")


if __name__ == "__main__":
    main()
