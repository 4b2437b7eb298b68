"""Background jobs of city events. Tasks only call service functions."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from zhizheng.cityevents.services import events_escalate_overdue
from zhizheng.core.actor import SYSTEM

ESCALATE_TASK = "cityevents.escalate_overdue"


@shared_task(
    name=ESCALATE_TASK,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    retry_backoff_max=60,
    max_retries=5,
    acks_late=True,
)
def escalate_overdue() -> list[str]:
    """Escalate every overdue dispatched event (at most once per working day each); returns their numbers.
    Idempotent: a second run in the same working day escalates nothing."""
    return [event.number or str(event.pk) for event in events_escalate_overdue(actor=SYSTEM)]
