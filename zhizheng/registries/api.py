"""``/api/v1/registries/``: the base registries for programs.

Personal data comes out masked; ``POST residents/disclose`` unmasks for a purpose that justifies it. A resident is
looked up with ``POST residents/lookup``; both take the ID number in the body, out of access logs, and the older
``GET residents/{id_number}`` and ``POST residents/{id_number}/disclose`` are deprecated. Every read of the
population registry names a ``purpose`` and is written to the access log (refusals too). Registrations (births,
marriages, deaths, household moves, legal persons) go through the services and land in the ledger. Spatial units
(GeoJSON) and macro-economic series are public.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.core.actor import ANONYMOUS
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.registries import economy, registrations, selectors, services, spatial
from zhizheng.registries.choices import Purpose, SpatialLevel
from zhizheng.registries.export import access_csv_response
from zhizheng.registries.models import LegalPerson, RecordChange, RegistryAccess, Resident
from zhizheng.registries.selectors import MAX_PAGE_SIZE, AccessFilter, LegalPersonView, ResidentView

router = Router(tags=["registries"], auth=API_AUTH)

PurposeText = Literal[
    "identity_verification",
    "service_handling",
    "statistics",
    "audit",
    "public_disclosure",
    "law_enforcement",
    "data_sharing",
]


class OutsideCity(NotFound):
    code = "registries.outside_city"
    message = _("The point lies outside the city's spatial units.")


# --- schemas --------------------------------------------------------------------------------------------------------


class ResidentOut(Schema):
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
    household_number: str
    relation_to_head: str
    died_on: dt.date | None


class ResidentList(Schema):
    count: int
    items: list[ResidentOut]


class LegalPersonOut(Schema):
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


class LegalPersonList(Schema):
    count: int
    items: list[LegalPersonOut]


class PageQuery(Schema):
    limit: int = Field(50, ge=0, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)


class ResidentQuery(PageQuery):
    purpose: str | None = None
    district: str | None = None


class PurposeIn(Schema):
    purpose: str | None = None


class LookupIn(Schema):
    """A resident looked up by ID number in the request body, so that the number stays out of URLs and access logs."""

    id_number: str = Field(..., min_length=1, max_length=18)
    purpose: str | None = None


class DiscloseIn(Schema):
    """A resident disclosed in full by ID number in the request body (out of URLs and access logs), with the purpose
    that justifies the disclosure."""

    id_number: str = Field(..., min_length=1, max_length=18)
    purpose: str | None = None


class RecordOut(Schema):
    """The record a registration created or changed, masked (as every API answer about people)."""

    id: int
    id_number: str
    name: str
    status: str
    marital_status: str
    district_code: str
    household_number: str


class BirthIn(Schema):
    name: str = Field(..., max_length=64)
    sex: Literal["male", "female"]
    birth_on: dt.date
    parent_id_number: str = Field(..., max_length=18)
    ethnicity: str | None = Field(None, max_length=16)


class MarriageIn(Schema):
    first_id_number: str = Field(..., max_length=18)
    second_id_number: str = Field(..., max_length=18)


class DeathIn(Schema):
    id_number: str = Field(..., max_length=18)
    died_on: dt.date


class MoveIn(Schema):
    id_number: str = Field(..., max_length=18)
    address: str = Field(..., max_length=200)
    district_code: str = Field(..., max_length=6)
    household_number: str | None = Field(None, max_length=12)
    relation_to_head: str = "other"


class EstablishIn(Schema):
    name: str = Field(..., max_length=128)
    type: str
    representative_id_number: str = Field(..., max_length=18)
    registered_capital_fen: int = Field(..., ge=0)
    business_scope: str = Field(..., max_length=2000)
    address: str = Field(..., max_length=200)
    district_code: str = Field(..., max_length=6)
    established_on: dt.date | None = None


class ChangeIn(Schema):
    name: str | None = Field(None, max_length=128)
    representative_id_number: str | None = Field(None, max_length=18)
    registered_capital_fen: int | None = Field(None, ge=0)
    business_scope: str | None = Field(None, max_length=2000)
    address: str | None = Field(None, max_length=200)


class CancelIn(Schema):
    reason: str = Field(..., max_length=200)


class AccessQuery(PageQuery):
    actor: str = ""
    record: str = ""
    purpose: str = ""
    outcome: Literal["", "granted", "denied"] = ""
    since: dt.date | None = None
    until: dt.date | None = None


class AccessOut(Schema):
    id: int
    accessed_at: dt.datetime
    actor_ref: str
    purpose: str
    subject_kind: str
    subject_id: int | None
    fields: list[str]
    unmasked: bool
    outcome: str
    via: str


class AccessList(Schema):
    count: int
    items: list[AccessOut]


class ChangeOut(Schema):
    id: int
    changed_at: dt.datetime
    subject_kind: str
    subject_id: int
    service: str
    actor_ref: str
    fields: list[str]
    ledger_index: int | None


class ChangeList(Schema):
    count: int
    items: list[ChangeOut]


class UnitRefOut(Schema):
    code: str
    name: str


class LocateOut(Schema):
    lon: float
    lat: float
    grid: UnitRefOut
    street: UnitRefOut
    district: UnitRefOut


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    frequency: str
    source: str
    description: str


class IndicatorList(Schema):
    count: int
    items: list[IndicatorOut]


class PointOut(Schema):
    period: str
    value: float


class SeriesOut(IndicatorOut):
    points: list[PointOut]


# --- helpers --------------------------------------------------------------------------------------------------------


def _record_out(resident: Resident) -> RecordOut:
    view = selectors.resident_view(resident, masked=True)
    return RecordOut(
        id=resident.pk,
        id_number=view.id_number,
        name=view.name,
        status=resident.status,
        marital_status=resident.marital_status,
        district_code=resident.district_code,
        household_number=resident.household.number if resident.household else "",
    )


def _company_out(company: LegalPerson) -> LegalPersonView:
    return selectors.legal_person_view(company)


def _access_out(row: RegistryAccess) -> AccessOut:
    return AccessOut(
        id=row.pk,
        accessed_at=row.accessed_at,
        actor_ref=row.actor_ref,
        purpose=row.purpose,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        fields=list(row.fields),
        unmasked=row.unmasked,
        outcome=row.outcome,
        via=row.via,
    )


def _filters(query: AccessQuery) -> AccessFilter:
    return AccessFilter(
        actor_ref=query.actor,
        record=query.record,
        purpose=query.purpose,
        outcome=query.outcome,
        since=query.since,
        until=query.until,
    )


# --- population registry --------------------------------------------------------------------------------------------


@router.get("/registries/residents", response=ResidentList, operation_id="registries_resident_list")
def resident_list(request: HttpRequest, query: Query[ResidentQuery]) -> ResidentList:
    """Residents, masked, for a ``purpose`` the caller's roles or scopes allow; each one returned is logged."""
    count, rows = selectors.resident_list(
        actor=request_actor(request),
        purpose=query.purpose,
        district_code=query.district,
        limit=query.limit,
        offset=query.offset,
    )
    return ResidentList(count=count, items=[ResidentOut.model_validate(r) for r in rows])


