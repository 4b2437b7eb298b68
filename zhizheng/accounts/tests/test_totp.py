"""The staff second factor: enrolment with a QR code, verification after the password, and enforcement."""

from __future__ import annotations

import base64
import re
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhizheng.accounts.tests import factories

pytestmark = pytest.mark.django_db


def _log_in(client: Client, username: str) -> Any:
    return client.post(reverse("accounts:login"), {"username": username, "password": factories.PASSWORD})


def test_staff_enrols_with_the_qr_code_and_a_computed_code(client: Client) -> None:
    staff = factories.staff(username="kezhang")
    client.force_login(staff)

    client.post(reverse("accounts:totp_enrol"), {"action": "start"})
    page = client.get(reverse("accounts:totp_enrol")).content.decode()

    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed is False
    assert "<svg" in page
    assert "</svg>" in page
    secret = re.search(r'id="zz-totp-secret">([A-Z2-7 ]+)<', page)
    assert secret is not None
    text = secret.group(1).replace(" ", "")
    key_hex = base64.b32decode(text + "=" * (-len(text) % 8)).hex()
    assert key_hex == device.key

    response = client.post(reverse("accounts:totp_enrol"), {"action": "confirm", "code": factories.totp_code(key_hex)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.session["otp_device_id"] == device.persistent_id


def test_wrong_enrolment_code_is_refused_bilingually(client: Client) -> None:
    staff = factories.staff()
    client.force_login(staff)
    client.post(reverse("accounts:totp_enrol"), {"action": "start"})

    response = client.post(reverse("accounts:totp_enrol"), {"action": "confirm", "code": "000000"})

    assert response.status_code == 200
    message = response.context["form"].errors["code"][0]
    assert "The code is wrong or has expired." in message
    assert TOTPDevice.objects.get(user=staff).confirmed is False


def test_enrolled_staff_must_pass_a_code_after_the_password(client: Client) -> None:
    staff = factories.staff(username="kezhang")
    device = factories.totp_device(owner=staff)

    response = _log_in(client, "kezhang")

    assert response["Location"] == reverse("accounts:totp_verify")
    assert "_auth_user_id" not in client.session  # not signed in between the two steps
    assert client.get(reverse("accounts:sessions"))["Location"].startswith(reverse("accounts:login"))

    wrong = client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    right = client.post(reverse("accounts:totp_verify"), {"code": factories.totp_code(device.key)})

    assert right.status_code == 302
    assert right["Location"] == reverse("web:home")
    assert client.session["_auth_user_id"] == str(staff.pk)
    assert client.session["otp_device_id"] == device.persistent_id
    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_a_code_cannot_be_replayed(client: Client) -> None:
    staff = factories.staff(username="kezhang")
    device = factories.totp_device(owner=staff)
    code = factories.totp_code(device.key)
    _log_in(client, "kezhang")
    client.post(reverse("accounts:totp_verify"), {"code": code})
    other = Client()

    _log_in(other, "kezhang")
    response = other.post(reverse("accounts:totp_verify"), {"code": code})

    assert response.status_code == 200
    assert "_auth_user_id" not in other.session


def test_five_wrong_codes_send_the_person_back_to_the_password(client: Client) -> None:
    staff = factories.staff(username="kezhang")
    factories.totp_device(owner=staff)
    _log_in(client, "kezhang")

    for _attempt in range(4):
        assert client.post(reverse("accounts:totp_verify"), {"code": "000000"}).status_code == 200
    fifth = client.post(reverse("accounts:totp_verify"), {"code": "000000"})

    assert fifth["Location"] == reverse("accounts:login")
    assert client.get(reverse("accounts:totp_verify"))["Location"] == reverse("accounts:login")


def test_device_throttles_guessing(client: Client, settings: Any) -> None:
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    staff = factories.staff(username="kezhang")
    device = factories.totp_device(owner=staff)
    _log_in(client, "kezhang")

    client.post(reverse("accounts:totp_verify"), {"code": "000000"})
    right_too_soon = client.post(reverse("accounts:totp_verify"), {"code": factories.totp_code(device.key)})

    assert right_too_soon.status_code == 200
    assert "_auth_user_id" not in client.session


def test_pending_log_in_expires(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    staff = factories.staff(username="kezhang")
    device = factories.totp_device(owner=staff)
    _log_in(client, "kezhang")
    later = time.time() + 301
    monkeypatch.setattr("zhizheng.accounts.views.time.time", lambda: later)

    response = client.post(reverse("accounts:totp_verify"), {"code": factories.totp_code(device.key)})

    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session


def test_a_session_opened_elsewhere_must_still_pass_the_code(client: Client) -> None:
    """E.g. the admin's own log-in page: the middleware holds the session at the verification step."""
    staff = factories.staff(username="kezhang")
    device = factories.totp_device(owner=staff)
    client.force_login(staff)

    blocked = client.get(reverse("accounts:sessions"))
    api = client.get("/api/v1/me")
    enrol = client.get(reverse("accounts:totp_enrol"))

    assert blocked["Location"].startswith(reverse("accounts:totp_verify"))
    assert api.status_code == 401
    assert enrol["Location"].startswith(reverse("accounts:totp_verify"))  # cannot replace the device unverified

    client.post(
        f"{reverse('accounts:totp_verify')}?next=/accounts/sessions/", {"code": factories.totp_code(device.key)}
    )

    assert client.get(reverse("accounts:sessions")).status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_required_totp_sends_unenrolled_staff_to_enrolment(client: Client, settings: Any) -> None:
    settings.ZHIZHENG_STAFF_REQUIRE_TOTP = True
    factories.staff(username="kezhang")
    factories.citizen(username="wangfang")

    _log_in(client, "kezhang")
    staff_page = client.get(reverse("accounts:sessions"))
    citizen_client = Client()
    _log_in(citizen_client, "wangfang")

    assert staff_page["Location"].startswith(reverse("accounts:totp_enrol"))
    assert client.get(reverse("accounts:totp_enrol")).status_code == 200
    assert citizen_client.get(reverse("accounts:sessions")).status_code == 200


def test_without_the_setting_unenrolled_staff_work_normally(client: Client) -> None:
    factories.staff(username="kezhang")

    _log_in(client, "kezhang")

    assert client.get(reverse("accounts:sessions")).status_code == 200


def test_citizens_are_never_asked_for_a_code(client: Client) -> None:
    citizen = factories.citizen(username="wangfang")
    factories.totp_device(owner=citizen)

    response = _log_in(client, "wangfang")

    assert response["Location"] == reverse("web:home")
