"""The acts of the seven-step loop after intake: classify, register or reject, dispatch, transfer, handle, verify,
close, evaluate, reopen, notes, and the escalation of overdue cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.cityevents import photos as photo_checks
from zhizheng.cityevents.choices import Action, Status, Urgency
from zhizheng.cityevents.errors import EventInvalid
from zhizheng.cityevents.models import Event, EventPhoto, EventStep
from zhizheng.cityevents.permissions import Perm, policy
from zhizheng.cityevents.routing import default_department_code
from zhizheng.cityevents.services.common import (
    MAX_NOTE,
    _category,
    _clean_text,
    _department,
    _lock,
    _record_override,
    _require_note,
    _step,
)
from zhizheng.cityevents.workflow import WORKING_HOURS_PER_DAY, add_working_hours, deadline_for, transition
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import PermissionDenied, ValidationFailed
from zhizheng.orgs.models import Department

# --- the loop -------------------------------------------------------------------------------------------------


@transaction.atomic
def event_classify(*, event: Event, actor: Actor, category_code: str, urgency: str = "") -> Event:
    """Set (or correct) the category before dispatch. A choice that differs from the classifier's suggestion is
    kept as training data (``ClassificationOverride``)."""
    event = _lock(event)
    policy.require(actor, Perm.CLASSIFY, event)
    transition(event.status, Action.CLASSIFY)
    leaf = _category(category_code)
    if leaf.level != 3:
        raise EventInvalid(field_errors={"category_code": [_("Choose a category of the third level.")]})
    if urgency and urgency not in Urgency.values:
        raise EventInvalid(field_errors={"urgency": [_("Urgency must be normal, urgent or emergency.")]})
    _record_override(event, actor=actor, leaf=leaf)
    event.category = leaf
    fields = ["category", "updated_at"]
    if urgency:
        event.urgency = urgency
        fields.append("urgency")
    event.save(update_fields=fields)
    _step(event, actor=actor, action=Action.CLASSIFY, from_status=event.status, payload={"category": leaf.code})
    return event


@transaction.atomic
def event_register(*, event: Event, actor: Actor, note: str = "") -> Event:
    """立案: the dispatcher accepts the report as a case for the city."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REGISTER)
    event.save(update_fields=["status", "updated_at"])
    _step(event, actor=actor, action=Action.REGISTER, from_status=before, note=_clean_text(note, limit=MAX_NOTE))
    return event


