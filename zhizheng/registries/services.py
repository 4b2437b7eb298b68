"""State changes of the base registries: identity verification, logged disclosure, and bulk loading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts import services as accounts_services
from zhizheng.accounts.models import User
from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.divisions import division
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.core.validators import check_id_number, check_uscc
from zhizheng.ledger import services as ledger
from zhizheng.registries.access import access_log, require_read
from zhizheng.registries.choices import (
    HouseholdRelation,
    LegalPersonStatus,
    LegalPersonType,
    MaritalStatus,
    Purpose,
    ResidentStatus,
    Sex,
)
from zhizheng.registries.models import Household, LegalPerson, RecordChange, Resident
from zhizheng.registries.permissions import Perm, policy
from zhizheng.registries.selectors import FULL_FIELDS, ResidentView, living_resident_matches, resident_view


class RecordInvalid(ValidationFailed):
    code = "registries.record_invalid"
    message = _("Registry record %(key)s is invalid: %(reason)s")


# --- identity ----------------------------------------------------------------------------------------------------


@transaction.atomic
def identity_verify(*, actor: Actor, user: User) -> bool:
    """Grant real-name level L2 when the user's ID number and real name match a living resident exactly.

    Returns whether they matched; a mismatch changes nothing (the person keeps their level). The population
    registry vouches for the match, so the level is raised with the system's authority."""
    policy.require(actor, Perm.VERIFY_IDENTITY, user)
    if not user.id_number or not user.real_name:
        return False
    if not living_resident_matches(id_number=user.id_number, name=user.real_name):
        return False
    accounts_services.user_real_name_level_raise(actor=SYSTEM, user=user, level=User.RealNameLevel.L2)
    ledger.record(
        actor=SYSTEM,
        act="registries.identity.verified",
        subject=("accounts.user", user.pk),
        payload={"real_name_level": int(User.RealNameLevel.L2), "matched": "population_registry"},
    )
    return True


def resident_disclose(*, actor: Actor, purpose: Purpose | str | None, id_number: str) -> ResidentView:
    """The full, unmasked record of one resident, for a purpose that justifies it; the access is logged, and so is
    a refusal (deliberately outside a transaction, so that the refusal's row stays when the error is raised)."""
    resident = Resident.objects.select_related("household").filter(id_number=id_number.strip().upper()).first()
    checked = require_read(
        actor=actor,
        purpose=purpose,
        subject_kind="resident",
        subject_id=resident.pk if resident else None,
        fields=FULL_FIELDS,
        via="disclose",
        unmasked=True,
    )
    if resident is None:
        raise NotFound()
    access_log(
        actor=actor,
        purpose=checked,
        subject_kind="resident",
        subject_ids=[resident.pk],
        fields=FULL_FIELDS,
        unmasked=True,
        via="disclose",
    )
    return resident_view(resident, masked=False)


# --- bulk loading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResidentRecord:
    """A population-registry entry to load. Sex and birth date must agree with the ID number."""

    id_number: str
    name: str
    sex: str
    birth_on: dt.date
    household_address: str
    district_code: str
    ethnicity: str = "汉族"
    nationality: str = "中国"
    marital_status: str = MaritalStatus.UNMARRIED
    status: str = ResidentStatus.ALIVE
    household_number: str = ""
    relation_to_head: str = ""


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    """A household registration to load: its 户号 (district code and six digits), address and district."""

    number: str
    address: str
    district_code: str


@dataclass(frozen=True, slots=True)
class LegalPersonRecord:
    """A legal-person registry entry to load; the representative is named by their ID number."""

    uscc: str
    name: str
    type: str
    representative_id_number: str
    registered_capital_fen: int
    business_scope: str
    address: str
    district_code: str
    established_on: dt.date
    status: str = LegalPersonStatus.ACTIVE


def _invalid(key: str, reason: Any) -> RecordInvalid:
    return RecordInvalid(params={"key": key, "reason": str(reason)})


def _check_resident(record: ResidentRecord) -> None:
    result = check_id_number(record.id_number)
    if not result.valid:
        raise _invalid(record.id_number, result.message_en)
    if result.birth_date != record.birth_on:
        raise _invalid(record.id_number, "birth date differs from the ID number")
    expected_sex = Sex.MALE if result.sex == "male" else Sex.FEMALE
    if record.sex != expected_sex:
        raise _invalid(record.id_number, "sex differs from the ID number")
    if division(record.district_code) is None:
        raise _invalid(record.id_number, f"unknown district {record.district_code}")
    if not record.name.strip():
        raise _invalid(record.id_number, "name is empty")
    if record.marital_status not in MaritalStatus.values or record.status not in ResidentStatus.values:
        raise _invalid(record.id_number, "unknown marital status or status")
    if record.relation_to_head and record.relation_to_head not in HouseholdRelation.values:
        raise _invalid(record.id_number, "unknown relation to the head of household")
    if bool(record.household_number) != bool(record.relation_to_head):
        raise _invalid(record.id_number, "a household member needs both the household number and the relation")


def _import_history(actor: Actor, kind: str, service: str, rows: list[tuple[int, dict[str, Any]]]) -> None:
    RecordChange.objects.bulk_create(
        [
            RecordChange(
                subject_kind=kind,
                subject_id=pk,
                service=service,
                actor_ref=actor.ref,
                changes={key: [None, value] for key, value in values.items()},
            )
            for pk, values in rows
        ],
        batch_size=1000,
    )


