"""Platform-level API endpoints: health."""

from __future__ import annotations

from datetime import datetime

from django.db import DatabaseError, connection
from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhizheng import __version__
from zhizheng.web import selectors

router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str
    version: str
    database: str
    broker: str
    worker_last_beat_at: datetime | None = None


@router.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, operation_id="web_health_get")
def health(request: HttpRequest) -> Status[HealthOut]:
    """Report whether the database and the task broker answer, and when a worker last ran the heartbeat job.

    ``status`` is ``ok`` (200) when the database and the broker answer, else ``degraded`` (503).
    """
    database = "ok"
    last_beat: datetime | None = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        last_beat = selectors.worker_last_beat_at()
    except DatabaseError:
        database = "unavailable"
    broker = selectors.broker_status()
    ok = database == "ok" and broker == "ok"
    return Status(
        200 if ok else 503,
        HealthOut(
            status="ok" if ok else "degraded",
            version=__version__,
            database=database,
            broker=broker,
            worker_last_beat_at=last_beat,
        ),
    )
