"""The pages: citizen report and tracking, hotline console, queue and case page with HTMX actions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhizheng.cityevents.choices import Source, Status
from zhizheng.cityevents.models import Event, EventPhoto, EventStep
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import ANONYMOUS

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def test_citizen_reports_with_a_photo_and_follows_the_case(client, loop):
    page = client.get("/events/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "vendor/leaflet/leaflet.js" in html
    assert 'id="zz-map"' in html
    assert "160101" in html
    response = client.post(
        "/events/report/",
        {
            "description": "人民路井盖缺失",
            "longitude": "116.41",
            "latitude": "39.91",
            "category_code": "160101",
            "public": "on",
            "photos": SimpleUploadedFile("p.png", PNG, "image/png"),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.source, event.reporter_id, event.is_public) == (Source.PORTAL, None, True)
    assert EventPhoto.objects.filter(event=event).count() == 1
    track = client.get(response["Location"])
    assert track.status_code == 200
    assert event.number in track.content.decode()
    assert client.get("/events/track/not-a-token/").status_code == 404


def test_report_form_errors_keep_the_input(client, loop):
    response = client.post(
        "/events/report/",
        {"description": "人民路井盖缺失", "photos": SimpleUploadedFile("p.gif", b"GIF89a....", "image/gif")},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "人民路井盖缺失" in html
    assert "is-invalid" in html
    assert Event.objects.count() == 0


def test_suggestion_partial(client, loop):
    html = client.get("/events/report/suggest/", {"description": "工地夜间施工噪音扰民"}).content.decode()
    assert "环境保护" in html


def test_console_saves_a_hotline_case_and_shows_history_and_similar(client, loop):
    client.force_login(loop.operator.user)
    assert client.get("/events/console/").status_code == 200
    response = client.post(
        "/events/console/",
        {
            "reporter_phone": "13811112222",
            "description": "人民路井盖缺失很危险",
            "address": "人民路",
            "urgency": "urgent",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.source, event.is_public, event.urgency) == (Source.HOTLINE, False, "urgent")
    assert event.number in client.get(response["Location"]).content.decode()
    history = client.get("/events/console/caller/", {"reporter_phone": "138 1111 2222"}).content.decode()
    assert event.number in history
    similar = client.get("/events/console/similar/", {"description": "人民路井盖缺失"}).content.decode()
    assert event.number in similar


@pytest.mark.parametrize(("who", "status"), [("citizen", 403), ("dispatcher", 403), ("operator", 200)])
def test_console_is_for_operators(client, loop, who, status):
    client.force_login(getattr(loop, who).user)
    assert client.get("/events/console/").status_code == status


def test_console_needs_sign_in(client, loop):
    assert client.get("/events/console/").status_code == 302


def test_queue_counts_and_case_actions_through_htmx(client, loop, django_assert_max_num_queries):
    event, _ = factories.report(ANONYMOUS)
    factories.report(ANONYMOUS, description="路灯坏了")
    client.force_login(loop.dispatcher.user)
    with django_assert_max_num_queries(12):
        page = client.get("/events/queue/", {"status": "collected"})
    html = page.content.decode()
    assert page.status_code == 200
    assert event.number in html
    page = client.get(f"/events/{event.pk}/")
    assert page.status_code == 200
    assert "hx-confirm=" in page.content.decode()
    hx = {"HTTP_HX_REQUEST": "true"}
    response = client.post(f"/events/{event.pk}/act/register/", {"note": ""}, **hx)
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).status == Status.REGISTERED
    response = client.post(f"/events/{event.pk}/act/dispatch/", {}, **hx)
    assert response["X-Zhizheng-Status"] == "422"
    assert "alert-danger" in response.content.decode()
    assert Event.objects.get(pk=event.pk).status == Status.REGISTERED
    client.post(f"/events/{event.pk}/act/classify/", {"category_code": "160101"}, **hx)
    response = client.post(f"/events/{event.pk}/act/dispatch/", {"assisting_codes": ["CGJ"]}, **hx)
    assert response["X-Zhizheng-Status"] == "200"
    assert Event.objects.get(pk=event.pk).responsible_department.code == "ZJJ"
    # The dispatcher cannot handle; the handler of ZJJ can; an illegal move answers 409.
    response = client.post(f"/events/{event.pk}/act/handle/", {"note": "done"})
    assert response.status_code == 403
    client.force_login(loop.handler.user)
    response = client.post(f"/events/{event.pk}/act/handle/", {"note": "已补装"})
    assert response.status_code == 200
    assert Event.objects.get(pk=event.pk).status == Status.HANDLED
    response = client.post(f"/events/{event.pk}/act/handle/", {"note": "again"})
    assert response.status_code == 409
    assert EventStep.objects.filter(event=event, action="handle").count() == 1


@pytest.mark.parametrize(
    ("who", "status"), [("citizen", 403), ("other_staff", 404), ("handler", 404), ("dispatcher", 200)]
)
def test_case_page_matrix(client, loop, who, status):
    event, _ = factories.report(ANONYMOUS)
    client.force_login(getattr(loop, who).user)
    assert client.get(f"/events/{event.pk}/").status_code == status
    response = client.post(f"/events/{event.pk}/act/register/", {})
    assert response.status_code == (200 if status == 200 else status)
    assert Event.objects.get(pk=event.pk).status == (Status.REGISTERED if status == 200 else Status.COLLECTED)


def test_admin_lists_render_without_personal_hashes(client, loop, admin_user):
    event, _ = factories.report(loop.operator.actor, source=Source.HOTLINE, reporter_phone="13811112222")
    client.force_login(admin_user)
    for model in ("event", "eventstep", "category", "classificationoverride", "open311client"):
        assert client.get(f"/admin/cityevents/{model}/").status_code == 200, model
    page = client.get(f"/admin/cityevents/event/{event.pk}/change/").content.decode()
    assert event.reporter_phone_hash not in page
    assert "138****2222" in page


def _closed_case(loop):
    from zhizheng.cityevents import services

    event, token = factories.report(ANONYMOUS)
    dispatcher = loop.dispatcher.actor
    event = services.event_register(event=event, actor=dispatcher)
    event = services.event_classify(event=event, actor=dispatcher, category_code="160101")
    event = services.event_dispatch(event=event, actor=dispatcher)
    event = services.event_handle(event=event, actor=loop.handler.actor, result="已补装")
    event = services.event_verify(event=event, actor=loop.inspector.actor, passed=True)
    return services.event_close(event=event, actor=dispatcher), token


def test_reporter_rates_the_result_by_token(client, loop):
    event, token = _closed_case(loop)
    page = client.get(f"/events/track/{token}/").content.decode()
    assert 'name="satisfaction"' in page
    response = client.post(f"/events/track/{token}/feedback/", {"satisfaction": "7"})
    assert response.status_code == 422
    assert Event.objects.get(pk=event.pk).status == Status.CLOSED
    response = client.post(f"/events/track/{token}/feedback/", {"satisfaction": "4", "comment": "满意"})
    assert response.status_code == 302
    rated = Event.objects.get(pk=event.pk)
    assert (rated.status, rated.satisfaction) == (Status.EVALUATED, 4)
    step = EventStep.objects.get(event=event, action="evaluate")
    assert (step.actor_ref, step.note) == ("anonymous", "满意")
    again = client.post(f"/events/track/{token}/feedback/", {"satisfaction": "5"})
    assert again.status_code == 409
    assert client.post("/events/track/wrong/feedback/", {"satisfaction": "5"}).status_code == 404


def test_reporter_reopens_within_the_window(client, loop):
    import datetime as dt

    from django.utils import timezone

    event, token = _closed_case(loop)
    assert client.post(f"/events/track/{token}/feedback/", {"reopen": "1", "reason": ""}).status_code == 422
    Event.objects.filter(pk=event.pk).update(closed_at=timezone.now() - dt.timedelta(days=16))
    late = client.post(f"/events/track/{token}/feedback/", {"reopen": "1", "reason": "井盖又丢了"})
    assert late.status_code == 422
    assert Event.objects.get(pk=event.pk).status == Status.CLOSED
    Event.objects.filter(pk=event.pk).update(closed_at=timezone.now())
    response = client.post(f"/events/track/{token}/feedback/", {"reopen": "1", "reason": "井盖又丢了"})
    assert response.status_code == 302
    reopened = Event.objects.get(pk=event.pk)
    assert (reopened.status, reopened.reopen_count, reopened.status_notes) == (Status.REGISTERED, 1, "井盖又丢了")


@pytest.mark.parametrize(
    ("who", "status"), [("citizen", 403), ("handler", 403), ("operator", 403), ("dispatcher", 200)]
)
def test_operations_view_matrix(client, loop, who, status):
    client.force_login(getattr(loop, who).user)
    assert client.get("/events/operations/").status_code == status


def test_operations_view_figures(client, loop, django_assert_max_num_queries):
    from zhizheng.cityevents import services
    from zhizheng.cityevents.operations import operations_overview

    parent, _ = factories.report(ANONYMOUS, description="人民路井盖缺失很危险")
    child, _ = factories.report(ANONYMOUS, description="人民路井盖缺失很危险", longitude="116.401", latitude="39.901")
    services.event_merge(event=child, actor=loop.dispatcher.actor, into=parent)
    _closed, _ = _closed_case(loop)
    with django_assert_max_num_queries(12):
        overview = operations_overview(actor=loop.dispatcher.actor)
    counts = {value: n for value, _label, n in overview.by_status}
    assert (counts["collected"], counts["merged"], counts["closed"]) == (1, 1, 1)
    assert (overview.open_count, overview.handled_count, overview.on_time_count, overview.on_time_rate) == (
        1,
        1,
        1,
        100.0,
    )
    assert dict(overview.by_category) == {parent.suggested_category: 1, "城市管理": 1}  # the merged report: once
    assert overview.by_district == [("东城区", 2)]
    assert sum(overview.trend["reported"]) == 3
    assert sum(overview.trend["closed"]) == 1  # the closed case; the merged report is no closure
    assert [c["count"] for c in overview.clusters] == [1]
    assert [(h["number"], h["size"]) for h in overview.hotspots] == [(parent.number, 2)]
    client.force_login(loop.dispatcher.user)
    page = client.get("/events/operations/").content.decode()
    assert "vendor/echarts/echarts.min.js" in page
    assert 'id="zz-ops-data"' in page
    assert parent.number in page
    partial = client.get("/events/operations/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    assert "zz-ops-data" in partial


@pytest.mark.parametrize("utc_hour", [1, 12, 19, 23])
def test_operations_trend_counts_days_in_beijing_time(loop, utc_hour):
    import datetime as dt

    from zhizheng.cityevents.operations import operations_overview

    event, _ = factories.report(ANONYMOUS)
    # 3 December at utc_hour UTC is 3 December (before 16:00 UTC) or 4 December (after) in Beijing.
    moment = dt.datetime(2026, 12, 3, utc_hour, 30, tzinfo=dt.UTC)
    Event.objects.filter(pk=event.pk).update(reported_at=moment)
    trend = operations_overview(actor=loop.dispatcher.actor, now=moment).trend
    beijing_day = "2026-12-04" if utc_hour >= 16 else "2026-12-03"
    assert (trend["days"][-1], trend["reported"][-1], sum(trend["reported"])) == (beijing_day, 1, 1)
