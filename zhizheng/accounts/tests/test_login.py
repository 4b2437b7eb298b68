"""Log-in, the wrong-password message, lock-out after five failures, and the password hasher."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from zhizheng.accounts.tests import factories

pytestmark = pytest.mark.django_db


def test_right_password_logs_in_and_goes_home(client: Client) -> None:
    user = factories.citizen(username="wangfang")

    response = client.post(reverse("accounts:login"), {"username": "wangfang", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_log_in_honours_a_safe_next_and_ignores_another_site(client: Client) -> None:
    factories.citizen(username="wangfang")
    data = {"username": "wangfang", "password": factories.PASSWORD}

    inside = client.post(f"{reverse('accounts:login')}?next=/accounts/sessions/", data)
    client.logout()
    outside = client.post(f"{reverse('accounts:login')}?next=https://evil.example/", data)

    assert inside["Location"] == "/accounts/sessions/"
    assert outside["Location"] == reverse("web:home")


def test_wrong_password_shows_one_bilingual_message(client: Client) -> None:
    factories.citizen(username="wangfang")

    response = client.post(reverse("accounts:login"), {"username": "wangfang", "password": "not-the-password"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名或密码错误" in page
    assert "Wrong user name or password." in page
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_message_as_a_wrong_password(client: Client) -> None:
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "whatever-123"})

    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert errors[0].split("\n")[1] == (
        "Wrong user name or password. Check both and try again (passwords are case-sensitive)."
    )


def test_five_failures_lock_the_account_even_against_the_right_password(client: Client) -> None:
    user = factories.citizen(username="wangfang")
    statuses = [
        client.post(reverse("accounts:login"), {"username": "wangfang", "password": "wrong-password"}).status_code
        for _attempt in range(5)
    ]

    response = client.post(reverse("accounts:login"), {"username": "wangfang", "password": factories.PASSWORD})

    assert statuses == [200, 200, 200, 200, 429]
    assert response.status_code == 429
    page = response.content.decode()
    assert 'id="zz-locked-out"' in page
    assert "15" in page  # AXES_COOLOFF_TIME 0.25 h, shown in minutes
    assert "There were 5 wrong log-in attempts in a row." in page
    assert "For your safety, log-in is blocked for 15 minutes. Try again after that." in page
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="wangfang").failures_since_start == 6  # the blocked try counts too
    user.refresh_from_db()
    assert user.last_login is None


def test_four_failures_do_not_lock(client: Client) -> None:
    factories.citizen(username="wangfang")
    for _attempt in range(4):
        client.post(reverse("accounts:login"), {"username": "wangfang", "password": "wrong-password"})

    response = client.post(reverse("accounts:login"), {"username": "wangfang", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert AccessAttempt.objects.filter(username="wangfang").count() == 0  # reset on success


def test_lock_out_page_is_bilingual_in_english_too(client: Client) -> None:
    factories.citizen(username="wangfang")
    for _attempt in range(5):
        client.post(reverse("accounts:login"), {"username": "wangfang", "password": "wrong-password"})

    page = client.post(
        reverse("accounts:login"),
        {"username": "wangfang", "password": factories.PASSWORD},
        headers={"accept-language": "en"},
    ).content.decode()

    assert "Account temporarily locked" in page
    assert "账户暂时锁定" in page


def test_base_settings_hash_passwords_with_argon2_first() -> None:
    from zhizheng.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_log_out_needs_post_and_ends_the_session(client: Client) -> None:
    client.force_login(factories.citizen())

    client.post(reverse("accounts:logout"))

    assert "_auth_user_id" not in client.session
