"""Macro-economic series: deterministic, seasonal, trending, idempotent to load, public to read."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from django.test import Client

from zhizheng.core.actor import SYSTEM
from zhizheng.registries import economy
from zhizheng.registries.models import EconomicIndicator, EconomicObservation

pytestmark = pytest.mark.django_db

UNTIL = dt.date(2026, 6, 30)


def _values(code: str) -> dict[dt.date, float]:
    return dict(EconomicObservation.objects.filter(indicator__code=code).values_list("period", "value"))


def test_five_years_are_loaded_once_with_units_and_source() -> None:
    added = economy.economic_series_load(actor=SYSTEM, until=UNTIL)

    assert added == 5 * 60 + 20  # five monthly series of 60 months, GDP in 20 quarters
    assert economy.economic_series_load(actor=SYSTEM, until=UNTIL) == 0
    gdp = EconomicIndicator.objects.get(code="gdp")
    assert (gdp.unit, gdp.frequency, gdp.source) == ("亿元", "quarterly", "示范市统计局（演示数据）")
    months = sorted(_values("retail_sales"))
    assert (months[0], months[-1]) == (dt.date(2021, 7, 1), dt.date(2026, 6, 1))
    quarters = sorted(_values("gdp"))
    assert (quarters[0], quarters[-1]) == (dt.date(2021, 7, 1), dt.date(2026, 4, 1))


def test_values_do_not_depend_on_when_they_were_loaded() -> None:
    economy.economic_series_load(actor=SYSTEM, until=dt.date(2025, 12, 31))
    before = _values("cpi")
    economy.economic_series_load(actor=SYSTEM, until=UNTIL)

    after = _values("cpi")
    assert all(after[period] == value for period, value in before.items())
    assert len(after) == len(before) + 6


def test_series_are_plausible_trending_and_seasonal() -> None:
    economy.economic_series_load(actor=SYSTEM, until=UNTIL)
    gdp, retail = _values("gdp"), _values("retail_sales")
    unemployment, cpi = _values("unemployment_rate").values(), _values("cpi").values()

    yearly_gdp = {year: sum(v for p, v in gdp.items() if p.year == year) for year in (2022, 2025)}
    assert 3800 < yearly_gdp[2022] < yearly_gdp[2025] < 5600
    assert all(v < gdp[dt.date(p.year, 10, 1)] for p, v in gdp.items() if p.month == 1 and p.year < 2026)
    december = statistics.mean(v for p, v in retail.items() if p.month == 12)
    march = statistics.mean(v for p, v in retail.items() if p.month == 3)
    assert december > march * 1.1
    assert all(2.4 <= v <= 4.8 for v in unemployment)
    assert all(98 < v < 104 for v in cpi)


def test_the_public_api_reads_a_series(client: Client) -> None:
    economy.economic_series_load(actor=SYSTEM, until=UNTIL)

    listing = client.get("/api/v1/registries/economy/indicators").json()
    series = client.get("/api/v1/registries/economy/indicators/retail_sales?since=2026-01&until=2026-03").json()
    unknown = client.get("/api/v1/registries/economy/indicators/happiness")
    bad = client.get("/api/v1/registries/economy/indicators/cpi?since=2026-13")
    reversed_range = client.get("/api/v1/registries/economy/indicators/cpi?since=2026-03&until=2026-01")

    assert listing["count"] == 6
    assert [i["code"] for i in listing["items"]][:2] == ["cpi", "fixed_asset_investment"]
    assert (series["unit"], [p["period"] for p in series["points"]]) == ("亿元", ["2026-01", "2026-02", "2026-03"])
    assert series["points"][0]["value"] == _values("retail_sales")[dt.date(2026, 1, 1)]
    assert (unknown.status_code, bad.status_code, reversed_range.status_code) == (404, 422, 422)
    assert bad.json()["code"] == "registries.period_invalid"
