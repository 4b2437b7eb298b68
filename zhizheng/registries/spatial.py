"""Spatial units of 示范市: districts, streets (街道/镇) and grids (网格) with polygons; the unit containing a point.

The city is fictional, so its shapes are generated, deterministically: a convex city outline around 117.20°E 31.80°N
(WGS 84) is split into the six districts by a Voronoi partition of fixed district seats; each district is split
into streets, and each street into grids, by Voronoi partitions of seeded random points smoothed by two rounds of
Lloyd relaxation. Voronoi cells are convex and clipped to a convex parent, so every unit is one convex polygon and
the children of a unit tile it without overlap. ``spatial_unit_at`` answers from an in-memory STRtree over the
grids (rebuilt when the stored units change), in microseconds per point.
"""

from __future__ import annotations

import math
import random
import threading
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from shapely import MultiPoint, Point, Polygon, STRtree, convex_hull, voronoi_polygons
from shapely.geometry import mapping, shape

from zhizheng.core.actor import Actor
from zhizheng.core.divisions import division
from zhizheng.registries.choices import SpatialLevel
from zhizheng.registries.models import SpatialUnit
from zhizheng.registries.permissions import Perm, policy

CENTRE = (117.20, 31.80)
"""The city centre (lon, lat). Fictional: the shapes are plausible for a prefecture-level city, not any real one."""
SEED = 990100
PRECISION = 6  # decimal places of stored coordinates (about 0.1 m)
SNAP_DEGREES = 1e-5  # a point this close to a grid (rounding slivers on shared edges) belongs to it

# District seats as offsets (degrees) from the centre; the county is the large rural part to the south-west.
DISTRICT_SEATS: dict[str, tuple[float, float]] = {
    "990102": (0.03, 0.01),
    "990103": (-0.07, 0.03),
    "990104": (0.0, -0.09),
    "990105": (0.01, 0.12),
    "990106": (0.13, -0.02),
    "990121": (-0.20, -0.13),
}
STREETS: dict[str, tuple[str, ...]] = {
    "990102": ("人民路街道", "解放路街道", "和平街道", "东风街道", "府前街道"),
    "990103": ("青山街道", "建设街道", "西环街道", "文化街道", "长安街道", "光明街道"),
    "990104": ("湖滨街道", "南湖街道", "荷花街道", "滨江街道", "桂园街道"),
    "990105": ("北山街道", "松林街道", "矿山街道", "朝阳街道"),
    "990106": ("科技城街道", "创新街道", "学府街道", "智谷街道"),
    "990121": ("青河镇", "县前街道", "河滨镇", "新村镇", "石桥乡"),
}
GRIDS_PER_STREET = (4, 7)


@dataclass(frozen=True, slots=True)
class GeneratedUnit:
    code: str
    name: str
    level: str
    parent_code: str | None
    polygon: Polygon


def _rounded(polygon: Polygon) -> Polygon:
    ring = [(round(x, PRECISION), round(y, PRECISION)) for x, y in polygon.exterior.coords]
    return Polygon(ring)


def _city_outline(rng: random.Random) -> Polygon:
    lon, lat = CENTRE
    points = []
    for step in range(36):
        angle = 2 * math.pi * step / 36
        radius = 1 + rng.uniform(-0.08, 0.08)
        points.append((lon + 0.34 * radius * math.cos(angle), lat + 0.27 * radius * math.sin(angle)))
    hull = convex_hull(MultiPoint(points))
    assert isinstance(hull, Polygon)
    return hull


def _partition(parent: Polygon, seeds: list[tuple[float, float]]) -> list[Polygon]:
    """Voronoi cells of ``seeds`` clipped to the convex ``parent``, in the order of the seeds."""
    cells = voronoi_polygons(MultiPoint(seeds), extend_to=parent, ordered=True)
    out: list[Polygon] = []
    for cell in cells.geoms:
        clipped = cell.intersection(parent)
        if not isinstance(clipped, Polygon):  # pragma: no cover - convex cells in a convex parent stay polygons
            raise ValueError("a Voronoi cell did not clip to one polygon")
        out.append(clipped)
    return out


def _random_inside(polygon: Polygon, count: int, rng: random.Random) -> list[tuple[float, float]]:
    west, south, east, north = polygon.bounds
    points: list[tuple[float, float]] = []
    while len(points) < count:
        candidate = (rng.uniform(west, east), rng.uniform(south, north))
        if polygon.contains(Point(candidate)):
            points.append(candidate)
    return points


def _relaxed_partition(parent: Polygon, count: int, rng: random.Random) -> list[Polygon]:
    """``count`` convex cells tiling ``parent``, of comparable size (Lloyd relaxation, two rounds), sorted from
    north-west to south-east so that codes read like a map."""
    seeds = _random_inside(parent, count, rng)
    for _round in range(2):
        seeds = [(c.centroid.x, c.centroid.y) for c in _partition(parent, seeds)]
    cells = _partition(parent, seeds)
    return sorted(cells, key=lambda c: (-round(c.centroid.y, 2), c.centroid.x))


