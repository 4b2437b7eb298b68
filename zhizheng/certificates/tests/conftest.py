"""Certificates test fixtures: the real departments and certificate types, a resident, an enterprise, people."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client

from zhizheng.accounts.models import User
from zhizheng.accounts.tests import factories as accounts_factories
from zhizheng.certificates import services
from zhizheng.certificates.models import Certificate
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.orgs import services as orgs_services
from zhizheng.orgs.models import Department, Membership
from zhizheng.orgs.selectors import actor_for_user
from zhizheng.registries.models import LegalPerson, Resident
from zhizheng.registries.tests import factories as registry_factories

ID_CARD = {
    "name": "陈静",
    "gender": "女",
    "ethnicity": "汉族",
    "birth_date": "1985-06-01",
    "address": "示范市西城区青山路8号3单元501室",
    "issuing_authority": "示范市公安局西城分局",
    "valid_from": "2020-01-01",
    "valid_to": "2040-01-01",
}


@dataclass
class World:
    resident: Resident
    enterprise: LegalPerson
    gaj: Department
    scjgj: Department


@pytest.fixture
def world(db: None) -> World:
    orgs_services.divisions_load(actor=SYSTEM)
    orgs_services.departments_load(actor=SYSTEM)
    services.certificate_types_load(actor=SYSTEM)
    resident = registry_factories.resident(name="陈静")
    enterprise = registry_factories.legal_person(representative=resident)
    return World(
        resident=resident,
        enterprise=enterprise,
        gaj=Department.objects.get(code="GAJ"),
        scjgj=Department.objects.get(code="SCJGJ"),
    )


def id_card_data(resident: Resident) -> dict[str, str]:
    return {**ID_CARD, "id_number": resident.id_number}


@pytest.fixture
def id_card(world: World) -> Certificate:
    return services.certificate_issue(
        actor=SYSTEM, certificate_type="CT-SFZ", holder=world.resident.id_number, subject=id_card_data(world.resident)
    )


def staff_actor(department: Department, role: str) -> Actor:
    user = accounts_factories.staff()
    Membership.objects.create(user=user, department=department, role=role)
    return actor_for_user(user)


def holder_user(resident: Resident) -> User:
    return accounts_factories.citizen(id_number=resident.id_number, real_name=resident.name)


def client_fetch(client: Client) -> Callable[[str], bytes]:
    """A fetch for the standalone verifier that answers from the Django views (errors raise, like urllib)."""

    def fetch(url: str) -> bytes:
        parts = urllib.parse.urlsplit(url)
        response = client.get(parts.path)
        if response.status_code != 200:
            raise OSError(f"HTTP {response.status_code} for {url}")
        return bytes(response.content)

    return fetch
