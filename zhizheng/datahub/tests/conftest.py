"""Fixtures of the data-hub tests: providers, requesters and reviewers (each as user and actor), and residents."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest

from zhizheng.accounts.models import User
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.orgs.models import Department, Division, Membership
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.tests import factories as registry_factories

_sequence = itertools.count(1)


@dataclass
class Person:
    user: User
    actor: Actor


@dataclass
class Hub:
    reviewer: Person  # data officer of the data office (SJJ)
    police_officer: Person  # data officer of GAJ (provider of the population resource)
    civil_officer: Person  # data officer of MZJ (requester)
    civil_caseworker: Person  # caseworker of MZJ (requester)
    education_caseworker: Person  # caseworker of JYJ (another department)
    citizen: Person


def department(code: str) -> Department:
    city, _ = Division.objects.get_or_create(code="990100", defaults={"name": "示范市", "level": "city"})
    found, _ = Department.objects.get_or_create(
        code=code, defaults={"name": f"示范市{code}", "short_name": code, "kind": "bureau", "division": city}
    )
    return found


def person(role: str | None, code: str | None, *, kind: str = "staff") -> Person:
    user = User.objects.create_user(
        username=f"dh{next(_sequence)}",
        password="Zz-test-pass-2026",
        kind=kind,
        real_name="测试员",  # type: ignore[arg-type]
    )
    if role and code:
        Membership.objects.create(user=user, department=department(code), role=role)
    return Person(user=user, actor=actor_for_user(user))


@pytest.fixture
def hub(db: None) -> Hub:
    for code in ("GAJ", "SCJGJ", "ZRZYJ", "FGW", "SJJ", "MZJ", "JYJ"):
        department(code)
    return Hub(
        reviewer=person("data_officer", "SJJ"),
        police_officer=person("data_officer", "GAJ"),
        civil_officer=person("data_officer", "MZJ"),
        civil_caseworker=person("caseworker", "MZJ"),
        education_caseworker=person("caseworker", "JYJ"),
        citizen=person(None, None, kind="citizen"),
    )


@pytest.fixture
def loaded(hub: Hub) -> Hub:
    """The base-registry resources registered, and three residents (two in 990103, one in 990102)."""
    from zhizheng.datahub.services import registry_resources_load

    registry_resources_load(actor=SYSTEM)
    registry_factories.resident(name="陈静")
    registry_factories.resident(name="王小明", male=True)
    registry_factories.resident(name="李华", district="990102")
    return hub


@pytest.fixture
def open_city(hub: Hub) -> Hub:
    """The base resources, spatial units, two years of macro series, the demo tables and the demo open catalogue:
    twelve open datasets, four with rows (spatial units, macro series, public toilets, car parks)."""
    import datetime as dt

    from zhizheng.datahub.services import open_catalogue_load, registry_resources_load
    from zhizheng.datahub.services.demo import demo_tables_load
    from zhizheng.registries.economy import economic_series_load
    from zhizheng.registries.spatial import spatial_units_load

    for code in ("STHJJ", "JTYSJ", "WJW", "XZSPJ", "CGJ", "WGLJ"):
        department(code)
    registry_resources_load(actor=SYSTEM)
    spatial_units_load(actor=SYSTEM)
    economic_series_load(actor=SYSTEM, until=dt.date(2026, 9, 30), years=2)
    demo_tables_load(actor=SYSTEM, today=dt.date(2026, 9, 30))
    open_catalogue_load(actor=SYSTEM)
    return hub
