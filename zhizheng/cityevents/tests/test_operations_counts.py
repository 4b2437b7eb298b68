"""The operations view counts each case once per district and category, checked against a count made here."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone

from zhizheng.cityevents import services
from zhizheng.cityevents.choices import Status
from zhizheng.cityevents.models import Event
from zhizheng.cityevents.operations import operations_overview
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import ANONYMOUS
from zhizheng.orgs.models import Division

WEST = {"district_code": "990103", "address": "西城区长安街1号", "longitude": "", "latitude": ""}


def _independent_counts() -> tuple[Counter[str], int]:
    """Cases per district name, and all cases, counted row by row in Python: merged reports are not cases."""
    names = dict(Division.objects.values_list("code", "name"))
    per_district: Counter[str] = Counter()
    cases = 0
    for event in Event.objects.all():
        if event.status == Status.MERGED:
            continue
        cases += 1
        if event.district_code:
            per_district[names[event.district_code]] += 1
    return per_district, cases


def test_per_district_counts_match_an_independent_count(loop, django_assert_max_num_queries):
    east_case, _ = factories.report(ANONYMOUS, description="人民路井盖缺失")
    east_repeat, _ = factories.report(ANONYMOUS, description="人民路井盖又缺失了")
    west_repeat, _ = factories.report(ANONYMOUS, description="人民路那个井盖缺失", **WEST)
    factories.report(ANONYMOUS, description="长安街路灯不亮", **WEST)
    factories.report(
        ANONYMOUS, description="某处垃圾", district_code="", address="幸福小区门口", longitude="", latitude=""
    )
    for repeat in (east_repeat, west_repeat):  # one report in each district merged into the east case
        services.event_merge(event=repeat, actor=loop.dispatcher.actor, into=east_case)
    expected, cases = _independent_counts()

    with django_assert_max_num_queries(12):
        overview = operations_overview(actor=loop.dispatcher.actor)

    assert dict(overview.by_district) == dict(expected) == {"东城区": 1, "西城区": 1}
    assert sum(n for _name, n in overview.by_district) == cases - 1  # the case with no district is not in a bar
    assert sum(n for _name, n in overview.by_category) == cases == 3
    statuses = {value: n for value, _label, n in overview.by_status}
    assert (statuses["collected"], statuses["merged"]) == (3, 2)  # the status chart still shows every report


def _closed_case(loop, **overrides):  # type: ignore[no-untyped-def]
    event, _ = factories.report(ANONYMOUS, **overrides)
    dispatcher = loop.dispatcher.actor
    event = services.event_register(event=event, actor=dispatcher)
    event = services.event_classify(event=event, actor=dispatcher, category_code="160101")
    event = services.event_dispatch(event=event, actor=dispatcher)
    event = services.event_handle(event=event, actor=loop.handler.actor, result="已补装")
    event = services.event_verify(event=event, actor=loop.inspector.actor, passed=True)
    return services.event_close(event=event, actor=dispatcher)


def _independent_closures(days: list[str]) -> list[int]:
    """Real closures per Beijing day, counted row by row in Python: an event with a closed time that is not merged."""
    per_day: Counter[str] = Counter()
    for event in Event.objects.all():
        if event.closed_at is not None and event.status != Status.MERGED:
            per_day[timezone.localtime(event.closed_at).date().isoformat()] += 1
    return [per_day[day] for day in days]


def test_closed_trend_counts_closures_not_merges(loop, django_assert_max_num_queries):
    case = _closed_case(loop)
    _closed_case(loop, **WEST)
    rejected, _ = factories.report(ANONYMOUS, description="不是城市管理问题")
    services.event_reject(event=rejected, actor=loop.dispatcher.actor, reason="不属于受理范围")
    target, _ = factories.report(ANONYMOUS, description="人民路井盖缺失")
    for text in ("人民路井盖又缺失了", "人民路那个井盖缺失"):
        repeat, _ = factories.report(ANONYMOUS, description=text)
        services.event_merge(event=repeat, actor=loop.dispatcher.actor, into=target)
    factories.report(ANONYMOUS, description="长安街路灯不亮", **WEST)  # open: no closure
    merged = Event.objects.filter(status=Status.MERGED)
    assert [event.closed_at is not None for event in merged] == [True, True]  # a merge stamps closed_at too

    with django_assert_max_num_queries(12):
        overview = operations_overview(actor=loop.dispatcher.actor)

    assert overview.trend["closed"] == _independent_closures(overview.trend["days"])
    assert sum(overview.trend["closed"]) == 3  # two closed cases and one report not registered; no merged report
    assert sum(overview.trend["reported"]) == 7  # every report still counts on the day it came in
    statuses = {value: n for value, _label, n in overview.by_status}
    assert (statuses["closed"], statuses["rejected"], statuses["merged"]) == (2, 1, 2)
    assert (overview.handled_count, overview.on_time_count, overview.open_count) == (2, 2, 2)
    assert Event.objects.get(pk=case.pk).closed_at is not None
