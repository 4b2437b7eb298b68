"""Transparency ledger: appends per second (one at a time and batched), inclusion proofs generated and verified per
second, at logs of 10^4, 10^5 and 10^6 entries, each also as a ratio to raw SHA-256 leaf hashing in the same run.

    .venv/bin/python bench/ledger.py                       (or `make bench`)
    .venv/bin/python bench/ledger.py --sizes 10000,100000  (smaller)
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/ledger.py

Each database runs in its own child process against a database of its own: a SQLite file in a temporary directory
(WAL, IMMEDIATE transactions, as configured in settings) and, when BENCH_DATABASE_URL or DATABASE_URL names a
PostgreSQL server, a fresh database created there and dropped afterwards. Every entry goes through the real append
path (``ledger.services.record_many`` / ``record``): canonical leaf with a salted personal field, leaf hash, subtree
hashes, tree head update, one transaction per batch or per single append. The log grows from one size to the next;
at each size the last ``--singles`` entries are single appends, each its own committed transaction.

Proof generation is ``selectors.inclusion_proof`` (reads the committed tree size, then the O(log n) subtrees in one
query); verification is RFC 9162 root recomputation from the proof. The SHA-256 baseline hashes leaf-sized messages
(0x00 || leaf) in a tight loop; ratios divide each rate by that baseline.
"""

from __future__ import annotations

import argparse
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

from _timing import rate, ratio

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = "10000,100000,1000000"


def _configure(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhizheng.settings.test"
    os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _payload(i: int) -> dict[str, Any]:
    return {"decision": "approved", "department": "990102-01", "applicant_name": f"申请人{i}", "fee_fen": 0}


def _sha256_rate(leaf_size: int, seconds: float = 1.5) -> float:
    import hashlib

    message = b"\x00" + bytes(leaf_size)

    def ten_thousand() -> None:
        for _ in range(10_000):
            hashlib.sha256(message).digest()

    return rate(ten_thousand, seconds) * 10_000


def _child(backend: str, database_url: str, sizes: list[int], batch: int, singles: int, proofs: int) -> None:
    _configure(database_url)
    from django.db import connection

    from zhizheng.core.actor import SYSTEM
    from zhizheng.ledger import merkle, selectors, services
    from zhizheng.ledger.models import Entry

    def acts(start: int, count: int) -> list[services.Act]:
        return [
            services.Act(
                act="govservices.application.approved",
                subject=("govservices.application", start + i),
                payload=_payload(start + i),
            )
            for i in range(count)
        ]

    size = 0
    results: list[dict[str, Any]] = []
    leaf_size = 0
    sha_rate = 0.0
    for target in sizes:
        bulk_goal = target - singles
        started = time.perf_counter()
        appended = 0
        while size < bulk_goal:
            count = min(batch, bulk_goal - size)
            services.record_many(actor=SYSTEM, acts=acts(size, count))
            size += count
            appended += count
        batched_rate = appended / (time.perf_counter() - started) if appended else 0.0
        if not sha_rate:
            leaf_size = len(bytes(Entry.objects.get(index=0).leaf))
            sha_rate = _sha256_rate(leaf_size)
        started = time.perf_counter()
        for i in range(singles):
            services.record(
                actor=SYSTEM,
                act="govservices.application.approved",
                subject=("govservices.application", size + i),
                payload=_payload(size + i),
            )
        single_rate = singles / (time.perf_counter() - started)
        size += singles

        rng = random.Random(target)
        indexes = [rng.randrange(size) for _ in range(proofs)]
        hashes = {
            i: bytes(h) for i, h in Entry.objects.filter(index__in=set(indexes)).values_list("index", "leaf_hash")
        }
        root = selectors.root_at(size)
        selectors.inclusion_proof(index=indexes[0], size=size)  # warm the statement cache
        started = time.perf_counter()
        generated = [selectors.inclusion_proof(index=i, size=size) for i in indexes]
        generation = time.perf_counter() - started
        started = time.perf_counter()
        for i, proof in zip(indexes, generated, strict=True):
            merkle.verify_inclusion(i, size, hashes[i], proof, root)
        verification = time.perf_counter() - started
        results.append(
            {
                "size": size,
                "batched": batched_rate,
                "single": single_rate,
                "proof_gen": proofs / generation,
                "proof_ms": generation / proofs * 1000,
                "proof_verify": proofs / verification,
                "proof_len": sum(len(p) for p in generated) / proofs,
            }
        )
        print(f"  [{backend}] size {size:>9,}: done", file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "backend": backend,
                "server": connection.vendor + " " + ".".join(map(str, connection.Database.sqlite_version_info))
                if connection.vendor == "sqlite"
                else f"postgresql {connection.pg_version // 10000}",
                "sha256": sha_rate,
                "leaf_size": leaf_size,
                "rows": results,
            }
        )
    )


def _postgres_database(base_url: str) -> tuple[str, str]:
    """A fresh database on the server of ``base_url``: (its URL, its name)."""
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    name = f"zz_bench_ledger_{os.getpid()}"
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
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _run_child(backend: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        backend,
        "--database-url",
        url,
        "--sizes",
        args.sizes,
        "--batch",
        str(args.batch),
        "--singles",
        str(args.singles),
        "--proofs",
        str(args.proofs),
    ]
    output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(output.stderr)
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def _print(result: dict[str, Any]) -> None:
    sha = result["sha256"]
    print(f"\n{result['server']}: raw SHA-256 of a {result['leaf_size']}-byte leaf: {sha:,.0f}/s")
    print(
        f"{'entries':>10} {'append 1-by-1/s':>16} {'batched/s':>10} {'proofs gen/s':>13} {'ms/proof':>9}"
        f" {'verify/s':>9} {'path':>5} | as a ratio to SHA-256 leaf hashing:"
    )
    print(f"{'':>77}| {'1-by-1':>9} {'batched':>9} {'gen':>9} {'verify':>9}")
    for row in result["rows"]:
        print(
            f"{row['size']:>10,} {row['single']:>16,.0f} {row['batched']:>10,.0f} {row['proof_gen']:>13,.0f}"
            f" {row['proof_ms']:>9.3f} {row['proof_verify']:>9,.0f} {row['proof_len']:>5.1f} |"
            f" {ratio(row['single'], sha):>9.5f} {ratio(row['batched'], sha):>9.5f}"
            f" {ratio(row['proof_gen'], sha):>9.5f} {ratio(row['proof_verify'], sha):>9.5f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="comma-separated log sizes, ascending")
    parser.add_argument("--batch", type=int, default=2000, help="entries per batched append (one transaction)")
    parser.add_argument("--singles", type=int, default=300, help="single appends measured at each size")
    parser.add_argument("--proofs", type=int, default=2000, help="inclusion proofs generated and verified per size")
    parser.add_argument("--backends", default="", help="sqlite,postgresql (default: sqlite, and PostgreSQL if given)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.child:
        _child(args.child, args.database_url, sizes, args.batch, args.singles, args.proofs)
        return
    pg_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    pg_url = pg_url if pg_url.startswith(("postgres://", "postgresql://")) else ""
    backends = args.backends.split(",") if args.backends else ["sqlite"] + (["postgresql"] if pg_url else [])
    print(
        f"Ledger benchmark: sizes {', '.join(f'{s:,}' for s in sizes)}; batches of {args.batch}; {os.cpu_count()} CPUs"
    )
    for backend in backends:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="zz-bench-ledger-") as directory:
                _print(_run_child("sqlite", f"sqlite:///{directory}/ledger.sqlite3", args))
        elif backend == "postgresql":
            if not pg_url.startswith(("postgres://", "postgresql://")):
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
