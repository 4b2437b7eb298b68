"""Background work of ``accounts``: sending notifications by e-mail and SMS after commit, and retrying failures."""

from __future__ import annotations

from celery import shared_task

from zhizheng.accounts import notification_services


@shared_task(name="accounts.notification_deliver")
def notification_deliver(delivery_id: int) -> str:
    """Send one notification on one channel; returns the recorded status."""
    delivery = notification_services.notification_deliver(delivery_id=delivery_id)
    return delivery.status if delivery is not None else "missing"


@shared_task(name="accounts.notification_deliver_many")
def notification_deliver_many(delivery_ids: list[int]) -> list[str]:
    """Send several deliveries (those of one batch: a notification's e-mail and SMS) one after another; each is
    tried and recorded on its own, as ``notification_deliver`` does. Returns their recorded statuses."""
    return [notification_deliver(delivery_id) for delivery_id in delivery_ids]


@shared_task(name="accounts.notification_retry")
def notification_retry() -> int:
    """Queue again failed deliveries that have attempts left (beat, every ten minutes)."""
    return notification_services.notification_deliveries_retry()
