"""Reads of the service catalogue, scoped to the actor, and the process's search index over the published items.

The search index is built from the models (published items and life events) on first use. After a change commits,
``search_index_apply`` updates this process's index; other processes compare the ``CatalogueRevision`` token at
most every ``GOVSERVICES_SEARCH_CHECK_SECONDS`` (default 2 s) and rebuild when it moved (docs/govservices.md)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from zhizheng.accounts.models import User
from zhizheng.certificates.selectors import certificates_for_holder, holder_identifiers
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound
from zhizheng.govservices.choices import ApplicationStatus, Audience
from zhizheng.govservices.models import (
    CatalogueRevision,
    ClickCount,
    LifeEvent,
    LifeEventStage,
    Material,
    ServiceItem,
    Theme,
)
from zhizheng.govservices.permissions import policy
from zhizheng.govservices.search import (
    SearchEngine,
    SearchHit,
    Suggestion,
    build_engine,
    documents_from,
    item_document,
)
from zhizheng.govservices.search.clicks import click_key
from zhizheng.govservices.search.errors import check_limit, check_query
from zhizheng.orgs.models import Department

# --- catalogue -----------------------------------------------------------------------------------------------------


def items_visible(*, actor: Actor) -> QuerySet[ServiceItem]:
    """Items the actor may see: published ones, or all of them for catalogue editors."""
    return policy.scope(actor, ServiceItem.objects.all())


def items_list(
    *,
    actor: Actor,
    theme: Theme | None = None,
    theme_name: str | None = None,
    department: str | None = None,
    audience: str | None = None,
) -> QuerySet[ServiceItem]:
    """Visible items, filtered, with their department and themes loaded (a fixed number of queries).

    ``theme`` is one theme; ``theme_name`` matches the themes of that name for either audience."""
    queryset = items_visible(actor=actor).select_related("department").prefetch_related("themes")
    if theme is not None:
        queryset = queryset.filter(themes=theme)
    if theme_name:
        queryset = queryset.filter(pk__in=ServiceItem.objects.filter(themes__name=theme_name).values("pk"))
    if department:
        queryset = queryset.filter(department__code=department)
    if audience == Audience.INDIVIDUAL:
        queryset = queryset.filter(for_individuals=True)
    elif audience == Audience.LEGAL_PERSON:
        queryset = queryset.filter(for_legal_persons=True)
    return queryset.order_by("code")


def item_for_code(*, actor: Actor, code: str) -> ServiceItem:
    """One item with everything its guide shows; hidden and missing items are both ``NotFound``."""
    item = (
        ServiceItem.objects.select_related("department")
        .prefetch_related(
            "themes",
            Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
            Prefetch("life_event_stages", queryset=LifeEventStage.objects.select_related("event")),
        )
        .filter(code=code)
        .first()
    )
    if item is None or not policy.can_see(actor, item):
        raise NotFound()
    return item


def item_for_form(*, actor: Actor, code: str) -> ServiceItem:
    """One item with what its application form needs (department, materials in order): two queries, not the
    guide's five. Hidden and missing items are both ``NotFound``."""
    item = (
        ServiceItem.objects.select_related("department")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("order", "id")))
        .filter(code=code)
        .first()
    )
    if item is None or not policy.can_see(actor, item):
        raise NotFound()
    return item


def held_certificate_types(*, actor: Actor) -> frozenset[str]:
    """Certificate type codes (``CT-…``) the platform holds for ``actor`` (valid, unexpired; an agent's own and
    their enterprise's) and can attach instead of an upload: the guide marks those materials (免提交)."""
    codes: set[str] = set()
    for holder in holder_identifiers(actor):
        codes.update(certificates_for_holder(actor=actor, holder=holder).values_list("type__code", flat=True))
    return frozenset(codes)


def themes_for(*, actor: Actor, audience: str) -> list[Theme]:
    """The audience's themes with ``item_count`` (visible items), in the catalogue's order; empty themes omitted."""
    visible = items_visible(actor=actor).values("pk")
    themes = (
        Theme.objects.filter(audience=audience)
        .annotate(item_count=Count("items", filter=Q(items__in=visible), distinct=True))
        .filter(item_count__gt=0)
        .order_by("order", "name")
    )
    return list(themes)


def theme_for(*, audience: str, name: str) -> Theme:
    theme = Theme.objects.filter(audience=audience, name=name).first()
    if theme is None:
        raise NotFound()
    return theme


