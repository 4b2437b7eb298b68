"""Open311 GeoReport v2 at /open311/v2/: the georeport client for reads, our own tests for POST, tokens, errors."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.utils import timezone

from zhizheng.cityevents import services
from zhizheng.cityevents.choices import Source, Status
from zhizheng.cityevents.models import Event, Open311Client
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import ANONYMOUS, SYSTEM
from zhizheng.ledger.models import Entry

pytestmark = pytest.mark.django_db

ROOT = "/open311/v2"


@pytest.fixture
def key(loop) -> str:
    _client, plain = services.open311_client_create(actor=SYSTEM, name="街道随手拍")
    return plain


def _post(client, fmt="json", **fields):
    return client.post(f"{ROOT}/requests.{fmt}", data=fields)


def _xml(response) -> ElementTree.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)  # noqa: S314 - our own server's answer in a test


def test_post_creates_a_request_in_json_and_xml(client, loop, key):
    response = _post(
        client,
        api_key=key,
        service_code="160101",
        lat="39.9",
        long="116.4",
        description="人民路井盖没了",
        phone="13812345678",
        first_name="伟",
        last_name="张",
        **{"attribute[urgency]": "urgent"},
    )
    assert response.status_code == 201
    body = response.json()
    event = Event.objects.get()
    assert body == [
        {"service_request_id": event.number, "service_notice": body[0]["service_notice"], "account_id": None}
    ]
    assert (event.source, event.urgency, event.category.code, event.reporter_name) == (
        Source.OPEN311,
        "urgent",
        "160101",
        "张 伟",
    )
    assert event.reporter_phone_masked == "138****5678"
    entry = Entry.objects.get(act="cityevents.event.reported")
    assert entry.payload["open311_client"] == "街道随手拍"
    assert "13812345678" not in json.dumps(entry.payload)
    root = _xml(_post(client, "xml", api_key=key, service_code="160201", address_string="人民路口"))
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == Event.objects.order_by("-id")[0].number


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"service_code": "160101", "lat": "1", "long": "1"}, 403, "api_key is missing"),
        ({"api_key": "o311_wrong", "service_code": "160101", "lat": "1", "long": "1"}, 403, "Invalid api_key"),
        ({"api_key": "KEY", "lat": "1", "long": "1"}, 400, "service_code was not provided"),
        ({"api_key": "KEY", "service_code": "999999", "lat": "1", "long": "1"}, 404, "“999999” was not found"),
        ({"api_key": "KEY", "service_code": "16", "lat": "1", "long": "1"}, 404, "“16” was not found"),
        ({"api_key": "KEY", "service_code": "160101"}, 400, "A location is required"),
        ({"api_key": "KEY", "service_code": "160101", "lat": "1"}, 400, "A location is required"),
        ({"api_key": "KEY", "service_code": "160101", "lat": "x", "long": "1"}, 400, "latitude"),
        (
            {"api_key": "KEY", "service_code": "160101", "lat": "1", "long": "1", "attribute[color]": "red"},
            400,
            "“color” is not defined",
        ),
        (
            {"api_key": "KEY", "service_code": "160101", "lat": "1", "long": "1", "attribute[urgency]": "now"},
            400,
            "has no value “now”",
        ),
        (
            {"api_key": "KEY", "service_code": "160101", "lat": "1", "long": "1", "jurisdiction_id": "x.gov"},
            404,
            "jurisdiction_id “x.gov” was not found",
        ),
    ],
)
def test_post_errors_follow_the_specification(client, loop, key, fields, status, fragment):
    fields = {k: (key if v == "KEY" else v) for k, v in fields.items()}
    for fmt in ("json", "xml"):
        response = client.post(f"{ROOT}/requests.{fmt}", data=fields, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == status
        if fmt == "json":
            found = response.json()
            assert {e["code"] for e in found} == {status}
            assert any(fragment in e["description"] for e in found), found
        else:
            root = _xml(response)
            assert root.tag == "errors"
            assert root.find("error/code").text == str(status)
            assert any(fragment in e.text for e in root.findall("error/description"))
    assert Event.objects.count() == 0


def test_revoked_key_is_refused(client, loop, key):
    call_command("open311_key", "revoke", "街道随手拍")
    response = _post(client, api_key=key, service_code="160101", address_string="x")
    assert response.status_code == 403
    assert Event.objects.count() == 0


def test_open311_key_command_prints_a_working_key(client, loop, capsys):
    call_command("open311_key", "create", "随手拍App")
    plain = capsys.readouterr().out.strip()
    assert plain.startswith("o311_")
    assert Open311Client.objects.get(name="随手拍App").key_prefix == plain[:10]
    assert _post(client, api_key=plain, service_code="160101", address_string="人民路").status_code == 201
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="exists already"):
        call_command("open311_key", "create", "随手拍App")


def test_tokens_resolve_the_tracking_token(client, loop):
    event, token = factories.report(ANONYMOUS)
    response = client.get(f"{ROOT}/tokens/{token}.json")
    assert response.json() == [{"service_request_id": event.number, "token": token}]
    root = _xml(client.get(f"{ROOT}/tokens/{token}.xml"))
    assert root.find("request/service_request_id").text == event.number
    missing = client.get(f"{ROOT}/tokens/nope.json")
    assert missing.status_code == 404
    assert missing.json()[0]["code"] == 404


def test_request_reads_filters_and_privacy(client, loop):
    public, _ = factories.report(ANONYMOUS, category_code="160101")
    hidden, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, is_public=False)
    closed, _ = factories.report(ANONYMOUS, category_code="160201")
    services.event_reject(event=closed, actor=loop.dispatcher.actor, reason="重复")
    listed = client.get(f"{ROOT}/requests.json").json()
    assert [r["service_request_id"] for r in listed] == [closed.number, public.number]
    assert listed[0]["status"] == "closed"
    assert listed[0]["status_notes"] == "重复"
    assert listed[1]["status"] == "open"
    assert listed[1]["lat"] == 39.9
    assert listed[1]["long"] == 116.4
    assert [r["service_request_id"] for r in client.get(f"{ROOT}/requests.json", {"status": "open"}).json()] == [
        public.number
    ]
    assert [
        r["service_request_id"] for r in client.get(f"{ROOT}/requests.json", {"service_code": "160201,050101"}).json()
    ] == [closed.number]
    by_id = client.get(f"{ROOT}/requests.json", {"service_request_id": f"{public.number},{hidden.number}"})
    assert [r["service_request_id"] for r in by_id.json()] == [public.number]
    assert client.get(f"{ROOT}/requests/{hidden.number}.json").status_code == 404
    old = timezone.now() - dt.timedelta(days=200)
    Event.objects.filter(pk=public.pk).update(reported_at=old)
    assert [r["service_request_id"] for r in client.get(f"{ROOT}/requests.json").json()] == [closed.number]
    window = {
        "start_date": (old - dt.timedelta(days=1)).isoformat(),
        "end_date": (old + dt.timedelta(days=1)).isoformat(),
    }
    assert [r["service_request_id"] for r in client.get(f"{ROOT}/requests.json", window).json()] == [public.number]
    root = _xml(client.get(f"{ROOT}/requests/{closed.number}.xml"))
    assert root.find("request/status").text == "closed"
    assert root.find("request/service_code").text == "160201"


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "yesterday"}, "start_date must be a w3 date-time"),
        ({"end_date": "2026-01-01T00:00:00"}, "end_date must be a w3 date-time"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "more than 90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "before start_date"),
        ({"status": "pending"}, "status must be open or closed"),
    ],
)
def test_request_search_errors(client, loop, params, fragment):
    response = client.get(f"{ROOT}/requests.json", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert fragment in response.json()[0]["description"]


def test_services_discovery_and_unknown_paths(client, loop):
    services_ = client.get(f"{ROOT}/services.json").json()
    assert [s["service_code"] for s in services_] == ["050101", "160101", "160201"]
    assert services_[1] == {
        "service_code": "160101",
        "service_name": "井盖缺失",
        "description": "城市管理 › 市政设施 › 井盖缺失",
        "metadata": True,
        "type": "realtime",
        "keywords": "市政设施, 城市管理",
        "group": "城市管理",
    }
    definition = client.get(f"{ROOT}/services/160101.json").json()
    assert [a["code"] for a in definition["attributes"]] == ["urgency", "hazard"]
    assert [a["code"] for a in client.get(f"{ROOT}/services/050101.json").json()["attributes"]] == ["urgency"]
    root = _xml(client.get(f"{ROOT}/services/160101.xml"))
    assert [v.text for v in root.findall("attributes/attribute/values/value/key")] == [
        "normal",
        "urgent",
        "emergency",
        "yes",
        "no",
    ]
    assert client.get(f"{ROOT}/services/999.json").status_code == 404
    discovery = client.get(f"{ROOT}/discovery.json").json()
    assert discovery["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert discovery["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    bad = client.get(f"{ROOT}/services.csv")
    assert bad.status_code == 400
    assert _xml(bad).find("error/code").text == "400"
    assert client.delete(f"{ROOT}/requests.json").status_code == 405


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_reads_everything(live_server, loop, fmt):
    from georeport import GeoReport

    event, _ = factories.report(ANONYMOUS, category_code="160101")
    reader = GeoReport(f"{live_server.url}{ROOT}", output_format=fmt)
    listed = reader.get_service_list()
    codes = [s["service_code"] for s in listed]
    assert codes == ["050101", "160101", "160201"]
    definition = reader.get_service_definition("160101")
    assert definition["service_code"] == "160101"
    requests_ = reader.get_service_requests(status="open")
    one = requests_ if isinstance(requests_, dict) else requests_[0]  # xmltodict gives a dict for one item
    assert one["service_request_id"] == event.number
    assert reader.get_service_request(event.number)["status"] == "open"
    assert Event.objects.get(pk=event.pk).status == Status.COLLECTED
