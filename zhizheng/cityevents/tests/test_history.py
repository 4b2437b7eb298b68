"""Demo history: board messages loaded as past events, idempotently, in bulk, with one ledger entry per batch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from zhizheng.cityevents import history
from zhizheng.cityevents.choices import Action, Source, Status
from zhizheng.cityevents.errors import EventInvalid
from zhizheng.cityevents.models import BoardMessage, Event, EventStep
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.ledger.models import Entry
from zhizheng.registries.spatial import spatial_unit_at, spatial_units_load


def _at(text: str) -> dt.datetime:
    found = history.parse_time(text)
    assert found is not None
    return found


def _record(number: str, subject: str, **overrides: object) -> history.MessageRecord:
    values: dict[str, object] = {
        "message_id": number,
        "author": "A000102948",
        "subject": subject,
        "detail": subject + "，请有关部门尽快处理。",
        "posted_at": _at("2019/2/28 11:25:05"),
    }
    values.update(overrides)
    return history.MessageRecord(**values)  # type: ignore[arg-type]


def test_parse_time_reads_the_board_formats() -> None:
    assert history.parse_time("2019/2/28 11:25:05") == timezone.make_aware(dt.datetime(2019, 2, 28, 11, 25, 5))
    assert history.parse_time("2019-12-01 08:00:00") == timezone.make_aware(dt.datetime(2019, 12, 1, 8))
    assert history.parse_time("2019/7/9") == timezone.make_aware(dt.datetime(2019, 7, 9))
    assert history.parse_time("yesterday") is None
    assert history.parse_time("") is None


def test_district_mapping_is_deterministic() -> None:
    assert history.district_for(_record("1", "A1区路灯不亮")) == "990102"
    assert history.district_for(_record("2", "A5区噪音")) == "990106"
    assert history.district_for(_record("3", "A6区噪音")) == "990102"
    assert history.district_for(_record("4", "A7县春华镇自来水")) == "990121"
    assert history.district_for(_record("5", "A9市学校")) == "990121"
    unnamed = _record("6", "小区停车难", detail="停车难")
    assert history.district_for(unnamed) in history.ALL_DISTRICTS
    assert history.district_for(unnamed) == history.district_for(unnamed)


def test_the_copied_files_are_read() -> None:
    hot = list(history.read_messages(history.HOT_FILE, limit=5))
    answered = list(history.read_messages(history.ANSWERED_FILE, limit=5))
    assert [r.message_id for r in hot][:2] == ["188006", "188007"]
    assert hot[1].likes == 1
    assert hot[1].dislikes == 0
    assert hot[1].replied_at is None
    assert answered[0].message_id == "2549"
    assert answered[0].reply.startswith("现将网友在平台")
    assert answered[0].replied_at == _at("2019/5/10 14:56:53")


@pytest.mark.django_db
def test_import_stores_past_events_in_the_city() -> None:
    spatial_units_load(actor=SYSTEM)
    before = Entry.objects.count()
    records = [
        _record("100", "A3区某小区垃圾堆放无人清理", likes=12, dislikes=2),
        _record(
            "101",
            "A7县春华镇自来水到户问题",
            reply="您好，经核实，自来水管网将于年内接通。",
            replied_at=_at("2019/3/15 10:00:00"),
        ),
    ]
    result = history.history_import(actor=SYSTEM, records=records)
    assert (result.created, result.skipped) == (2, 0)
    assert Entry.objects.count() == before + 1
    entry = Entry.objects.get(index=result.ledger_index)
    assert entry.act == "cityevents.history.imported"
    hot = Event.objects.get(number="H100")
    assert hot.status == Status.REGISTERED
    assert hot.source == Source.PORTAL
    assert hot.anonymous
    assert hot.reported_at == _at("2019/2/28 11:25:05")
    assert hot.closed_at is None
    assert hot.district_code == "990104"
    assert hot.suggested_category != ""
    assert hot.suggested_confidence is not None
    unit = spatial_unit_at(float(hot.longitude), float(hot.latitude))  # type: ignore[arg-type]
    assert unit is not None
    assert unit.district.code == "990104"
    assert unit.grid.code == hot.grid_code
    assert hot.board_message.support == 10
    answered = Event.objects.get(number="H101")
    assert answered.status == Status.CLOSED
    assert answered.district_code == "990121"
    assert answered.closed_at == _at("2019/3/15 10:00:00")
    assert answered.status_notes == "您好，经核实，自来水管网将于年内接通。"
    assert list(answered.steps.values_list("action", "ledger_index")) == [
        (Action.REPORT, result.ledger_index),
        (Action.CLOSE, result.ledger_index),
    ]
    message = BoardMessage.objects.get(message_id="101")
    assert message.author_hash == history.author_hash("A000102948")
    assert len(message.author_hash) == 64
    assert "A000102948" not in str(BoardMessage.objects.values_list())
    assert "A000102948" not in str(Event.objects.values_list())


@pytest.mark.django_db
def test_import_is_idempotent_by_message_number() -> None:
    records = [_record("200", "A1区路灯不亮"), _record("201", "A2区道路破损")]
    history.history_import(actor=SYSTEM, records=records, classify=False)
    entries = Entry.objects.count()
    again = history.history_import(actor=SYSTEM, records=[*records, _record("202", "A2区井盖缺失")], classify=False)
    assert (again.created, again.skipped) == (1, 2)
    assert BoardMessage.objects.count() == 3
    assert Event.objects.count() == 3
    assert EventStep.objects.count() == 3
    assert Entry.objects.count() == entries + 1
    nothing = history.history_import(actor=SYSTEM, records=records, classify=False)
    assert (nothing.created, nothing.skipped, nothing.ledger_index) == (0, 2, None)
    assert Entry.objects.count() == entries + 1


@pytest.mark.django_db
def test_without_spatial_units_the_district_is_kept() -> None:
    history.history_import(actor=SYSTEM, records=[_record("300", "A2区道路破损")], classify=False)
    event = Event.objects.get(number="H300")
    assert (event.district_code, event.longitude, event.grid_code) == ("990103", None, "")
    assert event.classification_error == "not classified"


@pytest.mark.django_db
def test_import_refuses_people_and_bad_numbers(loop: object) -> None:
    from zhizheng.cityevents.tests.conftest import Loop

    assert isinstance(loop, Loop)
    with pytest.raises(PermissionDenied):
        history.history_import(actor=loop.dispatcher.actor, records=[_record("400", "A1区")])
    with pytest.raises(EventInvalid):
        history.history_import(actor=SYSTEM, records=[_record("", "A1区")])
    with pytest.raises(EventInvalid):
        history.history_import(actor=SYSTEM, records=[_record("1" * 21, "A1区")])
    assert Event.objects.count() == 0
    assert BoardMessage.objects.count() == 0


@pytest.mark.django_db
def test_history_load_reads_a_small_subset_in_batches() -> None:
    result = history.history_load(actor=SYSTEM, limit=3, batch_size=4)
    assert (result.created, result.skipped) == (6, 0)
    assert Event.objects.filter(status=Status.CLOSED).count() == 3
    assert Entry.objects.filter(act="cityevents.history.imported").count() == 2
    assert history.history_load(actor=SYSTEM, limit=3).created == 0
