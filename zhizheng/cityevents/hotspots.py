"""Hotspots (issue 6, part 7) and reply times (part 8): reads over the events an actor may see.

A hotspot is a group of events about the same problem: first lines alike (a board message's subject; TF-IDF
over character 2-3-grams, cosine similarity at least ``THRESHOLD``), in the same district, reported within
``WINDOW_DAYS`` of each other; groups are the connected components of that relation. Groups rank by
``score = size + ln(1 + max(0, likes - dislikes))`` (public support from the message board, log-scaled so that one
very popular message does not outrank a problem many people reported). The computation is cached for
``CACHE_SECONDS`` per actor scope and data version.

Reply times: for board messages with an official reply, the days from message to reply, median and 90th
percentile by first-level category.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max, QuerySet
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from zhizheng.cityevents.choices import Status
from zhizheng.cityevents.models import BoardMessage, Event
from zhizheng.cityevents.permissions import policy
from zhizheng.core.actor import Actor

THRESHOLD = 0.4
WINDOW_DAYS = 90
MAX_EVENTS = 20000
TEXT_LENGTH = 60
"""Only the first line (a board message's subject) and at most this many characters are compared."""
CACHE_SECONDS = 600


@dataclass(frozen=True, slots=True)
class Item:
    """One event as the grouping sees it."""

    pk: int
    text: str
    district: str
    at: dt.datetime
    support: int = 0


@dataclass
class Hotspot:
    """A group of events about the same problem."""

    lead_pk: int
    lead_number: str
    title: str
    district: str
    size: int
    support: int
    score: float
    first_at: dt.datetime
    last_at: dt.datetime
    members: list[int] = field(default_factory=list)


def group_items(
    items: Sequence[Item], *, threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS
) -> list[list[int]]:
    """Indexes of ``items`` grouped: same district, reported within ``window_days``, cosine of the character
    n-gram TF-IDF vectors at least ``threshold`` (transitively). Every item is in exactly one group."""
    if not items:
        return []
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, min_df=1)
    matrix = vectoriser.fit_transform([item.text[:TEXT_LENGTH] for item in items])
    by_district: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        by_district[item.district].append(index)
    window = dt.timedelta(days=window_days).total_seconds()
    times = np.array([item.at.timestamp() for item in items])
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for members in by_district.values():
        positions = np.array(members)
        block = matrix[positions]
        similar = (block @ block.T).tocoo()
        keep = (similar.data >= threshold) & (similar.row < similar.col)
        left, right = positions[similar.row[keep]], positions[similar.col[keep]]
        close = np.abs(times[left] - times[right]) <= window
        rows.append(left[close])
        cols.append(right[close])
    row = np.concatenate(rows) if rows else np.array([], dtype=int)
    col = np.concatenate(cols) if cols else np.array([], dtype=int)
    graph = csr_matrix((np.ones(len(row)), (row, col)), shape=(len(items), len(items)))
    _count, labels = connected_components(graph, directed=False)
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        groups[int(label)].append(index)
    return list(groups.values())


def score(size: int, support: int) -> float:
    return round(size + math.log1p(max(0, support)), 3)


def _items(events: QuerySet[Event]) -> tuple[list[Item], dict[int, str]]:
    rows = (
        events.exclude(status=Status.MERGED)
        .order_by("-reported_at", "-id")
        .values_list(
            "pk",
            "number",
            "description",
            "district_code",
            "reported_at",
            "board_message__likes",
            "board_message__dislikes",
        )[:MAX_EVENTS]
    )
    items, numbers = [], {}
    for pk, number, description, district, at, likes, dislikes in rows:
        items.append(
            Item(
                pk=pk,
                text=description.split("\n", 1)[0].strip(),
                district=district,
                at=at,
                support=(likes or 0) - (dislikes or 0),
            )
        )
        numbers[pk] = number or str(pk)
    return items, numbers


def hotspot_list(
    *, actor: Actor, limit: int = 10, threshold: float = THRESHOLD, window_days: int = WINDOW_DAYS
) -> list[Hotspot]:
    """The top ``limit`` hotspots among the events ``actor`` may see (cached for ``CACHE_SECONDS``)."""
    events = policy.scope(actor, Event.objects.all())
    version = events.aggregate(n=Count("id"), m=Max("updated_at"))
    scope = hashlib.sha256(str(events.values("pk").query).encode()).hexdigest()[:16]
    raw = f"{scope}|{version['n']}|{version['m']}|{limit}|{threshold}|{window_days}"
    key = "cityevents.hotspots." + hashlib.sha256(raw.encode()).hexdigest()
    cached: list[Hotspot] | None = cache.get(key)
    if cached is not None:
        return cached
    items, numbers = _items(events)
    hotspots = []
    for group in group_items(items, threshold=threshold, window_days=window_days):
        members = [items[i] for i in group]
        lead = max(members, key=lambda m: (m.support, m.at, -m.pk))
        support = sum(m.support for m in members)
        hotspots.append(
            Hotspot(
                lead_pk=lead.pk,
                lead_number=numbers[lead.pk],
                title=lead.text[:80],
                district=lead.district,
                size=len(members),
                support=support,
                score=score(len(members), support),
                first_at=min(m.at for m in members),
                last_at=max(m.at for m in members),
                members=sorted(m.pk for m in members),
            )
        )
    hotspots.sort(key=lambda h: (-h.score, -h.size, h.lead_pk))
    result = hotspots[:limit]
    cache.set(key, result, CACHE_SECONDS)
    return result


@dataclass(frozen=True, slots=True)
class ReplyStats:
    category: str
    count: int
    median_days: float
    p90_days: float


def reply_time_stats(*, actor: Actor) -> list[ReplyStats]:
    """Days from message to official reply, by first-level category (most answered first), then all together
    (category ``""``)."""
    rows = BoardMessage.objects.filter(
        replied_at__isnull=False, event__in=policy.scope(actor, Event.objects.all())
    ).values_list(
        "event__category__parent__parent__name", "event__suggested_category", "event__reported_at", "replied_at"
    )
    days: dict[str, list[float]] = defaultdict(list)
    for chosen, suggested, reported, replied in rows:
        if replied is None:
            continue
        value = max(0.0, (replied - reported).total_seconds() / 86400)
        days[chosen or suggested or "—"].append(value)
        days[""].append(value)

    def stats(name: str, values: list[float]) -> ReplyStats:
        array = np.array(values)
        return ReplyStats(
            category=name,
            count=len(values),
            median_days=round(float(np.median(array)), 1),
            p90_days=round(float(np.percentile(array, 90)), 1),
        )

    result = sorted((stats(name, v) for name, v in days.items() if name), key=lambda s: (-s.count, s.category))
    if days[""]:
        result.append(stats("", days[""]))
    return result
