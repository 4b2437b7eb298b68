"""Periodic work of govservices for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

from celery import shared_task

from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.proactive import eligibility_notices_send


@shared_task(name="govservices.benefit_eligibility_notify")
def benefit_eligibility_notify() -> int:
    """Invite residents who became eligible for a benefit to apply (daily); returns how many were told."""
    return sum(run.notified for run in eligibility_notices_send(actor=SYSTEM).values())
