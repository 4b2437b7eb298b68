"""Helpers shared by the services of city events: hashing, text cleaning, look-ups, locking, and ``_step`` (the
timeline row and the ledger entry of every act)."""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from zhizheng.cityevents.choices import Action
from zhizheng.cityevents.errors import CategoryNotFound, DepartmentNotFound
from zhizheng.cityevents.models import Category, ClassificationOverride, Event, EventStep
from zhizheng.core.actor import Actor
from zhizheng.core.errors import ValidationFailed
from zhizheng.ledger import services as ledger
from zhizheng.orgs.models import Department

logger = logging.getLogger(__name__)

MAX_DESCRIPTION = 4000
MAX_NOTE = 500
LEDGER_ACTS: dict[Action, str] = {
    Action.REPORT: "reported",
    Action.CLASSIFY: "classified",
    Action.REGISTER: "registered",
    Action.REJECT: "rejected",
    Action.DISPATCH: "dispatched",
    Action.TRANSFER: "transferred",
    Action.HANDLE: "handled",
    Action.VERIFY: "verified",
    Action.REWORK: "rework_ordered",
    Action.CLOSE: "closed",
    Action.EVALUATE: "evaluated",
    Action.REOPEN: "reopened",
    Action.ESCALATE: "escalated",
    Action.NOTE: "noted",
    Action.MERGE: "merged",
}


# --- helpers --------------------------------------------------------------------------------------------------


def phone_hash(phone: str) -> str:
    """A keyed hash of a phone number's digits: finds a caller's earlier events without storing the number."""
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    key = hashlib.sha256(("cityevents.phone:" + settings.SECRET_KEY).encode()).digest()
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def _clean_text(value: str, *, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _coordinate(value: Any, *, low: int, high: int) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise ValueError("not a number") from None
    if not (low <= number <= high):
        raise ValueError("out of range")
    return number


def _category(code: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(code=code, active=True)
    except Category.DoesNotExist:
        raise CategoryNotFound(params={"code": code}) from None


def _department(code: str) -> Department:
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist:
        raise DepartmentNotFound(params={"code": code}) from None


def _step(
    event: Event,
    *,
    actor: Actor,
    action: Action,
    from_status: str,
    note: str = "",
    department_code: str = "",
    payload: dict[str, Any] | None = None,
    personal: Iterable[str] = (),
) -> EventStep:
    """Write the timeline row and the ledger entry of one act."""
    now = timezone.now()
    facts: dict[str, Any] = {
        "number": event.number,
        "status": event.status,
        "from": from_status,
        **({"department": department_code} if department_code else {}),
        **({"note": note} if note else {}),
        **(payload or {}),
    }
    entry = ledger.record(
        actor=actor,
        act=f"cityevents.event.{LEDGER_ACTS[action]}",
        subject=event,
        payload=facts,
        personal=tuple(personal),
    )
    return EventStep.objects.create(
        event=event,
        action=action,
        from_status=from_status,
        to_status=event.status,
        actor_ref=actor.ref,
        actor_display=str(actor)[:80],
        department_code=department_code,
        note=note,
        at=now,
        ledger_index=entry.index,
    )


def _require_note(note: str, *, field_name: str, message: str | Promise) -> str:
    cleaned = _clean_text(note, limit=MAX_NOTE)
    if not cleaned:
        raise ValidationFailed(field_errors={field_name: [message]})
    return cleaned


def _lock(event: Event) -> Event:
    """The event re-read under a row lock, so two people acting at once cannot both move it."""
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("responsible_department", "category")
        .get(pk=event.pk)
    )


def _record_override(event: Event, *, actor: Actor, leaf: Category) -> None:
    root = leaf.parent.parent if leaf.parent and leaf.parent.parent else leaf
    if event.suggested_category and event.suggested_category != root.name:
        ClassificationOverride.objects.create(
            event=event,
            text=event.description,
            suggested_category=event.suggested_category,
            suggested_confidence=event.suggested_confidence,
            chosen_category=root.name,
            chosen_leaf=leaf,
            actor_ref=actor.ref,
        )
