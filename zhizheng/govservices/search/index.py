"""Tokenisation and a compact BM25F index with numpy postings.

Each field's term frequency is normalised by that field's length and weight, summed, and saturated once
(BM25F, Robertson & Zaragoza 2009). The per-(term, document) weight does not depend on the query, so it is
computed at build time; a query scores by adding a few posting arrays into one score vector.

A second, smaller channel indexes character bigrams of the short fields (name, keywords, result), which still
matches when the word segmenter splits a query differently from the catalogue or a word is unknown to it.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba
import numpy as np
import numpy.typing as npt

from .text import has_han, normalise, runs

jieba.setLogLevel(logging.WARNING)

# Field weight and length normalisation (b). Names and keywords say what an item is; descriptions and
# materials mention many things the item is not about.
FIELD_WEIGHTS: dict[str, tuple[float, float]] = {
    "name": (3.0, 0.5),
    "keywords": (2.5, 0.3),
    "result": (1.2, 0.3),
    "materials": (0.5, 0.6),
    "description": (1.0, 0.75),
    "conditions": (0.5, 0.75),
    "themes": (0.6, 0.0),
    "department": (0.5, 0.0),
}
BIGRAM_FIELDS: dict[str, tuple[float, float]] = {"name": (1.5, 0.5), "keywords": (1.0, 0.3), "result": (0.6, 0.3)}
K1 = 1.2

_JIEBA_LOCK = threading.Lock()
_JIEBA: jieba.Tokenizer | None = None
_KNOWN_WORDS: set[str] = set()


def _jieba() -> jieba.Tokenizer:
    global _JIEBA
    with _JIEBA_LOCK:
        if _JIEBA is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            _JIEBA = tokenizer
        return _JIEBA


class Tokenizer:
    """jieba in search mode over normalised text, taught the catalogue's and the lexicon's words."""

    def __init__(self, *, words: Iterable[str], stopwords: frozenset[str]) -> None:
        self.stopwords = stopwords
        self._jieba = _jieba()
        new = {w for w in words if 2 <= len(w) <= 12 and has_han(w) and " " not in w} - _KNOWN_WORDS
        with _JIEBA_LOCK:
            for word in sorted(new):
                # A frequency high enough that the word wins over its parts, as a user dictionary entry would.
                self._jieba.add_word(word, freq=max(self._jieba.suggest_freq(word, tune=False), 2000))
            _KNOWN_WORDS.update(new)
        self._cached = lru_cache(maxsize=65536)(self._tokens)

    def tokens(self, text: str) -> tuple[str, ...]:
        """Index terms of raw text (normalised here), stop words removed.

        Clauses are segmented one by one (the segmenter never joins across punctuation anyway), so the clauses
        that many catalogue entries share are segmented once.
        """
        out: list[str] = []
        for clause in normalise(text).split(" "):
            out.extend(self._cached(clause))
        return tuple(out)

    def weighted(self, text: str) -> dict[str, float]:
        """Query terms with weights: a word as segmented counts 1, a part of a longer word (search mode) ½."""
        normalised = normalise(text)
        whole = {t for t in self._jieba.cut(normalised, HMM=False) if t not in self.stopwords}
        return {t: (1.0 if t in whole else 0.5) for t in self.tokens(normalised)}

    def word_spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each word of normalised text as the general dictionary segments it."""
        return [(start, end) for _, start, end in self._jieba.tokenize(text, HMM=False)]

    def _tokens(self, normalised: str) -> tuple[str, ...]:
        out: list[str] = []
        for token in self._jieba.cut_for_search(normalised, HMM=False):
            token = token.strip("' ")
            if token and token not in self.stopwords and not token.isspace():
                out.append(token)
        return tuple(out)


def bigrams(text: str) -> list[str]:
    """Character bigrams of each Han run of normalised text (a lone character counts as itself)."""
    out: list[str] = []
    for run in runs(text):
        if not has_han(run):
            continue
        if len(run) == 1:
            out.append(run)
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


@dataclass
class _Postings:
    docs: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]


class FieldIndex:
    """BM25F over named fields of a fixed list of documents (rebuilt whole: cheap, see ``build``)."""

    def __init__(self, fields: dict[str, tuple[float, float]]) -> None:
        self.fields = fields
        self.postings: dict[str, _Postings] = {}
        self.size = 0

    def build(self, per_doc: Sequence[dict[str, Counter[str]]]) -> None:
        """``per_doc[i][field]`` is the term counts of document ``i``'s field."""
        self.size = len(per_doc)
        avg: dict[str, float] = {}
        for name in self.fields:
            total = sum(sum(doc[name].values()) for doc in per_doc)
            avg[name] = max(total / max(self.size, 1), 1.0)
        term_ids: dict[str, int] = {}
        tids: list[int] = []
        dids: list[int] = []
        tfs: list[float] = []
        for i, doc in enumerate(per_doc):
            pseudo: dict[str, float] = {}
            for name, (weight, b) in self.fields.items():
                counts = doc[name]
                if not counts:
                    continue
                scale = weight / (1.0 - b + b * sum(counts.values()) / avg[name])
                for term, count in counts.items():
                    pseudo[term] = pseudo.get(term, 0.0) + scale * count
            for term, pseudo_tf in pseudo.items():
                tids.append(term_ids.setdefault(term, len(term_ids)))
                dids.append(i)
                tfs.append(pseudo_tf)
        self.postings = {}
        if not tids:
            return
        # Saturate and weight every (term, document) pair at once, then cut the arrays into posting lists.
        term_of = np.array(tids, dtype=np.int32)
        tf = np.array(tfs, dtype=np.float64)
        df = np.bincount(term_of, minlength=len(term_ids)).astype(np.float64)
        n = float(self.size)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
        weights = (idf[term_of] * tf * (K1 + 1.0) / (K1 + tf)).astype(np.float32)
        order = np.argsort(term_of, kind="stable")
        docs = np.array(dids, dtype=np.int32)[order]
        weights = weights[order]
        bounds = np.cumsum(df.astype(np.int64))[:-1]
        for term, doc_part, weight_part in zip(
            term_ids, np.split(docs, bounds), np.split(weights, bounds), strict=True
        ):
            self.postings[term] = _Postings(docs=doc_part, weights=weight_part)

    def score(self, terms: Iterable[tuple[str, float]]) -> npt.NDArray[np.float32]:
        scores = np.zeros(self.size, dtype=np.float32)
        for term, weight in terms:
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting.docs] += np.float32(weight) * posting.weights
        return scores

    def __contains__(self, term: str) -> bool:
        return term in self.postings
