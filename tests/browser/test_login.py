"""Log-in in a real browser: citizens and caseworkers reach their own home page in Chinese and English; a wrong
password says so plainly; repeated failures lock the account."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from zhizheng.accounts.models import User
from zhizheng.orgs.models import Department, Division, Membership

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Zz-browser-2026"


@pytest.fixture
def citizen() -> User:
    return User.objects.create_user(username="b-citizen", password=PASSWORD, kind="citizen", real_name="赵六")


@pytest.fixture
def caseworker() -> User:
    city = Division.objects.create(code="990100", name="示范市", level="city")
    department = Department.objects.create(
        code="SCJGJ", name="示范市市场监督管理局", short_name="市场监管局", kind="bureau", division=city
    )
    user = User.objects.create_user(username="b-caseworker", password=PASSWORD, kind="staff", real_name="钱七")
    Membership.objects.create(user=user, department=department, role="caseworker")
    return user


def log_in(page: Any, username: str, password: str) -> None:
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def switch_to_english(page: Any) -> None:
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_citizen_logs_in_and_sees_the_portal_in_chinese(page: Any, citizen: User) -> None:
    page.goto("/accounts/login/")
    assert page.locator("h1").inner_text() == "登录"

    log_in(page, "b-citizen", PASSWORD)

    assert page.url.endswith("/")
    assert page.locator("h1").inner_text() == "政务服务，一网通办"
    assert str(citizen) in page.locator("#zz-user-menu").inner_text()
    page.screenshot(path="/tmp/portal-citizen.png", full_page=True)


def test_citizen_logs_in_in_english(page: Any, citizen: User) -> None:
    page.goto("/accounts/login/")
    switch_to_english(page)

    log_in(page, "b-citizen", PASSWORD)

    assert page.locator("h1").inner_text() == "Government services, in one place"
    assert "Signed in as" in page.locator("#zz-user-menu").inner_text()


def test_caseworker_logs_in_and_sees_the_workbench_in_chinese(page: Any, caseworker: User) -> None:
    page.goto("/accounts/login/")

    log_in(page, "b-caseworker", PASSWORD)

    assert page.url.endswith("/workbench/")
    assert page.locator("h1").inner_text() == f"欢迎您，{caseworker.real_name}"
    row = page.get_by_role("row").filter(has_text="SCJGJ")
    assert "示范市市场监督管理局" in row.inner_text()
    page.screenshot(path="/tmp/workbench.png", full_page=True)


def test_caseworker_logs_in_and_sees_the_workbench_in_english(page: Any, caseworker: User) -> None:
    page.goto("/accounts/login/")
    switch_to_english(page)

    log_in(page, "b-caseworker", PASSWORD)

    assert page.url.endswith("/workbench/")
    assert page.locator("h1").inner_text() == f"Welcome, {caseworker.real_name}"
    assert page.get_by_role("heading", name="Your departments and roles").is_visible()


def test_wrong_password_shows_a_clear_message(page: Any, citizen: User) -> None:
    page.goto("/accounts/login/")

    log_in(page, "b-citizen", "not-the-password")

    assert page.url.endswith("/accounts/login/")
    alert = page.get_by_role("alert").first
    assert alert.is_visible()
    text = alert.inner_text()
    assert "Wrong user name or password" in text  # the form says it in both languages
    assert "#zz-user-menu" not in page.content()


def test_repeated_wrong_passwords_lock_the_account(page: Any, citizen: User) -> None:
    page.goto("/accounts/login/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, "b-citizen", "still-wrong")

    locked = page.locator("#zz-locked-out")
    assert locked.is_visible()
    assert "Account temporarily locked" in locked.inner_text()

    # Even the right password is refused while the lock lasts.
    page.goto("/accounts/login/")
    log_in(page, "b-citizen", PASSWORD)
    assert page.locator("#zz-locked-out").is_visible()
    assert page.locator("#zz-user-menu").count() == 0
