"""Learning from what people click, kept outside the engine.

The engine stays pure: ``SearchEngine.search(q, clicks=...)`` takes a mapping code → clicks for that query and
applies a bounded boost to items that already match. ``ClickLog`` is the in-memory store behind that mapping; a
database-backed store (a model, later) offers the same two methods, so callers do not change.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict

from .errors import check_query
from .text import normalise


def click_key(query: str) -> str:
    """Queries that differ only in width, case, script or punctuation share their clicks."""
    return normalise(check_query(query)).replace(" ", "")


class ClickLog:
    """Counts of (normalised query, code) choices, bounded to the ``max_queries`` most recently used queries."""

    def __init__(self, *, max_queries: int = 10_000) -> None:
        self.max_queries = max_queries
        self._by_query: OrderedDict[str, Counter[str]] = OrderedDict()
        self._lock = threading.Lock()

    def record_click(self, query: str, code: str) -> None:
        """Someone searched ``query`` and opened ``code``."""
        key = click_key(query)
        if not code or not code.strip():
            raise ValueError("code must be a non-empty service code")
        with self._lock:
            counts = self._by_query.pop(key, None) or Counter()
            counts[code.strip()] += 1
            self._by_query[key] = counts
            while len(self._by_query) > self.max_queries:
                self._by_query.popitem(last=False)

    def priors(self, query: str) -> dict[str, float]:
        """code → clicks recorded for this query (empty when none), ready for ``SearchEngine.search(clicks=…)``."""
        key = click_key(query)
        with self._lock:
            counts = self._by_query.get(key)
            return {code: float(n) for code, n in counts.items()} if counts else {}

    def popularity(self) -> dict[str, float]:
        """code → clicks over all queries (for ordering type-ahead suggestions)."""
        total: Counter[str] = Counter()
        with self._lock:
            for counts in self._by_query.values():
                total.update(counts)
        return {code: float(n) for code, n in total.items()}
