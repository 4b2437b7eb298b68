"""Periodic govservices work for Celery beat (see ``CELERY_BEAT_SCHEDULE`` in settings)."""

from __future__ import annotations

from celery import shared_task

from zhizheng.govservices import payment_services


@shared_task(name="govservices.payments_expire")
def payments_expire() -> int:
    """Close payment orders past their expiry that the provider says are unpaid; returns how many expired."""
    return payment_services.payments_expire()
