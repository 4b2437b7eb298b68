"""The faces' home pages: who may open them, what they show, in Chinese and in English."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from zhizheng.accounts.models import User
from zhizheng.orgs.choices import Role
from zhizheng.registries.models import Resident

pytestmark = pytest.mark.django_db


def html(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


# --- portal -----------------------------------------------------------------------------------------------------


def test_portal_home_is_chinese_by_default_and_accessible(client: Client) -> None:
    response = client.get("/")

    assert response.status_code == 200
    page = html(response)
    assert '<html lang="zh-Hans"' in page
    assert '<a class="zz-skip-link" href="#main">跳到主要内容</a>' in page
    assert '<main id="main"' in page
    assert "政务服务，一网通办" in page
    assert 'role="search"' in page
    assert '<label for="id_q"' in page
    assert "个人服务" in page
    assert "企业服务" in page
    assert 'href="/api/v1/docs"' in page


def test_portal_home_in_english_with_accept_language(client: Client) -> None:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")

    page = html(response)
    assert '<html lang="en"' in page
    assert "Government services, in one place" in page
    assert "Skip to main content" in page


def test_language_switch_sets_english_and_returns_to_the_page(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/search/"})

    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert '<html lang="en"' in html(client.get("/"))

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-Hans"' in html(client.get("/"))


def test_no_asset_is_loaded_from_another_host(client: Client) -> None:
    page = html(client.get("/"))

    external = re.findall(r'(?:src|href)="(https?:)?//', page)
    assert external == []
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "/static/vendor/htmx/htmx.min.js" in page


def test_anonymous_user_menu_offers_log_in(client: Client) -> None:
    page = html(client.get("/"))

    assert 'href="/accounts/login/?next=/"' in page


def test_signed_in_user_menu_has_a_post_log_out_form(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    page = html(client.get("/"))

    assert f'<span class="visually-hidden">当前登录：</span> {citizen}' in page
    assert re.search(r'<form method="post" action="/accounts/logout/"', page)
    assert "退出登录" in page
    assert "注册账号" not in page  # sign-up is offered to visitors only
    assert 'href="/workbench/"' not in page


# --- search -----------------------------------------------------------------------------------------------------


def test_search_finds_sections_in_both_languages(client: Client) -> None:
    chinese = client.get("/search/", {"q": "开发者"})
    english = client.get("/search/", {"q": "developers"}, HTTP_ACCEPT_LANGUAGE="en")

    assert chinese.status_code == 200
    assert "开发者 API" in html(chinese)
    assert "1 result for “developers”" in html(english)


def test_search_with_no_match_says_so(client: Client) -> None:
    response = client.get("/search/", {"q": "火星签证"})

    assert response.status_code == 200
    assert "没有找到匹配的内容" in html(response)


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "请输入要搜索的词语"), ("字" * 101, "最多 100 个字符（您输入了 101 个）")],
    ids=["empty", "too-long"],
)
def test_bad_search_is_a_400_with_the_reason(client: Client, query: str, message: str) -> None:
    response = client.get("/search/", {"q": query})

    assert response.status_code == 400
    page = html(response)
    assert message in page
    assert 'aria-invalid="true"' in page


# --- workbench --------------------------------------------------------------------------------------------------


def test_workbench_shows_the_staff_members_departments_and_roles(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)

    response = client.get("/workbench/")

    assert response.status_code == 200
    page = html(response)
    assert "欢迎您，李四" in page
    with translation.override("zh-hans"):
        role = str(Role.CASEWORKER.label)
    assert f"<tr><td>示范市市场监督管理局</td><td><code>SCJGJ</code></td><td>{role}</td></tr>" in page
    assert page.count("<code>SCJGJ</code>") == 1  # the inactive section-chief membership is not shown


def test_workbench_in_english(client: Client, caseworker: User) -> None:
    client.force_login(caseworker)

    page = html(client.get("/workbench/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Welcome, 李四" in page
    assert "Caseworker" in page


def test_workbench_for_staff_without_roles_says_what_to_do(client: Client, staff_without_roles: User) -> None:
    client.force_login(staff_without_roles)

    page = html(client.get("/workbench/"))

    assert "您尚未在任何部门担任角色" in page


def test_workbench_is_forbidden_to_citizens(client: Client, citizen: User) -> None:
    client.force_login(citizen)

    response = client.get("/workbench/")

    assert response.status_code == 403
    page = html(response)
    assert "您无权打开此页面" in page
    assert "You are not allowed to open this page" in page


def test_workbench_sends_anonymous_visitors_to_log_in(client: Client) -> None:
    response = client.get("/workbench/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workbench/"


# --- cockpit ----------------------------------------------------------------------------------------------------


def test_cockpit_is_forbidden_to_caseworkers_and_citizens(client: Client, caseworker: User, citizen: User) -> None:
    for user in (caseworker, citizen):
        client.force_login(user)
        assert client.get("/cockpit/").status_code == 403


def test_cockpit_charts_residents_and_legal_persons_per_district(
    client: Client, leader: User, residents: list[Resident]
) -> None:
    client.force_login(leader)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cockpit/")

    assert response.status_code == 200
    page = html(response)
    data = json.loads(
        re.search(r'<script id="zz-chart-districts-data" type="application/json">(.*?)</script>', page)[1]
    )
    assert data["categories"] == ["东城区", "西城区"]
    assert data["series"] == [
        {"name": "居民", "values": [3, 1]},
        {"name": "法人", "values": [0, 1]},
    ]
    assert "/static/vendor/echarts/echarts.min.js" in page
    assert len(queries) <= 20


def test_cockpit_without_registry_records_says_so(client: Client, leader: User) -> None:
    client.force_login(leader)

    page = html(client.get("/cockpit/"))

    assert "登记簿中尚无记录" in page
    assert "zz-chart-districts-data" not in page


def test_superuser_may_open_the_cockpit(client: Client) -> None:
    admin = User.objects.create_superuser(username="web-admin", password="x-Admin-2026", kind="staff")
    client.force_login(admin)

    assert client.get("/cockpit/").status_code == 200


# --- home redirect and error pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "target"),
    [("citizen", "/"), ("caseworker", "/workbench/"), ("leader", "/cockpit/"), ("staff_without_roles", "/workbench/")],
)
def test_home_sends_each_person_to_their_face(
    client: Client, request: pytest.FixtureRequest, fixture: str, target: str
) -> None:
    client.force_login(request.getfixturevalue(fixture))

    response = client.get("/home/")

    assert response.status_code == 302
    assert response["Location"] == target


def test_not_found_page_is_bilingual_active_language_first(client: Client) -> None:
    page = html(client.get("/nowhere/", HTTP_ACCEPT_LANGUAGE="en"))

    assert page.index("We cannot find this page") < page.index("找不到此页面")
