"""In headless Chromium: type-ahead by keyboard on the portal, then a search and a guide (Chinese, phone size)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PHONE, browser, new_page  # noqa: F401 - fixtures used by name
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.services import catalogue as services
from zhizheng.orgs import services as orgs_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_catalogue() -> None:
    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.catalogue_load(actor=SYSTEM)


def test_a_citizen_finds_the_food_licence_by_keyboard_and_reads_its_guide(
    loaded_catalogue: None,
    new_page: Any,  # noqa: F811
) -> None:
    page = new_page(viewport=PHONE)
    page.goto("/services/")
    box = page.get_by_role("combobox", name="您要办什么事？")

    box.press_sequentially("饭店", delay=50)
    page.locator('#zz-suggest-list [role="option"]').first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    first = page.locator('#zz-suggest-list [role="option"]').first
    assert first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    box.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"

    box.fill("我想开个饭店要办什么证")
    box.press("Enter")
    page.wait_for_url("**/services/search/?q=*")
    assert page.get_by_role("status").inner_text().startswith("“我想开个饭店要办什么证”的搜索结果：")
    page.get_by_role("link", name="食品经营许可证核发（新办）").click()
    page.wait_for_url("**/services/items/SFS-0005/?q=*")

    assert page.locator("h1").inner_text() == "食品经营许可证核发（新办）"
    assert page.get_by_role("heading", name="申请材料").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="/tmp/govservices-guide-phone.png", full_page=True)
