"""The demo city's certificates: realistic, valid, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from zhizheng.certificates import demo, selectors
from zhizheng.certificates.models import Certificate
from zhizheng.certificates.tests.conftest import World
from zhizheng.core.actor import SYSTEM
from zhizheng.registries.tests import factories as registry_factories

pytestmark = pytest.mark.django_db


def test_demo_issues_each_kind_once_and_every_credential_verifies(world: World) -> None:
    man = registry_factories.resident(name="王强", male=True, born=dt.date(1980, 3, 2))
    woman = registry_factories.resident(name="李娜", born=dt.date(1982, 8, 9))
    for person in (man, woman):
        person.marital_status = "married"
        person.save(update_fields=["marital_status"])
    child = registry_factories.resident(name="王小明", male=True, born=dt.date(2019, 1, 5))
    result = demo.demo_certificates(actor=SYSTEM, today=dt.date(2026, 6, 30))
    assert result.by_type["CT-HKB"] == 4
    assert result.by_type["CT-SFZ"] == 3  # the child is too young for an ID card
    assert result.by_type["CT-JHZ"] == 2
    assert result.by_type["CT-YYZZ"] == 1
    assert not Certificate.objects.filter(holder_identifier=child.id_number, type__code="CT-SFZ").exists()
    marriage = Certificate.objects.get(holder_identifier=woman.id_number, type__code="CT-JHZ")
    assert (marriage.subject["man_name"], marriage.subject["woman_name"], marriage.subject["holder_name"]) == (
        "王强",
        "李娜",
        "李娜",
    )
    for certificate in Certificate.objects.all():
        assert selectors.verify_credential(certificate.credential).valid, certificate.type.code
    assert demo.demo_certificates(actor=SYSTEM, today=dt.date(2026, 6, 30)).issued == 0
