"""Retrieval quality on a set of judged queries: hit@1, hit@5 and MRR@10, counting service items only.

A query set is JSON lines ``{"q", "relevant": [codes], "primary", "kind"}``. Life events in a ranking are skipped,
because the judgements list items; a hit is any relevant item.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Scores:
    count: int
    hit_at_1: float
    hit_at_5: float
    mrr_at_10: float
    misses: tuple[tuple[str, str, tuple[str, ...]], ...]  # (query, expected primary, top-3 items) of hit@1 misses

    def line(self) -> str:
        return f"n={self.count:<4d} hit@1={self.hit_at_1:.3f}  hit@5={self.hit_at_5:.3f}  MRR@10={self.mrr_at_10:.3f}"


def read_queries(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def half_of(query: str) -> str:
    """A stable split of a query set into halves "A" and "B" (by a hash of the text, not by position)."""
    return "A" if hashlib.sha256(query.encode("utf-8")).digest()[0] % 2 == 0 else "B"


def evaluate(queries: Iterable[dict[str, Any]], rank: Callable[[str], Sequence[str]]) -> Scores:
    """Score ``rank`` (query → codes, best first) on judged queries."""
    n = hit1 = hit5 = 0
    rr_total = 0.0
    misses = []
    for row in queries:
        relevant = set(row["relevant"])
        items = [c for c in rank(row["q"]) if not c.startswith("LE-")][:10]
        n += 1
        if items and items[0] in relevant:
            hit1 += 1
        else:
            misses.append((row["q"], row["primary"], tuple(items[:3])))
        hit5 += any(c in relevant for c in items[:5])
        rr_total += next((1.0 / (i + 1) for i, c in enumerate(items) if c in relevant), 0.0)
    if n == 0:
        return Scores(0, 0.0, 0.0, 0.0, ())
    return Scores(n, hit1 / n, hit5 / n, rr_total / n, tuple(misses))