def generate_units(seed: int = SEED) -> list[GeneratedUnit]:
    """Every district, street and grid of the city, parents before children. Pure and deterministic."""
    rng = random.Random(seed)
    lon, lat = CENTRE
    outline = _city_outline(rng)
    codes = list(DISTRICT_SEATS)
    seats = [(lon + dx, lat + dy) for dx, dy in DISTRICT_SEATS.values()]
    units: list[GeneratedUnit] = []
    for code, district_shape in zip(codes, _partition(outline, seats), strict=True):
        found = division(code)
        units.append(
            GeneratedUnit(code, found.name if found else code, SpatialLevel.DISTRICT, None, _rounded(district_shape))
        )
        names = STREETS[code]
        for street_number, street_shape in enumerate(_relaxed_partition(district_shape, len(names), rng), start=1):
            street_code = f"{code}{street_number:03d}"
            street_name = names[street_number - 1]
            units.append(GeneratedUnit(street_code, street_name, SpatialLevel.STREET, code, _rounded(street_shape)))
            how_many = rng.randint(*GRIDS_PER_STREET)
            for grid_number, grid_shape in enumerate(_relaxed_partition(street_shape, how_many, rng), start=1):
                units.append(
                    GeneratedUnit(
                        f"{street_code}{grid_number:03d}",
                        f"{street_name}第{grid_number}网格",
                        SpatialLevel.GRID,
                        street_code,
                        _rounded(grid_shape),
                    )
                )
    return units


def _area_km2(polygon: Polygon) -> float:
    """Area on a local equirectangular projection (good to a fraction of a percent at this size)."""
    lat = math.radians(polygon.centroid.y)
    return polygon.area * 111.32 * math.cos(lat) * 110.57


@transaction.atomic
def spatial_units_load(*, actor: Actor, seed: int = SEED) -> int:
    """Store the generated units that are not stored yet (by code); returns how many were added. Idempotent."""
    policy.require(actor, Perm.LOAD)
    generated = generate_units(seed)
    existing = dict(SpatialUnit.objects.values_list("code", "pk"))
    added = 0
    for level in (SpatialLevel.DISTRICT, SpatialLevel.STREET, SpatialLevel.GRID):
        new = []
        for unit in generated:
            if unit.level != level or unit.code in existing:
                continue
            west, south, east, north = unit.polygon.bounds
            new.append(
                SpatialUnit(
                    code=unit.code,
                    name=unit.name,
                    level=unit.level,
                    parent_id=existing.get(unit.parent_code) if unit.parent_code else None,
                    geometry=mapping(unit.polygon),
                    min_lon=west,
                    min_lat=south,
                    max_lon=east,
                    max_lat=north,
                    area_km2=round(_area_km2(unit.polygon), 3),
                )
            )
        SpatialUnit.objects.bulk_create(new, batch_size=500)
        existing.update(SpatialUnit.objects.filter(level=level).values_list("code", "pk"))
        added += len(new)
    _index.reset()
    return added


# --- lookup ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class UnitPath:
    """Where a point lies: its grid, street and district."""

    grid: UnitRef
    street: UnitRef
    district: UnitRef


class _GridIndex:
    """An STRtree over the stored grids with each grid's path, rebuilt when the grids change (checked with one
    aggregate query per lookup, so every process sees a reload)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[Any, ...] | None = None
        self._tree: STRtree | None = None
        self._paths: list[UnitPath] = []

    def reset(self) -> None:
        with self._lock:
            self._version = None

    def _current(self) -> tuple[STRtree | None, list[UnitPath]]:
        version = tuple(
            SpatialUnit.objects.filter(level=SpatialLevel.GRID).aggregate(n=Count("id"), m=Max("id")).values()
        )
        with self._lock:
            if version != self._version:
                grids = list(
                    SpatialUnit.objects.filter(level=SpatialLevel.GRID)
                    .select_related("parent__parent")
                    .order_by("code")
                )
                shapes = [shape(g.geometry) for g in grids]
                self._paths = [
                    UnitPath(
                        grid=UnitRef(g.code, g.name),
                        street=UnitRef(g.parent.code, g.parent.name) if g.parent else UnitRef("", ""),
                        district=UnitRef(g.parent.parent.code, g.parent.parent.name)
                        if g.parent and g.parent.parent
                        else UnitRef("", ""),
                    )
                    for g in grids
                ]
                self._tree = STRtree(shapes) if shapes else None
                self._version = version
            return self._tree, self._paths


_index = _GridIndex()


def spatial_unit_at(lon: float, lat: float) -> UnitPath | None:
    """The grid, street and district containing the point (lon, lat in WGS 84), or None outside the city. A point
    on a shared edge belongs to the grid with the smaller code."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return None
    tree, paths = _index._current()
    if tree is None:
        return None
    point = Point(lon, lat)
    hits = tree.query(point, predicate="intersects")
    if len(hits) == 0:
        hits = tree.query_nearest(point, max_distance=SNAP_DEGREES)
    if len(hits) == 0:
        return None
    return paths[int(min(hits))]


def spatial_feature_collection(*, level: str, parent_code: str | None = None) -> dict[str, Any]:
    """The units of one level (optionally of one parent) as a GeoJSON FeatureCollection. Public data."""
    queryset = SpatialUnit.objects.filter(level=level).select_related("parent").order_by("code")
    if parent_code:
        queryset = queryset.filter(parent__code=parent_code)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": unit.code,
                "geometry": unit.geometry,
                "properties": {
                    "code": unit.code,
                    "name": unit.name,
                    "level": unit.level,
                    "parent": unit.parent.code if unit.parent else None,
                    "area_km2": unit.area_km2,
                },
            }
            for unit in queryset
        ],
    }
