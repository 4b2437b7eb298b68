"""Reads of the base registries. Every read names a purpose; these selectors always mask personal fields.

Full personal data is disclosed only by ``services.resident_disclose``, which checks the purpose and logs the
access (a read that must leave a trace is a state change, so it is a service).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound
from zhizheng.core.masking import mask_address, mask_id_number, mask_name
from zhizheng.registries.choices import Purpose, ResidentStatus
from zhizheng.registries.models import LegalPerson, Resident
from zhizheng.registries.permissions import Perm, policy

MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class ResidentView:
    """A resident as a reader sees them. When ``masked``, names, numbers and addresses are partly hidden and the
    exact birth date is withheld (the year stays)."""

    id: int
    id_number: str
    name: str
    sex: str
    birth_year: int
    birth_on: dt.date | None
    nationality: str
    ethnicity: str
    household_address: str
    district_code: str
    marital_status: str
    status: str
    masked: bool


def resident_view(resident: Resident, *, masked: bool) -> ResidentView:
    return ResidentView(
        id=resident.pk,
        id_number=mask_id_number(resident.id_number) if masked else resident.id_number,
        name=mask_name(resident.name) if masked else resident.name,
        sex=resident.sex,
        birth_year=resident.birth_on.year,
        birth_on=None if masked else resident.birth_on,
        nationality=resident.nationality,
        ethnicity=resident.ethnicity,
        household_address=mask_address(resident.household_address) if masked else resident.household_address,
        district_code=resident.district_code,
        marital_status=resident.marital_status if not masked else "",
        status=resident.status,
        masked=masked,
    )


@dataclass(frozen=True, slots=True)
class LegalPersonView:
    """A legal person: the public facts of the business licence, with the representative's name masked."""

    id: int
    uscc: str
    name: str
    type: str
    legal_representative: str
    registered_capital_fen: int
    business_scope: str
    address: str
    district_code: str
    established_on: dt.date
    status: str


def legal_person_view(legal_person: LegalPerson) -> LegalPersonView:
    return LegalPersonView(
        id=legal_person.pk,
        uscc=legal_person.uscc,
        name=legal_person.name,
        type=legal_person.type,
        legal_representative=mask_name(legal_person.legal_representative.name),
        registered_capital_fen=legal_person.registered_capital_fen,
        business_scope=legal_person.business_scope,
        address=legal_person.address,
        district_code=legal_person.district_code,
        established_on=legal_person.established_on,
        status=legal_person.status,
    )


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_PAGE_SIZE)), max(0, offset)


def resident_list(
    *, actor: Actor, purpose: Purpose, district_code: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[ResidentView]]:
    """``(count, masked residents)`` for readers of the registry (staff, API clients with ``registries.read``)."""
    policy.require(actor, Perm.READ)
    queryset: QuerySet[Resident] = Resident.objects.order_by("id_number")
    if district_code:
        queryset = queryset.filter(district_code=district_code)
    limit, offset = _page(limit, offset)
    return queryset.count(), [resident_view(r, masked=True) for r in queryset[offset : offset + limit]]


def resident_get(*, actor: Actor, purpose: Purpose, id_number: str) -> ResidentView:
    """One resident, masked. Unknown numbers and readers without access both get ``NotFound``."""
    if not policy.has(actor, Perm.READ):
        raise NotFound()
    resident = Resident.objects.filter(id_number=id_number.strip().upper()).first()
    if resident is None:
        raise NotFound()
    return resident_view(resident, masked=True)


def legal_person_list(
    *, actor: Actor, purpose: Purpose, district_code: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[LegalPersonView]]:
    policy.require(actor, Perm.READ)
    queryset = LegalPerson.objects.select_related("legal_representative").order_by("uscc")
    if district_code:
        queryset = queryset.filter(district_code=district_code)
    limit, offset = _page(limit, offset)
    return queryset.count(), [legal_person_view(lp) for lp in queryset[offset : offset + limit]]


def legal_person_get(*, actor: Actor, purpose: Purpose, uscc: str) -> LegalPersonView:
    if not policy.has(actor, Perm.READ):
        raise NotFound()
    found = LegalPerson.objects.select_related("legal_representative").filter(uscc=uscc.strip().upper()).first()
    if found is None:
        raise NotFound()
    return legal_person_view(found)


def living_resident_matches(*, id_number: str, name: str) -> bool:
    """True when a living resident has exactly this ID number and name (the identity check behind level L2).
    No actor: it answers only yes or no and is used by ``services.identity_verify``."""
    return Resident.objects.filter(
        id_number=id_number.strip().upper(), name=name.strip(), status=ResidentStatus.ALIVE
    ).exists()


def legal_person_exists(*, uscc: str) -> bool:
    return LegalPerson.objects.filter(uscc=uscc.strip().upper()).exists()
