"""``deadline_states`` for lists: the same answers as ``deadline_state`` per row, one calendar count per day."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.utils import timezone

from zhizheng.core.workdays import add_working_days
from zhizheng.datahub import services
from zhizheng.datahub.models import ShareRequest
from zhizheng.datahub.services import sharing
from zhizheng.datahub.tests.test_sharing import REQUEST, _conditional

BEIJING = dt.timezone(dt.timedelta(hours=8))


def _requests_made_on(hub, days: list[dt.date]) -> list[ShareRequest]:
    resource = _conditional(hub)
    made = []
    for day in days:
        spec = dataclasses.replace(REQUEST, resource_code=resource.code, fields=("sex",))
        request = services.request_create(actor=hub.civil_caseworker.actor, spec=spec).request
        ShareRequest.objects.filter(pk=request.pk).update(
            created_at=dt.datetime.combine(day, dt.time(10), tzinfo=BEIJING), due_on=add_working_days(day, 10)[0]
        )
        request.refresh_from_db()
        made.append(request)
    return made


def test_a_list_gets_each_rows_own_state(loaded):
    today = dt.date(2026, 3, 20)
    made_on = [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 9), dt.date(2026, 3, 16), today]
    rows = _requests_made_on(loaded, made_on)
    ShareRequest.objects.filter(pk=rows[2].pk).update(status="approved")
    rows[2].refresh_from_db()

    states = services.deadline_states(rows, today)

    assert states == [services.deadline_state(row, today) for row in rows]
    assert states == ["overdue", "warning", "", "ok", "ok"]
    assert services.deadline_states(rows, dt.date(2026, 3, 17)) == ["overdue", "ok", "", "ok", "ok"]


def test_a_list_counts_working_days_once_per_creation_day(loaded, monkeypatch):
    rows = _requests_made_on(loaded, [dt.date(2026, 3, 9)] * 6 + [dt.date(2026, 3, 11)] * 6)
    counted: list[tuple[dt.date, dt.date]] = []
    real = sharing.count_working_days

    def counting(start: dt.date, end: dt.date):  # the real count, tallied
        counted.append((start, end))
        return real(start, end)

    monkeypatch.setattr(sharing, "count_working_days", counting)

    states = services.deadline_states(rows, dt.date(2026, 3, 19))

    assert states == ["warning"] * 6 + ["ok"] * 6
    assert counted == [(dt.date(2026, 3, 9), dt.date(2026, 3, 19)), (dt.date(2026, 3, 11), dt.date(2026, 3, 19))]


def test_the_request_list_api_answers_each_rows_state(loaded, client, django_assert_max_num_queries):
    rows = _requests_made_on(loaded, [timezone.localdate()] * 3)
    client.force_login(loaded.civil_caseworker.user)

    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/datahub/requests?box=mine")

    assert response.status_code == 200
    assert {item["id"]: item["deadline_state"] for item in response.json()["items"]} == {row.pk: "ok" for row in rows}
