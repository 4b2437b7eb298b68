"""Demo data of the registries that the city loader (``load_demo_city``) asks for: households for its residents.

Pure and deterministic: the same residents and seed always give the same households. A household is headed by an
adult; a married head takes a married adult of the other sex of similar age as spouse, then children at least 20
years younger, sometimes an elderly parent. Members share the head's registered address; minors left over join a
household of their district whose head is old enough to be their parent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from zhizheng.registries.choices import HouseholdRelation, MaritalStatus
from zhizheng.registries.services import HouseholdRecord, ResidentRecord

SEARCH_WINDOW = 40  # how many candidates a head looks through for a spouse or child (keeps the pass linear)


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def households_assign(
    residents: list[ResidentRecord], *, seed: int, today: dt.date
) -> tuple[list[HouseholdRecord], list[ResidentRecord]]:
    """``(households, residents with household number, relation and the household's address)``, residents in
    their original order."""
    rng = random.Random(f"households:{seed}")
    by_district: dict[str, list[int]] = {}
    for index, record in enumerate(residents):
        by_district.setdefault(record.district_code, []).append(index)
    assigned: dict[int, tuple[str, str, str]] = {}  # resident index -> (household number, relation, address)
    households: list[HouseholdRecord] = []
    for district in sorted(by_district):
        indexes = by_district[district]
        ages = {i: _age(residents[i].birth_on, today) for i in indexes}
        adults = [i for i in indexes if ages[i] >= 18]
        minors = [i for i in indexes if ages[i] < 18]
        rng.shuffle(adults)
        heads: list[tuple[int, str, str]] = []  # (head index, household number, address)
        for head in adults:
            if head in assigned:
                continue
            number = f"{district}{len(heads) + 1:06d}"
            address = residents[head].household_address
            households.append(HouseholdRecord(number=number, address=address, district_code=district))
            heads.append((head, number, address))
            assigned[head] = (number, HouseholdRelation.HEAD, address)
            record = residents[head]
            if record.marital_status == MaritalStatus.MARRIED:
                for other in [i for i in adults if i not in assigned][:SEARCH_WINDOW]:
                    partner = residents[other]
                    if (
                        partner.marital_status == MaritalStatus.MARRIED
                        and partner.sex != record.sex
                        and abs(ages[other] - ages[head]) <= 10
                    ):
                        assigned[other] = (number, HouseholdRelation.SPOUSE, address)
                        break
            wanted = rng.choice((0, 1, 1, 2)) if 22 <= ages[head] <= 60 else 0
            for child in [i for i in minors if i not in assigned][:SEARCH_WINDOW]:
                if wanted == 0:
                    break
                if ages[head] - ages[child] >= 20:
                    assigned[child] = (number, HouseholdRelation.CHILD, address)
                    wanted -= 1
            if rng.random() < 0.12:
                for elder in [i for i in adults if i not in assigned][:SEARCH_WINDOW]:
                    if ages[elder] - ages[head] >= 20:
                        assigned[elder] = (number, HouseholdRelation.PARENT, address)
                        break
        for child in minors:
            if child in assigned or not heads:
                continue
            fitting = [h for h in heads if ages[h[0]] - ages[child] >= 20] or heads
            head, number, address = fitting[rng.randrange(len(fitting))]
            kinship = HouseholdRelation.CHILD if ages[head] - ages[child] < 45 else HouseholdRelation.GRANDCHILD
            assigned[child] = (number, kinship, address)
    updated = []
    for index, record in enumerate(residents):
        if index in assigned:
            number, relation, address = assigned[index]
            record = dataclasses.replace(
                record, household_number=number, relation_to_head=relation, household_address=address
            )
        updated.append(record)
    return households, updated
