"""The city operations view (城市运行): figures about the events an actor may see, for the cockpit page.

Reads only; every figure comes from a handful of aggregate queries over ``Event``."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhizheng.cityevents.choices import OPEN_STATUSES, Status
from zhizheng.cityevents.models import Event
from zhizheng.cityevents.permissions import policy
from zhizheng.core.actor import Actor
from zhizheng.orgs.models import Division

TREND_DAYS = 30
CLUSTER_DEGREES = 0.01
"""Open events are grouped on a grid of this many degrees (about 1 km) for the map."""
HOTSPOTS = 10


@dataclass
class Overview:
    by_status: list[tuple[str, str, int]] = field(default_factory=list)
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_district: list[tuple[str, int]] = field(default_factory=list)
    open_count: int = 0
    overdue_count: int = 0
    handled_count: int = 0
    on_time_count: int = 0
    trend: dict[str, list[Any]] = field(default_factory=dict)
    clusters: list[dict[str, Any]] = field(default_factory=list)
    hotspots: list[dict[str, Any]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time_count / self.handled_count, 1) if self.handled_count else None


def operations_overview(*, actor: Actor, now: dt.datetime | None = None) -> Overview:
    moment = now or timezone.now()
    events = policy.scope(actor, Event.objects.all())
    overview = Overview()
    statuses = dict(events.values_list("status").annotate(n=Count("id", distinct=True)))
    overview.by_status = [(s.value, str(s.label), statuses.get(s.value, 0)) for s in Status]
    overview.open_count = sum(statuses.get(s, 0) for s in OPEN_STATUSES)
    overview.overdue_count = events.filter(status=Status.DISPATCHED, deadline_at__lt=moment).count()
    handled = events.filter(handled_at__isnull=False, deadline_at__isnull=False).aggregate(
        total=Count("id", distinct=True), on_time=Count("id", filter=Q(handled_at__lte=F("deadline_at")), distinct=True)
    )
    overview.handled_count, overview.on_time_count = handled["total"], handled["on_time"]
    # Cases, not reports, per category and district: a report merged into another case (status ``merged``) is
    # counted once, through that case; counting it too would count one problem twice, in its own district and in
    # the case's. The status chart still shows the merged reports, under their own status.
    cases = events.exclude(status=Status.MERGED)
    categories: Counter[str] = Counter()
    for chosen, suggested, n in cases.values_list("category__parent__parent__name", "suggested_category").annotate(
        n=Count("id", distinct=True)
    ):
        categories[chosen or suggested or "—"] += n
    overview.by_category = categories.most_common()
    names = dict(Division.objects.values_list("code", "name"))
    districts = cases.exclude(district_code="").values_list("district_code").annotate(n=Count("id", distinct=True))
    overview.by_district = sorted(((names.get(code, code), n) for code, n in districts), key=lambda r: -r[1])
    # Days in the current time zone (Asia/Shanghai), as TruncDate counts them: a UTC date would drop today's
    # events between 00:00 and 08:00 Beijing time.
    start = timezone.localdate(moment) - dt.timedelta(days=TREND_DAYS - 1)
    reported = dict(
        events.filter(reported_at__date__gte=start)
        .annotate(day=TruncDate("reported_at"))
        .values_list("day")
        .annotate(n=Count("id", distinct=True))
    )
    # Closures, not merges: merging a report into another case stamps ``closed_at`` too, but the problem is still
    # open (in its case), so the "closed" line counts only the cases that ended (closed, evaluated, not registered).
    closed = dict(
        cases.filter(closed_at__date__gte=start)
        .annotate(day=TruncDate("closed_at"))
        .values_list("day")
        .annotate(n=Count("id", distinct=True))
    )
    days = [start + dt.timedelta(days=i) for i in range(TREND_DAYS)]
    overview.trend = {
        "days": [d.isoformat() for d in days],
        "reported": [reported.get(d, 0) for d in days],
        "closed": [closed.get(d, 0) for d in days],
    }
    cells: Counter[tuple[int, int]] = Counter()
    points = events.filter(status__in=list(OPEN_STATUSES), longitude__isnull=False, latitude__isnull=False)
    for lon, lat in points.values_list("longitude", "latitude")[:20000]:
        if lon is not None and lat is not None:
            cells[(int(float(lon) // CLUSTER_DEGREES), int(float(lat) // CLUSTER_DEGREES))] += 1
    overview.clusters = [
        {"lon": (x + 0.5) * CLUSTER_DEGREES, "lat": (y + 0.5) * CLUSTER_DEGREES, "count": n}
        for (x, y), n in cells.most_common(500)
    ]
    parents = (
        events.filter(duplicates__isnull=False)
        .annotate(reports=Count("duplicates", distinct=True))
        .order_by("-reports", "-reported_at")
        .values("pk", "number", "description", "status", "reports")[:HOTSPOTS]
    )
    overview.hotspots = [
        {**row, "size": row["reports"] + 1, "status_label": str(Status(row["status"]).label)} for row in parents
    ]
    return overview
