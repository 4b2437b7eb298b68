"""Reads of supervision (电子监察) and of the public service figures (好差评, 最多跑一次).

Every figure is aggregated in the database: one grouped query per table and grouping, whatever the number of
applications. The supervision figures are scoped to the departments the actor supervises (auditors: all;
department heads: their own); the public figures hold counts and rates only, no personal data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound
from zhizheng.govservices.choices import ApplicationStatus, RatingReason, RatingScore, RectificationStatus, WarningLevel
from zhizheng.govservices.models import Application, Rating, Rectification, SupervisionWarning, Visit
from zhizheng.govservices.permissions import (
    RatingPerm,
    SupervisionPerm,
    application_policy,
    rating_policy,
    rectification_policy,
    supervision_departments,
    supervision_policy,
)
from zhizheng.govservices.services.supervision import CLOCK_STOPPED, application_clock

COMPLETED = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED)
SECONDS_PER_DAY = 86400
MAX_LIST = 100


@dataclass(frozen=True, slots=True)
class Period:
    """Applications submitted from ``start`` to ``end`` (inclusive, Beijing dates); None leaves a side open."""

    start: dt.date | None = None
    end: dt.date | None = None


@dataclass
class Figures:
    """One row of figures (a department, an item or a month)."""

    key: str
    name: str = ""
    submitted: int = 0
    open: int = 0
    completed: int = 0
    on_time: int = 0
    overdue_open: int = 0
    overdue_completed: int = 0
    average_days: float | None = None
    warnings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(WarningLevel.values, 0))
    rectifications_overdue: int = 0
    days_total: float = 0.0
    """Sum of handling days over the completed applications (the average's numerator, while summing)."""

    @property
    def on_time_rate(self) -> float | None:
        return round(self.on_time / self.completed, 4) if self.completed else None


@dataclass
class Supervision:
    """What the supervision page and API show."""

    today: dt.date
    period: Period
    departments: list[Figures]
    items: list[Figures]
    months: list[Figures]
    total: Figures
    warned_open: list[Application]


def _days(value: Any, *, rounded: bool = True) -> float | None:
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        days = value.total_seconds() / SECONDS_PER_DAY
    else:
        days = float(value) / 1_000_000 / SECONDS_PER_DAY  # microseconds, as some backends answer
    return round(days, 2) if rounded else days


def _month(value: Any) -> str:
    """``YYYY-MM`` of a truncated month (an aware datetime in Beijing time, or a date)."""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m") if timezone.is_aware(value) else value.strftime("%Y-%m")
    return str(value)[:7]


def _handling(prefix: str = "") -> dict[str, Coalesce]:
    """The handling department's code and name (the one the application was transferred to, else the item's), as
    annotations over applications reached through ``prefix`` (e.g. ``rating__application__``). Warnings and
    rectifications are addressed to the handling department too, so every figure counts where the work is."""
    return {
        "handling_code": Coalesce(F(f"{prefix}department__code"), F(f"{prefix}item__department__code")),
        "handling_name": Coalesce(F(f"{prefix}department__name"), F(f"{prefix}item__department__name")),
    }


def _handled_by(codes: list[str]) -> Q:
    """Applications whose handling department is one of ``codes`` (see ``_handling``)."""
    return Q(department__code__in=codes) | Q(department__isnull=True, item__department__code__in=codes)


def _scoped_applications(actor: Actor, department: str, item: str, period: Period) -> QuerySet[Application]:
    supervision_policy.require(actor, SupervisionPerm.VIEW, None)
    allowed = supervision_departments(actor)
    queryset = Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(submitted_at__isnull=False)
    if allowed is not None:
        queryset = queryset.filter(_handled_by(sorted(allowed)))
    if department:
        if allowed is not None and department not in allowed:
            raise NotFound()
        queryset = queryset.filter(_handled_by([department]))
    if item:
        queryset = queryset.filter(item__code=item)
    if period.start is not None:
        queryset = queryset.filter(submitted_at__date__gte=period.start)
    if period.end is not None:
        queryset = queryset.filter(submitted_at__date__lte=period.end)
    return queryset


def _application_figures(queryset: QuerySet[Application], today: dt.date) -> list[dict[str, Any]]:
    """One grouped query by (department, item, month of submission): the rows the department, item, month and total
    figures are summed from. The on-time test is the only per-row date conversion; late = completed - on time."""
    completed = Q(status__in=COMPLETED)
    duration = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    return [
        dict(row)
        for row in queryset.annotate(month=TruncMonth("submitted_at"), **_handling())
        .order_by()
        .values("handling_code", "handling_name", "item__code", "item__name", "month")
        .annotate(
            submitted=Count("pk"),
            open=Count("pk", filter=~Q(status__in=[*COMPLETED, ApplicationStatus.WITHDRAWN])),
            completed=Count("pk", filter=completed),
            on_time=Count("pk", filter=completed & Q(decided_at__date__lte=F("deadline_on"))),
            overdue_open=Count("pk", filter=~Q(status__in=CLOCK_STOPPED) & Q(deadline_on__lt=today)),
            average=Avg(duration, filter=completed),
        )
    ]


def _add(row: Figures, values: dict[str, Any]) -> None:
    """Add one group's counts to ``row``; the average is kept as a sum of days until ``_finish``."""
    for name in ("submitted", "open", "completed", "on_time", "overdue_open"):
        setattr(row, name, getattr(row, name) + int(values[name] or 0))
    row.overdue_completed = row.completed - row.on_time
    days = _days(values["average"], rounded=False)
    if days is not None:
        row.days_total += days * int(values["completed"] or 0)


def _finish(rows: Iterable[Figures]) -> None:
    for row in rows:
        row.average_days = round(row.days_total / row.completed, 2) if row.completed else None


def supervision_overview(
    *,
    actor: Actor,
    department: str = "",
    item: str = "",
    period: Period | None = None,
    today: dt.date | None = None,
) -> Supervision:
    """Overdue and warned applications by department, item and month, average handling time (calendar days from
    submission to decision) and the on-time rate (decided on or before the promised deadline), for the departments
    the actor supervises. Three grouped queries (applications, warnings, rectifications) and one list, whatever
    the volume."""
    period = period or Period()
    today = today or timezone.localdate()
    base = _scoped_applications(actor, department, item, period)
    departments: dict[str, Figures] = {}
    items: dict[str, Figures] = {}
    months: dict[str, Figures] = {}
    total = Figures("total")
    for values in _application_figures(base, today):
        department_code, item_code = values["handling_code"], values["item__code"]
        _add(departments.setdefault(department_code, Figures(department_code, values["handling_name"])), values)
        _add(items.setdefault(item_code, Figures(item_code, values["item__name"])), values)
        _add(months.setdefault(_month(values["month"]), Figures(_month(values["month"]))), values)
        _add(total, values)
    _finish([*departments.values(), *items.values(), *months.values(), total])
    warnings = SupervisionWarning.objects.filter(application__in=base.values("pk")).order_by()
    for department_code, item_code, level, month, count in (
        warnings.annotate(month=TruncMonth("raised_on"))
        .values_list("department__code", "application__item__code", "level", "month")
        .annotate(n=Count("pk"))
    ):
        key = _month(month)
        departments.setdefault(department_code, Figures(department_code)).warnings[level] += count
        items.setdefault(item_code, Figures(item_code)).warnings[level] += count
        months.setdefault(key, Figures(key)).warnings[level] += count
    late = Q(status=RectificationStatus.OPEN, due_on__lt=today) | Q(answered_at__date__gt=F("due_on"))
    rectifications = Rectification.objects.filter(rating__application__in=base.values("pk")).filter(late).order_by()
    for department_code, item_code, count in rectifications.values_list(
        "department__code", "rating__application__item__code"
    ).annotate(n=Count("pk")):
        departments.setdefault(department_code, Figures(department_code)).rectifications_overdue += count
        items.setdefault(item_code, Figures(item_code)).rectifications_overdue += count
    for row in departments.values():
        for level, count in row.warnings.items():
            total.warnings[level] += count
        total.rectifications_overdue += row.rectifications_overdue
    return Supervision(
        today=today,
        period=period,
        departments=sorted(departments.values(), key=lambda r: r.key),
        items=sorted(items.values(), key=lambda r: (-sum(r.warnings.values()), -r.overdue_open, r.key)),
        months=sorted(months.values(), key=lambda r: r.key),
        total=total,
        warned_open=warned_open(base=base),
    )


def warned_open(*, base: QuerySet[Application], limit: int = MAX_LIST) -> list[Any]:
    """Open applications carrying a warning, the most urgent first, with ``warning_level`` (the highest)."""

    def level(name: str) -> Exists:
        return Exists(SupervisionWarning.objects.filter(application=OuterRef("pk"), level=name))

    rows: list[Any] = list(
        base.exclude(status__in=[*COMPLETED, ApplicationStatus.WITHDRAWN])
        .filter(Exists(SupervisionWarning.objects.filter(application=OuterRef("pk"))))
        .annotate(
            has_red=level(WarningLevel.RED),
            has_statutory=level(WarningLevel.STATUTORY),
        )
        .select_related("item__department")
        .order_by("deadline_on", "id")[:limit]
    )
    for row in rows:
        row.warning_level = (
            WarningLevel.STATUTORY if row.has_statutory else WarningLevel.RED if row.has_red else WarningLevel.YELLOW
        )
    return rows


def warning_levels(application_ids: Iterable[int]) -> dict[int, str]:
    """Application id -> its highest warning level, for the rows of a queue page (one query)."""
    order = {level: index for index, level in enumerate(WarningLevel.values)}
    found: dict[int, str] = {}
    for application_id, level in SupervisionWarning.objects.filter(
        application_id__in=list(application_ids)
    ).values_list("application_id", "level"):
        if application_id not in found or order[level] > order[found[application_id]]:
            found[application_id] = level
    return found


def application_warnings(*, application: Application) -> list[SupervisionWarning]:
    """The warnings of an application the caller already may see, in the order they were raised."""
    return list(application.supervision_warnings.order_by("raised_at", "id"))


def application_visits(*, application: Application) -> list[Visit]:
    """The visits of an application the caller already may see, in order."""
    return list(application.visits.order_by("visited_at", "id"))


def application_rating(*, application: Application) -> Rating | None:
    """The rating of an application the caller already may see, with its rectification."""
    return Rating.objects.select_related("rectification").filter(application=application).first()


def application_extras(*, application: Application, today: dt.date | None = None) -> dict[str, Any]:
    """What an application's pages show beside its timeline (the caller already may see it): its clock and warnings
    (staff), its visits, its rating with the rectification and the department's answer, and whether the applicant
    may rate it now (with the choices of the rating form). Four queries."""
    rating = application_rating(application=application)
    return {
        "clock": application_clock(application, today=today),
        "warnings": application_warnings(application=application),
        "visits": application_visits(application=application),
        "rating": rating,
        "rectification": getattr(rating, "rectification", None) if rating is not None and rating.is_bad else None,
        "can_rate": rating is None and application.status in COMPLETED,
        "scores": RatingScore.choices,
        "praise_reasons": [(code, label) for code, label in RatingReason.choices if code.startswith("P")],
        "complaint_reasons": [(code, label) for code, label in RatingReason.choices if code.startswith("N")],
    }


def application_for_visit(*, actor: Actor, receipt_number: str) -> Application:
    """An application a window officer or handler may record a visit for; 404 otherwise."""
    found = (
        Application.objects.select_related("item__department", "applicant")
        .filter(receipt_number=receipt_number)
        .first()
    )
    if found is None or not rating_policy.has(actor, RatingPerm.RECORD_VISIT, found):
        if found is not None and application_policy.can_see(actor, found):
            return found
        raise NotFound()
    return found


def rectifications_visible(*, actor: Actor, status: str = "") -> QuerySet[Rectification]:
    """Rectifications the actor may see (their own ratings', their departments', those they supervise)."""
    queryset = rectification_policy.scope(
        actor,
        Rectification.objects.select_related("department", "rating__application__item", "answered_by"),
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("status", "due_on", "id")


def rectification_get(*, actor: Actor, pk: int) -> Rectification:
    found = rectifications_visible(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


# --- public figures -------------------------------------------------------------------------------------------


@dataclass
class PublicFigures:
    """The public figures of a department or an item: counts and rates only."""

    key: str
    name: str = ""
    completed: int = 0
    zero_visit: int = 0
    at_most_one_visit: int = 0
    ratings: int = 0
    average: float | None = None
    distribution: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RatingScore.values, 0))
    bad: int = 0
    rectifications: int = 0
    rectified: int = 0

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def zero_visit_rate(self) -> float | None:
        return self._rate(self.zero_visit, self.completed)

    @property
    def at_most_one_visit_rate(self) -> float | None:
        return self._rate(self.at_most_one_visit, self.completed)

    @property
    def bad_rate(self) -> float | None:
        return self._rate(self.bad, self.ratings)

    @property
    def rectified_rate(self) -> float | None:
        return self._rate(self.rectified, self.rectifications)


GROUPS = {
    "department": ("handling_code", "handling_name"),
    "item": ("item__code", "item__name"),
}
"""How the public figures group: by the handling department (``_handling``) or by item."""


def public_figures(*, group: str, period: Period | None = None) -> list[PublicFigures]:
    """Per department or per item (``group``): of the completed applications (approved or rejected, decided in
    ``period``), how many needed no visit (零跑动) and at most one (最多跑一次); the ratings (count, average,
    distribution, 差评 count) and the rectifications opened and answered. Three grouped queries."""
    key, name = GROUPS[group]
    period = period or Period()
    completed = Application.objects.filter(status__in=COMPLETED, decided_at__isnull=False)
    if period.start is not None:
        completed = completed.filter(decided_at__date__gte=period.start)
    if period.end is not None:
        completed = completed.filter(decided_at__date__lte=period.end)
    visits = Visit.objects.filter(application=OuterRef("pk")).order_by().values("application").annotate(n=Count("pk"))
    rows: dict[str, PublicFigures] = {}
    for values in (
        completed.annotate(visit_count=Coalesce(Subquery(visits.values("n")), 0), **_handling())
        .order_by()
        .values(key, name)
        .annotate(
            completed=Count("pk"),
            zero=Count("pk", filter=Q(visit_count=0)),
            at_most_one=Count("pk", filter=Q(visit_count__lte=1)),
        )
    ):
        rows[values[key]] = PublicFigures(
            values[key],
            values[name],
            completed=values["completed"],
            zero_visit=values["zero"],
            at_most_one_visit=values["at_most_one"],
        )
    rating_key = key if group == "department" else f"application__{key}"
    score_counts = {f"s{score}": Count("pk", filter=Q(score=score)) for score in RatingScore.values}
    for values in (
        Rating.objects.filter(application__in=completed.values("pk"))
        .annotate(**_handling("application__"))
        .order_by()
        .values(rating_key)
        .annotate(n=Count("pk"), average=Avg("score"), **score_counts)
    ):
        row = rows.setdefault(values[rating_key], PublicFigures(values[rating_key]))
        row.ratings = values["n"]
        row.average = round(float(values["average"]), 2) if values["average"] is not None else None
        row.distribution = {score: values[f"s{score}"] for score in RatingScore.values}
        row.bad = row.distribution[1] + row.distribution[2]
    rectification_key = key if group == "department" else f"rating__application__{key}"
    for values in (
        Rectification.objects.filter(rating__application__in=completed.values("pk"))
        .annotate(**_handling("rating__application__"))
        .order_by()
        .values(rectification_key)
        .annotate(n=Count("pk"), answered=Count("pk", filter=Q(status=RectificationStatus.ANSWERED)))
    ):
        row = rows.setdefault(values[rectification_key], PublicFigures(values[rectification_key]))
        row.rectifications = values["n"]
        row.rectified = values["answered"]
    return sorted(rows.values(), key=lambda r: r.key)


def public_total(rows: Iterable[PublicFigures]) -> PublicFigures:
    """The sum of rows (the average weighted by the number of ratings)."""
    total = PublicFigures("total")
    weighted = 0.0
    for row in rows:
        total.completed += row.completed
        total.zero_visit += row.zero_visit
        total.at_most_one_visit += row.at_most_one_visit
        total.ratings += row.ratings
        total.bad += row.bad
        total.rectifications += row.rectifications
        total.rectified += row.rectified
        for score, count in row.distribution.items():
            total.distribution[score] += count
            weighted += score * count
    total.average = round(weighted / total.ratings, 2) if total.ratings else None
    return total
