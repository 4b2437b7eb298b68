"""One factory per model of the base registries."""

from __future__ import annotations

import datetime as dt
import itertools

from zhizheng.core.validators import id_number_make, uscc_make
from zhizheng.registries.models import LegalPerson, RegistryAccess, Resident

_sequence = itertools.count(1)


def resident(
    *,
    name: str = "陈静",
    born: dt.date = dt.date(1985, 6, 1),
    district: str = "990103",
    male: bool = False,
    status: str = "alive",
) -> Resident:
    sequence = (next(_sequence) * 2 + (1 if male else 0)) % 1000
    return Resident.objects.create(
        id_number=id_number_make(district, born, sequence),
        name=name,
        sex="male" if male else "female",
        birth_on=born,
        household_address="示范市西城区青山路8号3单元501室",
        district_code=district,
        status=status,
    )


def legal_person(*, representative: Resident, name: str = "示范市青山科技有限公司") -> LegalPerson:
    return LegalPerson.objects.create(
        uscc=uscc_make("9", "1", "990103", f"MA{next(_sequence):06d}"),
        name=name,
        type="limited_company",
        legal_representative=representative,
        registered_capital_fen=100_000_000,
        business_scope="软件开发",
        address="示范市西城区青山路9号",
        district_code="990103",
        established_on=dt.date(2019, 4, 1),
    )


def registry_access(*, actor_ref: str = "user:1", subject: Resident) -> RegistryAccess:
    return RegistryAccess.objects.create(
        actor_ref=actor_ref, purpose="service_handling", subject_kind="resident", subject_id=subject.pk
    )
