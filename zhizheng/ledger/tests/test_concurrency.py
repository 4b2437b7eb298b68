"""Many workers appending at once never fork the log, skip or duplicate an index. Real threads against PostgreSQL
(the tree head row lock); SQLite serialises writers by its IMMEDIATE transactions, and its in-memory test database
cannot be shared between threads, so there the test is skipped."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from zhizheng.core.actor import SYSTEM
from zhizheng.ledger import merkle, selectors, services
from zhizheng.ledger.audit import audit_log
from zhizheng.ledger.models import Entry

WORKERS = 8
ROUNDS = 12


class _Rollback(Exception):
    pass


def _worker(number: int, barrier: threading.Barrier, errors: list[BaseException], committed: list[int]) -> None:
    try:
        barrier.wait()
        for round_ in range(ROUNDS):
            try:
                with transaction.atomic():
                    if round_ % 3 == 0:
                        subjects = [("registries.record", f"{number}-{round_}-{i}") for i in range(5)]
                        acts = [services.Act(act="registries.record.updated", subject=s) for s in subjects]
                        made = services.record_many(actor=SYSTEM, acts=acts)
                    else:
                        made = [
                            services.record(
                                actor=SYSTEM,
                                act="registries.record.updated",
                                subject=("registries.record", f"{number}-{round_}"),
                            )
                        ]
                    if round_ % 4 == 3:
                        raise _Rollback  # the business change fails: its entries must vanish without a gap
                committed.extend(e.index for e in made)
            except _Rollback:
                pass
    except BaseException as exc:  # noqa: BLE001 - reported to the main thread
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_gapless_log() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (IMMEDIATE transactions); this test runs in the PostgreSQL pass")
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []
    committed: list[int] = []
    threads = [threading.Thread(target=_worker, args=(n, barrier, errors, committed)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    per_worker = sum(5 if r % 3 == 0 else 1 for r in range(ROUNDS) if r % 4 != 3)
    total = WORKERS * per_worker
    assert sorted(committed) == list(range(total))  # every committed index once, none skipped
    assert list(Entry.objects.order_by("index").values_list("index", flat=True)) == list(range(total))
    size, frontier = selectors.head_read()
    assert size == total
    hashes = [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]
    assert merkle.frontier_root(frontier) == merkle.root_from_leaf_hashes(hashes)
    times = list(Entry.objects.order_by("index").values_list("created_at", flat=True))
    assert times == sorted(times)  # times never go backwards along the log
    report = audit_log()
    assert report.ok, report.findings
