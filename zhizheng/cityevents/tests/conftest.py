"""Fixtures of the city-event tests: the loop's people (each as user and actor) and a small category tree."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from zhizheng.accounts.models import User
from zhizheng.cityevents.models import Category
from zhizheng.cityevents.tests import factories
from zhizheng.core.actor import Actor


@dataclass
class Person:
    user: User
    actor: Actor


@dataclass
class Loop:
    operator: Person
    dispatcher: Person
    inspector: Person
    handler: Person
    other_staff: Person
    citizen: Person
    categories: dict[str, Category]


def _person(role: str | None, code: str | None, kind: str = "staff") -> Person:
    user = factories.person(role, code, kind=kind)
    return Person(user=user, actor=factories.actor(user))


@pytest.fixture
def loop(db: None) -> Loop:
    factories.city()
    for code in ("RX12345", "CGJ", "ZJJ", "STHJJ", "JYJ"):
        factories.department(code)
    return Loop(
        operator=_person("hotline_operator", "RX12345"),
        dispatcher=_person("dispatcher", "CGJ"),
        inspector=_person("inspector", "CGJ"),
        handler=_person("caseworker", "ZJJ"),
        other_staff=_person("caseworker", "JYJ"),
        citizen=_person(None, None, kind="citizen"),
        categories=factories.category_tree(),
    )
