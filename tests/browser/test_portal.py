"""The portal home in a real browser: Chinese by default, English through the switch, keyboard, phone size."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


def test_portal_home_in_chinese_then_english_through_the_switch(page: Any) -> None:
    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("h1").inner_text() == "政务服务，一网通办"
    assert page.get_by_role("search").is_visible()
    page.screenshot(path="/tmp/portal.png", full_page=True)

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Government services, in one place"
    assert page.get_by_role("button", name="English").is_disabled()
    page.screenshot(path="/tmp/portal-en.png", full_page=True)

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page: Any) -> None:
    page.goto("/")

    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "跳到主要内容"
    box = skip.bounding_box()
    assert box is not None
    assert box["y"] >= 0  # it comes into view when focused
    assert skip.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"  # and the focus is visible

    page.keyboard.press("Enter")

    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("/#main")


def test_search_by_keyboard_shows_results(page: Any) -> None:
    page.goto("/")

    page.get_by_label("您想找什么？").fill("开发者")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")

    assert page.get_by_role("status").inner_text() == "“开发者”的搜索结果：1 条"
    assert page.get_by_role("link", name="开发者 API").first.is_visible()


def test_portal_fits_a_phone_and_the_menu_opens(new_page: Any) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/")

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    toggler = page.get_by_role("button", name="显示或隐藏菜单")
    assert toggler.is_visible()
    login = page.locator("#zz-nav").get_by_role("link", name="登录")
    assert not login.is_visible()
    page.screenshot(path="/tmp/portal-phone.png", full_page=True)

    toggler.click()

    login.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