LOOKUP_PATH = "/api/v1/registries/residents/lookup"
DISCLOSE_PATH = "/api/v1/registries/residents/disclose"
DEPRECATED_SINCE = "@1796342400"
"""RFC 9745 ``Deprecation`` date of ``GET residents/{id_number}`` and ``POST residents/{id_number}/disclose``
(2026-12-04, when the body lookup and the body disclosure replaced them)."""


def _deprecate(response: HttpResponse, *, successor: str) -> None:
    """Mark an answer of a deprecated route (RFC 9745 ``Deprecation``, RFC 8288 ``Link`` to its successor)."""
    response["Deprecation"] = DEPRECATED_SINCE
    response["Link"] = f'<{successor}>; rel="successor-version"'


# Declared before ``residents/{id_number}`` so that ``residents/lookup`` is not taken for an ID number.
@router.post("/registries/residents/lookup", response=ResidentOut, operation_id="registries_resident_lookup")
def resident_lookup(request: HttpRequest, payload: LookupIn) -> ResidentView:
    """One resident, masked, by the ID number and purpose in the body (the number never appears in a URL, so not
    in access logs, proxies or browser history); the read is logged (a refused one too). Errors as for
    ``GET residents/{id_number}``: 403 ``registries.purpose_required`` without a purpose, 404 for an unknown number
    or a reader without access."""
    return selectors.resident_get(
        actor=request_actor(request), purpose=payload.purpose, id_number=payload.id_number, via="lookup"
    )


# Declared before ``residents/{id_number}`` so that ``residents/disclose`` is not taken for an ID number.
@router.post("/registries/residents/disclose", response=ResidentOut, operation_id="registries_resident_disclose")
def resident_disclose(request: HttpRequest, payload: DiscloseIn) -> ResidentView:
    """The unmasked record, by the ID number and purpose in the body (the number never appears in a URL), for a
    purpose that justifies it (case handling, law enforcement, audit); the disclosure is logged with its purpose (a
    refused one too). 403 ``registries.purpose_required`` without a purpose, 403
    ``registries.disclosure_not_allowed`` for a purpose that allows reading but not unmasking, 404 for an unknown
    number or a reader without access."""
    return services.resident_disclose(
        actor=request_actor(request), purpose=payload.purpose, id_number=payload.id_number
    )


