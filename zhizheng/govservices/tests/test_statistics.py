"""The supervision figures and the public figures, with their arithmetic checked by hand, who sees which, and how
many queries they take."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import ANONYMOUS
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.govservices.models import Application
from zhizheng.govservices.selectors import supervision as figures
from zhizheng.govservices.services import supervision
from zhizheng.govservices.tests import factories
from zhizheng.orgs.selectors import actor_for_user

TODAY = dt.date(2026, 10, 20)
SEP29 = dt.date(2026, 9, 29)


@dataclass
class City:
    on_time: Application  # SCJGJ, approved 9 Oct, deadline 12 Oct, rated 5, no visit
    late: Application  # SCJGJ, rejected 14 Oct, rated 1 with an overdue rectification, two visits
    overdue: Application  # SCJGJ, accepted, deadline 12 Oct, warned yellow and red on 13 Oct
    fresh: Application  # SCJGJ, submitted 19 Oct
    quick: Application  # GAJ, approved the next day, rated 4, one visit


@pytest.fixture
def city(catalogue: Any) -> City:
    on_time = factories.application(
        item="SFS-0005", status="approved", submitted_on=SEP29, decided_on=dt.date(2026, 10, 9)
    )
    late = factories.application(
        item="SFS-0005", status="rejected", submitted_on=SEP29, decided_on=dt.date(2026, 10, 14)
    )
    overdue = factories.application(item="SFS-0005", status="accepted", submitted_on=SEP29)
    fresh = factories.application(item="SFS-0005", status="submitted", submitted_on=dt.date(2026, 10, 19))
    quick = factories.application(
        item="SFS-0018", status="approved", submitted_on=SEP29, decided_on=dt.date(2026, 9, 30)
    )
    factories.application(item="SFS-0018", status="withdrawn", submitted_on=SEP29)
    factories.application(item="SFS-0018", status="draft")
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 13))
    factories.rating(application=on_time, score=5)
    bad = factories.rating(application=late, score=1)
    factories.rectification(rating=bad, due_on=dt.date(2026, 10, 15))
    factories.rating(application=quick, score=4)
    factories.visit(application=late)
    factories.visit(application=late, purpose="supplement")
    factories.visit(application=quick)
    return City(on_time, late, overdue, fresh, quick)


def auditor():
    return factories.staff("GAJ", "auditor")


def test_supervision_figures_by_department(city: City) -> None:
    overview = figures.supervision_overview(actor=auditor(), today=TODAY)
    by_code = {row.key: row for row in overview.departments}
    assert sorted(by_code) == ["GAJ", "SCJGJ"]
    market = by_code["SCJGJ"]
    assert (market.submitted, market.open, market.completed, market.on_time) == (4, 2, 2, 1)
    assert (market.overdue_open, market.overdue_completed, market.rectifications_overdue) == (1, 1, 1)
    assert market.average_days == 12.75  # (10 d 6 h + 15 d 6 h) / 2
    assert market.on_time_rate == 0.5
    assert market.warnings == {"yellow": 1, "red": 1, "statutory": 0}
    assert market.name == "示范市市场监督管理局"
    police = by_code["GAJ"]
    assert (police.submitted, police.open, police.completed, police.on_time, police.average_days) == (2, 0, 1, 1, 1.25)
    total = overview.total
    assert (total.submitted, total.completed, total.on_time, total.on_time_rate) == (6, 3, 2, 0.6667)
    assert total.warnings == {"yellow": 1, "red": 1, "statutory": 0}
    assert [(m.key, m.submitted, m.warnings["red"]) for m in overview.months] == [("2026-09", 5, 0), ("2026-10", 1, 1)]
    assert [(row.key, row.overdue_open) for row in overview.items][:1] == [("SFS-0005", 1)]
    assert [(a.receipt_number, a.warning_level) for a in overview.warned_open] == [(city.overdue.receipt_number, "red")]


def test_filters_by_item_and_period(city: City) -> None:
    overview = figures.supervision_overview(
        actor=auditor(),
        item="SFS-0005",
        period=figures.Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
        today=TODAY,
    )
    assert [(row.key, row.submitted) for row in overview.departments] == [("SCJGJ", 1)]
    assert overview.total.warnings == {"yellow": 0, "red": 0, "statutory": 0}


def test_a_department_head_sees_only_their_department(city: City) -> None:
    head = factories.staff("SCJGJ", "department_head")
    overview = figures.supervision_overview(actor=head, today=TODAY)
    assert [row.key for row in overview.departments] == ["SCJGJ"]
    assert overview.total.submitted == 4
    with pytest.raises(NotFound):
        figures.supervision_overview(actor=head, department="GAJ", today=TODAY)


@pytest.mark.parametrize("who", ["anonymous", "citizen", "caseworker", "section_chief", "leader"])
def test_others_see_no_supervision(city: City, who: str) -> None:
    actor = {
        "anonymous": lambda: ANONYMOUS,
        "citizen": lambda: actor_for_user(accounts_factories.citizen()),
    }.get(who, lambda: factories.staff("SCJGJ", who))()
    with pytest.raises(PermissionDenied):
        figures.supervision_overview(actor=actor, today=TODAY)


def test_supervision_takes_a_fixed_number_of_queries(city: City, django_assert_max_num_queries) -> None:
    actor = auditor()
    for _ in range(10):
        factories.application(item="SFS-0005", status="accepted", submitted_on=SEP29)
    supervision.supervision_warnings_raise(today=TODAY)
    with django_assert_max_num_queries(4):
        overview = figures.supervision_overview(actor=actor, today=TODAY)
    assert len(overview.warned_open) == 11


def test_public_figures_by_department(city: City, django_assert_num_queries) -> None:
    with django_assert_num_queries(3):
        rows = {row.key: row for row in figures.public_figures(group="department")}
    market, police = rows["SCJGJ"], rows["GAJ"]
    assert (market.completed, market.zero_visit, market.at_most_one_visit) == (2, 1, 1)
    assert (market.zero_visit_rate, market.at_most_one_visit_rate) == (0.5, 0.5)
    assert (market.ratings, market.average, market.bad, market.bad_rate) == (2, 3.0, 1, 0.5)
    assert market.distribution == {1: 1, 2: 0, 3: 0, 4: 0, 5: 1}
    assert (market.rectifications, market.rectified, market.rectified_rate) == (1, 0, 0.0)
    assert (police.completed, police.zero_visit, police.at_most_one_visit, police.zero_visit_rate) == (1, 0, 1, 0.0)
    assert (police.ratings, police.average, police.rectified_rate) == (1, 4.0, None)
    total = figures.public_total(rows.values())
    assert (total.completed, total.zero_visit, total.at_most_one_visit, total.ratings) == (3, 1, 2, 3)
    assert (total.average, total.bad_rate, total.at_most_one_visit_rate) == (3.33, 0.3333, 0.6667)


def test_public_figures_by_item_and_decision_period(city: City) -> None:
    rows = {row.key: row for row in figures.public_figures(group="item")}
    assert sorted(rows) == ["SFS-0005", "SFS-0018"]
    assert rows["SFS-0018"].name == "无犯罪记录证明开具"
    october = figures.public_figures(group="item", period=figures.Period(dt.date(2026, 10, 1), None))
    assert [(row.key, row.completed, row.ratings) for row in october] == [("SFS-0005", 2, 2)]


def test_a_transferred_application_counts_for_the_receiving_department(city: City) -> None:
    from zhizheng.govservices.services import workflow as workflow_services

    moved = factories.application(item="SFS-0005", status="submitted", submitted_on=SEP29)
    workflow_services.application_transfer(
        actor=factories.staff("SCJGJ", "caseworker"), application=moved, department="GAJ", reason="属公安机关职权。"
    )
    moved.refresh_from_db()
    assert moved.department.code == "GAJ"
    supervision.supervision_warnings_raise(today=TODAY)

    overview = figures.supervision_overview(actor=auditor(), today=TODAY)
    by_code = {row.key: row for row in overview.departments}
    assert (by_code["SCJGJ"].submitted, by_code["GAJ"].submitted) == (4, 3)
    assert (by_code["SCJGJ"].overdue_open, by_code["GAJ"].overdue_open) == (1, 1)
    assert by_code["GAJ"].warnings["red"] == 1  # the warning went to the receiving department too
    police_head, market_head = factories.staff("GAJ", "department_head"), factories.staff("SCJGJ", "department_head")
    assert figures.supervision_overview(actor=police_head, today=TODAY).total.submitted == 3
    assert figures.supervision_overview(actor=market_head, today=TODAY).total.submitted == 4
    only = figures.supervision_overview(actor=auditor(), department="GAJ", item="SFS-0005", today=TODAY)
    assert [(row.key, row.submitted) for row in only.departments] == [("GAJ", 1)]

    Application.objects.filter(pk=moved.pk).update(status="approved", decided_at=factories.at(TODAY, 10))
    factories.rating(application=moved, score=2)
    rows = {row.key: row for row in figures.public_figures(group="department")}
    assert (rows["GAJ"].completed, rows["GAJ"].ratings, rows["GAJ"].bad) == (2, 2, 1)
    assert (rows["SCJGJ"].completed, rows["SCJGJ"].ratings) == (2, 2)


def test_an_application_without_a_handling_department_counts_for_the_item_department(city: City) -> None:
    Application.objects.filter(pk=city.fresh.pk).update(department=None)  # filed before transfers existed
    overview = figures.supervision_overview(actor=factories.staff("SCJGJ", "department_head"), today=TODAY)
    assert [(row.key, row.submitted) for row in overview.departments] == [("SCJGJ", 4)]
