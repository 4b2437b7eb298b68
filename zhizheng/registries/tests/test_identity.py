"""Identity verification against the population registry grants level L2; sign-up does it at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as account_factories
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import PermissionDenied
from zhizheng.registries import services
from zhizheng.registries.tests import factories

pytestmark = pytest.mark.django_db


def _self(user: User) -> Actor:
    return Actor(kind=ActorKind.USER, user_id=user.pk, user_kind=user.kind)


def test_matching_id_number_and_name_grant_level_l2() -> None:
    person = factories.resident(name="陈静")
    user = account_factories.citizen(real_name="陈静", id_number=person.id_number)

    assert services.identity_verify(actor=_self(user), user=user) is True

    user.refresh_from_db()
    assert user.real_name_level == User.RealNameLevel.L2
    assert user.real_name_verified_at is not None


@pytest.mark.parametrize("case", ["other-name", "deceased", "not-registered"])
def test_no_match_changes_nothing(case: str) -> None:
    person = factories.resident(name="陈静", status="deceased" if case == "deceased" else "alive")
    name = "陈晶" if case == "other-name" else "陈静"
    number = account_factories.id_number() if case == "not-registered" else person.id_number
    user = account_factories.citizen(real_name=name, id_number=number)

    assert services.identity_verify(actor=_self(user), user=user) is False

    user.refresh_from_db()
    assert user.real_name_level == User.RealNameLevel.L1


def test_level_never_goes_down() -> None:
    person = factories.resident(name="陈静")
    user = account_factories.citizen(real_name="陈静", id_number=person.id_number, real_name_level=3)

    services.identity_verify(actor=_self(user), user=user)

    user.refresh_from_db()
    assert user.real_name_level == User.RealNameLevel.L3


def test_a_citizen_cannot_verify_someone_else() -> None:
    person = factories.resident(name="陈静")
    target = account_factories.citizen(real_name="陈静", id_number=person.id_number)
    other = account_factories.citizen()

    with pytest.raises(PermissionDenied):
        services.identity_verify(actor=_self(other), user=target)

    target.refresh_from_db()
    assert target.real_name_level == User.RealNameLevel.L1


def test_a_window_officer_may_verify_a_visitor() -> None:
    person = factories.resident(name="陈静")
    target = account_factories.citizen(real_name="陈静", id_number=person.id_number)
    officer = Actor(kind=ActorKind.USER, user_id=10_000, roles=frozenset({("XZSPJ", "window_officer")}))

    assert services.identity_verify(actor=officer, user=target) is True


def test_sign_up_matching_the_registry_reaches_l2_at_once(client: Client) -> None:
    person = factories.resident(name="陈静")
    form = {
        "real_name": "陈静",
        "id_number": person.id_number,
        "phone": "13700001111",
        "username": "",
        "password1": "Qingshan-River-88",
        "password2": "Qingshan-River-88",
    }

    response = client.post(reverse("accounts:signup_citizen"), form, follow=True)

    user = User.objects.get(username="13700001111")
    assert user.real_name_level == User.RealNameLevel.L2
    assert "L2" in response.content.decode()


def test_sign_up_with_a_different_name_stays_at_l1(client: Client) -> None:
    person = factories.resident(name="陈静")
    form = {
        "real_name": "陈晶",
        "id_number": person.id_number,
        "phone": "13700001111",
        "username": "",
        "password1": "Qingshan-River-88",
        "password2": "Qingshan-River-88",
    }

    client.post(reverse("accounts:signup_citizen"), form)

    assert User.objects.get(username="13700001111").real_name_level == User.RealNameLevel.L1
