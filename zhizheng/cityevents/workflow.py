"""The seven-step loop as data: which action is allowed from which status, and the time limits.

``TRANSITIONS`` is the one table of allowed moves and ``transition`` the one function that checks it; every service
goes through it, so an illegal move is always the same 409 naming the current status.

Time limits count working time on the platform's calendar (``zhizheng.core.workdays``): a working day runs from
09:00 to 17:00 local time (``WORKDAY_START``/``WORKDAY_END``, 8 working hours). A normal event must be handled
within its category's ``limit_days`` working days, an urgent one within ``urgent_limit_hours`` working hours, an
emergency within ``EMERGENCY_LIMIT_HOURS`` hours of clock time (emergencies do not wait for Monday).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils import timezone

from zhizheng.cityevents.choices import OPEN_STATUSES, Action, Status, Urgency
from zhizheng.cityevents.errors import InvalidTransition
from zhizheng.core import workdays

WORKDAY_START = dt.time(9, 0)
WORKDAY_END = dt.time(17, 0)
WORKING_HOURS_PER_DAY = 8
EMERGENCY_LIMIT_HOURS = 2


@dataclass(frozen=True, slots=True)
class Move:
    sources: frozenset[Status]
    target: Status | None
    """The status after the action; None keeps the current one (transfer, escalation, notes)."""


def _from(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


TRANSITIONS: Mapping[Action, Move] = {
    Action.REGISTER: Move(_from(Status.COLLECTED), Status.REGISTERED),
    Action.REJECT: Move(_from(Status.COLLECTED), Status.REJECTED),
    Action.CLASSIFY: Move(_from(Status.COLLECTED, Status.REGISTERED), None),
    Action.MERGE: Move(_from(Status.COLLECTED, Status.REGISTERED), Status.MERGED),
    Action.DISPATCH: Move(_from(Status.REGISTERED), Status.DISPATCHED),
    Action.TRANSFER: Move(_from(Status.DISPATCHED), None),
    Action.HANDLE: Move(_from(Status.DISPATCHED), Status.HANDLED),
    Action.VERIFY: Move(_from(Status.HANDLED), Status.VERIFIED),
    Action.REWORK: Move(_from(Status.HANDLED), Status.DISPATCHED),
    Action.CLOSE: Move(_from(Status.VERIFIED), Status.CLOSED),
    Action.EVALUATE: Move(_from(Status.CLOSED), Status.EVALUATED),
    Action.REOPEN: Move(_from(Status.CLOSED, Status.EVALUATED, Status.REJECTED), Status.REGISTERED),
    Action.ESCALATE: Move(_from(Status.DISPATCHED), None),
    Action.NOTE: Move(frozenset(OPEN_STATUSES), None),
}


def allowed_actions(status: str) -> list[Action]:
    """The actions the table allows from ``status`` (what the role may do is the policy's business)."""
    return [action for action, move in TRANSITIONS.items() if status in move.sources]


def transition(current: str, action: Action) -> Status:
    """The status after ``action`` from ``current``; raises ``InvalidTransition`` (409) naming the current status."""
    move = TRANSITIONS.get(action)
    if move is None or current not in move.sources:
        raise InvalidTransition(params={"action": Action(action).label, "status": Status(current).label})
    return move.target if move.target is not None else Status(current)


# --- working time ---------------------------------------------------------------------------------------------


def _is_working(day: dt.date) -> bool:
    return workdays.year_calendar(day.year).is_working(day)


def _next_working_start(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    day += dt.timedelta(days=1)
    while not _is_working(day):
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, WORKDAY_START, tzinfo=tz)


def add_working_hours(start: dt.datetime, hours: int) -> dt.datetime:
    """The moment ``hours`` working hours after ``start`` (aware), counting only 09:00-17:00 on working days."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    tz = timezone.get_current_timezone()
    current = timezone.localtime(start, tz)
    if not _is_working(current.date()) or current.time() >= WORKDAY_END:
        current = _next_working_start(current.date(), tz)
    elif current.time() < WORKDAY_START:
        current = dt.datetime.combine(current.date(), WORKDAY_START, tzinfo=tz)
    remaining = dt.timedelta(hours=hours)
    while True:
        day_end = dt.datetime.combine(current.date(), WORKDAY_END, tzinfo=tz)
        available = day_end - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _next_working_start(current.date(), tz)


def working_limit_hours(*, urgency: str, limit_days: int, urgent_limit_hours: int) -> int:
    """Working hours allowed for a normal or urgent event."""
    if urgency == Urgency.URGENT:
        return urgent_limit_hours
    return limit_days * WORKING_HOURS_PER_DAY


def deadline_for(*, start: dt.datetime, urgency: str, limit_days: int, urgent_limit_hours: int) -> dt.datetime:
    """When an event dispatched at ``start`` must be handled, by its urgency and its category's limits."""
    if urgency == Urgency.EMERGENCY:
        return start + dt.timedelta(hours=EMERGENCY_LIMIT_HOURS)
    hours = working_limit_hours(urgency=urgency, limit_days=limit_days, urgent_limit_hours=urgent_limit_hours)
    return add_working_hours(start, hours)
