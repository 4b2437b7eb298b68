"""The open-data portal at ``/data/`` (mobile first, HTMX): search with facets, a dataset's metadata (labels in
Chinese and English), a preview of its first rows, streamed downloads, organisations, the API documentation, the
DCAT catalogue, and the registration of third-party applications with their usage. Thin: parse, call, render."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError, NotFound
from zhizheng.datahub import selectors, services
from zhizheng.datahub.opendata import catalogue, dcat, exports
from zhizheng.datahub.opendata.catalogue import OpenQuery
from zhizheng.datahub.opendata.ckan import Site
from zhizheng.datahub.opendata.ckan_actions import ACTIONS
from zhizheng.datahub.opendata.formats import FORMATS
from zhizheng.datahub.opendata.rows import data_fields, has_rows, rows_iter, rows_query

PAGE = 20
PREVIEW_ROWS = 10
FILTERS = ("organization", "category", "format", "update_cycle", "tags")
JSONLD = "application/ld+json"


def _site(request: HttpRequest) -> Site:
    return Site(base=request.build_absolute_uri("/").rstrip("/"))


def _query(request: HttpRequest) -> OpenQuery:
    def wanted(name: str) -> list[str]:
        return [v[:64] for v in request.GET.getlist(name) if v][:10]

    sort = request.GET.get("sort", "code")
    return OpenQuery(
        q=request.GET.get("q", "").strip()[:100],
        organization=wanted("organization"),
        category=wanted("category"),
        format=wanted("format"),
        update_cycle=wanted("update_cycle"),
        tags=wanted("tags"),
        sort=sort if sort in catalogue.SORTS else "code",
    )


def _toggle(request: HttpRequest, name: str, value: str) -> str:
    """The query string with ``name=value`` added, or removed if present (page reset)."""
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return "?" + urlencode(pairs)


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Search the open catalogue; facets narrow it. HTMX requests get only the results."""
    query = _query(request)
    number = _page_number(request)
    page = catalogue.open_search(query=query, limit=PAGE, offset=(number - 1) * PAGE)
    labels = {
        "organization": _("Department"),
        "category": _("Category"),
        "format": _("Format"),
        "update_cycle": _("Update cycle"),
        "tags": _("Tags"),
    }
    facets = [
        {
            "name": name,
            "label": labels[name],
            "values": [
                {
                    "value": v.value,
                    "label": v.label,
                    "count": v.count,
                    "active": v.value in getattr(query, name),
                    "href": _toggle(request, name, v.value),
                }
                for v in page.facets.get(name, [])
            ],
        }
        for name in FILTERS
    ]
    pairs = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k != "page"]
    context = {
        "page": page,
        "query": query,
        "facets": facets,
        "number": number,
        "previous": "?" + urlencode([*pairs, ("page", number - 1)]) if number > 1 else "",
        "next": "?" + urlencode([*pairs, ("page", number + 1)]) if number * PAGE < page.count else "",
        "sorts": [("code", _("Code")), ("name", _("Name")), ("-modified", _("Recently updated"))],
    }
    template = "datahub/open/partials/results.html" if request.headers.get("HX-Request") else "datahub/open/index.html"
    return render(request, template, context)


def _open(slug: str) -> Any:
    try:
        return catalogue.open_resource_get(code=catalogue.code_of(slug))
    except NotFound:
        raise Http404(_("No open dataset has this name.")) from None


def _metadata(resource: Any) -> list[tuple[str, str, str]]:
    """The entry's fields with their GB/T 21063 Chinese label, an English label and the value."""
    return [
        ("资源代码", "Resource code", resource.code),
        ("资源名称", "Title", resource.name),
        ("资源提供方", "Publisher", f"{resource.provider.name} ({resource.provider.code})"),
        ("资源分类", "Category", f"{resource.get_category_display()} · {resource.class_code}"),
        ("资源格式", "Format", resource.get_format_display()),
        ("开放属性", "Access rights", resource.get_open_type_display()),
        ("更新周期", "Update frequency", resource.get_update_cycle_display()),
        ("发布日期", "Issued", resource.published_on.isoformat() if resource.published_on else "—"),
        ("版本", "Version", str(resource.version)),
        ("关联资源代码", "Related resources", ", ".join(resource.related_codes) or "—"),
    ]


