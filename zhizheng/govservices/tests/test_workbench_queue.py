"""The workbench queue: tabs by role and department with counts, filters, paging, HTMX swaps of the list only with
a shareable URL, a query count independent of the rows, who may see it (nothing crosses departments), and the case
page's applicant data beside the materials (pre-filled values marked, uploads opened only by those who may)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ServiceItem
from zhizheng.govservices.selectors import queue
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import supervision as supervision_services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
FAR = dt.date(2026, 12, 31)  # past the promised deadlines of applications submitted in December


@dataclass
class Desk:
    citizen: User
    police: Actor  # 公安局 caseworker
    market: Actor  # 市场监管局 caseworker
    submitted: Application  # SFS-0018, 公安局, waiting for acceptance
    accepted: Application  # SFS-0018, accepted: 查询核实 active
    returned: Application  # SFS-0018, supplement requested
    food: Application  # SFS-0005, 市场监管局


@pytest.fixture
def desk(catalogue: Any) -> Desk:
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    company = registry_factories.legal_person(representative=resident)
    citizen = accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name, phone="13800138000")
    me = actor_for_user(citizen)
    police, market = staff("GAJ", "caseworker"), staff("SCJGJ", "caseworker")

    def submit(code: str, organisation: Any = None) -> Application:
        item = ServiceItem.objects.get(code=code)
        form = valid_form(form_definition(item), resident, organisation)
        return apply.application_submit(actor=me, item=item, form_data=form)

    submitted, accepted, returned = submit("SFS-0018"), submit("SFS-0018"), submit("SFS-0018")
    apply.application_accept(actor=police, application=accepted)
    apply.application_request_supplement(actor=police, application=returned, materials="请补充身份证复印件。")
    food = submit("SFS-0005", company)
    return Desk(citizen, police, market, submitted, accepted, returned, food)


def page(actor: Actor, **params: str) -> queue.QueuePage:
    return queue.application_workbench(actor=actor, filters=queue.queue_filters_parse(params))


def receipts(result: queue.QueuePage) -> list[str]:
    return [a.receipt_number for a in result.rows]


def test_tabs_and_counts_by_role_and_department(desk: Desk) -> None:
    result = page(desk.police)
    assert result.counts == {"mine": 2, "department": 3, "warned": 0, "waiting": 1, "all": 3}
    assert receipts(result) == [desk.submitted.receipt_number, desk.accepted.receipt_number]
    assert receipts(page(desk.police, tab="waiting")) == [desk.returned.receipt_number]
    # A window officer accepts but does not review: only the acceptance is theirs.
    window = staff("GAJ", "window_officer")
    assert page(window).counts == {"mine": 1, "department": 3, "warned": 0, "waiting": 1, "all": 3}
    assert receipts(page(window)) == [desk.submitted.receipt_number]
    # Another department sees only its own.
    assert page(desk.market).counts == {"mine": 1, "department": 1, "warned": 0, "waiting": 0, "all": 1}
    assert receipts(page(desk.market, tab="all")) == [desk.food.receipt_number]


def test_warned_and_overdue(desk: Desk) -> None:
    late = queue.application_workbench(
        actor=desk.police, filters=queue.queue_filters_parse({"tab": "warned"}), today=FAR
    )
    assert receipts(late) == [desk.submitted.receipt_number, desk.accepted.receipt_number]  # the paused one is not
    supervision_services.supervision_warnings_raise(today=FAR)
    warned = page(desk.police, tab="warned")
    assert warned.counts["warned"] == 2
    assert len(warned.rows) == 2
    assert {a.warning_level for a in warned.rows} <= {"red", "statutory"}
    assert page(desk.police, tab="all", warning="yellow").counts == {
        "mine": 2,
        "department": 2,
        "warned": 2,
        "waiting": 0,
        "all": 2,
    }


def test_filters_apply_to_rows_and_counts(desk: Desk) -> None:
    assert receipts(page(desk.police, tab="all", status="accepted")) == [desk.accepted.receipt_number]
    assert page(desk.police, tab="all", status="accepted").counts["all"] == 1
    assert page(desk.police, tab="all", item="SFS-0005").counts["all"] == 0  # another department's item
    today = desk.submitted.submitted_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    assert page(desk.police, tab="all", submitted_from=str(today), submitted_to=str(today)).counts["all"] == 3
    assert page(desk.police, tab="all", submitted_from=str(today + dt.timedelta(days=1))).counts["all"] == 0
    bad = queue.queue_filters_parse({"tab": "nope", "submitted_from": "2026-13-01", "warning": "blue"})
    assert (bad.tab, bad.submitted_from, bad.warning) == ("mine", None, "")
    assert sorted(bad.errors) == ["submitted_from", "tab", "warning"]
    reversed_dates = queue.queue_filters_parse({"submitted_from": "2026-12-04", "submitted_to": "2026-12-01"})
    assert reversed_dates.submitted_to is None
    assert "submitted_to" in reversed_dates.errors


def test_paging(desk: Desk) -> None:
    first = queue.application_workbench(
        actor=desk.police, filters=queue.queue_filters_parse({"tab": "all"}), page_size=2
    )
    second = queue.application_workbench(
        actor=desk.police, filters=queue.queue_filters_parse({"tab": "all", "page": "2"}), page_size=2
    )
    assert (first.pages, first.page, len(first.rows), second.page, len(second.rows)) == (2, 1, 2, 2, 1)
    assert set(receipts(first)).isdisjoint(receipts(second))
    beyond = queue.application_workbench(
        actor=desk.police, filters=queue.queue_filters_parse({"tab": "all", "page": "9"}), page_size=2
    )
    assert beyond.page == 2


def client_for(actor_or_user: Actor | User, language: str = "zh-hans") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    user = actor_or_user if isinstance(actor_or_user, User) else User.objects.get(pk=actor_or_user.user_id)
    client.force_login(user)
    return client


def test_htmx_swaps_only_the_list_and_a_full_load_renders_the_same(desk: Desk) -> None:
    client = client_for(desk.police)
    url = "/services/queue/?tab=waiting&status=supplement_requested"
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "queue-list"}).content.decode()
    full = client.get(url).content.decode()
    assert "<html" not in partial
    assert desk.returned.receipt_number in partial
    assert desk.submitted.receipt_number not in partial
    assert partial.strip() in full
    assert 'hx-push-url="true"' in full
    assert 'hx-target="#queue-list"' in full
    counts = dict(re.findall(r'data-tab="(\w+)">[^<]*<span class="badge text-bg-light" data-count>(\d+)<', partial))
    assert counts == {"mine": "0", "department": "1", "warned": "0", "waiting": "1", "all": "1"}
    english = client_for(desk.police, "en").get("/services/queue/?submitted_from=bad").content.decode()
    assert "Enter a date as YYYY-MM-DD." in english
    assert "To act on by me" in english


def test_the_queue_takes_the_same_queries_for_3_or_23_rows(desk: Desk) -> None:
    client = client_for(desk.police)
    client.get("/services/queue/?tab=all")  # warm the session and the caches

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/services/queue/?tab=all")
        assert response.status_code == 200
        return len(captured)

    few = queries()
    item = ServiceItem.objects.get(code="SFS-0018")
    resident = registry_factories.resident(name="李雷")
    me = actor_for_user(accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name))
    for _ in range(20):
        apply.application_submit(actor=me, item=item, form_data=valid_form(form_definition(item), resident))
    assert queries() == few
    assert few <= 12


def test_who_may_open_the_queue(desk: Desk) -> None:
    assert Client().get("/services/queue/").status_code == 302
    denied = client_for(desk.citizen).get("/services/queue/")
    assert denied.status_code == 403
    assert desk.submitted.receipt_number not in denied.content.decode()
    with pytest.raises(PermissionDenied):
        page(actor_for_user(desk.citizen))
    market = client_for(desk.market)
    for tab in queue.TABS:
        html = market.get(f"/services/queue/?tab={tab}").content.decode()
        assert desk.submitted.receipt_number not in html
        assert desk.accepted.receipt_number not in html
    assert market.get(f"/services/queue/{desk.accepted.receipt_number}/").status_code == 404


def closed(response: Any) -> None:
    """Close a streamed response (its file) without its request_finished signal closing the test's database
    connection, as the test client itself does."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_the_case_page_shows_the_data_beside_the_materials(desk: Desk) -> None:
    token = "T" * 32
    default_storage.save(f"applications/{token}.pdf", ContentFile(PDF))
    form = dict(desk.accepted.form_data)
    form["materials"] = {**form["materials"], "m1": f"upload:{token}"}
    form["person"] = {**form["person"], "mobile": "13900000000"}  # the applicant changed the pre-filled mobile
    Application.objects.filter(pk=desk.accepted.pk).update(form_data=form)
    url = f"/services/queue/{desk.accepted.receipt_number}/"
    html = client_for(desk.police).get(url).content.decode()
    data = html[html.index('data-section="data"') : html.index('data-section="materials"')]
    materials = html[html.index('data-section="materials"') :]
    assert f'data-field="person.name">{desk.citizen.real_name}' in data
    assert re.search(r'data-field="person.id_number">[^<]*<span class="badge[^"]*" data-source="account">', data)
    assert re.search(r'data-field="person.mobile">13900000000\s*<span[^>]*data-source="changed">', data)
    assert "13800138000" in data  # what the account holds, beside it
    assert f"{url}materials/m1/" in materials

    opened = client_for(desk.police).get(f"{url}materials/m1/")
    assert (opened.status_code, opened["Content-Type"]) == (200, "application/pdf")
    assert b"".join(opened.streaming_content) == PDF
    closed(opened)
    own = client_for(desk.citizen).get(f"{url}materials/m1/")
    assert own.status_code == 200  # the applicant's own
    closed(own)
    assert client_for(desk.market).get(f"{url}materials/m1/").status_code == 404
    assert client_for(accounts_factories.citizen()).get(f"{url}materials/m1/").status_code == 404
    assert client_for(desk.police).get(f"{url}materials/m2/").status_code == 404  # not an upload
    assert client_for(desk.police).get(f"{url}materials/..%2F..%2Fsecret/").status_code == 404
