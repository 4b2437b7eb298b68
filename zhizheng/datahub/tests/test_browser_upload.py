"""In headless Chromium: a data officer uploads a CSV with a bad row, corrects the inferred schema, imports, reads
the problem report with its line numbers and accepts the rows that passed."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import browser, new_page  # noqa: F401 - fixtures used by name
from tests.browser.test_cockpit import signed_in
from zhizheng.datahub.models import DatastoreTable
from zhizheng.datahub.tests import factories
from zhizheng.datahub.tests.conftest import Hub

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = "名称,厕位数,启用日期\n人民广场公厕,12,2019-05-01\n滨江公园公厕,八,2021-03-15\n火车站东公厕,20,2015-09-30\n"


def test_an_officer_uploads_reviews_and_accepts_the_rows_that_passed(
    hub: Hub,
    new_page: Any,  # noqa: F811
    live_server: Any,
    tmp_path: Any,
) -> None:
    resource = factories.catalogue_entry()
    path = tmp_path / "公共厕所.csv"
    path.write_bytes(CSV.encode("gbk"))
    page = signed_in(new_page(), hub.civil_officer.user, live_server.url)
    page.goto(f"/workbench/data/resources/{resource.code}/table/")
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url("**/workbench/data/imports/*/")
    assert "编码 gb18030" in page.locator("main, body").first.inner_text()
    page.locator("#name-0").fill("name")
    page.locator("#name-1").fill("seats")
    assert page.locator("#type-1").input_value() == "C"  # “八” made the column text; the officer knows better
    page.locator("#type-1").select_option("I")
    page.locator("#name-2").fill("opened_on")
    page.get_by_role("button", name="按此结构导入").click()
    page.get_by_role("progressbar", name="导入进度").wait_for()
    assert page.get_by_role("progressbar", name="导入进度").get_attribute("aria-valuenow") == "100"
    report = page.locator("#import-progress").inner_text()
    assert "1 个问题" in report
    assert "“八”不是整数。" in report
    page.get_by_role("button", name="导入通过校验的 2 行").click()
    page.get_by_role("link", name="查看数据表").click()
    assert page.get_by_role("cell", name="火车站东公厕").is_visible()
    assert DatastoreTable.objects.get(resource=resource).row_count == 2