def departments_with_items(*, actor: Actor) -> list[Department]:
    """Departments that offer visible items, with ``item_count``, by code."""
    visible = items_visible(actor=actor).values("pk")
    departments = (
        Department.objects.annotate(
            item_count=Count("service_items", filter=Q(service_items__in=visible), distinct=True)
        )
        .filter(item_count__gt=0)
        .order_by("code")
    )
    return list(departments)


def department_names_for(codes: Iterable[str]) -> dict[str, str]:
    """Department code → official name, for the given codes (one query)."""
    return dict(Department.objects.filter(code__in=set(codes)).values_list("code", "name"))


def department_for(*, code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound()
    return department


def _stages_prefetch(actor: Actor) -> Prefetch[Any]:
    items = items_visible(actor=actor).select_related("department").order_by("code")
    return Prefetch(
        "stages", queryset=LifeEventStage.objects.order_by("order").prefetch_related(Prefetch("items", queryset=items))
    )


def life_events_list(*, actor: Actor) -> list[LifeEvent]:
    """Every life event with its stages and their visible items (four queries)."""
    return list(LifeEvent.objects.prefetch_related(_stages_prefetch(actor)).order_by("code"))


def life_event_for_code(*, actor: Actor, code: str) -> LifeEvent:
    event = LifeEvent.objects.prefetch_related(_stages_prefetch(actor)).filter(code=code).first()
    if event is None:
        raise NotFound()
    return event


def searchable_code_exists(*, actor: Actor, code: str) -> bool:
    """Whether ``code`` is a visible item or a life event (what a search result can link to)."""
    if code.startswith("LE-"):
        return LifeEvent.objects.filter(code=code).exists()
    return items_visible(actor=actor).filter(code=code).exists()


# --- search ----------------------------------------------------------------------------------------------------------


def _department_names() -> dict[str, str]:
    return {d.code: f"{d.name} {d.short_name}".strip() for d in Department.objects.all()}


def item_record(item: ServiceItem) -> dict[str, Any]:
    """An item in the catalogue's JSON shape, as the search engine reads it (materials and themes prefetched)."""
    return {
        "code": item.code,
        "name": item.name,
        "department": item.department.code,
        "keywords": list(item.keywords),
        "description": item.description,
        "materials": [{"name": m.name} for m in item.materials.all()],
        "result": {"name": item.result_name},
        "conditions": item.conditions,
        "themes": sorted({t.name for t in item.themes.all()}),
        "audience": item.audience,
    }


def _published_items() -> QuerySet[ServiceItem]:
    return (
        ServiceItem.objects.filter(published=True)
        .select_related("department")
        .prefetch_related(
            Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
            Prefetch("themes", queryset=Theme.objects.order_by("pk")),
        )
        .order_by("code")
    )


def _event_records(published: Iterable[str]) -> list[dict[str, Any]]:
    codes = set(published)
    records = []
    for event in LifeEvent.objects.prefetch_related("stages__items").order_by("code"):
        members = [i.code for s in event.stages.all() for i in s.items.all() if i.code in codes]
        records.append(
            {
                "code": event.code,
                "name": event.name,
                "description": event.description,
                "audience": event.audience,
                "items": members,
            }
        )
    return records


def _current_token() -> str:
    return CatalogueRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


@dataclass
class _Index:
    engine: SearchEngine | None = None
    token: str = ""
    checked_at: float = 0.0
    stale: bool = False


_INDEX = _Index()
_INDEX_LOCK = threading.Lock()


def _build() -> tuple[SearchEngine, str]:
    token = _current_token()
    items = [item_record(i) for i in _published_items()]
    engine = build_engine(documents_from(items, _event_records(r["code"] for r in items), _department_names()))
    return engine, token


def search_engine() -> SearchEngine:
    """This process's engine over the published catalogue, rebuilt when another process changed the catalogue."""
    interval = float(getattr(settings, "GOVSERVICES_SEARCH_CHECK_SECONDS", 2.0))
    now = time.monotonic()
    index = _INDEX
    if index.engine is not None and not index.stale and now - index.checked_at < interval:
        return index.engine
    with _INDEX_LOCK:
        if index.engine is None or index.stale or now - index.checked_at >= interval:
            if index.engine is None or index.stale or _current_token() != index.token:
                index.engine, index.token = _build()
                index.stale = False
            index.checked_at = time.monotonic()
        return index.engine


def search_index_apply(*, old: str, new: str, codes: tuple[str, ...] = (), rebuild: bool = False) -> None:
    """After a catalogue change committed (revision ``old`` → ``new``): update this process's index in place
    when it was current, else mark it for a rebuild on the next search. Called from ``transaction.on_commit``."""
    index = _INDEX
    with _INDEX_LOCK:
        if index.engine is None:
            return
        if rebuild or index.stale or index.token != old:
            index.stale = True
            return
        names = _department_names()
        published = {i.code: i for i in _published_items().filter(code__in=codes)}
        for code in codes:
            item = published.get(code)
            if item is None:
                index.engine.remove(code)
            else:
                index.engine.upsert(item_document(item_record(item), names))
        index.token = new


def search_index_reset() -> None:
    """Forget this process's index (the next search rebuilds it); for tests and after bulk database changes."""
    with _INDEX_LOCK:
        _INDEX.engine = None
        _INDEX.token = ""
        _INDEX.stale = False


def click_priors(query: str) -> dict[str, float]:
    """code → clicks recorded for this (normalised) query."""
    rows = ClickCount.objects.filter(query_norm=click_key(query)[:100]).values_list("code", "count")
    return {code: float(count) for code, count in rows}


def service_search(*, actor: Actor, query: str, limit: int = 10) -> list[SearchHit]:
    """Items and life events for ``query``, best first (``InvalidQuery``/``InvalidSearchLimit`` on bad input)."""
    check_limit(limit)
    check_query(query)
    return search_engine().search(query, limit, clicks=click_priors(query))


def service_suggest(*, actor: Actor, query: str, limit: int = 8) -> list[Suggestion]:
    """Type-ahead names for what has been typed so far; popular choices first among equals."""
    popularity = {
        row["code"]: float(row["total"] or 0)
        for row in ClickCount.objects.values("code").annotate(total=Sum("count")).order_by()
    }
    return search_engine().suggest(query, limit, popularity=popularity)


# --- pre-filling forms -------------------------------------------------------------------------------------------

_ACCOUNT_FIELDS = {
    "account.real_name": "real_name",
    "account.id_number": "id_number",
    "account.phone": "phone",
    "account.uscc": "uscc",
    "account.enterprise_name": "enterprise_name",
}


def form_prefill(*, actor: Actor, ui: dict[str, Any]) -> dict[str, Any]:
    """Values the platform already holds for the signed-in person, shaped like the form's data, for the fields
    whose UI hint names an ``account.*`` source (``ui`` is ``FormDefinition.ui``). Nothing for anyone else.

    Registry sources (``registry.*``: the household address, a legal person's representative) are not filled yet:
    they need a registries selector for a person's own record, read with a purpose and logged."""
    if actor.kind is not ActorKind.USER or actor.user_id is None:
        return {}
    user = User.objects.filter(pk=actor.user_id).first()
    if user is None:
        return {}
    return account_values(user=user, ui=ui)


def account_values(*, user: User, ui: dict[str, Any]) -> dict[str, Any]:
    """What the account of ``user`` holds for the form's ``account.*`` fields: the apply page pre-fills it, and the
    case page compares the submitted form with it (pre-filled and kept, or changed by the applicant)."""
    values: dict[str, Any] = {}
    for section, hint in ui.get("fields", {}).items():
        if section == "applicant_kind":
            values[section] = "legal_person" if user.uscc else "individual"
            continue
        for name, field in (hint.get("fields") or {}).items():
            attribute = _ACCOUNT_FIELDS.get(str(field.get("prefill", "")))
            value = getattr(user, attribute, "") if attribute else ""
            if value:
                values.setdefault(section, {})[name] = value
    return values


# --- applications -------------------------------------------------------------------------------------------------

QUEUE_STATUSES = (
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.ACCEPTED,
    ApplicationStatus.SUPPLEMENT_REQUESTED,
    ApplicationStatus.AWAITING_PAYMENT,
    ApplicationStatus.APPROVED,
    ApplicationStatus.REJECTED,
    ApplicationStatus.WITHDRAWN,
)


ITEM_GUIDE_TEXT = tuple(
    f"item__{name}"
    for name in ("legal_basis", "fee_standard", "fee_basis", "conditions", "keywords", "description", "steps")
)
"""The guide's long text and JSON columns of an application's item: no application page, act or API answer reads
them, and reading and decoding them was most of the cost of loading an application with its item."""
