"""Background jobs of the shell. Tasks only call service functions."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from zhizheng.core.actor import SYSTEM
from zhizheng.web.services import worker_heartbeat_record

HEARTBEAT_NAME = "web.heartbeat"


@shared_task(
    name="web.heartbeat",
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    acks_late=True,
)
def heartbeat(name: str = HEARTBEAT_NAME) -> str:
    """Record that a worker is alive and consuming its queue; returns the recorded time (ISO 8601).

    Idempotent: running it twice leaves one row whose time is the later of the two, so a retry is harmless.
    """
    beat = worker_heartbeat_record(name=name, actor=SYSTEM)
    return beat.beat_at.isoformat()
