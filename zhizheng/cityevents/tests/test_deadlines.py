"""Time limits in working hours on the platform's calendar (weekends, holidays and 调休 make-up days)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from zhizheng.cityevents.choices import Urgency
from zhizheng.cityevents.workflow import add_working_hours, deadline_for

TZ = ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=TZ)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        (at(2026, 11, 23, 10, 0), 2, at(2026, 11, 23, 12, 0)),  # Monday, same day
        (at(2026, 11, 23, 16, 0), 2, at(2026, 11, 24, 10, 0)),  # runs over into Tuesday
        (at(2026, 11, 27, 16, 0), 8, at(2026, 11, 30, 16, 0)),  # Friday → Monday, the weekend skipped
        (at(2026, 11, 28, 11, 0), 1, at(2026, 11, 30, 10, 0)),  # reported on Saturday
        (at(2026, 11, 23, 7, 30), 1, at(2026, 11, 23, 10, 0)),  # before office hours
        (at(2026, 11, 23, 18, 0), 8, at(2026, 11, 24, 17, 0)),  # after office hours
        (at(2026, 9, 30, 15, 0), 4, at(2026, 10, 8, 11, 0)),  # National Day: 1-7 Oct off (2026 notice)
        (at(2026, 9, 30, 15, 0), 0, at(2026, 9, 30, 15, 0)),
    ],
)
def test_add_working_hours(start, hours, expected):
    assert add_working_hours(start, hours) == expected


@pytest.mark.django_db
def test_deadline_by_urgency():
    start = at(2026, 11, 27, 16, 0)  # Friday afternoon
    assert deadline_for(start=start, urgency=Urgency.NORMAL, limit_days=3, urgent_limit_hours=4) == at(
        2026, 12, 2, 16, 0
    )
    assert deadline_for(start=start, urgency=Urgency.URGENT, limit_days=3, urgent_limit_hours=4) == at(
        2026, 11, 30, 12, 0
    )
    assert deadline_for(start=start, urgency=Urgency.EMERGENCY, limit_days=3, urgent_limit_hours=4) == at(
        2026, 11, 27, 18, 0
    )


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(at(2026, 11, 23, 10, 0), -1)