@transaction.atomic
def event_reject(*, event: Event, actor: Actor, reason: str) -> Event:
    """不予立案: not a case for the city (duplicate, out of scope, no problem found), with the reason."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REJECT)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for not registering."))
    event.status_notes = note
    event.closed_at = timezone.now()
    event.save(update_fields=["status", "status_notes", "closed_at", "updated_at"])
    _step(event, actor=actor, action=Action.REJECT, from_status=before, note=note)
    return event


def _set_clock(event: Event, *, now: dt.datetime) -> None:
    category = event.category
    assert category is not None
    event.dispatched_at = now
    event.deadline_at = deadline_for(
        start=now,
        urgency=event.urgency,
        limit_days=category.limit_days,
        urgent_limit_hours=category.urgent_limit_hours,
    )
    event.escalation_level = 0
    event.escalated_at = None


@transaction.atomic
def event_dispatch(
    *,
    event: Event,
    actor: Actor,
    department_code: str = "",
    assisting_codes: Sequence[str] = (),
    note: str = "",
) -> Event:
    """派遣: give the case to a responsible department (by default the one its category names), optionally with
    assisting departments for joint handling; the clock starts now."""
    event = _lock(event)
    policy.require(actor, Perm.DISPATCH, event)
    before = event.status
    target = transition(before, Action.DISPATCH)
    if event.category is None:
        raise EventInvalid(field_errors={"category_code": [_("Choose a category before dispatching.")]})
    code = department_code or default_department_code(event.category) or event.suggested_department_code
    if not code:
        raise EventInvalid(field_errors={"department_code": [_("Choose the responsible department.")]})
    department = _department(code)
    helpers = [_department(c) for c in dict.fromkeys(assisting_codes) if c and c != code]
    event.status = target
    _assign(event, department, "status")
    event.assisting_departments.set(helpers)
    _step(
        event,
        actor=actor,
        action=Action.DISPATCH,
        from_status=before,
        department_code=department.code,
        note=_clean_text(note, limit=MAX_NOTE),
        payload={
            "assisting": [d.code for d in helpers],
            "deadline": event.deadline_at.isoformat() if event.deadline_at else "",
        },
    )
    return event


def _assign(event: Event, department: Department, *also: str) -> None:
    """Make ``department`` responsible and start its clock afresh (dispatch and transfer)."""
    event.responsible_department = department
    _set_clock(event, now=timezone.now())
    event.save(
        update_fields=[
            *also,
            "responsible_department",
            "dispatched_at",
            "deadline_at",
            "escalation_level",
            "escalated_at",
            "updated_at",
        ]
    )


@transaction.atomic
def event_transfer(*, event: Event, actor: Actor, department_code: str, reason: str) -> Event:
    """转派: hand the case to another department, with the reason; its clock starts again."""
    event = _lock(event)
    policy.require(actor, Perm.TRANSFER, event)
    transition(event.status, Action.TRANSFER)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for the transfer."))
    department = _department(department_code)
    previous = event.responsible_department
    if previous is not None and previous.pk == department.pk:
        raise EventInvalid(field_errors={"department_code": [_("The event is already with this department.")]})
    _assign(event, department)
    event.assisting_departments.remove(department)
    _step(
        event,
        actor=actor,
        action=Action.TRANSFER,
        from_status=event.status,
        department_code=department.code,
        note=note,
        payload={"previous": previous.code if previous else ""},
    )
    return event


@transaction.atomic
def event_handle(*, event: Event, actor: Actor, result: str, photos: Sequence[Any] = ()) -> Event:
    """处置: the responsible department reports what it did, with photos of the result."""
    event = _lock(event)
    policy.require(actor, Perm.HANDLE, event)
    before = event.status
    target = transition(before, Action.HANDLE)
    note = _require_note(result, field_name="result", message=_("Say what was done."))
    checked = photo_checks.check_many(photos)
    event.status = target
    event.handled_at = timezone.now()
    event.status_notes = note
    event.save(update_fields=["status", "handled_at", "status_notes", "updated_at"])
    for item in checked:
        EventPhoto.objects.create(
            event=event,
            file=item.as_file(event.number or str(event.pk)),
            content_type=item.content_type,
            size=item.size,
            sha256=item.sha256,
            stage=Action.HANDLE,
        )
    department = event.responsible_department
    _step(
        event,
        actor=actor,
        action=Action.HANDLE,
        from_status=before,
        note=note,
        department_code=department.code if department else "",
        payload={"photos": [i.sha256 for i in checked]},
    )
    return event


@transaction.atomic
def event_verify(*, event: Event, actor: Actor, passed: bool, note: str = "") -> Event:
    """核查: the inspector checks the result on site. Failed checks send the case back to the department."""
    event = _lock(event)
    policy.require(actor, Perm.VERIFY, event)
    before = event.status
    action = Action.VERIFY if passed else Action.REWORK
    event.status = transition(before, action)
    if passed:
        cleaned = _clean_text(note, limit=MAX_NOTE)
    else:
        cleaned = _require_note(note, field_name="note", message=_("Say what is still wrong."))
    event.save(update_fields=["status", "updated_at"])
    _step(event, actor=actor, action=action, from_status=before, note=cleaned)
    return event


@transaction.atomic
def event_close(*, event: Event, actor: Actor, note: str = "") -> Event:
    """结案: the dispatcher closes a verified case."""
    event = _lock(event)
    policy.require(actor, Perm.CLOSE, event)
    before = event.status
    event.status = transition(before, Action.CLOSE)
    event.closed_at = timezone.now()
    cleaned = _clean_text(note, limit=MAX_NOTE)
    if cleaned:
        event.status_notes = cleaned
    event.save(update_fields=["status", "closed_at", "status_notes", "updated_at"])
    _step(event, actor=actor, action=Action.CLOSE, from_status=before, note=cleaned)
    return event


@transaction.atomic
def event_evaluate(*, event: Event, actor: Actor, satisfaction: int, comment: str = "") -> Event:
    """评价: the reporter (or the hotline on a call-back) rates the outcome from 1 to 5."""
    event = _lock(event)
    policy.require(actor, Perm.EVALUATE, event)
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
        payload={"satisfaction": satisfaction},
    )
    return event


@transaction.atomic
def event_reopen(*, event: Event, actor: Actor, reason: str) -> Event:
    """重新办理: a closed, evaluated or rejected case goes back to the dispatcher, with the reason."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    event.status = transition(before, Action.REOPEN)
    note = _require_note(reason, field_name="reason", message=_("Give the reason for reopening."))
    event.reopen_count += 1
    event.closed_at = None
    event.status_notes = note
    event.save(update_fields=["status", "reopen_count", "closed_at", "status_notes", "updated_at"])
    _step(event, actor=actor, action=Action.REOPEN, from_status=before, note=note)
    return event


