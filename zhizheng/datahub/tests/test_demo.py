"""The demo tables of ``load_demo_city``: deterministic, idempotent, queryable, with quality rules and a run."""

from __future__ import annotations

import datetime as dt

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub.models import DatastoreTable, QualityRun, Resource
from zhizheng.datahub.selectors import datastore_query
from zhizheng.datahub.services.demo import demo_tables_load
from zhizheng.datahub.tests.conftest import Hub, department

TODAY = dt.date(2026, 6, 30)


def test_demo_tables_are_deterministic_idempotent_and_checked(hub: Hub) -> None:
    for code in ("CGJ", "JTYSJ"):
        department(code)
    assert demo_tables_load(actor=SYSTEM, today=TODAY) == 640 + 1500
    toilets = Resource.objects.get(name="示范市公共厕所信息")
    parking = Resource.objects.get(name="示范市公共停车场信息")
    first = datastore_query(resource=toilets, limit=3, fields=["name", "district", "male_seats"]).records
    assert DatastoreTable.objects.get(resource=parking).row_count == 1500
    assert QualityRun.objects.filter(resource__in=[toilets, parking]).count() == 2
    assert demo_tables_load(actor=SYSTEM, today=TODAY) == 0
    assert DatastoreTable.objects.get(resource=toilets).generation == 1
    # the same seed gives the same rows in a fresh load
    DatastoreTable.objects.all().delete()
    demo_tables_load(actor=SYSTEM, today=TODAY)
    assert datastore_query(resource=toilets, limit=3, fields=["name", "district", "male_seats"]).records == first
