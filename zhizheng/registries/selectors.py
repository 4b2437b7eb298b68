"""Reads of the base registries. Every read of the population registry names a purpose, is checked against the
actor's roles for that purpose, and is written to the access log (granted or refused, with the fields read).
These selectors always mask personal fields; ``services.resident_disclose`` unmasks (and logs that too).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.core.masking import mask_address, mask_id_number, mask_name
from zhizheng.registries.access import access_log, may_read_somehow, require_read
from zhizheng.registries.choices import Purpose, ResidentStatus
from zhizheng.registries.models import (
    EconomicObservation,
    LegalPerson,
    RecordChange,
    RegistryAccess,
    Resident,
    SpatialUnit,
)
from zhizheng.registries.permissions import Perm, policy

MAX_PAGE_SIZE = 100
MASKED_FIELDS = ("id_number", "name", "sex", "birth_year", "nationality", "ethnicity", "household_address", "status")
"""What a masked read shows of a person (the access log records these field names)."""
FULL_FIELDS = (*MASKED_FIELDS, "birth_on", "marital_status", "household_number", "relation_to_head", "died_on")


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
    household_number: str = ""
    relation_to_head: str = ""
    died_on: dt.date | None = None


def resident_view(resident: Resident, *, masked: bool) -> ResidentView:
    """``resident`` as a reader sees it; with ``masked`` False, the household is read too (select it related)."""
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
        household_number="" if masked or resident.household is None else resident.household.number,
        relation_to_head="" if masked else resident.relation_to_head,
        died_on=None if masked else resident.died_on,
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
    *,
    actor: Actor,
    purpose: Purpose | str | None,
    district_code: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[ResidentView]]:
    """``(count, masked residents)`` for readers of the registry with a purpose their roles allow. Each resident
    returned is logged; a count alone (``limit=0``) reads no one's data. A refusal is logged and raised (403)."""
    try:
        checked = require_read(
            actor=actor, purpose=purpose, subject_kind="resident", subject_id=None, fields=MASKED_FIELDS, via="list"
        )
    except NotFound:
        raise PermissionDenied() from None  # a list exists for everyone; it is the reading that is refused
    queryset: QuerySet[Resident] = Resident.objects.order_by("id_number")
    if district_code:
        queryset = queryset.filter(district_code=district_code)
    limit, offset = _page(limit, offset)
    rows = list(queryset[offset : offset + limit]) if limit else []
    if rows:
        access_log(
            actor=actor,
            purpose=checked,
            subject_kind="resident",
            subject_ids=[r.pk for r in rows],
            fields=MASKED_FIELDS,
            via="list",
        )
    return queryset.count(), [resident_view(r, masked=True) for r in rows]


def resident_get(*, actor: Actor, purpose: Purpose | str | None, id_number: str, via: str = "get") -> ResidentView:
    """One resident, masked, logged. Unknown numbers and readers without access both get ``NotFound``; a reader
    whose roles do not fit the purpose gets a 403. Refusals are logged. ``via`` names the read in the access log
    (``get`` for the deprecated path lookup, ``lookup`` for the body one)."""
    resident = Resident.objects.filter(id_number=id_number.strip().upper()).first()
    checked = require_read(
        actor=actor,
        purpose=purpose,
        subject_kind="resident",
        subject_id=resident.pk if resident else None,
        fields=MASKED_FIELDS,
        via=via,
    )
    if resident is None:
        raise NotFound()
    access_log(
        actor=actor,
        purpose=checked,
        subject_kind="resident",
        subject_ids=[resident.pk],
        fields=MASKED_FIELDS,
        via=via,
    )
    return resident_view(resident, masked=True)


