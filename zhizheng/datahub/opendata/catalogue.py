"""Reads of the open catalogue: published resources whose 开放属性 is open, searched with facets, and the
organisations (providers) that publish them. Open data is for everyone, so these reads take no actor: what is
not published and open does not exist here (404, the same as a missing code)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhizheng.core.errors import NotFound
from zhizheng.datahub.choices import Category, Format, OpenType, Source, Status, UpdateCycle
from zhizheng.datahub.models import Resource, Tag
from zhizheng.datahub.opendata.formats import FORMATS
from zhizheng.datahub.opendata.rows import REGISTRY_TABLES
from zhizheng.orgs.models import Department

MAX_ROWS = 1000
FACETS = ("organization", "category", "format", "update_cycle", "tags", "res_format")
"""Facet names: the provider department, 分类, 格式 (GB/T 21063), 更新周期, tags and the download formats."""
SORTS = {
    "name": ("name", "code"),
    "-name": ("-name", "code"),
    "code": ("code",),
    "modified": ("updated_at", "code"),
    "-modified": ("-updated_at", "code"),
    "published": ("published_on", "code"),
    "-published": ("-published_on", "code"),
}


def open_resources() -> QuerySet[Resource]:
    """Published resources whose 开放属性 is open, with their provider."""
    return Resource.objects.filter(status=Status.PUBLISHED, open_type=OpenType.OPEN).select_related(
        "provider", "datastore"
    )


@dataclass(frozen=True, slots=True)
class OpenQuery:
    """A search of the open catalogue. Facet filters are exact; several tags must all be present."""

    q: str = ""
    organization: Sequence[str] = ()
    category: Sequence[str] = ()
    format: Sequence[str] = ()
    update_cycle: Sequence[str] = ()
    tags: Sequence[str] = ()
    codes: Sequence[str] = ()
    with_rows: bool = False
    """Only resources whose rows can be previewed and downloaded (CSV, JSON, XLSX)."""
    sort: str = "code"


@dataclass(frozen=True, slots=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class OpenPage:
    count: int
    items: list[Resource]
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)


def _filtered(query: OpenQuery) -> QuerySet[Resource]:
    queryset = open_resources()
    text = query.q.strip()
    if text:
        queryset = queryset.filter(
            Q(name__icontains=text)
            | Q(summary__icontains=text)
            | Q(code__startswith=text)
            | Q(provider__name__icontains=text)
            | Q(pk__in=Resource.tags.through.objects.filter(tag__name=text).values("resource_id"))
        )
    for name, lookup in (
        ("organization", "provider__code__in"),
        ("category", "category__in"),
        ("format", "format__in"),
        ("update_cycle", "update_cycle__in"),
        ("codes", "code__in"),
    ):
        values = [v for v in getattr(query, name) if v]
        if values:
            queryset = queryset.filter(**{lookup: values})
    if query.with_rows:
        queryset = with_rows(queryset)
    for tag in dict.fromkeys(t for t in query.tags if t):
        queryset = queryset.filter(pk__in=Resource.tags.through.objects.filter(tag__name=tag).values("resource_id"))
    return queryset


def with_rows(queryset: QuerySet[Resource]) -> QuerySet[Resource]:
    """The resources of ``queryset`` whose rows the datastore serves (as ``rows.has_rows``)."""
    return queryset.filter(Q(source__in=list(REGISTRY_TABLES)) | Q(source=Source.UPLOAD, datastore__isnull=False))


def _facet(queryset: QuerySet[Resource], name: str) -> list[FacetValue]:
    if name == "res_format":
        count = with_rows(queryset).count()
        return [FacetValue(f.label, f.label, count) for f in FORMATS.values()] if count else []
    if name == "organization":
        rows = queryset.values("provider__code", "provider__name").annotate(n=Count("pk", distinct=True))
        values = [FacetValue(r["provider__code"], r["provider__name"], r["n"]) for r in rows]
    elif name == "tags":
        through = Resource.tags.through.objects.filter(resource_id__in=queryset.values("pk"))
        tagged = through.values("tag__name").annotate(n=Count("resource_id"))
        values = [FacetValue(r["tag__name"], r["tag__name"], r["n"]) for r in tagged]
    else:
        labels: dict[str, Any] = {"category": Category, "format": Format, "update_cycle": UpdateCycle}
        choices = dict(labels[name].choices)
        chosen = queryset.values(name).annotate(n=Count("pk", distinct=True))
        values = [FacetValue(r[name], str(choices.get(r[name], r[name])), r["n"]) for r in chosen]
    return sorted(values, key=lambda v: (-v.count, v.value))


def open_search(*, query: OpenQuery, limit: int = 20, offset: int = 0, facets: Sequence[str] = FACETS) -> OpenPage:
    """One page of open resources matching ``query`` (tags and items prefetched), with counts per facet value
    over all the matches. A page past the end is empty."""
    queryset = _filtered(query)
    ordered = queryset.order_by(*SORTS.get(query.sort, SORTS["code"]))
    limit, offset = max(0, min(limit, MAX_ROWS)), max(0, offset)
    items = list(ordered.prefetch_related("tags", "items")[offset : offset + limit]) if limit else []
    return OpenPage(
        count=queryset.count(),
        items=items,
        facets={name: _facet(queryset, name) for name in facets if name in FACETS},
    )


def open_resource_get(*, code: str) -> Resource:
    """An open resource by its catalogue code, with tags, items and versions; ``NotFound`` otherwise."""
    found = open_resources().prefetch_related("tags", "items", "versions").filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True, slots=True)
class Organisation:
    department: Department
    count: int


def organisation_list() -> list[Organisation]:
    """Departments that publish at least one open resource, with how many, by code."""
    counts = dict(open_resources().values_list("provider_id").annotate(n=Count("pk")).values_list("provider_id", "n"))
    departments = Department.objects.filter(pk__in=counts).order_by("code")
    return [Organisation(department=d, count=counts[d.pk]) for d in departments]


def organisation_get(*, code: str) -> Organisation:
    """A department that publishes open resources; ``NotFound`` for any other."""
    department = Department.objects.filter(code=code).first()
    count = open_resources().filter(provider=department).count() if department else 0
    if department is None or count == 0:
        raise NotFound()
    return Organisation(department=department, count=count)


def tag_list(*, q: str = "") -> list[FacetValue]:
    """Tags used by open resources (optionally containing ``q``), with counts, by name."""
    rows = (
        Tag.objects.filter(resources__in=open_resources())
        .filter(name__icontains=q.strip())
        .annotate(n=Count("resources", distinct=True))
        .order_by("name")
    )
    return [FacetValue(t.name, t.name, t.n) for t in rows]  # type: ignore[attr-defined]


def slug_of(code: str) -> str:
    """The public name of a resource in URLs and CKAN: its code with "-" for "/" (as ``Resource.slug``)."""
    return code.replace("/", "-")


def code_of(slug: str) -> str:
    """The catalogue code of a public name (the inverse of ``slug_of``); codes have one "/"."""
    head, _sep, tail = slug.rpartition("-")
    return f"{head}/{tail}" if head else slug
