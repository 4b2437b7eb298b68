"""What the reporter does with the tracking token: rate the result (评价) or say it is not solved (reopen)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents.choices import Action, Status
from zhizheng.cityevents.errors import InvalidTransition, TrackingTokenNotFound
from zhizheng.cityevents.models import Event
from zhizheng.cityevents.services.common import (
    MAX_NOTE,
    _clean_text,
    _lock,
    _require_note,
    _step,
    token_hash,
)
from zhizheng.cityevents.workflow import transition
from zhizheng.core.actor import Actor
from zhizheng.core.errors import ValidationFailed

REOPEN_WINDOW = dt.timedelta(days=15)
"""How long after closure the reporter may say the problem is not solved and reopen the case."""


def _by_token(token: str) -> Event:
    found = Event.objects.filter(tracking_token_hash=token_hash(token)).values_list("pk", flat=True).first()
    if not token or found is None:
        raise TrackingTokenNotFound()
    return _lock(Event(pk=found))


@transaction.atomic
def event_feedback(*, actor: Actor, token: str, satisfaction: int, comment: str = "") -> Event:
    """The reporter, holding the tracking token, confirms the result and rates it (评价, 1 to 5)."""
    event = _by_token(token)
    before = event.status
    target = transition(before, Action.EVALUATE)
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise ValidationFailed(field_errors={"satisfaction": [_("Rate the outcome from 1 to 5.")]})
    event.status = target
    event.satisfaction = satisfaction
    event.save(update_fields=["status", "satisfaction", "updated_at"])
    _step(
        event,
        actor=actor,
        action=Action.EVALUATE,
        from_status=before,
        note=_clean_text(comment, limit=MAX_NOTE),
        payload={"satisfaction": satisfaction, "via": "tracking_token"},
    )
    return event


@transaction.atomic
def event_reopen_by_reporter(*, actor: Actor, token: str, reason: str) -> Event:
    """The reporter says the problem is not solved: a closed (or rated) case goes back to the dispatcher, within
    ``REOPEN_WINDOW`` of its closure."""
    event = _by_token(token)
    before = event.status
    target = transition(before, Action.REOPEN)
    if before == Status.REJECTED:
        raise InvalidTransition(params={"action": Action.REOPEN.label, "status": Status(before).label})
    note = _require_note(reason, field_name="reason", message=_("Say what is still wrong."))
    if event.closed_at is not None and timezone.now() - event.closed_at > REOPEN_WINDOW:
        raise ValidationFailed(
            field_errors={"reason": [_("A case can be reopened within 15 days of its closure; call 12345 instead.")]}
        )
    event.status = target
    event.reopen_count += 1
    event.closed_at = None
    event.status_notes = note
    event.save(update_fields=["status", "reopen_count", "closed_at", "status_notes", "updated_at"])
    _step(event, actor=actor, action=Action.REOPEN, from_status=before, note=note, payload={"via": "tracking_token"})
    return event
