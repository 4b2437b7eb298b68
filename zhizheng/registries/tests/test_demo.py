"""Demo households: deterministic, one head each, members share the head's address, spouses of the other sex."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections import defaultdict

import pytest

from zhizheng.core.actor import SYSTEM
from zhizheng.core.validators import id_number_make
from zhizheng.registries import demo, services
from zhizheng.registries.models import Household, RecordChange, Resident

TODAY = dt.date(2026, 6, 30)


def _residents(count: int = 300) -> list[services.ResidentRecord]:
    rng = random.Random(5)
    records = []
    for index in range(count):
        male = index % 2 == 0
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 30000))
        district = ("990102", "990121")[index % 3 == 0]
        records.append(
            services.ResidentRecord(
                id_number=id_number_make(district, born, (index * 2 + (1 if male else 0)) % 1000),
                name=f"测试{index}",
                sex="male" if male else "female",
                birth_on=born,
                household_address=f"示范市测试路{index}号",
                district_code=district,
                marital_status="married" if (TODAY - born).days > 9000 and rng.random() < 0.7 else "unmarried",
            )
        )
    return records


def test_households_are_deterministic_and_consistent() -> None:
    residents = _residents()

    households, updated = demo.households_assign(residents, seed=1, today=TODAY)

    assert demo.households_assign(residents, seed=1, today=TODAY) == (households, updated)
    assert [r.id_number for r in updated] == [r.id_number for r in residents]
    members: dict[str, list[services.ResidentRecord]] = defaultdict(list)
    for record in updated:
        members[record.household_number].append(record)
    addresses = {h.number: h.address for h in households}
    assert set(members) == set(addresses)
    for number, people in members.items():
        assert [p.relation_to_head for p in people].count("head") == 1
        assert {p.household_address for p in people} == {addresses[number]}
        assert {p.district_code for p in people} == {number[:6]}
        head = next(p for p in people if p.relation_to_head == "head")
        for spouse in (p for p in people if p.relation_to_head == "spouse"):
            assert spouse.sex != head.sex
        for child in (p for p in people if p.relation_to_head == "child"):
            assert child.birth_on.year - head.birth_on.year >= 19


@pytest.mark.django_db
def test_households_import_then_residents_join_them() -> None:
    households, residents = demo.households_assign(_residents(60), seed=1, today=TODAY)

    assert services.households_import(actor=SYSTEM, records=households) == len(households)
    assert services.households_import(actor=SYSTEM, records=households) == 0
    services.residents_import(actor=SYSTEM, records=residents)

    assert Resident.objects.filter(household__isnull=True).count() == 0
    change = RecordChange.objects.get(subject_kind="resident", subject_id=Resident.objects.first().pk)  # type: ignore[union-attr]
    assert (change.service, change.actor_ref, sorted(change.changes)) == (
        "residents_import",
        "system",
        ["id_number", "name", "status"],
    )
    born = dt.date(2000, 1, 1)
    unknown = dataclasses.replace(
        residents[0], id_number=id_number_make("990102", born, 7), birth_on=born, sex="male", district_code="990102"
    )
    with pytest.raises(services.RecordInvalid, match="unknown household"):
        services.residents_import(actor=SYSTEM, records=[dataclasses.replace(unknown, household_number="990102999999")])
    assert Resident.objects.filter(relation_to_head="head").count() == Household.objects.count()
    with pytest.raises(services.RecordInvalid, match="six digits"):
        services.households_import(
            actor=SYSTEM, records=[services.HouseholdRecord(number="990102", address="x", district_code="990102")]
        )
