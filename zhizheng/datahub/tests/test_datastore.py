"""The datastore read interface (``selectors.datastore_fields`` / ``datastore_query``) over uploaded tables and the
public registry tables, and the one-table-per-resource load."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from zhizheng.core.actor import SYSTEM
from zhizheng.core.errors import PermissionDenied
from zhizheng.datahub.choices import Source
from zhizheng.datahub.errors import DatastoreNotAvailable, DatastoreQueryInvalid, SchemaInvalid
from zhizheng.datahub.models import ColumnSpec, DatastoreTable, Resource
from zhizheng.datahub.selectors import DatastoreField, datastore_fields, datastore_query
from zhizheng.datahub.services.datastore import datastore_load
from zhizheng.datahub.tests import factories
from zhizheng.datahub.tests.conftest import Hub
from zhizheng.ledger.models import Entry
from zhizheng.registries.models import EconomicIndicator, EconomicObservation, SpatialUnit


def _names(result: object) -> list[str]:
    return [r["name"] for r in result.records]  # type: ignore[attr-defined]


def test_load_creates_one_real_table_with_indexes_and_records_the_act(hub: Hub) -> None:
    resource = factories.toilets()
    table = DatastoreTable.objects.get(resource=resource)
    assert (table.table_name, table.row_count, table.generation) == (f"dh_t_{resource.pk}", 4, 1)
    assert resource.source == Source.UPLOAD
    with connection.cursor() as cursor:
        assert table.table_name in connection.introspection.table_names(cursor)
        constraints = connection.introspection.get_constraints(cursor, table.table_name)
    indexed = sorted(c["columns"][0] for c in constraints.values() if c["index"] and not c["primary_key"])
    assert indexed == ["district", "name", "opened_on", "seats"]
    entry = Entry.objects.filter(act="datahub.datastore.replaced").get()
    assert (entry.payload["rows"], entry.payload["code"]) == (4, resource.code)


def test_reload_replaces_the_rows_and_bumps_the_generation(hub: Hub) -> None:
    resource = factories.toilets()
    datastore_load(actor=SYSTEM, resource=resource, columns=factories.TOILET_COLUMNS, rows=factories.TOILET_ROWS[:1])
    table = DatastoreTable.objects.get(resource=resource)
    assert (table.row_count, table.generation) == (1, 2)
    assert _names(datastore_query(resource=resource)) == ["人民广场公厕"]


def test_fields_are_ckan_typed_and_leave_out_personal_columns(hub: Hub) -> None:
    resource = factories.toilets()
    assert datastore_fields(resource=resource) == [
        DatastoreField(id="_id", type="int4", label="行号"),
        DatastoreField(id="name", type="text", label="名称"),
        DatastoreField(id="district", type="text", label="所在区"),
        DatastoreField(id="seats", type="int4", label="厕位数"),
        DatastoreField(id="opened_on", type="date", label="启用日期"),
        DatastoreField(id="accessible", type="bool", label="无障碍"),
        DatastoreField(id="fee", type="numeric", label="收费（元）"),
    ]


def test_query_returns_json_ready_records_in_import_order(hub: Hub) -> None:
    resource = factories.toilets()
    result = datastore_query(resource=resource, limit=2)
    assert result.total == 4
    assert result.records == [
        {
            "_id": 1,
            "name": "人民广场公厕",
            "district": "青山区",
            "seats": 12,
            "opened_on": "2019-05-01",
            "accessible": True,
            "fee": 0.0,
        },
        {
            "_id": 2,
            "name": "滨江公园公厕",
            "district": "江南区",
            "seats": 8,
            "opened_on": "2021-03-15",
            "accessible": False,
            "fee": 0.5,
        },
    ]


def test_filters_q_fields_sort_and_paging(hub: Hub) -> None:
    resource = factories.toilets()
    result = datastore_query(resource=resource, filters={"district": "青山区"}, fields=["name", "seats"])
    assert (result.total, result.records) == (
        2,
        [{"name": "人民广场公厕", "seats": 12}, {"name": "火车站东公厕", "seats": 20}],
    )
    assert [f.id for f in result.fields] == ["name", "seats"]
    assert _names(datastore_query(resource=resource, filters={"seats": ["8", 20]})) == ["滨江公园公厕", "火车站东公厕"]
    assert _names(datastore_query(resource=resource, filters={"opened_on": None})) == ["文化宫公厕"]
    assert _names(datastore_query(resource=resource, filters={"accessible": "是"})) == ["人民广场公厕", "火车站东公厕"]
    assert _names(datastore_query(resource=resource, q="公园")) == ["滨江公园公厕"]
    by_seats = datastore_query(resource=resource, sort="seats desc", limit=2, offset=1, include_total=False)
    assert (_names(by_seats), by_seats.total) == (["人民广场公厕", "滨江公园公厕"], None)
    two_keys = datastore_query(resource=resource, sort="district asc, seats desc")
    assert _names(two_keys) == ["滨江公园公厕", "文化宫公厕", "火车站东公厕", "人民广场公厕"]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"fields": ["name", "colour"]}, "unknown field “colour”"),
        ({"fields": ["keeper"]}, "unknown field “keeper”"),
        ({"filters": {"colour": "red"}}, "unknown field “colour”"),
        ({"filters": {"keeper": "王小明"}}, "unknown field “keeper”"),
        ({"filters": {"seats": "many"}}, "“many” is not a valid value for field “seats”"),
        ({"filters": {"opened_on": "2019-13-01"}}, "“2019-13-01” is not a valid value for field “opened_on”"),
        ({"filters": {"accessible": "maybe"}}, "“maybe” is not a valid value for field “accessible”"),
        ({"filters": {"seats": {"gt": 3}}}, "filters must map field names"),
        ({"sort": "seats sideways"}, "cannot sort by “seats sideways”"),
        ({"sort": "colour"}, "unknown field “colour”"),
    ],
)
def test_bad_queries_are_refused_with_the_reason(hub: Hub, kwargs: dict[str, object], fragment: str) -> None:
    resource = factories.toilets()
    with pytest.raises(DatastoreQueryInvalid) as caught:
        datastore_query(resource=resource, **kwargs)  # type: ignore[arg-type]
    assert caught.value.status == 422
    assert fragment in caught.value.detail_en


def test_personal_and_catalogue_only_resources_are_not_available(loaded: Hub) -> None:
    population = Resource.objects.get(source=Source.POPULATION)
    legal = Resource.objects.get(source=Source.LEGAL_PERSONS)
    bare = factories.catalogue_entry(name="示范市停车场")
    for resource in (population, legal, bare):
        with pytest.raises(DatastoreNotAvailable):
            datastore_fields(resource=resource)
        with pytest.raises(DatastoreNotAvailable):
            datastore_query(resource=resource)


def test_registry_loads_refuse_to_overwrite_a_registry_resource(loaded: Hub) -> None:
    population = Resource.objects.get(source=Source.POPULATION)
    with pytest.raises(PermissionDenied):
        datastore_load(actor=SYSTEM, resource=population, columns=factories.TOILET_COLUMNS, rows=[])
    assert not DatastoreTable.objects.exists()


def test_loads_by_other_departments_are_refused_and_change_nothing(hub: Hub) -> None:
    resource = factories.catalogue_entry()
    for actor in (hub.police_officer.actor, hub.civil_caseworker.actor, hub.citizen.actor):
        with pytest.raises(PermissionDenied):
            datastore_load(actor=actor, resource=resource, columns=factories.TOILET_COLUMNS, rows=[])
    assert not DatastoreTable.objects.exists()
    datastore_load(actor=hub.civil_officer.actor, resource=resource, columns=factories.TOILET_COLUMNS, rows=[])
    assert DatastoreTable.objects.get().row_count == 0


def test_schema_errors_name_every_bad_column(hub: Hub) -> None:
    resource = factories.catalogue_entry()
    columns = [
        ColumnSpec("名称", "名称", "C"),
        ColumnSpec("seats", "厕位数", "I"),
        ColumnSpec("seats", "厕位数", "G"),
        ColumnSpec("id", "", "C", mask="tattoo"),
    ]
    with pytest.raises(SchemaInvalid) as caught:
        datastore_load(actor=SYSTEM, resource=resource, columns=columns, rows=[])
    assert sorted(caught.value.field_errors) == ["columns[1]", "columns[3]", "columns[4]"]
    assert len(caught.value.field_errors["columns[3]"]) == 2
    assert len(caught.value.field_errors["columns[4]"]) == 3


def test_spatial_units_and_macro_series_are_served_from_the_registries(loaded: Hub) -> None:
    city = SpatialUnit.objects.create(
        code="990100", name="示范市", level="city", geometry={}, min_lon=0, min_lat=0, max_lon=1, max_lat=1
    )
    SpatialUnit.objects.create(
        code="990102",
        name="青山区",
        level="district",
        parent=city,
        geometry={},
        min_lon=0,
        min_lat=0,
        max_lon=1,
        max_lat=1,
        area_km2=12.5,
    )
    spatial = Resource.objects.get(source=Source.SPATIAL)
    result = datastore_query(resource=spatial, filters={"parent_code": "990100"}, fields=["code", "name", "area_km2"])
    assert (result.total, result.records) == (1, [{"code": "990102", "name": "青山区", "area_km2": 12.5}])
    gdp = EconomicIndicator.objects.create(
        code="GDP", name="地区生产总值", unit="亿元", frequency="quarterly", source="统计局"
    )
    for month, value in ((1, 100.0), (4, 110.0)):
        EconomicObservation.objects.create(indicator=gdp, period=dt.date(2026, month, 1), value=value)
    macro = Resource.objects.get(source=Source.MACRO)
    series = datastore_query(
        resource=macro, filters={"indicator": "GDP"}, sort="period desc", fields=["period", "value"]
    )
    assert series.records == [{"period": "2026-04-01", "value": 110.0}, {"period": "2026-01-01", "value": 100.0}]
    assert [f.id for f in datastore_fields(resource=macro)] == [
        "_id",
        "indicator",
        "indicator_name",
        "period",
        "value",
        "unit",
    ]
