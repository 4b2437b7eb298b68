"""State changes of the shell: recording worker heartbeats."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.core import errors
from zhizheng.core.actor import Actor
from zhizheng.web.models import WorkerHeartbeat


@transaction.atomic
def worker_heartbeat_record(*, name: str, actor: Actor, at: datetime | None = None) -> WorkerHeartbeat:
    """Record that the periodic job ``name`` ran at ``at`` (now by default). Only the system acts here.

    Safe to repeat and to retry: the row for ``name`` is created once and afterwards moved forward; a late,
    retried beat never moves ``beat_at`` backwards.
    """
    if not actor.is_system:
        raise errors.PermissionDenied()
    name = name.strip()
    if not name or len(name) > 64:
        raise errors.ValidationFailed(field_errors={"name": [_("A heartbeat name has 1 to 64 characters.")]})
    moment = at or timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.select_for_update().get_or_create(
        name=name, defaults={"beat_at": moment, "beats": 1}
    )
    if not created:
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(beats=F("beats") + 1)
        heartbeat.refresh_from_db(fields=["beats"])
        if moment > heartbeat.beat_at:
            heartbeat.beat_at = moment
            heartbeat.save(update_fields=["beat_at"])
    return heartbeat
