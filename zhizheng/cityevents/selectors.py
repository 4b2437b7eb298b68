"""Reads about city events, scoped to the actor: what an actor may not see does not exist (404)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from zhizheng.cityevents.choices import OPEN_STATUSES, Status
from zhizheng.cityevents.errors import TrackingTokenNotFound
from zhizheng.cityevents.models import Category, Event, EventStep
from zhizheng.cityevents.permissions import Perm, is_hotline_operator, policy
from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied

DUPLICATE_WINDOW = dt.timedelta(days=14)
DUPLICATE_RADIUS_M = 500.0
SIMILAR_WINDOW = 500
"""How many of the latest open events the similarity search compares (simple, bounded, fast)."""


def _base() -> QuerySet[Event]:
    return Event.objects.select_related("category__parent__parent", "responsible_department")


def event_list(
    *, actor: Actor, status: str = "", department_code: str = "", overdue_before: object = None
) -> QuerySet[Event]:
    """Events the actor may see, newest first, optionally of one status or responsible department."""
    queryset = policy.scope(actor, _base())
    if status:
        queryset = queryset.filter(status=status)
    if department_code:
        queryset = queryset.filter(responsible_department__code=department_code)
    if overdue_before is not None:
        queryset = queryset.filter(status=Status.DISPATCHED, deadline_at__lt=overdue_before)
    return queryset.order_by("-reported_at", "-id")


def event_status_counts(*, actor: Actor) -> dict[str, int]:
    """How many visible events are in each status (every status listed, zero included)."""
    counts = {status.value: 0 for status in Status}
    rows = policy.scope(actor, Event.objects.all()).values("status").annotate(n=Count("id", distinct=True))
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def event_get(*, actor: Actor, pk: int) -> Event:
    """One event the actor may see, else ``NotFound``."""
    try:
        event = _base().get(pk=pk)
    except (Event.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    policy.require(actor, Perm.VIEW, event)
    return event


def event_by_token(*, token: str) -> Event:
    """The event a tracking token opens (the reporter's own link; no sign-in needed)."""
    from zhizheng.cityevents.services import token_hash

    if not token or len(token) > 64:
        raise TrackingTokenNotFound()
    try:
        return _base().get(tracking_token_hash=token_hash(token))
    except Event.DoesNotExist:
        raise TrackingTokenNotFound() from None


def event_steps(*, event: Event) -> QuerySet[EventStep]:
    """The timeline of an event the caller has already been allowed to see."""
    return EventStep.objects.filter(event=event).order_by("at", "id")


def events_for_caller(*, actor: Actor, phone: str, limit: int = 10) -> list[Event]:
    """A hotline caller's earlier events, found by the keyed hash of the phone number (operators only)."""
    from zhizheng.cityevents.services import phone_hash

    if not (is_hotline_operator(actor) or actor.is_superuser):
        raise PermissionDenied()
    if sum(c.isdigit() for c in phone) < 7:
        return []
    return list(_base().filter(reporter_phone_hash=phone_hash(phone)).order_by("-reported_at", "-id")[:limit])


def _shingles(text: str) -> set[str]:
    cleaned = "".join(c for c in text.lower() if c.isalnum())
    return {cleaned[i : i + 2] for i in range(max(len(cleaned) - 1, 0))} or ({cleaned} if cleaned else set())


@dataclass(frozen=True, slots=True)
class Similar:
    event: Event
    score: float


def similar_open_events(*, actor: Actor, text: str, limit: int = 5, threshold: float = 0.2) -> list[Similar]:
    """Open events whose description shares many character bigrams with ``text`` (Jaccard similarity), among the
    latest ``SIMILAR_WINDOW`` open events the actor may see. Good enough to spot a repeat call while typing."""
    wanted = _shingles(text)
    if len(wanted) < 3:
        return []
    candidates = policy.scope(actor, _base()).filter(status__in=list(OPEN_STATUSES)).order_by("-reported_at")
    scored: list[Similar] = []
    for event in candidates[:SIMILAR_WINDOW]:
        other = _shingles(event.description)
        if not other:
            continue
        score = len(wanted & other) / len(wanted | other)
        if score >= threshold:
            scored.append(Similar(event=event, score=round(score, 3)))
    scored.sort(key=lambda item: (-item.score, -item.event.pk))
    return scored[:limit]


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine; ample for a few hundred metres)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


@dataclass(frozen=True, slots=True)
class Duplicate:
    event: Event
    similarity: float
    distance_m: float | None


def duplicate_candidates(
    *,
    text: str,
    longitude: float | None,
    latitude: float | None,
    actor: Actor | None = None,
    exclude_pk: int | None = None,
    at: dt.datetime | None = None,
    window: dt.timedelta = DUPLICATE_WINDOW,
    radius_m: float = DUPLICATE_RADIUS_M,
    limit: int = 5,
) -> list[Duplicate]:
    """Open cases that are probably about the same problem: reported within ``window`` before ``at``, within
    ``radius_m`` when both have a point, and with similar text (character-bigram Jaccard ≥ 0.2 near the point, ≥ 0.35
    without one). Without ``actor`` only public cases are considered (the citizen's report page)."""
    wanted = _shingles(text)
    if len(wanted) < 3:
        return []
    moment = at or timezone.now()
    base = policy.scope(actor, _base()) if actor is not None else _base().filter(is_public=True)
    candidates = base.filter(
        status__in=list(OPEN_STATUSES), parent__isnull=True, reported_at__gte=moment - window, reported_at__lte=moment
    ).order_by("-reported_at")
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    found: list[Duplicate] = []
    for event in candidates[:SIMILAR_WINDOW]:
        other = _shingles(event.description)
        if not other:
            continue
        similarity = len(wanted & other) / len(wanted | other)
        distance = None
        if None not in (longitude, latitude, event.longitude, event.latitude):
            distance = _distance_m(float(latitude), float(longitude), float(event.latitude), float(event.longitude))  # type: ignore[arg-type]
            if distance > radius_m:
                continue
        if similarity >= (0.2 if distance is not None else 0.35):
            found.append(
                Duplicate(event=event, similarity=round(similarity, 3), distance_m=distance and round(distance))
            )
    found.sort(key=lambda d: (-d.similarity, d.distance_m or 0.0))
    return found[:limit]


def category_leaves() -> QuerySet[Category]:
    """Active third-level categories with their parents, for pickers and Open311's service list."""
    return Category.objects.filter(level=3, active=True).select_related("parent__parent").order_by("code")


def category_get(*, code: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(code=code, active=True)
    except Category.DoesNotExist:
        raise NotFound() from None
