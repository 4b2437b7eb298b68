"""主动服务 in govservices: residents who turned 80 are invited once to claim the old-age allowance (高龄津贴) with
a link to its pre-filled application; the registry read is logged; the renewal item of each certificate type."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from zhizheng.accounts.models import Notification, User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.govservices.models import EligibilityNotice, ServiceItem
from zhizheng.govservices.services import applications as apply
from zhizheng.govservices.services.proactive import BENEFITS, birthday, eligibility_notices_send, renewal_apply_path
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import RegistryAccess, Resident
from zhizheng.registries.tests import factories as registry_factories

TODAY = dt.date(2026, 12, 3)
ALLOWANCE = "/services/items/SFS-0033/apply/"


def _person(born: dt.date, *, account: bool = True, status: str = "alive") -> tuple[Resident, User | None]:
    resident = registry_factories.resident(name="赵老", born=born, status=status)
    user = accounts_factories.citizen(id_number=resident.id_number, real_name="赵老") if account else None
    return resident, user


@pytest.mark.parametrize(
    ("born", "invited"),
    [
        (dt.date(1946, 12, 3), True),  # turns 80 today
        (dt.date(1946, 12, 4), False),  # turns 80 tomorrow
        (dt.date(1946, 11, 3), True),  # turned 80 thirty days ago: the last day of the window
        (dt.date(1946, 11, 2), False),  # thirty-one days ago: outside the window
        (dt.date(1936, 12, 3), False),  # turned 90 today: eligible long ago, not newly
    ],
)
def test_who_turned_80_within_the_window_is_invited(catalogue: Any, born: dt.date, invited: bool) -> None:
    _resident, user = _person(born)

    runs = eligibility_notices_send(actor=SYSTEM, today=TODAY)

    assert runs["elderly_allowance_80"].notified == int(invited)
    notifications = list(Notification.objects.filter(recipient=user).values_list("kind", "link"))
    assert notifications == ([("govservices.benefit_eligible", ALLOWANCE)] if invited else [])


def test_birthdays_on_29_february() -> None:
    assert birthday(dt.date(1948, 2, 29), 80) == dt.date(2028, 2, 29)
    assert birthday(dt.date(1948, 2, 29), 79) == dt.date(2027, 2, 28)


def test_invited_once_the_registry_read_is_logged_and_the_message_is_in_chinese(catalogue: Any) -> None:
    _resident, user = _person(dt.date(1946, 11, 20))
    _person(dt.date(1946, 11, 21), account=False)
    _person(dt.date(1946, 11, 22), status="deceased")

    first = eligibility_notices_send(actor=SYSTEM, today=TODAY)["elderly_allowance_80"]
    second = eligibility_notices_send(actor=SYSTEM, today=TODAY + dt.timedelta(days=1))["elderly_allowance_80"]

    assert (first.eligible, first.notified, first.without_account) == (2, 1, 1)
    assert (second.notified, second.already_told) == (0, 1)
    notice = EligibilityNotice.objects.get()
    assert (notice.user_id, notice.benefit, notice.item_code, notice.eligible_on) == (
        user.pk,  # type: ignore[union-attr]
        "elderly_allowance_80",
        "SFS-0033",
        dt.date(2026, 11, 20),
    )
    notification = Notification.objects.get()
    assert notification.title == "您现在可以申领高龄津贴了"
    assert "2026-11-20" in notification.body
    rows = set(RegistryAccess.objects.values_list("actor_ref", "purpose", "via", "unmasked", "outcome"))
    assert rows == {("system", "service_handling", "batch", True, "granted")}
    assert RegistryAccess.objects.count() == 4  # two runs, two living residents in the window each time


def test_someone_who_already_applied_is_not_invited(catalogue: Any) -> None:
    _resident, user = _person(dt.date(1946, 11, 25))
    assert user is not None
    apply.application_draft_save(
        actor=actor_for_user(user), item=ServiceItem.objects.get(code="SFS-0033"), form_data={}
    )

    run = eligibility_notices_send(actor=SYSTEM, today=TODAY)["elderly_allowance_80"]

    assert (run.notified, run.already_applied) == (0, 1)
    assert EligibilityNotice.objects.count() == 0


def test_the_link_opens_the_prefilled_application(catalogue: Any) -> None:
    resident, user = _person(dt.date(1946, 11, 25))
    eligibility_notices_send(actor=SYSTEM, today=TODAY)
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]

    page = client.get(Notification.objects.get().link)

    assert page.status_code == 200
    assert f'value="{resident.id_number}"' in page.content.decode()


def test_only_the_system_reads_the_registry_for_invitations(catalogue: Any) -> None:
    _resident, user = _person(dt.date(1946, 11, 25))

    with pytest.raises(PermissionDenied):
        eligibility_notices_send(actor=actor_for_user(user), today=TODAY)  # type: ignore[arg-type]

    assert (EligibilityNotice.objects.count(), RegistryAccess.objects.count(), Notification.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_benefit_whose_item_is_not_online_is_skipped(catalogue: Any) -> None:
    ServiceItem.objects.filter(code=BENEFITS[0].item_code).update(published=False)
    _person(dt.date(1946, 11, 25))

    assert eligibility_notices_send(actor=SYSTEM, today=TODAY) == {}
    assert Notification.objects.count() == 0


@pytest.mark.parametrize(
    ("type_code", "path"),
    [
        ("CT-JSZ", "/services/items/SFS-0020/apply/"),  # 机动车驾驶证有效期满换证
        ("CT-SFZ", "/services/items/SFS-0016/apply/"),  # 居民身份证换领、补领
        ("CT-SPJY", "/services/items/SFS-0005/apply/"),  # the only item producing it
        ("CT-NOSUCH", ""),
    ],
)
def test_the_renewal_application_of_each_certificate_type(catalogue: Any, type_code: str, path: str) -> None:
    assert renewal_apply_path(type_code) == path


def test_the_command_runs_both_jobs_for_a_date(catalogue: Any) -> None:
    _person(dt.date(1946, 11, 25))
    out = io.StringIO()

    call_command("proactive_service", "--date", TODAY.isoformat(), stdout=out)
    with pytest.raises(CommandError):
        call_command("proactive_service", "--date", "3 December", stdout=io.StringIO())

    assert "elderly_allowance_80: newly eligible 1; invited now 1" in out.getvalue()
