"""Reads about city events, scoped to the actor: what an actor may not see does not exist (404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from zhizheng.cityevents.choices import OPEN_STATUSES, Status
from zhizheng.cityevents.errors import TrackingTokenNotFound
from zhizheng.cityevents.models import Category, Event, EventStep
from zhizheng.cityevents.permissions import Perm, is_hotline_operator, policy
from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, PermissionDenied

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


def event_get_by_number(*, actor: Actor, number: str) -> Event:
    found = Event.objects.filter(number=number).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound()
    return event_get(actor=actor, pk=found)


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


def category_leaves() -> QuerySet[Category]:
    """Active third-level categories with their parents, for pickers and Open311's service list."""
    return Category.objects.filter(level=3, active=True).select_related("parent__parent").order_by("code")


def category_get(*, code: str) -> Category:
    try:
        return Category.objects.select_related("parent__parent").get(code=code, active=True)
    except Category.DoesNotExist:
        raise NotFound() from None
