"""The city-events JSON API and the classify_messages command."""

from __future__ import annotations

import csv
import json

import pytest
from django.core.management import CommandError, call_command

from zhizheng.cityevents.models import Event
from zhizheng.cityevents.tests import factories

pytestmark = pytest.mark.django_db

CLASSIFY = "/api/v1/cityevents/classify"
EVENTS = "/api/v1/cityevents/events"


def _post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_classify_answers_in_order_with_departments(client, loop):
    client.force_login(loop.citizen.user)
    response = _post(client, CLASSIFY, {"texts": ["小区楼下工地晚上施工噪音扰民", "公司拖欠工资三个月不发"]})
    assert response.status_code == 200
    items = response.json()["items"]
    assert [(i["category"], i["department"]) for i in items] == [("环境保护", "STHJJ"), ("劳动和社会保障", "RSJ")]
    assert all(0 < i["confidence"] <= 1 for i in items)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"texts": []}, 422, "cityevents.invalid_input"),
        ({"texts": ["ok", "  "]}, 422, "cityevents.invalid_input"),
        ({"texts": ["x"] * 1001}, 422, "cityevents.invalid_input"),
        ({"text": "x"}, 422, "core.validation_failed"),
    ],
)
def test_classify_errors_are_problems(client, loop, body, status, code):
    client.force_login(loop.citizen.user)
    response = _post(client, CLASSIFY, body)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response["Content-Type"].startswith("application/problem+json")


def test_classify_needs_sign_in(client, db):
    response = _post(client, CLASSIFY, {"texts": ["x"]})
    assert (response.status_code, response.json()["code"]) == (401, "core.not_authenticated")


def test_report_through_the_api_and_read_it_back(client, loop, django_assert_max_num_queries):
    client.force_login(loop.citizen.user)
    response = _post(
        client,
        EVENTS,
        {"description": "人民路井盖缺失", "longitude": 116.4, "latitude": 39.9, "category_code": "160101"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    event = Event.objects.get(pk=body["id"])
    assert (body["number"], body["status"], event.source) == (event.number, "collected", "mobile")
    assert len(body["tracking_token"]) >= 20
    got = client.get(f"{EVENTS}/{event.pk}").json()
    assert (got["category_code"], got["latitude"], got["status"]) == ("160101", 39.9, "collected")
    with django_assert_max_num_queries(8):
        listed = client.get(EVENTS, {"limit": 100}).json()
    assert (listed["count"], [i["id"] for i in listed["items"]]) == (1, [event.pk])


def test_api_report_errors(client, loop):
    client.force_login(loop.citizen.user)
    response = _post(client, EVENTS, {"description": "", "latitude": 39.9})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"description", "longitude", "location"}
    response = _post(client, EVENTS, {"description": "x", "address": "a", "source": "open311"})
    assert (response.status_code, set(response.json()["errors"])) == (422, {"source"})
    response = _post(client, EVENTS, {"description": "x", "address": "a", "source": "hotline"})
    assert (response.status_code, response.json()["code"]) == (403, "core.permission_denied")
    assert Event.objects.count() == 0


def test_api_field_errors_are_translated(client, loop):
    client.force_login(loop.citizen.user)
    body = _post(client, EVENTS, {"description": "x", "address": "a", "source": "open311"}).json()
    assert body["errors"]["source"] == ["来源必须是 mobile、portal、sensor、patrol 或 hotline。"]
    assert body["errors_en"]["source"] == ["The source must be mobile, portal, sensor, patrol or hotline."]
    body = client.get(EVENTS, {"status": "lost"}).json()
    assert body["code"] == "cityevents.invalid_list_parameter"
    assert body["errors"]["status"][0].startswith("状态必须是以下之一：collected, ")
    assert body["errors_en"]["status"][0].startswith("The status must be one of: collected, ")


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"limit": 0}, ["limit"]),
        ({"limit": 101}, ["limit"]),
        ({"offset": -1}, ["offset"]),
        ({"limit": -5, "offset": -1, "status": "lost"}, ["limit", "offset", "status"]),
    ],
)
def test_bad_list_parameters_are_a_422_naming_every_field(client, loop, params, fields):
    factories.report(loop.citizen.actor)
    client.force_login(loop.citizen.user)
    response = client.get(EVENTS, params)
    assert response.status_code == 422
    body = response.json()
    assert (body["code"], sorted(body["errors"])) == ("cityevents.invalid_list_parameter", fields)
    assert response["Content-Type"].startswith("application/problem+json")


def test_list_pages_with_limit_and_offset(client, loop):
    first, _ = factories.report(loop.citizen.actor)
    second, _ = factories.report(loop.citizen.actor)
    client.force_login(loop.citizen.user)
    everything = [i["id"] for i in client.get(EVENTS, {"limit": 100}).json()["items"]]
    assert sorted(everything) == sorted([first.pk, second.pk])
    page = client.get(EVENTS, {"limit": 1, "offset": 1}).json()
    assert (page["count"], [i["id"] for i in page["items"]]) == (2, everything[1:])
    assert client.get(EVENTS, {"offset": 5}).json() == {"count": 2, "items": []}


def test_other_peoples_events_are_404(client, loop):
    event, _ = factories.report(loop.citizen.actor)
    client.force_login(loop.other_staff.user)
    response = client.get(f"{EVENTS}/{event.pk}")
    assert (response.status_code, response.json()["code"]) == (404, "core.not_found")
    assert client.get(EVENTS).json() == {"count": 0, "items": []}
    client.force_login(loop.dispatcher.user)
    assert client.get(f"{EVENTS}/{event.pk}").status_code == 200


def test_classify_messages_command(tmp_path, db):
    source = tmp_path / "in.csv"
    source.write_text(
        "id,subject,detail\n7,工地夜间施工噪音扰民,每天晚上十二点还在施工\n8,拖欠工资,\n", encoding="utf-8"
    )
    target = tmp_path / "out.csv"
    call_command("classify_messages", str(source), str(target))
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [(r["id"], r["category"], r["department"]) for r in rows] == [
        ("7", "环境保护", "STHJJ"),
        ("8", "劳动和社会保障", "RSJ"),
    ]
    assert all(0 < float(r["confidence"]) <= 1 for r in rows)


def test_classify_messages_command_errors(tmp_path, db):
    with pytest.raises(CommandError, match="no such file"):
        call_command("classify_messages", str(tmp_path / "none.csv"), str(tmp_path / "o.csv"))
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("classify_messages", str(bad), str(tmp_path / "o.csv"))
    blank = tmp_path / "blank.csv"
    blank.write_text("subject,detail\n,\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"line\(s\) \[2\]"):
        call_command("classify_messages", str(blank), str(tmp_path / "o.csv"))


def test_sensor_events_need_a_token_with_the_report_scope(client, loop):
    from zhizheng.accounts.tests.factories import api_token

    client.force_login(loop.citizen.user)
    body = {"description": "3号井盖位移传感器报警", "longitude": 116.4, "latitude": 39.9, "source": "sensor"}
    response = _post(client, EVENTS, body)
    assert (response.status_code, response.json()["code"]) == (403, "core.permission_denied")
    client.logout()
    _token, plain = api_token(owner=loop.other_staff.user, scopes=("cityevents.report",))
    response = client.post(
        EVENTS, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {plain}"
    )
    assert response.status_code == 201, response.content
    assert Event.objects.get().source == "sensor"
