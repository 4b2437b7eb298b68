"""The personal sessions page: list with browser, IP and times; end another session or all others."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from zhizheng.accounts.models import UserSession
from zhizheng.accounts.selectors import describe_user_agent, session_public_id
from zhizheng.accounts.tests import factories

pytestmark = pytest.mark.django_db

CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1"
)


def _browser(user_agent: str, ip: str) -> Client:
    return Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)


def _log_in(client: Client, username: str) -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": factories.PASSWORD})
    assert response.status_code == 302


@pytest.fixture
def two_browsers() -> tuple[Client, Client]:
    factories.citizen(username="wangfang")
    desk, phone = _browser(CHROME, "10.1.2.3"), _browser(IPHONE, "10.9.8.7")
    _log_in(desk, "wangfang")
    _log_in(phone, "wangfang")
    return desk, phone


def test_sessions_page_lists_each_session_with_browser_ip_and_marks_the_current(two_browsers) -> None:  # type: ignore[no-untyped-def]
    desk, _phone = two_browsers

    response = desk.get(reverse("accounts:sessions"))

    rows = response.context["sessions"]
    assert [(row.browser, row.ip_address, row.is_current) for row in rows] == [
        ("Chrome 131 · Windows", "10.1.2.3", True),
        ("Safari 17 · iOS", "10.9.8.7", False),
    ]
    page = response.content.decode()
    assert page.count("<tr data-session=") == 2
    assert desk.session.session_key not in page  # the secret key never reaches the page
    assert rows[0].created_at <= rows[0].last_seen_at


def test_ending_another_session_really_logs_that_browser_out(two_browsers) -> None:  # type: ignore[no-untyped-def]
    desk, phone = two_browsers
    phone_key = phone.session.session_key

    response = desk.post(reverse("accounts:session_end", args=[session_public_id(phone_key)]))

    assert response["Location"] == reverse("accounts:sessions")
    assert not UserSession.objects.filter(session_key=phone_key).exists()
    assert phone.get(reverse("accounts:sessions"))["Location"].startswith(reverse("accounts:login"))
    assert desk.get(reverse("accounts:sessions")).status_code == 200


def test_end_all_others_keeps_only_the_current(two_browsers) -> None:  # type: ignore[no-untyped-def]
    desk, phone = two_browsers
    third = _browser(CHROME, "10.5.5.5")
    _log_in(third, "wangfang")

    desk.post(reverse("accounts:sessions_end_others"))

    assert list(UserSession.objects.values_list("session_key", flat=True)) == [desk.session.session_key]
    assert phone.get(reverse("accounts:sessions")).status_code == 302
    assert third.get(reverse("accounts:sessions")).status_code == 302


def test_the_current_session_cannot_be_ended_from_the_list(two_browsers) -> None:  # type: ignore[no-untyped-def]
    desk, _phone = two_browsers
    key = desk.session.session_key

    response = desk.post(reverse("accounts:session_end", args=[session_public_id(key)]), follow=True)

    assert UserSession.objects.filter(session_key=key).exists()
    assert "This is the session you are using now. Log out to end it." in response.content.decode()


def test_another_persons_session_is_not_found_and_survives(two_browsers) -> None:  # type: ignore[no-untyped-def]
    _desk, phone = two_browsers
    factories.citizen(username="lisi")
    intruder = _browser(CHROME, "10.6.6.6")
    _log_in(intruder, "lisi")
    victim_key = phone.session.session_key

    response = intruder.post(reverse("accounts:session_end", args=[session_public_id(victim_key)]))
    listing = intruder.get(reverse("accounts:sessions"))

    assert response.status_code == 404
    assert UserSession.objects.filter(session_key=victim_key).exists()
    assert [row.ip_address for row in listing.context["sessions"]] == ["10.6.6.6"]


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    client = Client()

    assert client.get(reverse("accounts:sessions"))["Location"].startswith(reverse("accounts:login"))
    assert client.post(reverse("accounts:sessions_end_others"))["Location"].startswith(reverse("accounts:login"))


def test_ending_needs_post(two_browsers) -> None:  # type: ignore[no-untyped-def]
    desk, phone = two_browsers

    response = desk.get(reverse("accounts:session_end", args=[session_public_id(phone.session.session_key)]))

    assert response.status_code == 405


def test_later_saves_keep_sign_in_time_and_client(two_browsers) -> None:  # type: ignore[no-untyped-def]
    """The store updates only what changes: a later request from elsewhere keeps the first sign-in time."""
    desk, _phone = two_browsers
    row = UserSession.objects.get(session_key=desk.session.session_key)
    session = desk.session
    session["marker"] = "x"
    session.save()

    after = UserSession.objects.get(session_key=desk.session.session_key)

    assert after.created_at == row.created_at
    assert after.ip_address == "10.1.2.3"
    assert re.match(r"Mozilla/5\.0 \(Windows", after.user_agent)
    assert after.last_seen_at >= row.last_seen_at


@pytest.mark.parametrize(
    ("agent", "described"),
    [
        (CHROME, "Chrome 131 · Windows"),
        (IPHONE, "Safari 17 · iOS"),
        ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "Firefox 128 · Linux"),
        ("Mozilla/5.0 (Windows NT 10.0) AppleWebKit/537.36 Chrome/130.0 Safari/537.36 Edg/130.0", "Edge 130 · Windows"),
        ("curl/8.5.0", "curl/8.5.0"),
    ],
)
def test_user_agents_are_described_briefly(agent: str, described: str) -> None:
    assert describe_user_agent(agent) == described
