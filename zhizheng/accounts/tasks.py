"""Background work of ``accounts``: sending notifications by e-mail and SMS after commit, and retrying failures."""

from __future__ import annotations

from celery import shared_task

from zhizheng.accounts import notification_services


@shared_task(name="accounts.notification_deliver")
def notification_deliver(delivery_id: int) -> str:
    """Send one notification on one channel; returns the recorded status."""
    delivery = notification_services.notification_deliver(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "missing"


@shared_task(name="accounts.notification_retry")
def notification_retry() -> int:
    """Queue again failed deliveries that have attempts left (beat, every ten minutes)."""
    return notification_services.notification_deliveries_retry()
