"""The demo history: deterministic, idempotent, and shaped like a year of a city's service halls (weekdays, month
ends, the Spring Festival dip, handling times against the promised days, ratings worse when late)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.utils import timezone

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.core.workdays import is_working_day
from zhizheng.govservices import history
from zhizheng.govservices.history.generator import Case, spring_festival
from zhizheng.govservices.models import (
    Application,
    ApplicationEvent,
    Rating,
    Rectification,
    SupervisionWarning,
    Visit,
)
from zhizheng.govservices.tests.test_applications import staff
from zhizheng.ledger.models import Entry

TODAY = dt.date(2026, 6, 30)


def _applicants() -> list[history.Applicant]:
    people = [
        accounts_factories.citizen(id_number=accounts_factories.id_number(sequence=n), real_name=f"居民{n}")
        for n in range(12)
    ]
    agents = [
        accounts_factories.user(
            kind=User.Kind.AGENT,
            id_number=accounts_factories.id_number(district="990103", sequence=n),
            uscc=accounts_factories.uscc(),
            enterprise_name=f"示范市企业{n}有限公司",
            real_name=f"代理{n}",
        )
        for n in range(4)
    ]
    return [
        history.Applicant(
            user_id=u.pk, name=u.real_name, id_number=u.id_number, uscc=u.uscc, enterprise_name=u.enterprise_name
        )
        for u in people + agents
    ]


@pytest.fixture
def applicants(catalogue: Any) -> list[history.Applicant]:
    staff("GAJ", "caseworker")
    staff("SCJGJ", "department_head")
    return _applicants()


def _generate(applicants: list[history.Applicant], count: int, seed: int = 7) -> list[Case]:
    return history.history_generate(
        seed=seed, items=history.item_facts(), applicants=applicants, today=TODAY, count=count
    )


def _signature(cases: list[Case]) -> list[tuple[Any, ...]]:
    return [
        (c.receipt_number, c.item.code, c.status, c.submitted_at, c.decided_at, c.rating, len(c.visits)) for c in cases
    ]


def test_the_same_seed_gives_the_same_history_and_another_seed_another(applicants: list[history.Applicant]) -> None:
    first = _generate(applicants, 600)
    assert _signature(first) == _signature(_generate(applicants, 600))
    assert _signature(first) != _signature(_generate(applicants, 600, seed=8))
    assert len(first) == 600
    assert len({c.receipt_number for c in first}) == 600


def test_loading_twice_writes_once_with_one_ledger_entry_per_application(applicants: list[history.Applicant]) -> None:
    entries = Entry.objects.count()
    result = history.history_load(actor=SYSTEM, applicants=applicants, today=TODAY, seed=7, count=600)
    assert (result.created, result.existing) == (600, 0)
    assert Application.objects.count() == 600
    assert Entry.objects.count() == entries + 600
    assert ApplicationEvent.objects.count() == result.events
    assert Rating.objects.count() == result.ratings
    assert Visit.objects.count() == result.visits
    assert SupervisionWarning.objects.count() == result.warnings
    assert Rectification.objects.count() == result.rectifications
    # Every step points at its application's entry, which names it and holds no personal data.
    event = ApplicationEvent.objects.select_related("application").order_by("id").first()
    assert event is not None
    entry = Entry.objects.get(index=event.ledger_index)
    assert entry.act == "govservices.application.imported"
    assert entry.subject_id == str(event.application_id)
    assert event.application.receipt_number in bytes(entry.leaf).decode()
    assert event.application.form_data["person"]["id_number"] not in bytes(entry.leaf).decode()
    # Historical times are kept: created with the submission, the first step at the submission.
    application = event.application
    assert application.created_at == application.submitted_at
    assert event.created_at == application.submitted_at
    again = history.history_load(actor=SYSTEM, applicants=applicants, today=TODAY, seed=7, count=600)
    assert (again.created, again.existing) == (0, 600)
    assert Application.objects.count() == 600
    assert Entry.objects.count() == entries + 600


def test_only_the_system_loads_history(applicants: list[history.Applicant]) -> None:
    person = staff("GAJ", "department_head")
    with pytest.raises(PermissionDenied):
        history.history_load(actor=person, applicants=applicants, today=TODAY, count=10)
    assert Application.objects.count() == 0


def test_a_year_looks_like_a_year_of_service_halls(applicants: list[history.Applicant]) -> None:
    cases = _generate(applicants, 20000)
    days = Counter(timezone.localdate(c.submitted_at) for c in cases)
    assert min(days) >= dt.date(2025, 7, 1)
    assert max(days) == TODAY
    working = [n for day, n in days.items() if is_working_day(day)]
    resting = [
        days.get(day, 0)
        for day in (dt.date(2025, 7, 1) + dt.timedelta(d) for d in range(365))
        if not is_working_day(day)
    ]
    assert sum(working) / len(working) > 8 * sum(resting) / len(resting)  # rest days: online only, few
    mondays = [n for day, n in days.items() if is_working_day(day) and day.weekday() == 0]
    fridays = [n for day, n in days.items() if is_working_day(day) and day.weekday() == 4]
    assert sum(mondays) / len(mondays) > 1.15 * sum(fridays) / len(fridays)
    # The Spring Festival: the holiday is nearly empty and February the quietest month.
    first, last = spring_festival(2026)
    assert (first, last) == (dt.date(2026, 2, 15), dt.date(2026, 2, 23))
    holiday = sum(days.get(first + dt.timedelta(d), 0) for d in range((last - first).days + 1))
    assert holiday < 0.01 * len(cases)
    months = Counter((d.year, d.month) for d in days.elements())
    assert min(months, key=lambda m: months[m]) == (2026, 2)
    assert months[(2026, 2)] < 0.75 * sum(months.values()) / 12

    decided = [c for c in cases if c.decided_at is not None]
    on_time = sum(1 for c in decided if timezone.localdate(c.decided_at) <= c.deadline_on) / len(decided)
    assert 0.85 <= on_time <= 0.96
    statuses = Counter(c.status for c in cases)
    assert 0.80 <= statuses["approved"] / len(cases) <= 0.92
    assert 0.03 <= statuses["rejected"] / len(cases) <= 0.09
    assert statuses["submitted"] + statuses["accepted"] + statuses["supplement_requested"] > 0  # recent, open
    supplements = sum(1 for c in cases if c.supplement_request)
    assert 0.07 <= supplements / len(cases) <= 0.14
    # Ratings from about half the completed applications, 差评 far more often when late.
    rated = [c for c in decided if c.rating is not None]
    assert 0.45 <= len(rated) / len(decided) <= 0.6
    late = [c.rating[0] for c in rated if timezone.localdate(c.decided_at) > c.deadline_on and c.rating]
    timely = [c.rating[0] for c in rated if timezone.localdate(c.decided_at) <= c.deadline_on and c.rating]
    assert sum(s <= 2 for s in late) / len(late) > 3 * sum(s <= 2 for s in timely) / len(timely)
    assert all(c.rectification is not None for c in rated if c.rating and c.rating[0] <= 2)
    # Red warnings exactly for the decisions past the promised deadline; most fully online cases without a visit.
    for case in decided:
        red = any(w[0] == "red" for w in case.warnings)
        assert red == (timezone.localdate(case.decided_at) > case.deadline_on)
    online = [c for c in cases if c.item.online_level == 4]
    assert sum(1 for c in online if not c.visits) / len(online) > 0.8