@transaction.atomic
def households_import(*, actor: Actor, records: Iterable[HouseholdRecord]) -> int:
    """Add household registrations not yet in the registry (by number); returns how many were added. Every record
    is checked first, so one bad record leaves the registry untouched."""
    policy.require(actor, Perm.LOAD)
    wanted: dict[str, HouseholdRecord] = {}
    for record in records:
        if len(record.number) != 12 or not record.number.isdigit() or record.number[:6] != record.district_code:
            raise _invalid(record.number, "a household number is the district code and six digits")
        if division(record.district_code) is None:
            raise _invalid(record.number, f"unknown district {record.district_code}")
        if not record.address.strip():
            raise _invalid(record.number, "address is empty")
        wanted.setdefault(record.number, record)
    existing = set(Household.objects.filter(number__in=list(wanted)).values_list("number", flat=True))
    new = [
        Household(number=r.number, address=r.address.strip(), district_code=r.district_code)
        for key, r in wanted.items()
        if key not in existing
    ]
    Household.objects.bulk_create(new, batch_size=1000)
    return len(new)


@transaction.atomic
def residents_import(*, actor: Actor, records: Iterable[ResidentRecord]) -> int:
    """Add residents not yet in the registry (by ID number); returns how many were added. Every record is
    checked first, so one bad record leaves the registry untouched. Existing residents are not changed."""
    policy.require(actor, Perm.LOAD)
    wanted: dict[str, ResidentRecord] = {}
    for record in records:
        _check_resident(record)
        wanted.setdefault(record.id_number, record)
    existing = set(Resident.objects.filter(id_number__in=list(wanted)).values_list("id_number", flat=True))
    numbers = {r.household_number for r in wanted.values() if r.household_number}
    households = dict(Household.objects.filter(number__in=numbers).values_list("number", "pk"))
    for key, r in wanted.items():
        if r.household_number and r.household_number not in households:
            raise _invalid(key, f"unknown household {r.household_number}")
    new = [
        Resident(
            id_number=r.id_number,
            name=r.name.strip(),
            sex=r.sex,
            birth_on=r.birth_on,
            nationality=r.nationality,
            ethnicity=r.ethnicity,
            household_address=r.household_address,
            district_code=r.district_code,
            marital_status=r.marital_status,
            status=r.status,
            household_id=households.get(r.household_number),
            relation_to_head=r.relation_to_head,
        )
        for key, r in wanted.items()
        if key not in existing
    ]
    Resident.objects.bulk_create(new, batch_size=500)
    if new and new[0].pk is None:  # backends that do not return keys from bulk inserts
        keys = dict(Resident.objects.filter(id_number__in=[r.id_number for r in new]).values_list("id_number", "pk"))
        for resident in new:
            resident.pk = keys[resident.id_number]
    _import_history(
        actor,
        "resident",
        "residents_import",
        [(r.pk, {"id_number": r.id_number, "name": r.name, "status": r.status}) for r in new],
    )
    ledger.record_many(
        actor=actor,
        acts=[
            ledger.Act(
                act="registries.resident.registered",
                subject=resident,
                payload={
                    "id_number": resident.id_number,
                    "name": resident.name,
                    "district_code": resident.district_code,
                    "status": resident.status,
                },
            )
            for resident in new
        ],
    )
    return len(new)


@transaction.atomic
def legal_persons_import(*, actor: Actor, records: Iterable[LegalPersonRecord]) -> int:
    """Add legal persons not yet in the registry (by USCC); their representatives must be residents. Returns how
    many were added; one bad record leaves the registry untouched."""
    policy.require(actor, Perm.LOAD)
    wanted: dict[str, LegalPersonRecord] = {}
    for record in records:
        result = check_uscc(record.uscc)
        if not result.valid:
            raise _invalid(record.uscc, result.message_en)
        if record.type not in LegalPersonType.values or record.status not in LegalPersonStatus.values:
            raise _invalid(record.uscc, "unknown type or status")
        if record.registered_capital_fen < 0:
            raise _invalid(record.uscc, "registered capital is negative")
        if division(record.district_code) is None:
            raise _invalid(record.uscc, f"unknown district {record.district_code}")
        wanted.setdefault(result.value, record)
    representatives = dict(
        Resident.objects.filter(id_number__in={r.representative_id_number for r in wanted.values()}).values_list(
            "id_number", "pk"
        )
    )
    existing = set(LegalPerson.objects.filter(uscc__in=list(wanted)).values_list("uscc", flat=True))
    new: list[LegalPerson] = []
    for uscc, record in wanted.items():
        if uscc in existing:
            continue
        representative_id = representatives.get(record.representative_id_number)
        if representative_id is None:
            raise _invalid(uscc, "the legal representative is not in the population registry")
        new.append(
            LegalPerson(
                uscc=uscc,
                name=record.name,
                type=record.type,
                legal_representative_id=representative_id,
                registered_capital_fen=record.registered_capital_fen,
                business_scope=record.business_scope,
                address=record.address,
                district_code=record.district_code,
                established_on=record.established_on,
                status=record.status,
            )
        )
    LegalPerson.objects.bulk_create(new, batch_size=500)
    _import_history(
        actor,
        "legal_person",
        "legal_persons_import",
        [(lp.pk, {"uscc": lp.uscc, "name": lp.name, "status": lp.status}) for lp in new],
    )
    ledger.record_many(
        actor=actor,
        acts=[
            ledger.Act(
                act="registries.legal_person.registered",
                subject=legal_person,
                payload={
                    "uscc": legal_person.uscc,
                    "name": legal_person.name,
                    "type": legal_person.type,
                    "district_code": legal_person.district_code,
                    "established_on": legal_person.established_on.isoformat(),
                },
            )
            for legal_person in new
        ],
    )
    return len(new)
