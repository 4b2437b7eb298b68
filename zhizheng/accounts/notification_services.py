"""Notifications: store a message in a person's inbox and send it by e-mail and SMS after commit.

Every app above ``accounts`` calls ``notification_send`` (re-exported by ``accounts.services``). The inbox row is
written in the caller's transaction, so a rolled-back act notifies nobody; e-mail and SMS are handed to the worker
with ``transaction.on_commit`` and their outcome is recorded per channel in ``NotificationDelivery``. A channel that
fails never takes the inbox copy with it, and failed deliveries are tried again by a beat job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts.models import Notification, NotificationDelivery, User
from zhizheng.accounts.selectors import notification_get, notification_list
from zhizheng.accounts.sms import sms_provider
from zhizheng.core.actor import Actor
from zhizheng.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

CHANNEL_INBOX = "inbox"
CHANNELS = (CHANNEL_INBOX, NotificationDelivery.Channel.EMAIL.value, NotificationDelivery.Channel.SMS.value)
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
SMS_MAX_CHARACTERS = 300  # operators split long texts; keep a message to a few segments
ERROR_MAX_CHARACTERS = 500


class NotificationInvalid(ValidationFailed):
    code = "accounts.notification_invalid"
    message = _("The notification cannot be sent. Correct the marked fields.")


@dataclass(frozen=True, slots=True)
class NotificationDraft:
    """One message of a batch for ``notification_send_many``."""

    recipient: User
    kind: str
    title: str
    body: str
    link: str = ""
    channels: Sequence[str] = CHANNELS


def _clean(draft: NotificationDraft) -> tuple[str, str, str, str, list[str]]:
    errors: dict[str, list[object]] = {}
    kind, title, link = draft.kind.strip(), draft.title.strip(), draft.link.strip()
    if not KIND_PATTERN.match(kind) or len(kind) > 64:
        errors["kind"] = [_("The kind is a dotted code of up to 64 characters, e.g. “govservices.deadline_warning”.")]
    if not 1 <= len(title) <= 200:
        errors["title"] = [_("The title must be 1 to 200 characters long.")]
    if len(link) > 500 or (link and not (link.startswith("/") and not link.startswith("//"))):
        errors["link"] = [_("The link must be a path on this site starting with “/”, up to 500 characters.")]
    unknown = [channel for channel in draft.channels if channel not in CHANNELS]
    if unknown:
        errors["channels"] = [_("Channels are “inbox”, “email” and “sms”.")]
    if draft.recipient.pk is None:
        errors["recipient"] = [_("The recipient is not a saved user.")]
    if errors:
        raise NotificationInvalid(field_errors=errors)  # type: ignore[arg-type]
    outbound = [channel for channel in CHANNELS[1:] if channel in draft.channels]
    return kind, title, draft.body.strip(), link, outbound


def notification_send_many(drafts: Iterable[NotificationDraft]) -> list[Notification]:
    """Store many notifications with two bulk inserts and schedule their e-mail and SMS after commit.

    Every draft is validated before anything is written, so a bad one stores none of them."""
    cleaned = [(draft, _clean(draft)) for draft in drafts]
    if not cleaned:
        return []
    now = timezone.now()
    with transaction.atomic():
        notifications = Notification.objects.bulk_create(
            [
                Notification(recipient=draft.recipient, kind=kind, title=title, body=body, link=link, created_at=now)
                for draft, (kind, title, body, link, _outbound) in cleaned
            ]
        )
        deliveries = NotificationDelivery.objects.bulk_create(
            [
                NotificationDelivery(notification=notification, channel=channel)
                for notification, (_draft, (*_fields, outbound)) in zip(notifications, cleaned, strict=True)
                for channel in outbound
            ]
        )
        delivery_ids = [delivery.pk for delivery in deliveries]
        if delivery_ids:
            transaction.on_commit(lambda: _deliver_later(delivery_ids))
    return notifications


def notification_send(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str,
    link: str = "",
    channels: Sequence[str] = CHANNELS,
) -> Notification:
    """Put a notification in ``recipient``'s inbox and send it on the other ``channels`` after commit.

    ``kind`` is a dotted code (``govservices.deadline_warning``); ``link`` a path on this site that the inbox, the
    e-mail and the text message point to. The inbox always keeps a copy, whatever ``channels`` says. Called inside
    a service's transaction, nothing leaves the building unless that transaction commits."""
    draft = NotificationDraft(recipient=recipient, kind=kind, title=title, body=body, link=link, channels=channels)
    return notification_send_many([draft])[0]


