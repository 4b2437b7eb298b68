"""Resource codes: the next sequence number of a class, never handed out twice, also under concurrent creation."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
from django.db import connection, connections, transaction

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub import services
from zhizheng.datahub.models import Resource
from zhizheng.datahub.tests.conftest import department
from zhizheng.ledger.models import Entry

SPEC = services.ResourceSpec(
    category="department",
    class_code="30101",
    name="养老服务机构名录",
    provider_code="GAJ",
    summary="全市养老服务机构的名称、地址与床位数。",
    format="spreadsheet",
    share_type="unconditional",
    share_method="数据接口",
    open_type="not_open",
    update_cycle="monthly",
    items=(services.ItemSpec("name", "机构名称", "C"),),
)


def test_each_class_numbers_its_own_codes(hub):
    first = services.resource_create(actor=SYSTEM, spec=SPEC)
    other = services.resource_create(actor=SYSTEM, spec=dataclasses.replace(SPEC, class_code="30102", name="别类"))
    second = services.resource_create(actor=SYSTEM, spec=dataclasses.replace(SPEC, name="第二个"))

    assert (first.code, other.code, second.code) == ("30101/000001", "30102/000001", "30101/000002")


def test_numbers_follow_the_highest_code_not_the_count(hub):
    services.resource_create(actor=SYSTEM, spec=SPEC)
    Resource.objects.filter(code="30101/000001").update(code="30101/000041")

    created = services.resource_create(actor=SYSTEM, spec=dataclasses.replace(SPEC, name="第二个"))

    assert created.code == "30101/000042"


def test_resource_register_creates_submits_and_publishes_in_the_ledger(hub):
    resource = services.resource_register(actor=SYSTEM, spec=SPEC)

    assert (resource.code, resource.status, resource.version) == ("30101/000001", "published", 1)
    acts = list(Entry.objects.filter(subject_id=str(resource.pk)).order_by("index").values_list("act", flat=True))
    assert acts == ["datahub.resource.created", "datahub.resource.submitted", "datahub.resource.published"]


def _waiting_on_a_lock() -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_creations_in_one_class_get_two_codes() -> None:
    """The first transaction inserts 30101/000001 and holds it uncommitted; the second reads the same highest code
    and its insert waits on the unique index. When the first commits, the second's insert fails inside a savepoint
    and it takes 30101/000002 instead of answering 500."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers (IMMEDIATE transactions); this test runs in the PostgreSQL pass")
    department("GAJ")
    inserted, release = threading.Event(), threading.Event()
    codes: dict[str, str] = {}
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                codes["first"] = services.resource_create(actor=SYSTEM, spec=SPEC).code
                inserted.set()
                assert release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
            inserted.set()
        finally:
            connection.close()

    def second() -> None:
        try:
            assert inserted.wait(30)
            codes["second"] = services.resource_create(actor=SYSTEM, spec=dataclasses.replace(SPEC, name="并发")).code
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while not _waiting_on_a_lock():  # the second insert waits for the first transaction: the race is on
        assert time.monotonic() < deadline, "the second creation never waited on the first"
        time.sleep(0.02)
    release.set()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert codes == {"first": "30101/000001", "second": "30101/000002"}
    assert sorted(Resource.objects.values_list("code", flat=True)) == ["30101/000001", "30101/000002"]
