"""Hotspots: near-duplicate complaints group together, unrelated ones and other districts or months do not;
groups rank by size and public support; reply times by category."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from zhizheng.cityevents import history, hotspots
from zhizheng.cityevents.hotspots import Item
from zhizheng.cityevents.tests.conftest import Loop
from zhizheng.core.actor import SYSTEM

T0 = dt.datetime(2019, 5, 1, 9, 0, tzinfo=dt.UTC)

NOISE = [
    "A3区金星路工地夜间施工噪音扰民，凌晨两点还在打桩",
    "A3区金星路工地夜间施工噪音扰民严重，凌晨还在打桩，无法入睡",
    "投诉A3区金星路工地施工噪音扰民",
]
OTHER = [
    "A3区幼儿园收费过高，一个月三千元，希望教育局核查",
    "A3区公交12路班次太少，早高峰等车半小时",
]


def _item(pk: int, text: str, *, district: str = "990104", days: int = 0, support: int = 0) -> Item:
    return Item(pk=pk, text=text, district=district, at=T0 + dt.timedelta(days=days), support=support)


def test_near_duplicates_cluster_and_unrelated_do_not() -> None:
    items = [_item(i, text, days=i) for i, text in enumerate([*NOISE, *OTHER])]
    groups = sorted(sorted(g) for g in hotspots.group_items(items))
    assert groups == [[0, 1, 2], [3], [4]]


def test_other_district_or_far_in_time_stays_apart() -> None:
    items = [
        _item(0, NOISE[0]),
        _item(1, NOISE[1], district="990102"),
        _item(2, NOISE[2], days=45),
        _item(3, NOISE[1], days=3),
    ]
    groups = sorted(sorted(g) for g in hotspots.group_items(items))
    assert groups == [[0, 3], [1], [2]]


def test_threshold_decides() -> None:
    items = [_item(0, NOISE[0]), _item(1, NOISE[2])]
    assert len(hotspots.group_items(items, threshold=0.3)) == 1
    assert len(hotspots.group_items(items, threshold=0.99)) == 2
    assert hotspots.group_items([]) == []


def test_score_is_size_plus_log_support() -> None:
    assert hotspots.score(3, 0) == 3.0
    assert hotspots.score(1, -50) == 1.0
    assert hotspots.score(2, 99) == round(2 + 4.605170, 3)


def _board(number: str, subject: str, **overrides: object) -> history.MessageRecord:
    values: dict[str, object] = {
        "message_id": number,
        "author": "A1",
        "subject": subject,
        "detail": "",
        "posted_at": T0,
    }
    values.update(overrides)
    return history.MessageRecord(**values)  # type: ignore[arg-type]


@pytest.mark.django_db
def test_hotspot_list_ranks_groups_and_respects_scope(loop: Loop, django_assert_max_num_queries: object) -> None:
    cache.clear()
    records = [
        *(_board(str(10 + i), text, likes=3) for i, text in enumerate(NOISE)),
        _board("20", OTHER[0], likes=500, dislikes=10),
        _board("21", OTHER[1]),
    ]
    history.history_import(actor=SYSTEM, records=records, classify=False)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        found = hotspots.hotspot_list(actor=SYSTEM, limit=2)
    assert [(h.size, h.support) for h in found] == [(1, 490), (3, 9)]
    assert found[0].lead_number == "H20"
    assert found[0].title == OTHER[0]
    assert found[1].lead_number == "H10"
    assert found[1].district == "990104"
    assert found[1].score == hotspots.score(3, 9)
    assert hotspots.hotspot_list(actor=loop.citizen.actor) == []  # a citizen sees only his own reports
    assert [h.size for h in hotspots.hotspot_list(actor=loop.dispatcher.actor)] == [1, 3, 1]


@pytest.mark.django_db
def test_reply_time_stats_by_category() -> None:
    records = [
        _board(str(n), "A2区道路破损", replied_at=T0 + dt.timedelta(days=days)) for n, days in enumerate([2, 4, 10], 1)
    ]
    records.append(_board("9", "A2区道路破损"))
    history.history_import(actor=SYSTEM, records=records, classify=False)
    from zhizheng.cityevents.models import Event

    Event.objects.filter(number__in=["H1", "H2"]).update(suggested_category="城乡建设")
    Event.objects.filter(number="H3").update(suggested_category="交通运输")
    stats = hotspots.reply_time_stats(actor=SYSTEM)
    assert [(s.category, s.count, s.median_days, s.p90_days) for s in stats] == [
        ("城乡建设", 2, 3.0, 3.8),
        ("交通运输", 1, 10.0, 10.0),
        ("", 3, 4.0, 8.8),
    ]


@pytest.mark.django_db
def test_operations_page_lists_hotspots_and_reply_times(client: object, loop: Loop) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    from zhizheng.orgs.models import Division

    cache.clear()
    Division.objects.create(code="990104", name="南湖区", level="district", parent=Division.objects.get(code="990100"))
    records = [_board(str(30 + i), text, likes=2) for i, text in enumerate(NOISE)]
    records.append(_board("40", OTHER[0], replied_at=T0 + dt.timedelta(days=6)))
    history.history_import(actor=SYSTEM, records=records, classify=False)
    client.force_login(loop.dispatcher.user)
    page = client.get("/events/operations/").content.decode()
    assert 'id="zz-hotspots"' in page
    assert page.index(NOISE[0][:20]) < page.index(OTHER[0][:20])  # three messages rank above one
    assert "南湖区" in page  # the district by its name
    assert "3 条留言" in page  # zh-hans is the default language
    assert 'id="zz-reply-times"' in page
    assert "6.0" in page
    partial = client.get("/events/operations/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="zz-hotspots"' in partial
    client.force_login(loop.citizen.user)
    assert client.get("/events/operations/").status_code == 403
