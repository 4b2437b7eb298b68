"""Background jobs of the data hub. Tasks only call service functions."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub.services import request_deadlines_check

DEADLINES_TASK = "datahub.request_deadlines"


@shared_task(
    name=DEADLINES_TASK,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    acks_late=True,
)
def request_deadlines() -> int:
    """Flag pending conditional requests that used 80 % of their answer time (once each); returns how many."""
    return request_deadlines_check(actor=SYSTEM)
