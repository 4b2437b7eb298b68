"""Background jobs of the data hub. Tasks only call service functions."""

from __future__ import annotations

from celery import shared_task
from django.db import DatabaseError

from zhizheng.core.actor import SYSTEM
from zhizheng.datahub.models import Resource
from zhizheng.datahub.services import request_deadlines_check
from zhizheng.datahub.services.access_log import access_log_seal_due
from zhizheng.datahub.services.imports import import_run as _import_run
from zhizheng.datahub.services.quality import quality_run, quality_run_scheduled

DEADLINES_TASK = "datahub.request_deadlines"
IMPORT_TASK = "datahub.import_run"
QUALITY_TASK = "datahub.quality_check"
QUALITY_SCHEDULE_TASK = "datahub.quality_scheduled"
SEAL_TASK = "datahub.access_log_seal"

_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": True,
    "retry_backoff_max": 60,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(name=DEADLINES_TASK, **_RETRY)
def request_deadlines() -> int:
    """Flag pending conditional requests that used 80 % of their answer time (once each); returns how many."""
    return request_deadlines_check(actor=SYSTEM)


@shared_task(name=IMPORT_TASK, acks_late=True)
def import_run(job_id: int) -> str:
    """Stream an uploaded file into its staging table; returns the job's status. Not retried: a job runs once
    (a second delivery finds it no longer queued)."""
    return str(_import_run(job_id=job_id).status)


@shared_task(name=QUALITY_TASK, **_RETRY)
def quality_check(resource_id: int, trigger: str) -> float | None:
    resource = Resource.objects.get(pk=resource_id)
    run = quality_run(actor=SYSTEM, resource=resource, trigger=trigger)
    return run.score if run else None


@shared_task(name=QUALITY_SCHEDULE_TASK, **_RETRY)
def quality_scheduled() -> int:
    """Run every resource's quality rules (daily)."""
    return quality_run_scheduled(actor=SYSTEM)


@shared_task(name=SEAL_TASK, **_RETRY)
def access_log_seal() -> list[str]:
    """Seal the finished days of the data-API access log that are not sealed yet (nightly)."""
    return [seal.day.isoformat() for seal in access_log_seal_due(actor=SYSTEM)]
