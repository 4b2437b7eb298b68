"""The CKAN read actions: package_list, package_search, package_show, resource_show, organization_list,
organization_show, group_list, tag_list, status_show and datastore_search. Each takes the parsed parameters and a
``Site`` and returns a ``Call`` (the result, and the resource it concerned so an app's usage can be counted)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count

from zhizheng.core.errors import DomainError, NotFound
from zhizheng.datahub.choices import Category
from zhizheng.datahub.opendata import catalogue
from zhizheng.datahub.opendata.catalogue import OpenQuery
from zhizheng.datahub.opendata.ckan import (
    CKAN_VERSION,
    MAX_ROWS,
    CkanError,
    Site,
    group_dict,
    invalid,
    not_found,
    open_package,
    organization_dict,
    package_dict,
    param_bool,
    param_int,
    param_list,
    param_required,
    resource_by_id,
    resource_dicts,
    tag_id,
)
from zhizheng.datahub.opendata.formats import FORMATS
from zhizheng.datahub.opendata.rows import rows_query
from zhizheng.datahub.selectors import DATASTORE_MAX_LIMIT


@dataclass
class Call:
    result: Any
    resource_code: str = ""


Action = Callable[[Mapping[str, Any], Site], Call]
ACTIONS: dict[str, Action] = {}


def _action(function: Action) -> Action:
    ACTIONS[function.__name__] = function
    return function


def run(name: str, params: Mapping[str, Any], site: Site) -> Call:
    """Run action ``name``; ``CkanError`` for an unknown action or a refused call."""
    function = ACTIONS.get(name)
    if function is None:
        raise CkanError("Not Found Error", f"Action name not known: {name}", status=400)
    try:
        return function(params, site)
    except NotFound:
        raise not_found("Dataset") from None
    except DomainError as error:  # a refused row query: its fields say why
        fields = {key: [str(m) for m in messages] for key, messages in error.field_errors.items()}
        message = "; ".join(f"{key}: {' '.join(v)}" for key, v in fields.items()) or str(error.detail)
        raise CkanError("Validation Error", message, fields=fields) from None


# --- packages --------------------------------------------------------------------------------------------------


@_action
def package_list(params: Mapping[str, Any], site: Site) -> Call:
    limit = param_int(params, "limit", MAX_ROWS, high=MAX_ROWS)
    offset = param_int(params, "offset", 0)
    codes = catalogue.open_resources().order_by("code").values_list("code", flat=True)[offset : offset + limit]
    return Call([catalogue.slug_of(code) for code in codes])


FQ_TERM = re.compile(r'([+-]?)(\w+):(?:"([^"]*)"|(\S+))')
FQ_FIELDS = {
    "organization": "organization",
    "groups": "category",
    "tags": "tags",
    "res_format": "res_format",
    "update_cycle": "update_cycle",
    "format": "format",
    "name": "codes",
}
SORT_FIELDS = {"name": "code", "title_string": "name", "metadata_modified": "modified", "score": None}
FACET_FIELDS: dict[str, str] = {
    "organization": "organization",
    "groups": "category",
    "tags": "tags",
    "update_cycle": "update_cycle",
    "format": "format",
    "res_format": "res_format",
}


def _fq(text: str) -> dict[str, list[str]]:
    """Terms ``field:value`` (or ``field:"a value"``) joined by spaces or AND, as CKAN's Solr filter query."""
    wanted: dict[str, list[str]] = {}
    rest = FQ_TERM.sub("", text).replace("AND", "").strip()
    if rest:
        raise invalid("fq", f"Use field:value terms; not understood: {rest}")
    for sign, field, quoted, bare in FQ_TERM.findall(text):
        if field not in FQ_FIELDS or sign == "-":
            raise invalid("fq", f"Cannot filter on {sign}{field}; use {', '.join(sorted(FQ_FIELDS))}")
        value = quoted if quoted else bare
        if field == "organization":
            value = value.upper()
        if field == "name":
            value = catalogue.code_of(value)
        wanted.setdefault(FQ_FIELDS[field], []).append(value)
    return wanted


def _sort(text: str) -> str:
    first = (text or "score desc, metadata_modified desc").split(",")[0].split()
    if not first or first[0] not in SORT_FIELDS or (len(first) > 1 and first[1] not in ("asc", "desc")):
        raise invalid("sort", f"Sort by one of {', '.join(SORT_FIELDS)} with asc or desc")
    field = SORT_FIELDS[first[0]]
    if field is None:  # relevance: newest first, as CKAN's default second key
        return "-modified"
    descending = len(first) > 1 and first[1] == "desc"
    return ("-" if descending else "") + field


def _facet_items(field: str, values: list[catalogue.FacetValue]) -> dict[str, Any]:
    def name(value: str) -> str:
        return value.lower() if field == "organization" else value

    return {
        "title": field,
        "items": [{"name": name(v.value), "display_name": v.label, "count": v.count} for v in values],
    }


@_action
def package_search(params: Mapping[str, Any], site: Site) -> Call:
    rows = param_int(params, "rows", 10, high=MAX_ROWS)
    start = param_int(params, "start", 0)
    q = str(params.get("q") or "").strip()
    if q in ("*:*", "*"):
        q = ""
    fq = _fq(str(params.get("fq") or ""))
    res_format = [f.lower() for f in fq.pop("res_format", [])]
    if any(f not in FORMATS for f in res_format):
        raise invalid("fq", f"res_format is one of {', '.join(f.upper() for f in FORMATS)}")
    facet_fields = param_list(params, "facet.field")
    unknown = [f for f in facet_fields if f not in FACET_FIELDS]
    if unknown:
        raise invalid("facet.field", f"Unknown facet fields: {', '.join(unknown)}")
    query = OpenQuery(q=q, sort=_sort(str(params.get("sort") or "")), with_rows=bool(res_format), **fq)
    names = [FACET_FIELDS[f] for f in facet_fields]
    page = catalogue.open_search(query=query, limit=rows, offset=start, facets=names)
    search_facets = {f: _facet_items(f, page.facets.get(FACET_FIELDS[f], [])) for f in facet_fields}
    return Call(
        {
            "count": page.count,
            "results": [package_dict(r, site) for r in page.items],
            "sort": str(params.get("sort") or "score desc, metadata_modified desc"),
            "facets": {f: {i["name"]: i["count"] for i in v["items"]} for f, v in search_facets.items()},
            "search_facets": search_facets,
        }
    )


