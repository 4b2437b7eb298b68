"""Factories of applications, warnings, ratings, rectifications and visits for the govservices tests.

They write rows directly (no ledger), to set up a state a test then acts on through the services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import Actor
from zhizheng.core.workdays import add_working_days
from zhizheng.govservices.models import Application, Rating, Rectification, ServiceItem, Visit
from zhizheng.orgs.models import Department, Membership
from zhizheng.orgs.selectors import actor_for_user

BEIJING = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment of ``day`` in Beijing time."""
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def staff(code: str, role: str, user: User | None = None) -> Actor:
    """A staff member holding ``role`` in department ``code`` (another role for ``user`` when given)."""
    user = user or accounts_factories.staff()
    Membership.objects.create(user=user, department=Department.objects.get(code=code), role=role)
    return actor_for_user(user)


def application(
    *,
    item: ServiceItem | str,
    applicant: User | None = None,
    status: str = "submitted",
    submitted_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    **fields: Any,
) -> Application:
    """An application in ``status``, submitted on ``submitted_on`` with the deadline the item promises from then."""
    if isinstance(item, str):
        item = ServiceItem.objects.select_related("department").get(code=item)
    values: dict[str, Any] = {"status": status, "department": item.department}  # handled where it was filed
    if submitted_on is not None:
        values["submitted_at"] = at(submitted_on)
        values["deadline_on"] = add_working_days(submitted_on, item.promised_days)[0]
    if decided_on is not None:
        values["decided_at"] = at(decided_on, 16)
    values.update(fields)
    return Application.objects.create(
        receipt_number=f"ZWTEST{next(_numbers):010d}",
        item=item,
        applicant=applicant or accounts_factories.citizen(),
        **values,
    )


def rating(*, application: Application, score: int = 5, reasons: list[str] | None = None, **fields: Any) -> Rating:
    return Rating.objects.create(
        application=application,
        score=score,
        reasons=reasons if reasons is not None else (["P02"] if score >= 3 else ["N02"]),
        rated_by=application.applicant,
        **fields,
    )


def rectification(*, rating: Rating, due_on: dt.date, **fields: Any) -> Rectification:
    return Rectification.objects.create(
        rating=rating, department=rating.application.item.department, due_on=due_on, **fields
    )


def visit(*, application: Application, visited_at: dt.datetime | None = None, **fields: Any) -> Visit:
    values: dict[str, Any] = {"place": "市政务服务中心 A 区 3 号窗口", "purpose": "submit"}
    values.update(fields)
    return Visit.objects.create(application=application, visited_at=visited_at or at(dt.date(2026, 10, 12)), **values)
