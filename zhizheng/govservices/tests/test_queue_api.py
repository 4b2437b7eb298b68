"""The staff queue over the API (``GET /api/v1/services/queue``): the workbench's tabs, filters and counts, paging
by ``limit``/``offset``, each row's ``allowed_actions`` for the caller, bilingual 422s naming the bad parameters,
a query count that does not grow with the rows, and who may see what (nothing crosses departments)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.govservices.choices import ApplicationAction as A
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ServiceItem
from zhizheng.govservices.selectors import queue
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.tests import test_workbench_queue as workbench
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.govservices.tests.test_workbench_queue import Desk, client_for
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

URL = "/api/v1/services/queue"
desk = workbench.desk  # the workbench's fixture: the same desk of applications the page tests use
QUEUE_API_QUERIES = 8
"""Exact, whatever the number of rows: the session, its user, the two-factor check and the actor's memberships
(4), the counts of every tab (1), the page (1), its rows' process steps (1, for ``allowed_actions``) and warning
badges (1)."""


def get(client: Client, **params: Any) -> Any:
    return client.get(URL, params)


def receipts(body: dict[str, Any]) -> list[str]:
    return [row["receipt_number"] for row in body["items"]]


def test_tabs_counts_and_the_callers_acts(desk: Desk) -> None:
    police = client_for(desk.police)
    response = get(police)
    assert response.status_code == 200
    body = response.json()
    assert body["tabs"] == {"mine": 2, "department": 3, "warned": 0, "waiting": 1, "all": 3}
    assert body["count"] == 2
    assert receipts(body) == [desk.submitted.receipt_number, desk.accepted.receipt_number]
    acts = {row["receipt_number"]: row["allowed_actions"] for row in body["items"]}
    assert acts[desk.submitted.receipt_number] == [A.ACCEPTED, A.SUPPLEMENT_REQUESTED, A.TRANSFERRED, A.REJECTED]
    # 查询核实 is active and the caseworker holds the decision too: deciding concludes the own department's review.
    accepted_acts = [A.SUPPLEMENT_REQUESTED, A.REVIEWED, A.TRANSFERRED, A.APPROVED, A.REJECTED]
    assert acts[desk.accepted.receipt_number] == accepted_acts
    fresh = Application.objects.get(pk=desk.accepted.pk)
    assert acts[desk.accepted.receipt_number] == application_actions.staff_actions(
        desk.police, fresh
    )  # the case page's
    assert [row["warning_level"] for row in body["items"]] == ["", ""]
    waiting = get(police, tab="waiting").json()
    assert (waiting["count"], receipts(waiting)) == (1, [desk.returned.receipt_number])
    assert waiting["items"][0]["allowed_actions"] == []  # the applicant's turn
    window = get(client_for(staff("GAJ", "window_officer"))).json()  # accepts, does not review
    assert (window["tabs"]["mine"], receipts(window)) == (1, [desk.submitted.receipt_number])


def test_filters_apply_to_rows_and_counts_and_paging_by_offset(desk: Desk) -> None:
    police = client_for(desk.police)
    accepted = get(police, tab="all", status="accepted").json()
    assert (accepted["count"], receipts(accepted)) == (1, [desk.accepted.receipt_number])
    assert accepted["tabs"] == {"mine": 1, "department": 1, "warned": 0, "waiting": 0, "all": 1}
    assert get(police, tab="all", item="SFS-0005").json()["tabs"]["all"] == 0  # another department's item
    today = desk.submitted.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert get(police, tab="all", submitted_from=str(today), submitted_to=str(today)).json()["count"] == 3
    assert get(police, tab="all", submitted_from=str(today + dt.timedelta(days=1))).json()["count"] == 0
    assert get(police, tab="all", warning="red").json()["count"] == 0
    everything = receipts(get(police, tab="all").json())
    first, rest = get(police, tab="all", limit=2).json(), get(police, tab="all", limit=2, offset=2).json()
    assert (first["count"], rest["count"]) == (3, 3)
    assert receipts(first) + receipts(rest) == everything
    assert get(police, tab="all", offset=9).json()["items"] == []


def test_bad_parameters_answer_422_naming_each_in_both_languages(desk: Desk) -> None:
    police = client_for(desk.police)
    response = get(
        police, tab="nope", warning="blue", status="lost", submitted_from="2026-13-01", limit="abc", offset="-1"
    )
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "govservices.invalid_list_parameter"
    assert sorted(body["errors"]) == ["limit", "offset", "status", "submitted_from", "tab", "warning"]
    assert body["errors"]["tab"] == ["未知的标签页。"]
    assert body["errors_en"]["tab"] == ["Unknown tab."]
    assert body["errors"]["limit"] == ["请填写整数。"]
    assert body["errors_en"]["limit"] == ["Enter a whole number."]
    assert body["errors_en"]["offset"] == ["The offset cannot be negative."]
    backwards = get(police, submitted_from="2026-12-02", submitted_to="2026-12-01", limit=101).json()
    assert backwards["errors_en"] == {
        "submitted_to": ["The end date is before the start date."],
        "limit": ["Ask for between 1 and 100 items."],
    }


def test_who_may_see_the_queue(desk: Desk) -> None:
    assert Client().get(URL).status_code == 401
    denied = client_for(desk.citizen).get(URL)
    assert denied.status_code == 403
    assert denied.json()["status"] == 403
    assert desk.submitted.receipt_number not in denied.content.decode()
    market = client_for(desk.market)
    for tab in queue.TABS:
        body = get(market, tab=tab).json()
        assert desk.submitted.receipt_number not in receipts(body)
        assert desk.accepted.receipt_number not in receipts(body)
    assert get(market, tab="all").json()["tabs"] == {"mine": 1, "department": 1, "warned": 0, "waiting": 0, "all": 1}
    assert market.get(f"/api/v1/services/applications/{desk.accepted.receipt_number}").status_code == 404
    assert client_for(desk.citizen).get(f"/api/v1/services/applications/{desk.food.receipt_number}").status_code == 200


def test_the_queue_takes_the_same_queries_for_3_or_23_rows(desk: Desk) -> None:
    police = client_for(desk.police)
    get(police, tab="all")  # warm the session and the caches

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = get(police, tab="all")
        assert response.status_code == 200
        return len(captured), len(response.json()["items"])

    assert queries() == (QUEUE_API_QUERIES, 3)
    item = ServiceItem.objects.get(code="SFS-0018")
    resident = registry_factories.resident(name="李雷")
    me = actor_for_user(accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name))
    for _ in range(20):
        apply.application_submit(actor=me, item=item, form_data=valid_form(form_definition(item), resident))
    assert queries() == (QUEUE_API_QUERIES, 23)
