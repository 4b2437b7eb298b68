"""In headless Chromium, the whole path of an application, in Chinese and in English: a business agent searches
"开饭店", opens the food business licence guide, applies with the pre-filled form and gets a receipt; a caseworker
of 市场监管局 accepts it and concludes its review steps (审查, 现场核查) from the workbench, confirming each act, and
is then offered nothing more (the decision, 决定, belongs to section chiefs and heads); the section chief approves;
the agent sees the decision with its ledger receipt and rates the service once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import browser, new_page  # noqa: F401 - fixtures used by name
from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services as certificate_services
from zhizheng.core.actor import SYSTEM
from zhizheng.govservices.models import Application, Rating
from zhizheng.govservices.services import catalogue as services
from zhizheng.orgs import services as orgs_services
from zhizheng.orgs.models import Department, Membership
from zhizheng.registries.tests import factories as registry_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class People:
    agent: User
    caseworker: User
    section_chief: User


@pytest.fixture
def people() -> People:
    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.catalogue_load(actor=SYSTEM)
    certificate_services.certificate_types_load(actor=SYSTEM)
    representative = registry_factories.resident(name="王芳")
    business = registry_factories.legal_person(representative=representative, name="示范市青山餐饮管理有限公司")
    agent = accounts_factories.user(
        kind=User.Kind.AGENT,
        real_name=representative.name,
        id_number=representative.id_number,
        phone="13800138000",
        uscc=business.uscc,
        enterprise_name=business.name,
        real_name_level=User.RealNameLevel.L2,
    )
    caseworker = accounts_factories.staff(real_name="刘洋")
    section_chief = accounts_factories.staff(real_name="陈静")
    market = Department.objects.get(code="SCJGJ")
    Membership.objects.create(user=caseworker, department=market, role="caseworker")
    Membership.objects.create(user=section_chief, department=market, role="section_chief")
    return People(agent=agent, caseworker=caseworker, section_chief=section_chief)


def signed_in(page: Any, user: User, base_url: str) -> Any:
    """Give the browser the session of ``user`` (log-in itself is covered by the accounts tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
    page.context.set_default_timeout(60_000)  # the first search builds the index; the machine may be busy
    return page


TEXT = {
    "zh-CN": {
        "box": "您要办什么事？",
        "apply": "在线办理",
        "submit": "提交申请",
        "accept": "受理",
        "approve": "准予",
        "review": "完成审查",
        "approved": "准予",
        "ledger": "公开账本",
        "rate": "提交评价",  # "Submit the rating"
    },
    "en-US": {
        "box": "What do you need to do?",
        "apply": "Apply online",
        "submit": "Submit application",
        "accept": "Accept",
        "approve": "Approve",
        "review": "Conclude the review",
        "approved": "Approved",
        "ledger": "public ledger",
        "rate": "Submit the rating",
    },
}


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_apply_for_a_food_licence_have_it_approved_and_rate_it(
    people: People,
    new_page: Any,  # noqa: F811
    live_server: Any,
    locale: str,
) -> None:
    text = TEXT[locale]
    # The agent finds the item by what they want to do, not by its official name.
    page = signed_in(new_page(locale=locale), people.agent, live_server.url)
    page.goto("/services/")
    box = page.get_by_role("combobox", name=text["box"])
    box.fill("开饭店")
    box.press("Enter")
    page.wait_for_url("**/services/search/?q=*")
    page.get_by_role("link", name="食品经营许可证核发（新办）").first.click()
    page.wait_for_url("**/services/items/SFS-0005/**")
    page.get_by_role("link", name=text["apply"]).click()
    page.wait_for_url("**/services/items/SFS-0005/apply/")

    # What the platform holds is filled in; the agent adds the premises and the documents.
    form = page.locator("form[enctype='multipart/form-data']")
    assert people.agent.uscc in [
        form.locator("input").nth(i).input_value() for i in range(form.locator("input").count())
    ]
    page.locator("input[name='details.premises_address']").fill("示范市西城区青山路9号一层")
    page.locator("input[name='details.area_m2']").fill("120")
    page.locator("select[name='details.business_items']").select_option(index=0)
    page.locator("input[name='details.food_safety_manager']").fill("王芳")
    mobile = page.locator("input[name='organisation.contact_mobile']")
    if not mobile.input_value():
        mobile.fill("13800138000")
    representative = page.locator("input[name='organisation.representative']")
    if not representative.input_value():
        representative.fill("王芳")
    delivery = page.locator("[name='delivery']")
    if delivery.first.evaluate("e => e.tagName") == "SELECT":
        delivery.select_option("electronic")
    else:
        page.locator("input[name='delivery'][value='electronic']").check()
    files = page.locator("input[type='file']")
    for index in range(files.count()):
        files.nth(index).set_input_files({"name": f"m{index}.pdf", "mimeType": "application/pdf", "buffer": PDF})
    page.get_by_role("button", name=text["submit"]).click()
    page.wait_for_load_state()
    problems = page.locator(".is-invalid").evaluate_all("els => els.map(e => e.name)")
    assert "/apply/" not in page.url, problems
    page.wait_for_url(re.compile(r".*/services/applications/ZW\d{8}[0-9A-F]{8}/$"))
    receipt = page.url.rstrip("/").rsplit("/", 1)[1]
    assert receipt in page.locator("main").inner_text()
    application = Application.objects.get(receipt_number=receipt)
    assert application.status == "submitted"
    assert application.form_data["organisation"]["uscc"] == people.agent.uscc

    # The caseworker accepts and concludes the review steps from the workbench, confirming each act. The case page
    # offers exactly what the process lets them do: never the decision, which is a section chief's.
    staff_page = signed_in(new_page(locale=locale), people.caseworker, live_server.url)
    staff_page.on("dialog", lambda dialog: dialog.accept())
    staff_page.goto("/services/queue/")
    staff_page.get_by_role("link", name=receipt).click()
    assert staff_page.get_by_role("button", name=text["approve"], exact=True).count() == 0
    assert staff_page.get_by_role("button", name=text["review"], exact=True).count() == 0
    staff_page.get_by_role("button", name=text["accept"], exact=True).click()
    reviews = []
    for _step in range(4):  # 审查, then 现场核查; a third offer would be the bug
        review = staff_page.get_by_role("button", name=text["review"], exact=True)
        review.wait_for()
        form = staff_page.locator("form", has=review)
        form.locator("textarea").fill("材料齐全，现场符合要求。")
        with staff_page.expect_response(lambda response: "/review" in response.url) as answered:
            review.click()
        assert answered.value.status == 200
        staff_page.wait_for_load_state("networkidle")
        assert staff_page.locator("#case-panel .alert-danger").count() == 0, staff_page.locator(
            "#case-panel"
        ).inner_text()
        reviews.append(_step)
        if staff_page.get_by_role("button", name=text["review"], exact=True).count() == 0:
            break
    assert len(reviews) == 2
    panel = staff_page.locator("#case-panel")
    assert panel.locator("[data-nothing-to-do]").count() == 1
    assert staff_page.get_by_role("button", name=text["approve"], exact=True).count() == 0
    assert panel.locator("form[hx-post]").count() == 0

    # The section chief decides.
    chief_page = signed_in(new_page(locale=locale), people.section_chief, live_server.url)
    chief_page.on("dialog", lambda dialog: dialog.accept())
    chief_page.goto(f"/services/queue/{receipt}/")
    assert chief_page.get_by_role("button", name=text["review"], exact=True).count() == 0
    chief_page.get_by_role("button", name=text["approve"], exact=True).click()
    chief_page.get_by_role("button", name=text["approve"], exact=True).wait_for(state="detached")
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.certificate is not None

    # The agent sees the decision, its ledger receipt, and rates once.
    page.reload()
    main = page.locator("main")
    assert text["approved"] in main.inner_text()
    assert text["ledger"] in main.inner_text()
    assert page.locator("a[href^='/ledger/view/']").count() >= 3  # submitted, accepted, approved
    page.locator("#score-5").check()
    page.get_by_role("button", name=text["rate"]).click()
    page.locator("[data-rating-score='5']").wait_for()
    assert Rating.objects.get(application=application).score == 5
    assert page.get_by_role("button", name=text["rate"]).count() == 0
