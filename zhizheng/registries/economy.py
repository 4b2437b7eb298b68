"""Macro-economic series of 示范市 for the demo: monthly and quarterly indicators with unit and source.

The numbers are generated, plausibly and deterministically: each value is a pure function of the seed, the
indicator and the period (trend × seasonality × seeded noise), so loading more months later never changes the
months already stored. They are labelled as demonstration data in their source. Sizes are those of a
prefecture-level city of about 5.6 million people (GDP around 4,500 亿元 a year).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import Actor
from zhizheng.core.errors import NotFound, ValidationFailed
from zhizheng.registries.choices import Frequency
from zhizheng.registries.models import EconomicIndicator, EconomicObservation
from zhizheng.registries.permissions import Perm, policy

SEED = 2026
ANCHOR = dt.date(2021, 1, 1)
"""Trends are measured in years from this month."""
DEMO_SOURCE = "示范市统计局（演示数据）"
MAX_POINTS = 240


class PeriodInvalid(ValidationFailed):
    code = "registries.period_invalid"
    message = _("Give periods as YYYY-MM, with the start not after the end.")


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    code: str
    name: str
    unit: str
    frequency: str
    description: str
    value: Callable[[dt.date, random.Random], float]
    decimals: int


def _years(period: dt.date) -> float:
    return (period.year - ANCHOR.year) + (period.month - ANCHOR.month) / 12


# Seasonal factors by month (1-12) or quarter (1-4); they average to about 1.
RETAIL_SEASON = (1.08, 0.97, 0.93, 0.94, 0.98, 1.0, 0.95, 0.96, 1.0, 1.04, 1.05, 1.12)
INVESTMENT_SEASON = (0.55, 0.55, 0.95, 1.0, 1.05, 1.25, 0.95, 0.95, 1.1, 0.95, 1.0, 1.7)
GDP_SEASON = (0.88, 0.98, 1.0, 1.14)
UNEMPLOYMENT_SEASON = (0.0, 0.15, 0.1, 0.0, -0.05, 0.0, 0.2, 0.15, 0.0, -0.1, -0.15, -0.1)


def _gdp(period: dt.date, rng: random.Random) -> float:
    quarter = (period.month - 1) // 3
    shock = 0.96 if (period.year, quarter) == (2022, 1) else 1.0  # a spring lockdown quarter
    return 1050 * 1.055 ** _years(period) * GDP_SEASON[quarter] * shock * rng.gauss(1, 0.012)


def _retail(period: dt.date, rng: random.Random) -> float:
    return 152 * 1.045 ** _years(period) * RETAIL_SEASON[period.month - 1] * rng.gauss(1, 0.02)


def _investment(period: dt.date, rng: random.Random) -> float:
    return 118 * 1.03 ** _years(period) * INVESTMENT_SEASON[period.month - 1] * rng.gauss(1, 0.05)


def _unemployment(period: dt.date, rng: random.Random) -> float:
    cycle = 0.25 * math.sin(2 * math.pi * _years(period) / 4.5)
    return min(4.8, max(2.4, 3.3 + cycle + UNEMPLOYMENT_SEASON[period.month - 1] + rng.gauss(0, 0.06)))


def _cpi(period: dt.date, rng: random.Random) -> float:
    years = _years(period)
    return 101.2 + 0.9 * math.sin(2 * math.pi * years / 3.2 + 0.6) - 0.15 * years + rng.gauss(0, 0.2)


def _population(period: dt.date, rng: random.Random) -> float:
    return 558.0 + 2.1 * _years(period) + rng.gauss(0, 0.05)


INDICATORS: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("gdp", "地区生产总值", "亿元", Frequency.QUARTERLY, "当季值，现价", _gdp, 1),
    IndicatorSpec("retail_sales", "社会消费品零售总额", "亿元", Frequency.MONTHLY, "当月值", _retail, 1),
    IndicatorSpec(
        "fixed_asset_investment", "固定资产投资额", "亿元", Frequency.MONTHLY, "当月值，不含农户", _investment, 1
    ),
    IndicatorSpec("unemployment_rate", "城镇登记失业率", "%", Frequency.MONTHLY, "月末值", _unemployment, 2),
    IndicatorSpec("cpi", "居民消费价格指数", "上年同月=100", Frequency.MONTHLY, "当月同比", _cpi, 1),
    IndicatorSpec("resident_population", "常住人口", "万人", Frequency.MONTHLY, "月末估算", _population, 2),
)


def _months(until: dt.date, count: int) -> list[dt.date]:
    index = until.year * 12 + until.month - 1
    return [dt.date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(count - 1, -1, -1)]


def periods(spec: IndicatorSpec, until: dt.date, years: int = 5) -> list[dt.date]:
    """The periods of the last ``years`` years up to ``until`` (quarters start in January, April, July, October)."""
    months = _months(until, years * 12)
    if spec.frequency == Frequency.QUARTERLY:
        return [m for m in months if m.month in (1, 4, 7, 10) and dt.date(m.year, m.month + 2, 1) <= until]
    return months


def value_of(spec: IndicatorSpec, period: dt.date, seed: int = SEED) -> float:
    """The demo value of ``spec`` for ``period``: a pure function of seed, indicator and period."""
    rng = random.Random(f"{seed}:{spec.code}:{period:%Y-%m}")
    return round(spec.value(period, rng), spec.decimals)


@transaction.atomic
def economic_series_load(*, actor: Actor, until: dt.date, years: int = 5, seed: int = SEED) -> int:
    """Store the indicators and the observations of the last ``years`` years up to ``until`` that are not stored
    yet; returns how many observations were added. Idempotent."""
    policy.require(actor, Perm.LOAD)
    added = 0
    for spec in INDICATORS:
        indicator, _created = EconomicIndicator.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "unit": spec.unit,
                "frequency": spec.frequency,
                "source": DEMO_SOURCE,
                "description": spec.description,
            },
        )
        stored = set(indicator.observations.values_list("period", flat=True))
        new = [
            EconomicObservation(indicator=indicator, period=p, value=value_of(spec, p, seed))
            for p in periods(spec, until, years)
            if p not in stored
        ]
        EconomicObservation.objects.bulk_create(new)
        added += len(new)
    return added


# --- reads (public statistics) -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Series:
    indicator: EconomicIndicator
    points: list[tuple[dt.date, float]]


def economic_indicator_list(*, actor: Actor) -> list[EconomicIndicator]:
    policy.require(actor, Perm.READ_PUBLIC)
    return list(EconomicIndicator.objects.order_by("code"))


def parse_month(text: str | None) -> dt.date | None:
    """``YYYY-MM`` to the first day of that month; None for an empty value; ``PeriodInvalid`` otherwise."""
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        return dt.date(year, month, 1)
    except (TypeError, ValueError):
        raise PeriodInvalid(field_errors={"period": [PeriodInvalid.message]}) from None


def economic_series(*, actor: Actor, code: str, since: dt.date | None = None, until: dt.date | None = None) -> Series:
    """One indicator and its values between ``since`` and ``until`` (months, inclusive), oldest first."""
    policy.require(actor, Perm.READ_PUBLIC)
    indicator = EconomicIndicator.objects.filter(code=code).first()
    if indicator is None:
        raise NotFound(_("No economic indicator has this code."))
    if since and until and since > until:
        raise PeriodInvalid()
    queryset = indicator.observations.order_by("period")
    if since:
        queryset = queryset.filter(period__gte=since)
    if until:
        queryset = queryset.filter(period__lte=until)
    rows = list(queryset.values_list("period", "value")[:MAX_POINTS])
    return Series(indicator=indicator, points=rows)
