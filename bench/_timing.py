"""Timing shared by the benchmarks in ``bench/``: call rates, medians, percentiles and ratios to a baseline.

Each benchmark imports this module by its plain name (``from _timing import rate``): ``python bench/x.py`` puts
``bench/`` first on ``sys.path``. Percentiles use the nearest-rank definition, so p95 of 100 samples is the 95th
smallest, and every benchmark reports the same thing under the same name.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence


def rate(function: Callable[[], object], seconds: float = 1.0) -> float:
    """Calls of ``function`` per second, calling it again and again (at least once) until ``seconds`` have passed."""
    count = 0
    start = time.perf_counter()
    while True:
        function()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return count / elapsed


def median_seconds(function: Callable[[], object], runs: int = 5) -> float:
    """The median wall-clock time of ``runs`` calls of ``function``, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(samples: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q ≤ 1) of ``samples``; the median for q = 0.5 is ``statistics.median``."""
    if not samples:
        raise ValueError("no samples")
    if q == 0.5:
        return statistics.median(samples)
    ordered = sorted(samples)
    return ordered[max(math.ceil(len(ordered) * q) - 1, 0)]


def p50_p95(samples: Sequence[float]) -> tuple[float, float]:
    """The median and the 95th percentile of ``samples``, in the samples' unit."""
    return percentile(samples, 0.5), percentile(samples, 0.95)


def ratio(value: float, baseline: float) -> float:
    """``value / baseline``, or NaN (printed ``nan``) when the baseline is zero."""
    return value / baseline if baseline else float("nan")


def per_second(count: int, seconds: float) -> str:
    """A rate for a table: ``   123.4/s  (  8.10 ms each)``."""
    return f"{count / seconds:8.1f}/s  ({seconds * 1000 / count:6.2f} ms each)"
