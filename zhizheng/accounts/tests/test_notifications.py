"""Notifications: the inbox keeps every message; e-mail and SMS leave only after commit and record their outcome;
the inbox page and the API show a person only their own notifications."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse

from zhizheng.accounts import services
from zhizheng.accounts.models import Notification, NotificationDelivery, User
from zhizheng.accounts.notification_services import notification_deliveries_retry
from zhizheng.accounts.tests import factories
from zhizheng.core.actor import SYSTEM, Actor, ActorKind
from zhizheng.core.errors import ValidationFailed

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sms_log(settings: Any, tmp_path: Path) -> Path:
    path = tmp_path / "sms" / "outbox.log"
    settings.ZHIZHENG_SMS_LOG = str(path)
    settings.ZHIZHENG_SITE_URL = "https://gov.example"
    return path


def _sms_lines(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _send(recipient: User, **fields: Any) -> Notification:
    fields.setdefault("kind", "certificates.expiry_warning")
    fields.setdefault("title", "驾驶证将于 30 天后到期")
    fields.setdefault("body", "请及时办理换证。")
    fields.setdefault("link", "/services/apply/x/")
    return services.notification_send(recipient=recipient, **fields)


def test_send_stores_in_the_inbox_and_goes_out_by_email_and_sms_after_commit(sms_log: Path) -> None:
    person = factories.citizen(email="wei@example.cn", phone="13912345678")

    notification = _send(person)

    assert Notification.objects.filter(recipient=person).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wei@example.cn"]
    assert mail.outbox[0].subject == "驾驶证将于 30 天后到期"
    assert mail.outbox[0].body == "请及时办理换证。\n\nhttps://gov.example/services/apply/x/\n"
    lines = _sms_lines(sms_log)
    assert [(line["phone"], line["text"]) for line in lines] == [
        ("13912345678", "【智政】驾驶证将于 30 天后到期：请及时办理换证。 https://gov.example/services/apply/x/")
    ]
    statuses = dict(notification.deliveries.values_list("channel", "status"))
    assert statuses == {"email": "sent", "sms": "sent"}
    assert set(notification.deliveries.values_list("attempts", flat=True)) == {1}


def test_channels_choose_what_goes_out_and_missing_addresses_are_skipped(sms_log: Path) -> None:
    no_email = factories.citizen(email="", phone="13912345678")

    only_inbox = _send(no_email, channels=("inbox",))
    email_only = _send(no_email, channels=("email",))

    assert only_inbox.deliveries.count() == 0
    assert dict(email_only.deliveries.values_list("channel", "status")) == {"email": "skipped"}
    assert mail.outbox == []
    assert _sms_lines(sms_log) == []
    assert Notification.objects.filter(recipient=no_email).count() == 2


def test_a_rollback_stores_and_sends_nothing(sms_log: Path) -> None:
    person = factories.citizen(email="wei@example.cn")

    def act() -> None:
        with transaction.atomic():
            _send(person)
            raise RuntimeError("the act failed")

    with pytest.raises(RuntimeError):
        act()

    assert Notification.objects.count() == 0
    assert NotificationDelivery.objects.count() == 0
    assert mail.outbox == []
    assert _sms_lines(sms_log) == []


def test_nothing_leaves_before_the_surrounding_transaction_commits(sms_log: Path) -> None:
    person = factories.citizen(email="wei@example.cn")

    with transaction.atomic():
        _send(person)
        assert mail.outbox == []
        assert _sms_lines(sms_log) == []

    assert len(mail.outbox) == 1
    assert len(_sms_lines(sms_log)) == 1


class BrokenSms:
    def send(self, phone: str, text: str) -> None:
        raise ConnectionError("gateway timeout")


def test_a_failing_channel_keeps_the_inbox_copy_and_records_the_error(settings: Any, sms_log: Path) -> None:
    settings.ZHIZHENG_SMS_PROVIDER = f"{__name__}.BrokenSms"
    person = factories.citizen(email="wei@example.cn", phone="13912345678")

    notification = _send(person)

    assert Notification.objects.filter(pk=notification.pk).exists()
    sms = notification.deliveries.get(channel="sms")
    assert (sms.status, sms.attempts, sms.error) == ("failed", 1, "ConnectionError: gateway timeout")
    assert notification.deliveries.get(channel="email").status == "sent"


def test_failed_deliveries_are_retried_until_the_limit(settings: Any, sms_log: Path) -> None:
    settings.ZHIZHENG_SMS_PROVIDER = f"{__name__}.BrokenSms"
    person = factories.citizen(email="", phone="13912345678")
    notification = _send(person, channels=("sms",))
    Notification.objects.filter(pk=notification.pk).update(created_at=notification.created_at.replace(year=2025))

    assert notification_deliveries_retry(max_attempts=3) == 1
    assert notification_deliveries_retry(max_attempts=3) == 1
    assert notification_deliveries_retry(max_attempts=3) == 0
    assert notification.deliveries.get().attempts == 3

    settings.ZHIZHENG_SMS_PROVIDER = "zhizheng.accounts.sms.LogFileSmsProvider"
    assert notification_deliveries_retry(max_attempts=4) == 1
    assert notification.deliveries.get().status == "sent"
    assert notification_deliveries_retry(max_attempts=4) == 0
    assert len(_sms_lines(sms_log)) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "deadline"}, "kind"),
        ({"kind": "Govservices.Deadline"}, "kind"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"link": "https://evil.example/"}, "link"),
        ({"link": "//evil.example/"}, "link"),
        ({"channels": ("inbox", "pigeon")}, "channels"),
    ],
)
def test_invalid_notifications_are_refused_and_nothing_is_stored(
    sms_log: Path, fields: dict[str, Any], field: str
) -> None:
    person = factories.citizen(email="wei@example.cn")

    with pytest.raises(ValidationFailed) as caught:
        _send(person, **fields)

    assert caught.value.instance_code == "accounts.notification_invalid"
    assert list(caught.value.field_errors) == [field]
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_send_many_validates_all_before_storing_any(sms_log: Path) -> None:
    person = factories.citizen(email="")
    good = services.NotificationDraft(recipient=person, kind="a.b", title="t", body="b", channels=("inbox",))
    bad = services.NotificationDraft(recipient=person, kind="nodot", title="t", body="b")

    with pytest.raises(ValidationFailed):
        services.notification_send_many([good, bad])
    stored = services.notification_send_many([good, good])
    nothing = services.notification_send_many([])

    assert nothing == []
    assert [n.pk is not None for n in stored] == [True, True]
    assert Notification.objects.filter(recipient=person).count() == 2


# --- inbox page ---------------------------------------------------------------------------------------------------


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_inbox_lists_own_notifications_and_the_badge_counts_unread(sms_log: Path) -> None:
    person, other = factories.citizen(), factories.citizen(real_name="王芳")
    _send(person, title="第一条", channels=("inbox",))
    _send(person, title="第二条", channels=("inbox",))
    _send(other, title="别人的", channels=("inbox",))

    page = _signed_in(person).get(reverse("accounts:notifications")).content.decode()

    assert "第一条" in page
    assert "第二条" in page
    assert "别人的" not in page
    assert 'id="zz-notification-badge" class="badge rounded-pill text-bg-danger">2<' in page


def test_mark_read_with_htmx_swaps_the_list_and_updates_the_badge(sms_log: Path) -> None:
    person = factories.citizen()
    first = _send(person, channels=("inbox",))
    _send(person, channels=("inbox",))
    client = _signed_in(person)

    response = client.post(reverse("accounts:notification_read", args=[first.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="zz-inbox">')
    assert 'hx-swap-oob="true">1<' in body
    first.refresh_from_db()
    assert first.read_at is not None

    response = client.post(reverse("accounts:notifications_read_all"), headers={"HX-Request": "true"})
    assert "d-none" in response.content.decode().split('id="zz-notification-badge"')[1].split(">")[0]
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 0


def test_open_marks_read_and_follows_the_link(sms_log: Path) -> None:
    person = factories.citizen()
    notification = _send(person, channels=("inbox",), link="/services/")

    response = _signed_in(person).post(reverse("accounts:notification_read", args=[notification.pk]), {"follow": "1"})

    assert (response.status_code, response["Location"]) == (302, "/services/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_answers_404_and_stays_unread(sms_log: Path) -> None:
    owner, intruder = factories.citizen(), factories.citizen(real_name="王芳")
    notification = _send(owner, channels=("inbox",))

    page = _signed_in(intruder).post(reverse("accounts:notification_read", args=[notification.pk]))
    api = _signed_in(intruder).post(f"/api/v1/me/notifications/{notification.pk}/read")

    assert page.status_code == 404
    assert api.status_code == 404
    assert api.json()["code"] == "accounts.notification_not_found"
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_log_in(sms_log: Path) -> None:
    response = Client().get(reverse("accounts:notifications"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_lists_own_notifications_with_count_limit_and_offset(
    sms_log: Path, django_assert_max_num_queries: Any
) -> None:
    person, other = factories.citizen(), factories.citizen(real_name="王芳")
    sent = [_send(person, title=f"消息{i}", channels=("inbox",)) for i in range(5)]
    _send(other, channels=("inbox",))
    services.notification_mark_read(actor=Actor(kind=ActorKind.USER, user_id=person.pk), notification_id=sent[0].pk)
    client = _signed_in(person)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/me/notifications", {"limit": 2, "offset": 1})
    unread = client.get("/api/v1/me/notifications", {"unread": "true"}).json()

    body = response.json()
    assert body["count"] == 5
    assert [item["title"] for item in body["items"]] == ["消息3", "消息2"]
    assert set(body["items"][0]) == {"id", "kind", "title", "body", "link", "created_at", "read_at"}
    assert unread["count"] == 4
    assert "消息0" not in [item["title"] for item in unread["items"]]


def test_api_marks_read_and_read_all(sms_log: Path) -> None:
    person = factories.citizen()
    first = _send(person, channels=("inbox",))
    _send(person, channels=("inbox",))
    client = _signed_in(person)

    one = client.post(f"/api/v1/me/notifications/{first.pk}/read")
    again = client.post(f"/api/v1/me/notifications/{first.pk}/read")
    rest = client.post("/api/v1/me/notifications/read-all")

    assert one.status_code == 200
    assert one.json()["read_at"] is not None
    assert again.json()["read_at"] == one.json()["read_at"]
    assert rest.json() == {"marked": 1}


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "many"}])
def test_api_refuses_bad_paging(sms_log: Path, query: dict[str, Any]) -> None:
    response = _signed_in(factories.citizen()).get("/api/v1/me/notifications", query)

    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/problem+json")


def test_api_authorisation(sms_log: Path) -> None:
    person = factories.citizen()
    notification = _send(person, channels=("inbox",))
    _token, unscoped = factories.api_token(owner=person, scopes=("registries.read",))
    _token, scoped = factories.api_token(owner=person, scopes=("accounts.notifications",))

    anonymous = Client().get("/api/v1/me/notifications")
    without_scope = Client().get("/api/v1/me/notifications", headers={"authorization": f"Bearer {unscoped}"})
    without_scope_mark = Client().post(
        f"/api/v1/me/notifications/{notification.pk}/read", headers={"authorization": f"Bearer {unscoped}"}
    )
    with_scope = Client().get("/api/v1/me/notifications", headers={"authorization": f"Bearer {scoped}"})

    assert anonymous.status_code == 401
    assert without_scope.json() == {"count": 0, "items": []}
    assert without_scope_mark.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert with_scope.json()["count"] == 1


def test_system_and_superusers_read_no_ones_inbox(sms_log: Path) -> None:
    person = factories.citizen()
    notification = _send(person, channels=("inbox",))
    admin = factories.user(is_superuser=True, is_staff=True)

    system_sees = services.notification_mark_all_read(actor=SYSTEM)
    admin_page = _signed_in(admin).get(reverse("accounts:notifications")).content.decode()

    assert system_sees == 0
    assert notification.title not in admin_page
    notification.refresh_from_db()
    assert notification.read_at is None
