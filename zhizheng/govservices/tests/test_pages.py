"""Portal pages of the catalogue with the real data: guides, browsing, search and type-ahead, in Chinese and English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from zhizheng.accounts.models import User


def page(response: object) -> str:
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return response.content.decode()  # type: ignore[attr-defined]


def test_guide_shows_everything_a_person_needs_in_chinese(
    catalogue: object, client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        html = page(client.get("/services/items/SFS-0001/"))

    assert '<h1 class="h3 mb-1">有限责任公司设立登记</h1>' in html
    for text in (
        "办事指南",
        "示范市市场监督管理局",
        "承诺办结时限",
        "1 个工作日",
        "法定办结时限",
        "3 个工作日",
        "0 次（全程网办）",
        "不收费",
        "申请材料",
        "公司章程",
        "自然人股东居民身份证",
        "受理条件",
        "办理流程",
        "核准登记",
        "营业执照",
        "设定依据",
        "《中华人民共和国公司法》第二十九条、第三十三条",
        "示范市政务服务中心（东城区府前街1号 市民中心）",
        "开办企业一件事",
    ):
        assert text in html, text


def test_guide_in_english(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/items/SFS-0005/", HTTP_ACCEPT_LANGUAGE="en"))

    assert '<html lang="en"' in html
    for text in ("Service guide", "Promised time limit", "Statutory time limit", "Materials", "Legal basis", "Fee"):
        assert text in html, text
    assert "5 working days" in html
    assert "10 working days" in html
    assert "Level 4: fully online" in html


def test_no_material_is_marked_as_held_for_a_signed_in_citizen(catalogue: object, client: Client) -> None:
    client.force_login(User.objects.create_user(username="guide-citizen", password="x", kind="citizen"))

    html = page(client.get("/services/items/SFS-0001/"))

    assert "平台已掌握" not in html
    assert "无需提交" not in html


def test_unknown_guide_is_404(catalogue: object, client: Client) -> None:
    assert client.get("/services/items/SFS-9999/").status_code == 404


def test_services_for_individuals_and_for_businesses(
    catalogue: object, client: Client, django_assert_max_num_queries: object
) -> None:
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        individuals = page(client.get("/services/"))
    businesses = page(client.get("/services/business/"))

    assert "个人办事" in individuals
    assert "出生一件事" in individuals
    assert "社会保障" in individuals
    assert "开办企业一件事" not in individuals
    assert "企业办事" in businesses
    assert "开办企业一件事" in businesses
    assert "设立变更" in businesses
    assert "出生一件事" not in businesses
    english = page(client.get("/services/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Services for individuals" in english
    assert "By theme" in english


def test_a_theme_lists_its_items(catalogue: object, client: Client, django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        html = page(client.get("/services/themes/individual/公积金/"))

    assert "住房公积金提取（租赁住房）" in html
    assert "有限责任公司设立登记" not in html
    assert client.get("/services/themes/individual/火星/").status_code == 404
    assert client.get("/services/themes/martians/公积金/").status_code == 404


def test_departments_and_a_department(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/departments/"))
    assert "示范市住房公积金管理中心" in html
    department = page(client.get("/services/departments/GJJZX/"))
    assert "8 项服务" in department
    assert "住房公积金单位缴存登记" in department
    assert client.get("/services/departments/NOPE/").status_code == 404


def test_a_life_event_shows_its_stages(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/life-events/LE-01/"))

    assert "出生一件事" in html
    assert "第 1 阶段" in html
    assert "第 3 阶段" in html
    assert "同时办理" in html
    assert "出生医学证明首次签发" in html
    assert "出生登记（新生儿入户）" in html
    assert "一件事一次办" in page(client.get("/services/life-events/"))
    assert client.get("/services/life-events/LE-99/").status_code == 404


def test_search_page_shows_cards_linking_to_guides(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/search/", {"q": "开饭店"}))

    assert 'href="/services/items/SFS-0005/?q=%E5%BC%80%E9%A5%AD%E5%BA%97"' in html
    assert '<div class="small text-secondary">示范市市场监督管理局 · SFS-0005</div>' in html
    assert 'href="/services/life-events/LE-03/?q=' in html
    assert "一件事：一次申请" in html
    assert re.search(r"“开饭店”的搜索结果：\d+ 条", html)


def test_search_page_also_finds_the_portal_pages(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/search/", {"q": "开发者"}))

    services = len(re.findall(r'href="/services/(?:items|life-events)/', html))
    assert f"“开发者”的搜索结果：{services + 1} 条" in html
    assert "门户栏目</h3>" in html
    assert '<a class="fw-semibold" href="/api/v1/docs">开发者 API</a>' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [("  ", "请输入要查找的内容"), ("户" * 101, "100")],
)
def test_bad_search_is_a_400_with_the_reason_next_to_the_box(
    catalogue: object, client: Client, query: str, message: str
) -> None:
    response = client.get("/services/search/", {"q": query})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html
    assert message in html
    assert 'aria-invalid="true"' in html


def test_search_page_without_a_query_shows_the_box(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/search/"))
    assert 'role="combobox"' in html
    assert 'aria-controls="zz-suggest-list"' in html
    assert "结果" not in html


def test_suggestions_are_listbox_options_linking_to_guides(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/search/suggest/", {"q": "gjj"}))

    options = re.findall(r'<li role="option" id="zz-suggest-(\d)" aria-selected="false" data-href="([^"]+)"', html)
    assert [index for index, _href in options] == [str(i) for i in range(8)]
    assert all(href.startswith("/services/items/SFS-") and href.endswith("?q=gjj") for _index, href in options)
    assert page(client.get("/services/search/suggest/", {"q": ""})).strip() == ""
    assert page(client.get("/services/search/suggest/", {"q": "户" * 101})).strip() == ""


def test_portal_home_searches_services_and_links_to_them(catalogue: object, client: Client) -> None:
    html = page(client.get("/"))

    assert 'action="/services/search/"' in html
    assert 'href="/services/"' in html


def test_items_handled_on_the_spot_say_so_instead_of_zero_days(catalogue: object, client: Client) -> None:
    html = page(client.get("/services/items/SFS-0013/"))  # birth registration: 即办件, 0 days

    assert "当场办结" in html
    assert not re.search(r"(?<!\d)0 个工作日", html)
    assert not re.search(r"(?<!\d)0 个工作日", page(client.get("/services/life-events/LE-01/")))