@transaction.atomic
def event_note_add(*, event: Event, actor: Actor, note: str) -> EventStep:
    """A note on an open case: how an assisting department contributes to joint handling, a call-back, etc."""
    event = Event.objects.select_related("responsible_department").get(pk=event.pk)
    policy.require(actor, Perm.NOTE, event)
    transition(event.status, Action.NOTE)
    cleaned = _require_note(note, field_name="note", message=_("Write the note."))
    codes = sorted(actor.departments())
    return _step(
        event,
        actor=actor,
        action=Action.NOTE,
        from_status=event.status,
        note=cleaned,
        department_code=codes[0] if len(codes) == 1 else "",
    )


@transaction.atomic
def events_escalate_overdue(*, actor: Actor = SYSTEM, now: dt.datetime | None = None) -> list[Event]:
    """督办: raise the escalation level of every dispatched case past its deadline, at most once per working day
    (8 working hours) per case. Called by the periodic job ``cityevents.escalate_overdue``; idempotent."""
    if not actor.is_system:
        raise PermissionDenied()
    moment = now or timezone.now()
    escalated: list[Event] = []
    candidates = (
        Event.objects.select_for_update(of=("self",))
        .select_related("responsible_department")
        .filter(status=Status.DISPATCHED, deadline_at__lt=moment)
        .order_by("deadline_at", "id")
    )
    for event in candidates:
        if event.escalated_at is not None and add_working_hours(event.escalated_at, WORKING_HOURS_PER_DAY) > moment:
            continue
        event.escalation_level += 1
        event.escalated_at = moment
        event.save(update_fields=["escalation_level", "escalated_at", "updated_at"])
        department = event.responsible_department
        overdue_minutes = int((moment - event.deadline_at).total_seconds() // 60) if event.deadline_at else 0
        _step(
            event,
            actor=actor,
            action=Action.ESCALATE,
            from_status=event.status,
            department_code=department.code if department else "",
            payload={"level": event.escalation_level, "overdue_minutes": overdue_minutes},
        )
        escalated.append(event)
    return escalated


@transaction.atomic
def event_merge(*, event: Event, actor: Actor, into: Event, note: str = "") -> Event:
    """Merge a new report into the open case about the same problem (合并): it follows that case from now on and its
    reporter sees that case's progress and outcome on the tracking page."""
    event = _lock(event)
    policy.require(actor, Perm.REGISTER, event)
    before = event.status
    target = transition(before, Action.MERGE)
    parent = _lock(into)
    policy.require(actor, Perm.VIEW, parent)
    if parent.pk == event.pk or parent.parent_id is not None or not parent.is_open:
        raise EventInvalid(field_errors={"into": [_("Merge into another open case that is not itself merged.")]})
    event.status = target
    event.parent = parent
    event.closed_at = timezone.now()
    event.status_notes = _clean_text(note, limit=MAX_NOTE) or str(parent.number)
    event.save(update_fields=["status", "parent", "closed_at", "status_notes", "updated_at"])
    Event.objects.filter(parent=event).update(parent=parent)  # its own duplicates follow
    _step(event, actor=actor, action=Action.MERGE, from_status=before, payload={"into": parent.number})
    _step(
        parent,
        actor=actor,
        action=Action.NOTE,
        from_status=parent.status,
        note=str(_("Case %(number)s merged into this one.") % {"number": event.number}),
        payload={"merged": event.number},
    )
    return event
