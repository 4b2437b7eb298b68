"""The operations view counts each case once per district and category, checked against a count made here."""

from __future__ import annotations

from collections import Counter

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