@router.get(
    "/registries/residents/{id_number}",
    response=ResidentOut,
    operation_id="registries_resident_get",
    deprecated=True,
)
def resident_get(
    request: HttpRequest, response: HttpResponse, id_number: str, purpose: str | None = None
) -> ResidentView:
    """Deprecated: the ID number in the path lands in access logs. Use ``POST residents/lookup`` with
    ``{"id_number", "purpose"}``; this answers the same, with ``Deprecation`` and ``Link: rel="successor-version"``
    headers. One resident, masked; the read is logged (a refused one too)."""
    _deprecate(response, successor=LOOKUP_PATH)
    return selectors.resident_get(actor=request_actor(request), purpose=purpose, id_number=id_number)


@router.post(
    "/registries/residents/{id_number}/disclose",
    response=ResidentOut,
    operation_id="registries_resident_disclose_by_path",
    deprecated=True,
)
def resident_disclose_by_path(
    request: HttpRequest, response: HttpResponse, id_number: str, payload: PurposeIn
) -> ResidentView:
    """Deprecated: the ID number in the path lands in access logs. Use ``POST residents/disclose`` with
    ``{"id_number", "purpose"}``; this answers the same (same authorisation, same access-log row), with
    ``Deprecation`` and ``Link: rel="successor-version"`` headers. The unmasked record, for a purpose that
    justifies it; logged."""
    _deprecate(response, successor=DISCLOSE_PATH)
    return services.resident_disclose(actor=request_actor(request), purpose=payload.purpose, id_number=id_number)


@router.post("/registries/births", response={201: RecordOut}, operation_id="registries_birth_register")
def birth_register(request: HttpRequest, payload: BirthIn) -> tuple[int, RecordOut]:
    """出生登记 (police registrars): a new resident in a parent's household; answers the masked record."""
    child = registrations.birth_register(actor=request_actor(request), **payload.model_dump())
    return 201, _record_out(child)


@router.post("/registries/marriages", response={204: None}, operation_id="registries_marriage_register")
def marriage_register(request: HttpRequest, payload: MarriageIn) -> tuple[int, None]:
    """结婚登记 (civil-affairs registrars)."""
    registrations.marriage_register(actor=request_actor(request), **payload.model_dump())
    return 204, None


@router.post("/registries/deaths", response=RecordOut, operation_id="registries_death_register")
def death_register(request: HttpRequest, payload: DeathIn) -> RecordOut:
    """死亡登记 (police registrars)."""
    return _record_out(registrations.death_register(actor=request_actor(request), **payload.model_dump()))


@router.post("/registries/household-moves", response=RecordOut, operation_id="registries_household_move")
def household_move(request: HttpRequest, payload: MoveIn) -> RecordOut:
    """户籍迁移 (police registrars)."""
    return _record_out(registrations.household_move(actor=request_actor(request), **payload.model_dump()))


# --- legal persons ----------------------------------------------------------------------------------------------


@router.get("/registries/legal-persons", response=LegalPersonList, operation_id="registries_legal_person_list")
def legal_person_list(request: HttpRequest, query: Query[PageQuery], district: str | None = None) -> LegalPersonList:
    count, rows = selectors.legal_person_list(
        actor=request_actor(request),
        purpose=Purpose.PUBLIC_DISCLOSURE,
        district_code=district,
        limit=query.limit,
        offset=query.offset,
    )
    return LegalPersonList(count=count, items=[LegalPersonOut.model_validate(r) for r in rows])


@router.get("/registries/legal-persons/{uscc}", response=LegalPersonOut, operation_id="registries_legal_person_get")
def legal_person_get(request: HttpRequest, uscc: str) -> LegalPersonView:
    return selectors.legal_person_get(actor=request_actor(request), purpose=Purpose.PUBLIC_DISCLOSURE, uscc=uscc)


@router.post(
    "/registries/legal-persons", response={201: LegalPersonOut}, operation_id="registries_legal_person_establish"
)
def legal_person_establish(request: HttpRequest, payload: EstablishIn) -> tuple[int, LegalPersonView]:
    """设立登记 (market-regulation registrars): a new legal person with a new 统一社会信用代码."""
    company = registrations.legal_person_establish(actor=request_actor(request), **payload.model_dump())
    return 201, _company_out(company)


@router.patch(
    "/registries/legal-persons/{uscc}", response=LegalPersonOut, operation_id="registries_legal_person_change"
)
def legal_person_change(request: HttpRequest, uscc: str, payload: ChangeIn) -> LegalPersonView:
    """变更登记: the fields sent are changed."""
    values = payload.model_dump(exclude_none=True)
    return _company_out(registrations.legal_person_change(actor=request_actor(request), uscc=uscc, **values))


