"""Spatial units: generated shapes tile the city without overlap, and every grid's points map back to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from shapely import union_all
from shapely.geometry import shape

from zhizheng.core.actor import SYSTEM, Actor, ActorKind
from zhizheng.core.errors import PermissionDenied
from zhizheng.registries import spatial
from zhizheng.registries.models import SpatialUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> list[SpatialUnit]:
    assert spatial.spatial_units_load(actor=SYSTEM) == len(spatial.generate_units())
    return list(SpatialUnit.objects.select_related("parent").order_by("code"))


def test_generation_is_deterministic_and_nested() -> None:
    first, second = spatial.generate_units(), spatial.generate_units()

    assert [(u.code, u.polygon.wkt) for u in first] == [(u.code, u.polygon.wkt) for u in second]
    districts = [u for u in first if u.level == "district"]
    assert [d.code for d in districts] == ["990102", "990103", "990104", "990105", "990106", "990121"]
    assert [d.name for d in districts] == ["东城区", "西城区", "南湖区", "北山区", "高新区", "青河县"]
    streets = [u for u in first if u.level == "street"]
    assert len(streets) == 29
    for unit in first:
        assert unit.polygon.is_valid
        if unit.parent_code:
            assert unit.code.startswith(unit.parent_code)
            assert len(unit.code) == len(unit.parent_code) + 3


@pytest.mark.parametrize("level", ["street", "grid"])
def test_children_tile_their_parent_without_overlap(level: str) -> None:
    generated = spatial.generate_units()
    by_code = {u.code: u.polygon for u in generated}
    children: dict[str, list[object]] = {}
    for unit in generated:
        if unit.level == level:
            children.setdefault(unit.parent_code or "", []).append(unit.polygon)
    for parent, shapes in children.items():
        total = sum(s.area for s in shapes)  # type: ignore[attr-defined]
        union = union_all(shapes).area
        assert union == pytest.approx(by_code[parent].area, rel=1e-5)
        assert total == pytest.approx(union, rel=1e-5)  # no overlap beyond coordinate rounding (0.1 m)


def test_a_point_inside_each_grid_maps_back_to_it(units: list[SpatialUnit]) -> None:
    grids = [u for u in units if u.level == "grid"]
    names = {u.code: u.name for u in units}

    for grid in grids:
        point = shape(grid.geometry).representative_point()
        found = spatial.spatial_unit_at(point.x, point.y)
        assert found is not None
        assert (found.grid.code, found.street.code, found.district.code) == (grid.code, grid.code[:9], grid.code[:6])
        assert (found.street.name, found.district.name) == (names[grid.code[:9]], names[grid.code[:6]])


def test_points_outside_the_city_find_nothing(units: list[SpatialUnit]) -> None:
    assert spatial.spatial_unit_at(116.0, 31.8) is None
    assert spatial.spatial_unit_at(117.2, 40.0) is None
    assert spatial.spatial_unit_at(float("nan"), 31.8) is None
    assert spatial.spatial_unit_at(*spatial.CENTRE) is not None


def test_lookups_reuse_the_index_and_read_only_its_version(
    units: list[SpatialUnit], django_assert_num_queries: Any
) -> None:
    # Event intake locates every report: once built, the index answers in memory after one aggregate that tells
    # whether the grids changed (bench/registries.py prints the rate); rebuilding it would read the grids again.
    spatial.spatial_unit_at(*spatial.CENTRE)  # builds the index
    with django_assert_num_queries(200):
        found = [spatial.spatial_unit_at(117.0 + step * 0.002, 31.8) for step in range(200)]

    assert sum(unit is not None for unit in found) > 0


def test_loading_is_idempotent_and_only_for_the_system(units: list[SpatialUnit]) -> None:
    assert spatial.spatial_units_load(actor=SYSTEM) == 0
    with pytest.raises(PermissionDenied):
        spatial.spatial_units_load(
            actor=Actor(kind=ActorKind.USER, user_id=1, roles=frozenset({("SJJ", "administrator")}))
        )
    assert SpatialUnit.objects.count() == len(units)


def test_public_api_serves_geojson_and_locates_points(client: Client, units: list[SpatialUnit]) -> None:
    districts = client.get("/api/v1/registries/spatial/units?level=district").json()
    streets = client.get("/api/v1/registries/spatial/units?level=street&parent=990103").json()
    centre = client.get("/api/v1/registries/spatial/locate", {"lon": 117.2, "lat": 31.8})
    outside = client.get("/api/v1/registries/spatial/locate", {"lon": 100, "lat": 20})
    invalid = client.get("/api/v1/registries/spatial/locate", {"lon": "east", "lat": 200})

    assert districts["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in districts["features"]] == [
        "990102", "990103", "990104", "990105", "990106", "990121"
    ]  # fmt: skip
    assert districts["features"][0]["geometry"]["type"] == "Polygon"
    assert len(streets["features"]) == 6
    assert {f["properties"]["parent"] for f in streets["features"]} == {"990103"}
    assert centre.status_code == 200
    assert centre.json()["district"]["code"] == "990102"
    assert outside.status_code == 404
    assert outside["Content-Type"].startswith("application/problem+json")
    assert outside.json()["code"] == "registries.outside_city"
    assert invalid.status_code == 422
    assert set(invalid.json()["errors"]) == {"lon", "lat"}
