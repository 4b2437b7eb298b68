"""In headless Chromium at phone size: narrow the open catalogue by a facet (HTMX swaps the results and keeps the
address), open a dataset, read its preview and download its CSV."""

from __future__ import annotations

import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import PHONE, browser, new_page  # noqa: F401 - fixtures used by name

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_narrows_the_catalogue_previews_and_downloads(
    open_city: Any,
    live_server: Any,
    new_page: Any,  # noqa: F811
) -> None:
    # The live server's first request imports the URLconf and every app's views (seconds on a busy machine).
    urllib.request.urlopen(f"{live_server.url}/data/developers/", timeout=120).close()
    page = new_page(viewport=PHONE)
    page.goto("/data/", wait_until="domcontentloaded")
    page.wait_for_function("window.htmx !== undefined")
    page.evaluate("document.body.dataset.marker = 'first-load'")  # survives only if the page is not reloaded
    assert page.locator("#zz-open-results article").count() == 12
    page.locator("summary", has_text="标签").click()
    page.locator("#zz-open-results a", has_text="统计").first.click()
    page.wait_for_url("**/data/?tags=*")
    page.wait_for_function("document.querySelectorAll('#zz-open-results article').length === 2")
    assert page.evaluate("document.body.dataset.marker") == "first-load"  # HTMX swapped the results in place
    assert page.locator("html").count() == 1
    assert page.get_by_role("link", name="自然资源和空间地理基础信息（空间单元）").count() == 0
    page.get_by_role("link", name="宏观经济基础信息").click()
    page.wait_for_url("**/data/datasets/10401-000001/")
    assert page.locator("h1").inner_text() == "宏观经济基础信息"
    assert page.get_by_role("heading", name="预览：前几行").is_visible()
    assert page.get_by_role("table", name="预览：前几行").locator("tbody tr").count() == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "10401-000001.csv"
    with open(download.value.path(), encoding="utf-8-sig") as handle:
        assert handle.readline().strip() == "indicator,indicator_name,period,value,unit"
