"""Periodic certificate work for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

from celery import shared_task

from zhizheng.certificates import services
from zhizheng.core.actor import SYSTEM


@shared_task(name="certificates.expire")
def expire() -> int:
    """Mark certificates past their validity as expired; returns how many changed."""
    return services.certificates_expire(actor=SYSTEM)
