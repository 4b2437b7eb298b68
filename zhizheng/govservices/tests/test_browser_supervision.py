"""In headless Chromium: an auditor's supervision page draws its ECharts charts from the vendored library, and an
applicant rates a completed application through the HTMX form and sees the result in place."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import browser, new_page  # noqa: F401 - fixtures used by name
from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.models import Rating
from zhizheng.govservices.services import catalogue as services
from zhizheng.govservices.services import supervision
from zhizheng.govservices.tests import factories
from zhizheng.orgs import services as orgs_services
from zhizheng.orgs.models import Department, Membership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_catalogue() -> None:
    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.catalogue_load(actor=SYSTEM)


def signed_in(page: Any, user: User, base_url: str) -> Any:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return page


def test_the_auditor_sees_the_charts_drawn_without_outside_requests(
    loaded_catalogue: None,
    new_page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    factories.application(item="SFS-0005", status="accepted", submitted_on=dt.date(2026, 9, 29))
    factories.application(
        item="SFS-0018", status="approved", submitted_on=dt.date(2026, 9, 29), decided_on=dt.date(2026, 9, 30)
    )
    supervision.supervision_warnings_raise(today=dt.date(2026, 10, 13))
    auditor = accounts_factories.staff()
    Membership.objects.create(user=auditor, department=Department.objects.get(code="GAJ"), role="auditor")
    page = new_page()
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    signed_in(page, auditor, live_server.url)

    page.goto("/services/supervision/")

    charts = page.locator("[data-zz-chart][data-zz-ready=true]")
    charts.nth(2).wait_for()
    assert charts.count() == 3
    assert "示范市市场监督管理局" in charts.nth(0).inner_html()
    assert "2026-09" in charts.nth(1).inner_html()
    assert "2026-09" in charts.nth(2).inner_html()
    assert page.get_by_role("heading", name="在办预警办件").is_visible()
    assert outside == []
    page.screenshot(path="/tmp/govservices-supervision.png", full_page=True)


def test_the_applicant_rates_through_the_htmx_form(
    loaded_catalogue: None,
    new_page: Any,  # noqa: F811
    live_server: Any,
) -> None:
    done = factories.application(
        item="SFS-0005", status="approved", submitted_on=dt.date(2026, 9, 29), decided_on=dt.date(2026, 10, 9)
    )
    page = signed_in(new_page(), done.applicant, live_server.url)
    page.goto(f"/services/applications/{done.receipt_number}/")

    page.get_by_label("1 · 非常不满意").check()
    page.get_by_role("button", name="提交评价").click()
    page.locator("#rating-panel .invalid-feedback").wait_for()
    assert page.locator("#rating-panel .invalid-feedback").inner_text() == (
        "评分为 1 或 2（差评）时，请至少选择一项不满意的原因。"
    )
    page.get_by_label("1 · 非常不满意").check()
    page.get_by_label("多次跑动").check()
    page.get_by_label("评价内容（选填）").fill("材料不齐跑了两次")
    page.get_by_role("button", name="提交评价").click()
    page.locator("[data-rating-score='1']").wait_for()
    assert "须在" in page.locator("#rectification-reply").inner_text()
    assert Rating.objects.get().reasons == ["N06"]