@require_GET
def dataset(request: HttpRequest, slug: str) -> HttpResponse:
    """A dataset: metadata, information items, tags, a preview of the first rows and the downloads."""
    resource = _open(slug)
    preview = None
    if has_rows(resource):
        columns = [f.id for f in data_fields(resource)]
        preview = rows_query(resource=resource, fields=columns, sort="_id", limit=PREVIEW_ROWS)
    return render(
        request,
        "datahub/open/dataset.html",
        {
            "resource": resource,
            "slug": slug,
            "metadata": _metadata(resource),
            "items": list(resource.items.all()),
            "tags": list(resource.tags.all()),
            "preview": preview,
            "rows": [[record[f.id] for f in preview.fields] for record in preview.records] if preview else [],
            "formats": list(FORMATS.values()) if preview else [],
        },
    )


@require_GET
def download(request: HttpRequest, slug: str, extension: str) -> HttpResponseBase:
    """All the rows of a dataset as CSV, JSON or XLSX, streamed."""
    resource = _open(slug)
    fmt = FORMATS.get(extension)
    if fmt is None or not has_rows(resource):
        raise Http404(_("This dataset has no download in that format."))
    fields, records = rows_iter(resource=resource)
    filename = f"{slug}.{fmt.extension}"
    response: HttpResponseBase
    if extension == "xlsx":
        response = FileResponse(exports.xlsx_file(fields, records), as_attachment=True, filename=filename)
        response["Content-Type"] = fmt.media_type
        return response
    chunks = exports.csv_chunks(fields, records) if extension == "csv" else exports.json_chunks(fields, records)
    response = StreamingHttpResponse(chunks, content_type=f"{fmt.media_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def organizations(request: HttpRequest) -> HttpResponse:
    return render(request, "datahub/open/organizations.html", {"organisations": catalogue.organisation_list()})


@require_GET
def organization(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = catalogue.organisation_get(code=code)
    except NotFound:
        raise Http404(_("No department publishes open data under this code.")) from None
    page = catalogue.open_search(query=OpenQuery(organization=[found.department.code]), limit=200, facets=())
    return render(request, "datahub/open/organization.html", {"organisation": found, "resources": page.items})


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    return render(
        request,
        "datahub/open/api.html",
        {"base": site.base, "actions": sorted(ACTIONS), "example": catalogue.open_resources().order_by("code").first()},
    )


def _jsonld(document: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(document, ensure_ascii=False, indent=1), content_type=f"{JSONLD}; charset=utf-8")


@require_GET
def catalog_jsonld(request: HttpRequest) -> HttpResponse:
    return _jsonld(dcat.catalog_document(_site(request)))


@require_GET
def themes_jsonld(request: HttpRequest) -> HttpResponse:
    return _jsonld(dcat.themes_document(_site(request)))


# --- applications (政府即平台) -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def apps(request: HttpRequest) -> HttpResponse:
    """The signed-in person's applications, and the form to register one (its key is shown once)."""
    actor = actor_of(request)
    context: dict[str, Any] = {"form": {}, "errors": {}}
    status = 200
    if request.method == "POST":
        try:
            app, key = services.app_register(
                actor=actor,
                name=request.POST.get("name", ""),
                description=request.POST.get("description", ""),
                url=request.POST.get("url", ""),
            )
        except DomainError as error:
            context["form"] = request.POST
            context["error"] = error.detail
            context["errors"] = {k: [str(m) for m in v] for k, v in error.field_errors.items()}
            status = error.status
        else:
            return render(request, "datahub/open/app_key.html", {"app": app, "key": key})
    context["apps"] = selectors.app_list(actor=actor)
    return render(request, "datahub/open/apps.html", context, status=status)


@login_required
@require_GET
def app(request: HttpRequest, pk: int) -> HttpResponse:
    """An application's calls per day and per resource (its owner only)."""
    actor = actor_of(request)
    try:
        found = selectors.app_get(actor=actor, pk=pk)
    except NotFound:
        raise Http404(_("No such application.")) from None
    statistics = selectors.app_statistics(actor=actor, app=found, days=30)
    return render(request, "datahub/open/app.html", {"app": found, "statistics": statistics})


@login_required
@require_POST
def app_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        found = selectors.app_get(actor=actor, pk=pk)
        services.app_revoke(actor=actor, app=found)
    except NotFound:
        raise Http404(_("No such application.")) from None
    except DomainError as error:
        return render(request, "datahub/error.html", {"error": error.detail, "errors": {}}, status=error.status)
    return redirect(reverse("datahub:app", args=[pk]))
