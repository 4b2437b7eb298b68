"""Reads of the data hub, scoped by the actor: the catalogue, requests (inbox and own), grants and the access log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied
from zhizheng.datahub.choices import DATA_OFFICE, Status
from zhizheng.datahub.models import AppUsage, DataAccess, Grant, OpenApp, Resource, ShareRequest
from zhizheng.datahub.permissions import DATA_OFFICER, REQUESTER_ROLES, Perm, policy

MAX_PAGE_SIZE = 100


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(0, min(limit, MAX_PAGE_SIZE)), max(0, offset)


def _resources(actor: Actor) -> QuerySet[Resource]:
    if not policy.has(actor, Perm.VIEW):
        raise PermissionDenied()
    queryset = Resource.objects.select_related("provider")
    if actor.is_superuser or actor.has_role(DATA_OFFICER, DATA_OFFICE):
        return queryset
    return queryset.filter(Q(status=Status.PUBLISHED) | Q(provider__code__in=actor.departments(DATA_OFFICER)))


def resource_list(
    *, actor: Actor, q: str = "", category: str = "", status: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[Resource]]:
    """Catalogue entries the actor may see (staff: published ones; editors also their drafts)."""
    queryset = _resources(actor)
    if q.strip():
        queryset = queryset.filter(Q(name__icontains=q.strip()) | Q(code__startswith=q.strip()))
    if category:
        queryset = queryset.filter(category=category)
    if status:
        queryset = queryset.filter(status=status)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset.prefetch_related("items")[offset : offset + limit])


def resource_get(*, actor: Actor, code: str) -> Resource:
    found = _resources(actor).prefetch_related("items", "versions").filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def request_list(*, actor: Actor, box: str, limit: int = 50, offset: int = 0) -> tuple[int, list[ShareRequest]]:
    """``inbox``: requests for the resources of departments where the actor is data officer; ``mine``: requests
    of the actor's departments (data officer or caseworker)."""
    queryset = ShareRequest.objects.select_related("resource__provider", "department")
    if box == "inbox":
        queryset = queryset.filter(resource__provider__code__in=actor.departments(DATA_OFFICER))
    else:
        mine = {d for d, r in actor.roles if r in REQUESTER_ROLES}
        queryset = queryset.filter(department__code__in=mine)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def request_get(*, actor: Actor, pk: int) -> ShareRequest:
    found = ShareRequest.objects.select_related("resource__provider", "department").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.SEE_REQUEST, found):
        raise NotFound()
    return found


def grant_list(*, actor: Actor) -> list[Grant]:
    """Grants held by the actor's departments or given by the departments whose data officer the actor is."""
    mine = {d for d, r in actor.roles if r in REQUESTER_ROLES}
    provided = actor.departments(DATA_OFFICER)
    queryset = Grant.objects.select_related("resource__provider", "department", "request")
    return list(queryset.filter(Q(department__code__in=mine) | Q(resource__provider__code__in=provided))[:200])


def grant_get(*, actor: Actor, pk: int) -> Grant:
    found = Grant.objects.select_related("resource__provider", "department", "request").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.SEE_REQUEST, found.request):
        raise NotFound()
    return found


def access_list(
    *, actor: Actor, resource_code: str = "", limit: int = 50, offset: int = 0
) -> tuple[int, list[DataAccess]]:
    """Calls of the data API on resources the actor's departments provide (all for the data office)."""
    queryset = DataAccess.objects.all()
    if not (actor.is_superuser or actor.has_role(DATA_OFFICER, DATA_OFFICE)):
        codes = Resource.objects.filter(provider__code__in=actor.departments(DATA_OFFICER)).values("code")
        queryset = queryset.filter(resource_code__in=codes)
    if resource_code:
        queryset = queryset.filter(resource_code=resource_code)
    limit, offset = _page(limit, offset)
    return queryset.count(), list(queryset[offset : offset + limit])


def app_list(*, actor: Actor) -> list[OpenApp]:
    """The open-data applications the actor registered, newest first (none for a visitor)."""
    if actor.user_id is None:
        return []
    return list(OpenApp.objects.filter(owner_id=actor.user_id).select_related("token"))


def app_get(*, actor: Actor, pk: int) -> OpenApp:
    found = OpenApp.objects.select_related("token").filter(pk=pk).first()
    if found is None or not policy.has(actor, Perm.MANAGE_APP, found):
        raise NotFound()
    return found


@dataclass(frozen=True, slots=True)
class AppStatistics:
    days: int
    total: int
    per_day: list[tuple[dt.date, int]]
    per_resource: list[tuple[str, int]]


def app_statistics(*, actor: Actor, app: OpenApp, days: int = 30) -> AppStatistics:
    """Calls of the actor's app in the last ``days`` days (local dates): per day (every day, oldest first, zero
    included) and per resource code (most called first; "" for calls about no single resource)."""
    if not policy.has(actor, Perm.MANAGE_APP, app):
        raise NotFound()
    days = max(1, min(days, 366))
    today = timezone.localdate()
    since = today - dt.timedelta(days=days - 1)
    rows = AppUsage.objects.filter(app=app, used_on__gte=since)
    by_day = dict(rows.values_list("used_on").annotate(n=Sum("calls")).values_list("used_on", "n"))
    per_resource = list(
        rows.values_list("resource_code")
        .annotate(n=Sum("calls"))
        .order_by("-n", "resource_code")
        .values_list("resource_code", "n")
    )
    per_day = [(since + dt.timedelta(days=i), int(by_day.get(since + dt.timedelta(days=i), 0))) for i in range(days)]
    total = sum(n for _day, n in per_day)
    resources = [(code, int(n)) for code, n in per_resource]
    return AppStatistics(days=days, total=total, per_day=per_day, per_resource=resources)