@router.post(
    "/registries/legal-persons/{uscc}/deregistration",
    response=LegalPersonOut,
    operation_id="registries_legal_person_cancel",
)
def legal_person_cancel(request: HttpRequest, uscc: str, payload: CancelIn) -> LegalPersonView:
    """注销登记."""
    return _company_out(
        registrations.legal_person_cancel(actor=request_actor(request), uscc=uscc, reason=payload.reason)
    )


# --- audit ----------------------------------------------------------------------------------------------------------


@router.get("/registries/access-log", response=AccessList, operation_id="registries_access_list")
def access_list(request: HttpRequest, query: Query[AccessQuery]) -> AccessList:
    """The access log, newest first (auditors)."""
    count, rows = selectors.access_log_list(
        actor=request_actor(request), filters=_filters(query), limit=query.limit, offset=query.offset
    )
    return AccessList(count=count, items=[_access_out(r) for r in rows])


@router.get("/registries/access-log/export", operation_id="registries_access_export")
def access_export(request: HttpRequest, query: Query[AccessQuery]) -> HttpResponse:
    """The filtered access log as a CSV file (auditors)."""
    return access_csv_response(selectors.access_log_export(actor=request_actor(request), filters=_filters(query)))


@router.get(
    "/registries/changes/{subject_kind}/{subject_id}", response=ChangeList, operation_id="registries_change_list"
)
def change_list(
    request: HttpRequest, subject_kind: Literal["resident", "legal_person"], subject_id: int, query: Query[PageQuery]
) -> ChangeList:
    """The change history of one record: who changed which fields, through which service, when (auditors). The
    values themselves stay in the registry; the history lists the fields."""
    count, rows = selectors.record_changes(
        actor=request_actor(request),
        subject_kind=subject_kind,
        subject_id=subject_id,
        limit=query.limit,
        offset=query.offset,
    )
    return ChangeList(count=count, items=[_change_out(r) for r in rows])


def _change_out(row: RecordChange) -> ChangeOut:
    return ChangeOut(
        id=row.pk,
        changed_at=row.changed_at,
        subject_kind=row.subject_kind,
        subject_id=row.subject_id,
        service=row.service,
        actor_ref=row.actor_ref,
        fields=sorted(row.changes),
        ledger_index=row.ledger_index,
    )


# --- public: spatial units and economic series ------------------------------------------------------------------


@router.get("/registries/spatial/units", auth=None, operation_id="registries_spatial_units")
def spatial_units(
    request: HttpRequest, level: Literal["district", "street", "grid"] = "district", parent: str | None = None
) -> dict[str, Any]:
    """Districts, streets or grids of the city as a GeoJSON FeatureCollection (WGS 84 lon/lat)."""
    return spatial.spatial_feature_collection(level=SpatialLevel(level), parent_code=parent)


@router.get("/registries/spatial/locate", response=LocateOut, auth=None, operation_id="registries_spatial_locate")
def spatial_locate(
    request: HttpRequest, lon: float = Query(..., ge=-180, le=180), lat: float = Query(..., ge=-90, le=90)
) -> LocateOut:
    """The grid, street and district containing a point; 404 ``registries.outside_city`` outside the city."""
    found = spatial.spatial_unit_at(lon, lat)
    if found is None:
        raise OutsideCity()
    return LocateOut(
        lon=lon,
        lat=lat,
        grid=UnitRefOut(code=found.grid.code, name=found.grid.name),
        street=UnitRefOut(code=found.street.code, name=found.street.name),
        district=UnitRefOut(code=found.district.code, name=found.district.name),
    )


def _indicator_out(indicator: Any) -> dict[str, Any]:
    return {name: getattr(indicator, name) for name in IndicatorOut.model_fields}


@router.get(
    "/registries/economy/indicators", response=IndicatorList, auth=None, operation_id="registries_indicator_list"
)
def indicator_list(request: HttpRequest) -> IndicatorList:
    """The city's macro-economic indicators (demonstration data, labelled so in ``source``)."""
    items = economy.economic_indicator_list(actor=ANONYMOUS)
    return IndicatorList(count=len(items), items=[IndicatorOut(**_indicator_out(i)) for i in items])


@router.get(
    "/registries/economy/indicators/{code}", response=SeriesOut, auth=None, operation_id="registries_indicator_get"
)
def indicator_get(request: HttpRequest, code: str, since: str | None = None, until: str | None = None) -> SeriesOut:
    """One indicator's series between ``since`` and ``until`` (``YYYY-MM``, inclusive), oldest first."""
    try:
        start, end = economy.parse_month(since), economy.parse_month(until)
    except ValidationFailed:
        raise economy.PeriodInvalid(field_errors={"since": [economy.PeriodInvalid.message]}) from None
    series = economy.economic_series(actor=ANONYMOUS, code=code, since=start, until=end)
    return SeriesOut(
        **_indicator_out(series.indicator),
        points=[PointOut(period=f"{period:%Y-%m}", value=value) for period, value in series.points],
    )
