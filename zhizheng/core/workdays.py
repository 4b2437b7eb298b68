"""The working-day calendar: Chinese public holidays and make-up working days (调休), for deadlines and clocks.

Each year is answered from the best source that knows it (see docs/adr/0002-working-day-calendar.md):

1. the administrators' data (``HolidayYear`` marked complete, with its ``CalendarDay`` rows), entered from the
   State Council notice — it overrides everything else for that year;
2. the ``chinesecalendar`` library, for the years it ships (2004-2026 in 1.11.0);
3. a fallback: weekends plus the fixed-date statutory holidays (元旦 1 Jan, 劳动节 1-2 May, 国庆节 1-3 Oct). The
   lunar holidays (春节, 端午, 中秋) and 清明 and every 调休 arrangement are unknown until the notice is entered,
   so a result that uses such a year comes with a ``CalendarWarning`` (returned, issued as an
   ``UnofficialCalendarWarning`` and logged) and never with an exception.

Complete admin entries that fall into another year (the New Year holiday of 2028 may begin on 30 December 2027)
override that year's source too. Each year is computed once per process and kept for
``ZHIZHENG_CALENDAR_CACHE_SECONDS``; the admin clears the cache of its own process when a schedule changes.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain

import chinese_calendar
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from zhizheng.core.choices import DayKind
from zhizheng.core.models import CalendarDay, HolidayYear

logger = logging.getLogger(__name__)

WARNING_CODE = "core.calendar.no_official_data"

# Fixed-date statutory holidays (全国年节及纪念日放假办法, as amended for 2025 on): known without any notice.
FIXED_DATE_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

LIBRARY_NAMES: Mapping[str, str] = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarSource(enum.StrEnum):
    ADMIN = "admin"
    LIBRARY = "chinesecalendar"
    FALLBACK = "fallback"


class DayType(enum.StrEnum):
    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    MAKEUP_WORKDAY = "makeup_workday"


class UnofficialCalendarWarning(UserWarning):
    """Issued when a result uses a year for which no official holiday schedule is known."""


@dataclass(frozen=True, slots=True)
class CalendarWarning:
    """A result relied on ``year``, for which only weekends and fixed-date holidays are known."""

    year: int
    code: str = WARNING_CODE

    def render(self, language: str | None = None) -> str:
        message = _(
            "No official holiday schedule is known for %(year)s: working days in %(year)s are counted as weekdays "
            "without 1 January, 1-2 May and 1-3 October. The Spring Festival, Qingming, Dragon Boat and "
            "Mid-Autumn holidays and the make-up working days cannot be known until the State Council notice for "
            "%(year)s is entered in the administration (Holiday schedules)."
        )
        if language is None:
            return str(message) % {"year": self.year}
        with translation.override(language):
            return str(message) % {"year": self.year}

    @property
    def detail(self) -> str:
        return self.render()

    @property
    def detail_en(self) -> str:
        return self.render("en")


@dataclass(frozen=True, slots=True)
class DayInfo:
    date: dt.date
    working: bool
    type: DayType
    name: str
    source: CalendarSource


@dataclass(frozen=True, slots=True)
class YearCalendar:
    """One year, resolved: the dates that are not working days, and the names of holidays and make-up days."""

    year: int
    source: CalendarSource
    days_off: frozenset[dt.date]
    names: Mapping[dt.date, str]
    makeup_days: frozenset[dt.date]
    built_at: float = field(default_factory=time.monotonic, compare=False)

    def is_working(self, day: dt.date) -> bool:
        return day not in self.days_off

    def info(self, day: dt.date) -> DayInfo:
        if day in self.makeup_days:
            kind = DayType.MAKEUP_WORKDAY
        elif day in self.days_off:
            kind = DayType.HOLIDAY if day in self.names else DayType.WEEKEND
        else:
            kind = DayType.WORKDAY
        return DayInfo(day, day not in self.days_off, kind, self.names.get(day, ""), self.source)


# --- building a year -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def library_years() -> frozenset[int]:
    """The years the installed chinesecalendar knows."""
    return frozenset(d.year for d in chain(chinese_calendar.holidays, chinese_calendar.workdays))


def _dates(year: int) -> Iterable[dt.date]:
    day = dt.date(year, 1, 1)
    while day.year == year:
        yield day
        day += dt.timedelta(days=1)


def _build(year: int) -> YearCalendar:
    complete_years = set(
        HolidayYear.objects.filter(complete=True, year__in=(year - 1, year, year + 1)).values_list("year", flat=True)
    )
    entries = list(
        CalendarDay.objects.filter(holiday_year__complete=True, date__year=year).values_list("date", "kind", "name")
    )
    days_off: set[dt.date] = set()
    names: dict[dt.date, str] = {}
    makeup: set[dt.date] = set()

    if year in complete_years:
        source = CalendarSource.ADMIN
        days_off = {d for d in _dates(year) if d.weekday() >= 5}
    elif year in library_years():
        source = CalendarSource.LIBRARY
        # The library's own rule (is_workday): listed working days work, listed holidays rest, else weekdays work.
        library_workdays: Mapping[dt.date, str] = chinese_calendar.workdays
        library_holidays: Mapping[dt.date, str] = chinese_calendar.holidays
        for d in _dates(year):
            if d in library_workdays:
                makeup.add(d)
                names[d] = LIBRARY_NAMES.get(library_workdays[d], library_workdays[d])
            elif d in library_holidays:
                days_off.add(d)
                names[d] = LIBRARY_NAMES.get(library_holidays[d], library_holidays[d])
            elif d.weekday() >= 5:
                days_off.add(d)
    else:
        source = CalendarSource.FALLBACK
        for d in _dates(year):
            fixed = FIXED_DATE_HOLIDAYS.get((d.month, d.day))
            if fixed is not None:
                days_off.add(d)
                names[d] = fixed
            elif d.weekday() >= 5:
                days_off.add(d)

    for date, kind, name in entries:  # the official notice wins over the library and the fallback
        if kind == DayKind.HOLIDAY:
            days_off.add(date)
            makeup.discard(date)
        else:
            days_off.discard(date)
            makeup.add(date)
        names[date] = name

    if source is CalendarSource.FALLBACK:
        logger.warning(
            "working-day calendar: no official holiday schedule for %s; using weekends and fixed-date holidays "
            "(code=%s, year=%s)",
            year,
            WARNING_CODE,
            year,
        )
    return YearCalendar(year, source, frozenset(days_off), names, frozenset(makeup))


_cache: dict[int, YearCalendar] = {}


def year_calendar(year: int) -> YearCalendar:
    """The resolved calendar of ``year`` (cached per process for ``ZHIZHENG_CALENDAR_CACHE_SECONDS``)."""
    cached = _cache.get(year)
    ttl = getattr(settings, "ZHIZHENG_CALENDAR_CACHE_SECONDS", 300)
    if cached is not None and time.monotonic() - cached.built_at < ttl:
        return cached
    built = _build(year)
    _cache[year] = built
    return built


def invalidate_calendar_cache() -> None:
    """Forget every cached year (after a holiday schedule changed)."""
    _cache.clear()


# --- queries ---------------------------------------------------------------------------------------------------


def _as_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        raise TypeError("working-day functions take dates; convert a datetime with timezone.localdate(value)")
    if not isinstance(value, dt.date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def _issue(found: list[CalendarWarning]) -> list[CalendarWarning]:
    for item in found:
        warnings.warn(item.detail_en, UnofficialCalendarWarning, stacklevel=3)
    return found


def day_info(day: dt.date) -> DayInfo:
    """Everything the calendar knows about one date (no warning: ``source`` says how sure it is)."""
    day = _as_date(day)
    return year_calendar(day.year).info(day)


def is_working_day(day: dt.date) -> bool:
    """True on working days. Issues an ``UnofficialCalendarWarning`` for a year without official data."""
    day = _as_date(day)
    calendar = year_calendar(day.year)
    if calendar.source is CalendarSource.FALLBACK:
        _issue([CalendarWarning(day.year)])
    return calendar.is_working(day)


def add_working_days(start: dt.date, days: int) -> tuple[dt.date, list[CalendarWarning]]:
    """The date ``days`` working days after ``start`` (before it, for a negative number); ``start`` itself is not
    counted, so a 20-working-day deadline for an application accepted on ``start`` is ``add_working_days(start,
    20)``. Returns the date and a warning for each year used that has no official schedule."""
    start = _as_date(start)
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("days must be an integer")
    step = dt.timedelta(days=1 if days >= 0 else -1)
    remaining = abs(days)
    current = start
    calendar = year_calendar(current.year)
    unofficial: dict[int, CalendarWarning] = {}
    if remaining == 0 and calendar.source is CalendarSource.FALLBACK:
        unofficial[current.year] = CalendarWarning(current.year)
    while remaining:
        current += step
        if current.year != calendar.year:
            calendar = year_calendar(current.year)
        if calendar.source is CalendarSource.FALLBACK and current.year not in unofficial:
            unofficial[current.year] = CalendarWarning(current.year)
        if calendar.is_working(current):
            remaining -= 1
    return current, _issue(list(unofficial.values()))


def count_working_days(start: dt.date, end: dt.date) -> tuple[int, list[CalendarWarning]]:
    """Working days ``d`` with ``start < d <= end`` (negative when ``end`` is before ``start``), and warnings."""
    start, end = _as_date(start), _as_date(end)
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count = 0
    unofficial: dict[int, CalendarWarning] = {}
    for year in range(start.year, end.year + 1):
        calendar = year_calendar(year)
        first = max(start + dt.timedelta(days=1), dt.date(year, 1, 1))
        last = min(end, dt.date(year, 12, 31))
        if first > last:
            continue
        if calendar.source is CalendarSource.FALLBACK:
            unofficial[year] = CalendarWarning(year)
        span = (last - first).days + 1
        count += span - sum(1 for d in calendar.days_off if first <= d <= last)
    return sign * count, _issue(list(unofficial.values()))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days ``d`` with ``start < d <= end``, so that ``add_working_days(start, n)`` with this ``n`` is the
    last working day on or before ``end``. Issues ``UnofficialCalendarWarning`` where a year lacks official data;
    use ``count_working_days`` to receive the warnings as a list."""
    count, _warnings = count_working_days(start, end)
    return count


def unofficial_years(start: dt.date, end: dt.date) -> list[int]:
    """The years between two dates (inclusive) for which no official schedule is known."""
    low, high = sorted((_as_date(start), _as_date(end)))
    return [y for y in range(low.year, high.year + 1) if year_calendar(y).source is CalendarSource.FALLBACK]