def legal_person_list(
    *, actor: Actor, purpose: Purpose, district_code: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[int, list[LegalPersonView]]:
    """The public facts of legal persons (the representative's name masked) for readers of the registry."""
    if not may_read_somehow(actor):
        raise PermissionDenied()
    queryset = LegalPerson.objects.select_related("legal_representative").order_by("uscc")
    if district_code:
        queryset = queryset.filter(district_code=district_code)
    limit, offset = _page(limit, offset)
    return queryset.count(), [legal_person_view(lp) for lp in queryset[offset : offset + limit]]


def legal_person_get(*, actor: Actor, purpose: Purpose, uscc: str) -> LegalPersonView:
    if not may_read_somehow(actor):
        raise NotFound()
    found = LegalPerson.objects.select_related("legal_representative").filter(uscc=uscc.strip().upper()).first()
    if found is None:
        raise NotFound()
    return legal_person_view(found)


@dataclass(frozen=True, slots=True)
class HolderRecords:
    """Record ids of the residents (by 公民身份号码) and legal persons (by 统一社会信用代码) that were found."""

    residents: dict[str, int]
    legal_persons: dict[str, int]


HOLDER_FIELDS = ("id_number",)
"""What resolving a certificate holder reads of a resident (the access log records it)."""


def holders_resolve(*, actor: Actor, purpose: Purpose | str | None, identifiers: Collection[str]) -> HolderRecords:
    """Which of ``identifiers`` are residents and which legal persons, for issuing certificates to them.

    One permission check for the whole batch (a refusal is logged and raised like any read), and one access-log
    statement for the residents found, with the purpose: a batch of ten thousand holders costs three queries."""
    checked = require_read(
        actor=actor, purpose=purpose, subject_kind="resident", subject_id=None, fields=HOLDER_FIELDS, via="batch"
    )
    wanted = {identifier.strip().upper() for identifier in identifiers}
    residents = dict(Resident.objects.filter(id_number__in=wanted).values_list("id_number", "pk"))
    legal_persons = dict(LegalPerson.objects.filter(uscc__in=wanted).values_list("uscc", "pk"))
    if residents:
        access_log(
            actor=actor,
            purpose=checked,
            subject_kind="resident",
            subject_ids=sorted(residents.values()),
            fields=HOLDER_FIELDS,
            via="batch",
        )
    return HolderRecords(residents=residents, legal_persons=legal_persons)


@dataclass(frozen=True, slots=True)
class Birthday:
    """A living resident's 公民身份号码 and date of birth (what a proactive service needs to match an account)."""

    id_number: str
    birth_on: dt.date


BIRTHDAY_FIELDS = ("id_number", "birth_on")


def residents_born_between(
    *, actor: Actor, purpose: Purpose | str | None, first: dt.date, last: dt.date
) -> list[Birthday]:
    """Living residents born from ``first`` to ``last`` (inclusive), unmasked: for the system's proactive services
    (e.g. who turns 80 and may claim the old-age allowance). Unmasked data needs a purpose that allows disclosure;
    the read is checked once and logged in one statement for the batch."""
    checked = require_read(
        actor=actor,
        purpose=purpose,
        subject_kind="resident",
        subject_id=None,
        fields=BIRTHDAY_FIELDS,
        via="batch",
        unmasked=True,
    )
    rows = list(
        Resident.objects.filter(status=ResidentStatus.ALIVE, birth_on__gte=first, birth_on__lte=last)
        .order_by("birth_on", "id_number")
        .values_list("pk", "id_number", "birth_on")
    )
    if rows:
        access_log(
            actor=actor,
            purpose=checked,
            subject_kind="resident",
            subject_ids=[pk for pk, _number, _born in rows],
            fields=BIRTHDAY_FIELDS,
            unmasked=True,
            via="batch",
        )
    return [Birthday(id_number=number, birth_on=born) for _pk, number, born in rows]


def living_resident_matches(*, id_number: str, name: str) -> bool:
    """True when a living resident has exactly this ID number and name (the identity check behind level L2).
    No actor: it answers only yes or no and is used by ``services.identity_verify``."""
    return Resident.objects.filter(
        id_number=id_number.strip().upper(), name=name.strip(), status=ResidentStatus.ALIVE
    ).exists()


def spatial_unit_table() -> QuerySet[SpatialUnit]:
    """Spatial units as a public table (no personal data; the data hub filters, sorts and pages it by column:
    ``code``, ``name``, ``level``, ``parent__code``, ``area_km2``)."""
    return SpatialUnit.objects.all()


def economic_observation_table() -> QuerySet[EconomicObservation]:
    """Macro-economic observations as a public table (``indicator__code``, ``indicator__name``, ``period``,
    ``value``, ``indicator__unit``) for the data hub."""
    return EconomicObservation.objects.all()


def legal_person_codes() -> QuerySet[LegalPerson, Any]:
    """The unified social credit codes of the registry (``values("uscc")``, for reference checks in SQL)."""
    return LegalPerson.objects.values("uscc")


def legal_person_exists(*, uscc: str) -> bool:
    return LegalPerson.objects.filter(uscc=uscc.strip().upper()).exists()


# --- audit: the access log and the change history ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessFilter:
    """Filters of the access log; empty values filter nothing. ``record`` is an ID number or a record number."""

    actor_ref: str = ""
    record: str = ""
    purpose: str = ""
    outcome: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _access_queryset(actor: Actor, filters: AccessFilter) -> QuerySet[RegistryAccess]:
    policy.require(actor, Perm.AUDIT_ACCESS)
    queryset = RegistryAccess.objects.order_by("-accessed_at", "-id")
    if filters.actor_ref:
        queryset = queryset.filter(actor_ref=filters.actor_ref.strip())
    record = filters.record.strip().upper()
    if record:
        if record.isdigit() and len(record) < 15:
            queryset = queryset.filter(subject_id=int(record))
        else:
            found = Resident.objects.filter(id_number=record).values_list("pk", flat=True).first()
            queryset = queryset.filter(subject_kind="resident", subject_id=found) if found else queryset.none()
    if filters.purpose:
        queryset = queryset.filter(purpose=filters.purpose)
    if filters.outcome:
        queryset = queryset.filter(outcome=filters.outcome)
    zone = timezone.get_current_timezone()
    if filters.since:
        queryset = queryset.filter(accessed_at__gte=dt.datetime.combine(filters.since, dt.time.min, zone))
    if filters.until:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, zone)
        queryset = queryset.filter(accessed_at__lt=end)
    return queryset


def access_log_list(
    *, actor: Actor, filters: AccessFilter, limit: int = 50, offset: int = 0
) -> tuple[int, list[RegistryAccess]]:
    """``(count, rows)`` of the access log, newest first, for auditors."""
    queryset = _access_queryset(actor, filters)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def access_log_export(*, actor: Actor, filters: AccessFilter) -> Iterator[RegistryAccess]:
    """Every row matching ``filters``, streamed in chunks (for the CSV export)."""
    return _access_queryset(actor, filters).iterator(chunk_size=2000)


def record_changes(
    *, actor: Actor, subject_kind: str, subject_id: int, limit: int = 50, offset: int = 0
) -> tuple[int, list[RecordChange]]:
    """The change history of one record (newest first), for auditors. Reading a resident's history is a read of
    personal data: it is logged (purpose audit)."""
    policy.require(actor, Perm.AUDIT_ACCESS)
    if subject_kind == "resident":
        access_log(
            actor=actor,
            purpose=Purpose.AUDIT,
            subject_kind=subject_kind,
            subject_ids=[subject_id],
            fields=("history",),
            via="history",
        )
    queryset = RecordChange.objects.filter(subject_kind=subject_kind, subject_id=subject_id).order_by(
        "-changed_at", "-id"
    )
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])
