"""Service search: Chinese ranked retrieval over service items and life events (see docs/search.md).

Use ``default_engine()`` for the shipped catalogue, or build a ``SearchEngine`` from ``SearchDocument`` records::

    engine = default_engine()
    engine.search("孩子刚出生怎么上户口", limit=10)   # [SearchHit(code="SFS-0013", ...), ...]
    engine.suggest("gjj")                            # [Suggestion(text="住房公积金…", ...), ...]
"""

from __future__ import annotations

import threading

from .clicks import ClickLog
from .documents import DATA_DIR, SearchDocument, documents_from, item_document, life_event_document
from .engine import QueryAnalysis, SearchEngine, SearchHit, Suggestion, Tuning
from .errors import MAX_LIMIT, MAX_QUERY_LENGTH, InvalidQuery, InvalidSearchLimit
from .lexicon import Lexicon, load_lexicon

__all__ = [
    "MAX_LIMIT",
    "MAX_QUERY_LENGTH",
    "ClickLog",
    "InvalidQuery",
    "InvalidSearchLimit",
    "Lexicon",
    "QueryAnalysis",
    "SearchDocument",
    "SearchEngine",
    "SearchHit",
    "Suggestion",
    "Tuning",
    "build_engine",
    "default_engine",
    "default_lexicon",
    "documents_from",
    "item_document",
    "life_event_document",
]

_LOCK = threading.Lock()
_DEFAULT: SearchEngine | None = None


def default_lexicon() -> Lexicon:
    return load_lexicon(DATA_DIR)


def build_engine(documents: list[SearchDocument], tuning: Tuning | None = None) -> SearchEngine:
    """An engine over ``documents`` with the maintained lexicon."""
    return SearchEngine(documents, default_lexicon(), tuning)


def default_engine() -> SearchEngine:
    """The process-wide engine over the shipped reference catalogue (built once, on first use)."""
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            from .documents import reference_documents

            _DEFAULT = build_engine(reference_documents())
        return _DEFAULT
