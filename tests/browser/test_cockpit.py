"""The cockpit draws a real ECharts chart from the registries, with the vendored library and no outside request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.registries.models import Resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def leader() -> User:
    city = Division.objects.create(code="990100", name="示范市", level="city")
    for code, name in (("990102", "东城区"), ("990103", "西城区"), ("990104", "南湖区")):
        Division.objects.create(code=code, name=name, level="district", parent=city)
    department = Department.objects.create(
        code="BGS", name="示范市人民政府办公室", short_name="市政府办", kind="office", division=city
    )
    user = User.objects.create_user(username="b-leader", password="Zz-browser-2026", kind="staff", real_name="孙八")
    Membership.objects.create(user=user, department=department, role="leader")
    for n, code in enumerate(["990102"] * 5 + ["990103"] * 3 + ["990104"] * 4, start=1):
        Resident.objects.create(
            id_number=f"{code}19800101{n:03d}X"[:18],
            name=f"居民{n}",
            sex="female",
            birth_on=dt.date(1980, 1, 1),
            household_address="示范市某路",
            district_code=code,
        )
    return user


def signed_in(page: Any, user: User, base_url: str) -> Any:
    """Give the browser the session of ``user`` (log-in itself is covered by test_login)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    return page


def test_cockpit_draws_residents_per_district(page: Any, leader: User, live_server: Any) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda request: outside.append(request.url) if not request.url.startswith(live_server.url) else None,
    )
    signed_in(page, leader, live_server.url)

    page.goto("/cockpit/")

    chart = page.locator("[data-zz-chart]")
    chart.and_(page.locator("[data-zz-ready=true]")).wait_for()
    assert chart.locator("svg").count() == 1
    svg_text = chart.inner_html()
    for district in ("东城区", "西城区", "南湖区"):
        assert district in svg_text
    assert page.get_by_role("heading", name="各区县人口与法人数量").is_visible()
    page.locator("summary").click()
    rows = page.locator("details tbody tr")
    assert rows.nth(0).inner_text().split() == ["东城区", "5", "0"]
    assert outside == []
    page.screenshot(path="/tmp/cockpit.png", full_page=True)
