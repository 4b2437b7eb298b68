"""Fixtures shared by the registries' page and API tests: registrars of each department and a household head."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.orgs.tests import factories as orgs_factories
from zhizheng.registries.models import Household, Resident
from zhizheng.registries.tests import factories


def _staff(code: str, role: str) -> User:
    department = orgs_factories.Department.objects.filter(code=code).first() or orgs_factories.department(code=code)
    person = accounts_factories.staff()
    orgs_factories.membership(user=person, department=department, role=role)
    return person


@pytest.fixture
def people() -> dict[str, User | None]:
    return {
        "anonymous": None,
        "citizen": accounts_factories.citizen(),
        "police": _staff("GAJ", "caseworker"),
        "civil": _staff("MZJ", "caseworker"),
        "market": _staff("SCJGJ", "caseworker"),
        "auditor": _staff("SZFB", "auditor"),
    }


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def household_head() -> Resident:
    parent = factories.resident(born=dt.date(1990, 3, 1))
    parent.household = Household.objects.create(
        number="990103000001", address="示范市西城区青山路8号", district_code="990103"
    )
    parent.relation_to_head = "head"
    parent.save()
    return parent
