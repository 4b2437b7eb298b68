"""Platform-level API endpoints: health."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest
from ninja import Router, Schema

from zhizheng import __version__

router = Router(tags=["platform"])


class HealthOut(Schema):
    status: str
    version: str
    database: str
    broker: str


@router.get("/health", response={200: HealthOut, 503: HealthOut}, auth=None, operation_id="web_health_get")
def health(request: HttpRequest) -> tuple[int, HealthOut]:
    """Report whether the database and the task broker answer."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - health reports any failure
        database = "unavailable"
    from zhizheng.web.selectors import broker_status

    broker = broker_status()
    ok = database == "ok" and broker == "ok"
    return (200 if ok else 503), HealthOut(
        status="ok" if ok else "degraded", version=__version__, database=database, broker=broker
    )
