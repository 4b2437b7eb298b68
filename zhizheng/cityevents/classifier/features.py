"""TF-IDF feature blocks with a transform fast enough for one message at a time.

scikit-learn's ``TfidfVectorizer`` fits the vocabulary and IDF weights. Its ``transform`` costs about 2-3 ms of
fixed overhead per call, which alone would eat most of the 5 ms budget for a single message, so prediction uses
``Block.transform``: the same analyser, counting and weighting (sublinear TF x IDF, L2 norm) in a few lines of
Python over the vectoriser's own analyser. A test checks it gives the vectoriser's numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


def tfidf_vectoriser(kind: str, *, ngram_max: int, min_df: int = 1, max_features: int | None = None) -> Any:
    """The vectoriser for a block: ``char`` n-grams of normalised text, or ``word`` n-grams of space-joined words."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if kind == "char":
        return TfidfVectorizer(
            analyzer="char",
            ngram_range=(1, ngram_max),
            sublinear_tf=True,
            min_df=min_df,
            max_features=max_features,
            dtype=np.float32,
        )
    if kind == "word":
        # Words arrive already segmented and joined with spaces; the pattern keeps one-character words.
        return TfidfVectorizer(
            token_pattern=r"\S+",  # noqa: S106 (a regular expression, not a password)
            ngram_range=(1, ngram_max),
            sublinear_tf=True,
            min_df=min_df,
            max_features=max_features,
            dtype=np.float32,
        )
    raise ValueError(f"unknown block kind {kind!r}")


@dataclass(slots=True)
class Block:
    """One fitted feature block: its analyser, vocabulary (term -> column) and IDF weights."""

    kind: str
    ngram_max: int
    vocabulary: dict[str, int]
    idf: np.ndarray
    analyser: Callable[[str], list[str]]
    idf_values: list[float]

    @classmethod
    def create(cls, *, kind: str, ngram_max: int, terms: Sequence[str], idf: np.ndarray) -> Block:
        if len(terms) != len(idf):
            raise ValueError(f"{len(terms)} terms but {len(idf)} IDF weights")
        return cls(
            kind=kind,
            ngram_max=ngram_max,
            vocabulary={term: column for column, term in enumerate(terms)},
            idf=np.asarray(idf, dtype=np.float32),
            analyser=tfidf_vectoriser(kind, ngram_max=ngram_max).build_analyzer(),
            idf_values=[float(v) for v in np.asarray(idf, dtype=np.float32)],
        )

    @classmethod
    def from_vectoriser(cls, vectoriser: Any, *, kind: str, ngram_max: int) -> Block:
        terms = [""] * len(vectoriser.vocabulary_)
        for term, column in vectoriser.vocabulary_.items():
            terms[column] = term
        return cls.create(kind=kind, ngram_max=ngram_max, terms=terms, idf=vectoriser.idf_)

    @property
    def terms(self) -> list[str]:
        out = [""] * len(self.vocabulary)
        for term, column in self.vocabulary.items():
            out[column] = term
        return out

    @property
    def width(self) -> int:
        return len(self.vocabulary)

    def row(self, document: str) -> tuple[list[int], list[float]]:
        """Columns and L2-normalised sublinear TF-IDF values of one document."""
        counts = Counter(self.analyser(document))
        columns: list[int] = []
        values: list[float] = []
        lookup, idf = self.vocabulary.get, self.idf_values
        for term, count in counts.items():
            column = lookup(term)
            if column is not None:
                columns.append(column)
                values.append((1.0 + math.log(count)) * idf[column] if count > 1 else idf[column])
        norm = math.sqrt(sum(v * v for v in values))
        if norm > 0:
            values = [v / norm for v in values]
        return columns, values


def stack(blocks: Sequence[tuple[Block, Sequence[str], float]]) -> Any:
    """The CSR matrix of documents (rows) by the columns of all blocks side by side, each block scaled."""
    from scipy.sparse import csr_matrix

    rows = len(blocks[0][1])
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for index in range(rows):
        offset = 0
        for block, documents, weight in blocks:
            columns, values = block.row(documents[index])
            indices.extend(c + offset for c in columns)
            data.extend(v * weight for v in values)
            offset += block.width
        indptr.append(len(indices))
    width = sum(block.width for block, _documents, _weight in blocks)
    return csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
        shape=(rows, width),
    )
