"""In headless Chromium, the workbench queue: a caseworker switches tabs and filters, each change swaps only the
list (the filter form keeps its state) and pushes a shareable address that renders the same list when loaded."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import browser, new_page  # noqa: F401 - fixtures used by name
from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.form_schemas import form_definition
from zhizheng.govservices.models import Application, ServiceItem
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services import catalogue as services
from zhizheng.govservices.tests.helpers import staff, valid_form
from zhizheng.orgs import services as orgs_services
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_tabs_and_filters_swap_the_list_and_push_the_address(new_page: Any, live_server: Any) -> None:  # noqa: F811
    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.catalogue_load(actor=SYSTEM)
    certificate_services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    me = actor_for_user(accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name))
    item = ServiceItem.objects.get(code="SFS-0018")
    police = staff("GAJ", "caseworker")
    made: list[Application] = [
        apply.application_submit(actor=me, item=item, form_data=valid_form(form_definition(item), resident))
        for _ in range(3)
    ]
    apply.application_request_supplement(actor=police, application=made[2], materials="请补充身份证复印件。")

    client = Client()
    client.force_login(User.objects.get(pk=police.user_id))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page = new_page()
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto("/services/queue/")
    marker = page.evaluate("() => { window.zzMarker = 1; return window.zzMarker; }")  # survives only without reloads
    assert marker == 1
    waiting_tab = page.locator("[data-tab='waiting']")
    assert waiting_tab.locator("[data-count]").inner_text() == "1"
    assert page.locator("[data-tab='mine'] [data-count]").inner_text() == "2"

    waiting_tab.click()
    page.wait_for_url("**/services/queue/?tab=waiting")
    page.locator("[data-tab='waiting'].active").wait_for()
    assert made[2].receipt_number in page.locator("#queue-list").inner_text()
    assert made[0].receipt_number not in page.locator("#queue-list").inner_text()

    page.locator("#q-status").select_option("submitted")
    page.wait_for_url("**/services/queue/?*status=submitted*")
    page.locator("[data-tab='waiting'] [data-count]:text-is('0')").wait_for()
    assert page.locator("[data-tab='all'] [data-count]").inner_text() == "2"
    assert "tab=waiting" in page.url  # the tab stays chosen when a filter changes
    assert page.evaluate("() => window.zzMarker") == 1  # no full reload happened

    shared = page.url
    page.goto(shared)
    assert page.locator("#q-status").input_value() == "submitted"
    assert page.locator("[data-tab='waiting'].active [data-count]").inner_text() == "0"
    assert page.locator("[data-tab='all'] [data-count]").inner_text() == "2"
