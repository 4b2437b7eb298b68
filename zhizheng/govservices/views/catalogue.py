"""Portal pages of the catalogue: service guides (办事指南), browsing by theme, department and life event, and
service search with type-ahead. Thin: they read through selectors and render templates."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import import_string

from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError, NotFound
from zhizheng.govservices.choices import Audience
from zhizheng.govservices.search.errors import MAX_QUERY_LENGTH
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.services import catalogue as services

AUDIENCE_SLUGS = {"individual": Audience.INDIVIDUAL.value, "business": Audience.LEGAL_PERSON.value}
SEARCH_PAGE_SIZE = 20
SUGGESTIONS = 8


def _audience_page(request: HttpRequest, slug: str) -> HttpResponse:
    actor = actor_of(request)
    audience = AUDIENCE_SLUGS[slug]
    events = [e for e in selectors.life_events_list(actor=actor) if audience in e.audience]
    return render(
        request,
        "govservices/index.html",
        {
            "slug": slug,
            "other_slug": "business" if slug == "individual" else "individual",
            "themes": selectors.themes_for(actor=actor, audience=audience),
            "life_events": events,
            "max_query_length": MAX_QUERY_LENGTH,
        },
    )


def index(request: HttpRequest) -> HttpResponse:
    """Services for individuals: search, themes and life events (一件事)."""
    return _audience_page(request, "individual")


def business(request: HttpRequest) -> HttpResponse:
    """Services for businesses and organisations: themes and life events."""
    return _audience_page(request, "business")


def theme(request: HttpRequest, audience: str, name: str) -> HttpResponse:
    if audience not in AUDIENCE_SLUGS:
        raise Http404
    try:
        found = selectors.theme_for(audience=AUDIENCE_SLUGS[audience], name=name)
    except NotFound:
        raise Http404 from None
    items = selectors.items_list(actor=actor_of(request), theme=found)
    return render(request, "govservices/item_list.html", {"title": found.name, "items": items, "slug": audience})


def departments(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "govservices/departments.html",
        {"departments": selectors.departments_with_items(actor=actor_of(request))},
    )


def department(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = selectors.department_for(code=code)
    except NotFound:
        raise Http404 from None
    items = selectors.items_list(actor=actor_of(request), department=found.code)
    return render(request, "govservices/item_list.html", {"title": found.name, "items": items, "department": found})


def life_events(request: HttpRequest) -> HttpResponse:
    return render(
        request, "govservices/life_events.html", {"life_events": selectors.life_events_list(actor=actor_of(request))}
    )


def _record_click(request: HttpRequest, code: str) -> None:
    """A search result was opened (its link carries the query as ``q``): count it as a prior for that query."""
    query = request.GET.get("q", "")
    if query.strip():
        # A malformed query in a hand-made link is not worth an error page.
        with contextlib.suppress(DomainError):
            services.search_click_record(actor=actor_of(request), query=query, code=code)


def life_event(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event = selectors.life_event_for_code(actor=actor_of(request), code=code)
    except NotFound:
        raise Http404 from None
    _record_click(request, event.code)
    return render(request, "govservices/life_event.html", {"event": event})


def item(request: HttpRequest, code: str) -> HttpResponse:
    """The guide (办事指南) of one published item."""
    actor = actor_of(request)
    try:
        found = selectors.item_for_code(actor=actor, code=code)
    except NotFound:
        raise Http404 from None
    _record_click(request, found.code)
    held = selectors.held_certificate_types(actor=actor)
    materials = [(m, bool(m.certificate_type) and m.certificate_type in held) for m in found.materials.all()]
    events = sorted({s.event.code: s.event for s in found.life_event_stages.all()}.items())
    return render(
        request,
        "govservices/item.html",
        {"item": found, "materials": materials, "life_events": [e for _code, e in events]},
    )


def search(request: HttpRequest) -> HttpResponse:
    """Service search. No query shows the box; a blank or over-long one answers 400 with the reason."""
    context: dict[str, object] = {"query": "", "results": None, "max_query_length": MAX_QUERY_LENGTH}
    if "q" not in request.GET:
        return render(request, "govservices/search.html", context)
    query = request.GET["q"]
    context["query"] = query
    try:
        results = selectors.service_search(actor=actor_of(request), query=query, limit=SEARCH_PAGE_SIZE)
    except DomainError as exc:
        context["error"] = exc.detail
        return render(request, "govservices/search.html", context, status=400)
    pages = _page_search(query)
    names = selectors.department_names_for([h.department for h in results if h.department])
    cards = [(hit, names.get(hit.department, "")) for hit in results]
    context.update(results=results, cards=cards, pages=pages, total=len(results) + len(pages))
    return render(request, "govservices/search.html", context)


def _page_search(query: str) -> list[Any]:
    """The portal's own pages matching ``query`` (``settings.GOVSERVICES_PAGE_SEARCH``; the web app, above us,
    provides it, so it is named in the settings rather than imported)."""
    dotted = getattr(settings, "GOVSERVICES_PAGE_SEARCH", "")
    if not dotted:
        return []
    found: list[Any] = import_string(dotted)(query)
    return found


def suggest(request: HttpRequest) -> HttpResponse:
    """Type-ahead options for the search box (an HTMX partial: a listbox's options, or nothing)."""
    query = request.GET.get("q", "")
    try:
        found = selectors.service_suggest(actor=actor_of(request), query=query, limit=SUGGESTIONS)
    except DomainError:
        found = []
    return render(request, "govservices/partials/suggestions.html", {"suggestions": found, "query": query})
