"""Periodic certificate work for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

from celery import shared_task

from zhizheng.certificates import services
from zhizheng.certificates.reminders import expiry_reminders_send
from zhizheng.core.actor import SYSTEM


@shared_task(name="certificates.expire")
def expire() -> int:
    """Mark certificates past their validity as expired; returns how many changed."""
    return services.certificates_expire(actor=SYSTEM)


@shared_task(name="certificates.expiry_remind")
def expiry_remind() -> int:
    """Tell holders whose certificates expire within 90 / 30 days (daily); returns how many certificates."""
    return expiry_reminders_send(actor=SYSTEM).reminded