@_action
def package_show(params: Mapping[str, Any], site: Site) -> Call:
    resource = open_package(param_required(params, "id"))
    return Call(package_dict(resource, site), resource.code)


@_action
def resource_show(params: Mapping[str, Any], site: Site) -> Call:
    resource, extension = resource_by_id(param_required(params, "id"))
    found = next(r for r in resource_dicts(resource, site) if r["format"] == FORMATS[extension].label)
    return Call(found, resource.code)


# --- organisations, groups, tags -------------------------------------------------------------------------------


def _names_or_dicts(items: list[dict[str, Any]], params: Mapping[str, Any]) -> list[Any]:
    descending = str(params.get("sort") or "name asc").split()[-1] == "desc"
    items = sorted(items, key=lambda d: d["name"], reverse=descending)
    offset = param_int(params, "offset", 0)
    limit = param_int(params, "limit", MAX_ROWS, high=MAX_ROWS)
    items = items[offset : offset + limit]
    return items if param_bool(params, "all_fields", False) else [d["name"] for d in items]


@_action
def organization_list(params: Mapping[str, Any], site: Site) -> Call:
    wanted = {name.upper() for name in param_list(params, "organizations")}
    items = [
        organization_dict(o.department, count=o.count)
        for o in catalogue.organisation_list()
        if not wanted or o.department.code in wanted
    ]
    return Call(_names_or_dicts(items, params))


@_action
def organization_show(params: Mapping[str, Any], site: Site) -> Call:
    identifier = param_required(params, "id")
    organisations = catalogue.organisation_list()
    found = next(
        (
            o
            for o in organisations
            if identifier in (o.department.code.lower(), o.department.code)
            or organization_dict(o.department)["id"] == identifier
        ),
        None,
    )
    if found is None:
        raise not_found("Organization")
    result = organization_dict(found.department, count=found.count)
    if param_bool(params, "include_datasets", False):
        page = catalogue.open_search(query=OpenQuery(organization=[found.department.code]), limit=MAX_ROWS, facets=())
        result["packages"] = [package_dict(r, site) for r in page.items]
    return Call(result)


@_action
def group_list(params: Mapping[str, Any], site: Site) -> Call:
    counts = dict(catalogue.open_resources().values_list("category").annotate(n=Count("pk")))
    items = [group_dict(value, count=counts.get(value, 0)) for value in Category.values]
    return Call(_names_or_dicts(items, params))


@_action
def tag_list(params: Mapping[str, Any], site: Site) -> Call:
    tags = catalogue.tag_list(q=str(params.get("query") or params.get("q") or ""))
    if param_bool(params, "all_fields", False):
        return Call(
            [{"id": tag_id(t.value), "name": t.value, "display_name": t.label, "vocabulary_id": None} for t in tags]
        )
    return Call([t.value for t in tags])


@_action
def status_show(params: Mapping[str, Any], site: Site) -> Call:
    return Call(
        {
            "site_title": settings.DATAHUB_SITE_TITLE,
            "site_url": site.base,
            "site_description": settings.DATAHUB_SITE_DESCRIPTION,
            "ckan_version": CKAN_VERSION,
            "error_emails_to": None,
            "locale_default": "zh_Hans",
            "extensions": ["datastore", "dcat"],
        }
    )


# --- datastore -------------------------------------------------------------------------------------------------


def _filters(params: Mapping[str, Any]) -> dict[str, Any]:
    value = params.get("filters")
    if value in (None, ""):
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise invalid("filters", "Invalid JSON object") from None
    if not isinstance(value, dict):
        raise invalid("filters", "Must be a JSON object of field: value")
    return value


@_action
def datastore_search(params: Mapping[str, Any], site: Site) -> Call:
    identifier = param_required(params, "resource_id")
    resource, _extension = resource_by_id(identifier)
    limit = param_int(params, "limit", 100, high=32000)
    offset = param_int(params, "offset", 0)
    sort = params.get("sort")
    if isinstance(sort, list):
        sort = ",".join(str(s) for s in sort)
    found = rows_query(
        resource=resource,
        filters=_filters(params),
        q=str(params.get("q") or "") or None,
        fields=param_list(params, "fields") or None,
        sort=str(sort) if sort else None,
        limit=limit,
        offset=offset,
        include_total=param_bool(params, "include_total", True),
    )
    base = f"/api/3/action/datastore_search?resource_id={identifier}"
    result: dict[str, Any] = {
        "resource_id": identifier,
        "fields": [{"id": f.id, "type": f.type, "info": {"label": f.label}} for f in found.fields],
        "records": found.records,
        "limit": min(limit, DATASTORE_MAX_LIMIT),
        "offset": offset,
        "include_total": found.total is not None,
        "records_format": "objects",
        "_links": {"start": base, "next": f"{base}&offset={offset + min(limit, DATASTORE_MAX_LIMIT)}"},
    }
    if found.total is not None:
        result["total"] = found.total
    return Call(result, resource.code)
