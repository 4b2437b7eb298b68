"""主动服务: holders are reminded 90 and 30 days before a certificate expires, once per stage, with a link to the
renewing application; the day arithmetic is in the installation's time zone, tested around every boundary."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from zhizheng.accounts.models import Notification, User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import reminders, services
from zhizheng.certificates.models import Certificate, ExpiryReminder
from zhizheng.certificates.tests.conftest import World, id_card_data
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.orgs.selectors import actor_for_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
BEIJING = ZoneInfo("Asia/Shanghai")
RENEWALS = {"CT-SFZ": "/services/items/SFS-0016/apply/"}


def renewal_for_tests(type_code: str) -> str:
    return RENEWALS.get(type_code, "")


@pytest.fixture(autouse=True)
def _renewal_links(settings: Any) -> None:
    settings.CERTIFICATES_RENEWAL_LINK = f"{__name__}.renewal_for_tests"


@pytest.mark.parametrize(
    ("left", "stage"), [(-1, None), (0, 30), (1, 30), (30, 30), (31, 90), (89, 90), (90, 90), (91, None)]
)
def test_the_stage_of_each_day_left(left: int, stage: int | None) -> None:
    assert reminders.expiry_stage(left) == stage


@pytest.mark.parametrize(
    ("until", "left"),
    [
        (dt.datetime(2027, 3, 1, 0, 0, tzinfo=BEIJING), 90),
        (dt.datetime(2027, 3, 1, 23, 59, tzinfo=BEIJING), 90),
        (dt.datetime(2027, 2, 28, 23, 59, tzinfo=BEIJING), 89),
        (dt.datetime(2027, 2, 28, 16, 30, tzinfo=dt.UTC), 90),  # 00:30 on 1 March in Beijing
        (dt.datetime(2026, 12, 1, 8, 0, tzinfo=BEIJING), 0),
    ],
)
def test_days_left_are_counted_in_local_dates(world: World, until: dt.datetime, left: int) -> None:
    certificate = _id_card(world, until)

    assert reminders.days_left(certificate, TODAY) == left


def _id_card(world: World, until: dt.datetime, holder: str | None = None) -> Certificate:
    return services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SFZ",
        holder=holder or world.resident.id_number,
        subject=id_card_data(world.resident),
        valid_from=dt.datetime(2016, 1, 1, tzinfo=BEIJING),
        valid_until=until,
    )


def _until(days: int, hour: int = 9) -> dt.datetime:
    day = TODAY + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def _holder(world: World) -> User:
    return accounts_factories.citizen(id_number=world.resident.id_number, real_name=world.resident.name)


def test_reminded_at_90_then_at_30_days_never_twice(world: World) -> None:
    person = _holder(world)
    card = _id_card(world, _until(90))

    runs = [
        reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY + dt.timedelta(days=offset))
        for offset in (0, 0, 1, 59, 60, 61, 90)
    ]

    assert [run.reminded for run in runs] == [1, 0, 0, 0, 1, 0, 0]
    assert [run.already_reminded for run in runs] == [0, 1, 1, 1, 0, 1, 1]
    assert list(ExpiryReminder.objects.order_by("stage_days").values_list("stage_days", "days_left")) == [
        (30, 30),
        (90, 90),
    ]
    titles = list(Notification.objects.filter(recipient=person).order_by("pk").values_list("title", "link", "kind"))
    assert titles == [
        ("您的居民身份证将在 90 天后到期", "/services/items/SFS-0016/apply/", "certificates.expiry_warning"),
        ("您的居民身份证将在 30 天后到期", "/services/items/SFS-0016/apply/", "certificates.expiry_warning"),
    ]
    assert card.serial in Notification.objects.filter(recipient=person).first().body  # type: ignore[union-attr]


def test_a_certificate_first_seen_inside_30_days_gets_only_the_30_day_reminder(world: World) -> None:
    _holder(world)
    _id_card(world, _until(12))

    run = reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)

    assert run.reminded == 1
    assert list(ExpiryReminder.objects.values_list("stage_days", "days_left")) == [(30, 12)]
    assert Notification.objects.get().title == "您的居民身份证将在 12 天后到期"


@pytest.mark.parametrize(("days", "reminded"), [(91, 0), (90, 1), (0, 1), (-1, 0)])
def test_the_window_boundaries(world: World, days: int, reminded: int) -> None:
    _holder(world)
    _id_card(world, _until(days, hour=0) if days >= 0 else _until(days, hour=23))

    run = reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)

    assert run.reminded == reminded
    assert ExpiryReminder.objects.count() == reminded


def test_last_day_reads_expires_today(world: World) -> None:
    _holder(world)
    _id_card(world, _until(0, hour=20))

    reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)

    assert Notification.objects.get().title == "您的居民身份证今天到期"


def test_revoked_and_superseded_certificates_are_not_reminded(world: World) -> None:
    _holder(world)
    revoked = _id_card(world, _until(20))
    services.certificate_revoke(actor=SYSTEM, certificate=revoked, reason="lost")
    old = _id_card(world, _until(40))
    services.certificate_renew(actor=SYSTEM, certificate=old, valid_until=_until(3650))

    run = reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)

    assert (run.expiring, run.reminded) == (0, 0)


def test_holders_without_an_account_are_reminded_once_they_sign_up(world: World) -> None:
    _id_card(world, _until(60))

    before = reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)
    person = _holder(world)
    after = reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY + dt.timedelta(days=1))

    assert (before.without_account, before.reminded, ExpiryReminder.objects.filter(days_left=60).count()) == (1, 0, 0)
    assert after.reminded == 1
    assert Notification.objects.filter(recipient=person).count() == 1


def test_an_enterprise_certificate_reminds_its_agents_with_the_wallet_link(world: World) -> None:
    agent = accounts_factories.user(
        kind=User.Kind.AGENT, real_name="陈静", id_number=accounts_factories.id_number(), uscc=world.enterprise.uscc
    )
    licence = services.certificate_issue(
        actor=SYSTEM,
        certificate_type="CT-SPJY",
        holder=world.enterprise.uscc,
        subject={"operator_name": world.enterprise.name, "uscc": world.enterprise.uscc},
        valid_until=_until(75),
    )

    reminders.expiry_reminders_send(actor=SYSTEM, today=TODAY)

    notification = Notification.objects.get(recipient=agent)
    assert notification.link == f"/certificates/wallet/{licence.serial}/"
    assert "食品经营许可证" in notification.title
    until = (TODAY + dt.timedelta(days=75)).isoformat()
    assert notification.body == f"证照 {licence.serial} 有效期至 {until}。换证办法请查看办事指南。"


def test_only_the_system_runs_the_job(world: World) -> None:
    person = _holder(world)
    _id_card(world, _until(10))
    citizen = accounts_factories.citizen()

    with pytest.raises(PermissionDenied):
        reminders.expiry_reminders_send(actor=actor_for_user(citizen), today=TODAY)

    assert ExpiryReminder.objects.count() == 0
    assert Notification.objects.filter(recipient=person).count() == 0


def test_the_task_and_the_command_run_the_same_job(world: World) -> None:
    _holder(world)
    _id_card(world, _until(30))
    out = io.StringIO()

    call_command("proactive_service", "--date", TODAY.isoformat(), stdout=out)

    assert "reminded now 1" in out.getvalue()
    assert ExpiryReminder.objects.count() == 1