DELIVERIES_PER_TASK = 50
"""Deliveries handed to the worker in one task message. One message per batch, not per channel: publishing a task
costs the web process more than writing the notification did (a request that notifies one person queued two)."""


def _deliver_later(delivery_ids: list[int]) -> None:
    from zhizheng.accounts import tasks  # the task module imports this one

    for start in range(0, len(delivery_ids), DELIVERIES_PER_TASK):
        chunk = delivery_ids[start : start + DELIVERIES_PER_TASK]
        try:
            tasks.notification_deliver_many.delay(chunk)
        except Exception:  # a broker that is down must not fail the request that already committed
            logger.exception("notification deliveries %s could not be queued; the retry job will pick them up", chunk)


def absolute_link(link: str) -> str:
    """The link as a full address for messages read outside the site (e-mail, SMS)."""
    return f"{settings.ZHIZHENG_SITE_URL.rstrip('/')}{link}" if link else ""


def sms_text(notification: Notification) -> str:
    """The text message: signature, title, body and link, shortened to a few SMS segments."""
    link = absolute_link(notification.link)
    text = f"【智政】{notification.title}：{notification.body}"
    room = SMS_MAX_CHARACTERS - (len(link) + 1 if link else 0)
    if len(text) > room:
        text = text[: room - 1] + "…"
    return f"{text} {link}" if link else text


def _send(delivery: NotificationDelivery) -> bool:
    """Send on the delivery's channel; False when the person has no address for it."""
    notification = delivery.notification
    recipient = notification.recipient
    if delivery.channel == NotificationDelivery.Channel.EMAIL:
        if not recipient.email:
            return False
        link = absolute_link(notification.link)
        message = f"{notification.body}\n\n{link}\n" if link else f"{notification.body}\n"
        send_mail(notification.title, message, None, [recipient.email], fail_silently=False)
        return True
    if not recipient.phone:
        return False
    sms_provider().send(recipient.phone, sms_text(notification))
    return True


def notification_deliver(*, delivery_id: int) -> NotificationDelivery | None:
    """Try one pending or failed delivery once and record the outcome. A delivery already sent or skipped (a
    queue that delivers a task twice) is left alone. Never raises for a channel's failure: it is recorded."""
    with transaction.atomic():
        delivery = (
            NotificationDelivery.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=delivery_id)
            .first()
        )
        done = (NotificationDelivery.Status.SENT, NotificationDelivery.Status.SKIPPED)
        if delivery is None or delivery.status in done:
            return delivery
        delivery.attempts += 1
        delivery.attempted_at = timezone.now()
        try:
            sent = _send(delivery)
        except Exception as exc:  # noqa: BLE001 - any provider or SMTP failure is recorded, never propagated
            logger.warning("notification delivery %s on %s failed: %s", delivery.pk, delivery.channel, exc)
            delivery.status = NotificationDelivery.Status.FAILED
            delivery.error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARACTERS]
        else:
            delivery.status = NotificationDelivery.Status.SENT if sent else NotificationDelivery.Status.SKIPPED
            delivery.error = ""
        delivery.save(update_fields=["status", "attempts", "attempted_at", "error"])
    return delivery


def notification_deliveries_retry(*, max_attempts: int | None = None) -> int:
    """Queue again the deliveries that failed (or were never queued) and have attempts left; returns how many."""
    limit = max_attempts if max_attempts is not None else settings.ZHIZHENG_NOTIFICATION_MAX_ATTEMPTS
    ids = list(
        NotificationDelivery.objects.filter(
            status__in=(NotificationDelivery.Status.FAILED, NotificationDelivery.Status.PENDING),
            attempts__lt=limit,
            notification__created_at__lt=timezone.now() - timedelta(minutes=1),
        ).values_list("pk", flat=True)[:1000]
    )
    _deliver_later(ids)
    return len(ids)


@transaction.atomic
def notification_mark_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notifications read (idempotent). Someone else's answers 404."""
    notification = notification_get(actor=actor, notification_id=notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: Actor) -> int:
    """Mark all of the actor's unread notifications read; returns how many changed."""
    return notification_list(actor=actor).filter(read_at__isnull=True).update(read_at=timezone.now())
