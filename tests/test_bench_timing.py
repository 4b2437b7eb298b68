"""``bench/_timing.py``: the percentiles, rates and ratios every benchmark prints."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import _timing


def test_percentiles_are_nearest_rank():
    samples = [float(n) for n in range(100, 0, -1)]  # 100 … 1, unsorted on purpose

    assert _timing.p50_p95(samples) == (50.5, 95.0)
    assert _timing.percentile(samples, 0.99) == 99.0
    assert _timing.percentile([3.0], 0.95) == 3.0
    with pytest.raises(ValueError, match="no samples"):
        _timing.percentile([], 0.95)


def test_rate_calls_at_least_once_and_counts_every_call():
    calls: list[int] = []

    measured = _timing.rate(lambda: calls.append(1), seconds=0.0)

    assert len(calls) == 1
    assert measured > 0


def test_median_seconds_runs_the_function_the_given_times():
    calls: list[int] = []

    assert _timing.median_seconds(lambda: calls.append(1), runs=3) >= 0
    assert len(calls) == 3


def test_ratio_and_per_second():
    assert _timing.ratio(3.0, 4.0) == 0.75
    assert math.isnan(_timing.ratio(1.0, 0.0))
    assert _timing.per_second(200, 4.0) == "    50.0/s  ( 20.00 ms each)"
