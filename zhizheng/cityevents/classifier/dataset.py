"""The labelled messages, their near-duplicate groups and an honest train / held-out split.

The file holds re-paired copies of the same complaint (one row with subject and detail, another with a reworded
subject only) and the same issue reported twice. A random split would put one copy in training and the other in
the held-out part and report a score the model never reaches on new messages. So rows are first joined into
groups (same or near-identical subject, or near-identical detail) and whole groups go to one side.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "messages" / "labelled_messages.csv"

# Cosine similarity of character 2-3-gram TF-IDF vectors above which two subjects (or details) are taken as
# copies of one message. Chosen on this file: at 0.6 the pairs are rewordings of one complaint (99% share a label);
# below 0.5 they start to be different complaints about the same kind of thing.
SUBJECT_SIMILARITY = 0.6
DETAIL_SIMILARITY = 0.5


@dataclass(frozen=True, slots=True)
class LabelledMessage:
    subject: str
    detail: str
    category: str

    @property
    def subject_only(self) -> bool:
        return not self.detail


def read_messages(path: Path | str = DEFAULT_DATA) -> list[LabelledMessage]:
    """Rows of a CSV with columns subject, detail, category (other columns are ignored)."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"subject", "detail", "category"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {sorted(missing)}")
        return [
            LabelledMessage(subject=row["subject"].strip(), detail=row["detail"].strip(), category=row["category"])
            for row in reader
            if row["subject"].strip() and row["category"]
        ]


def file_sha256(path: Path | str) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, left: int, right: int) -> None:
        self.parent[self.find(left)] = self.find(right)


def _join_similar(texts: Sequence[str], rows: Sequence[int], threshold: float, union: _UnionFind) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import NearestNeighbors

    if len(rows) < 2:
        return
    vectors = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    neighbours = min(5, len(rows))
    distances, indices = NearestNeighbors(n_neighbors=neighbours, metric="cosine").fit(vectors).kneighbors(vectors)
    for position, row in enumerate(rows):
        for distance, other in zip(distances[position, 1:], indices[position, 1:], strict=True):
            if 1.0 - distance >= threshold:
                union.union(row, rows[int(other)])


def near_duplicate_groups(messages: Sequence[LabelledMessage]) -> np.ndarray:
    """A group number per message; copies and rewordings of one message share a group."""
    union = _UnionFind(len(messages))
    first_by_subject: dict[str, int] = {}
    for index, message in enumerate(messages):
        union.union(index, first_by_subject.setdefault(message.subject, index))
    _join_similar([m.subject for m in messages], list(range(len(messages))), SUBJECT_SIMILARITY, union)
    with_detail = [index for index, message in enumerate(messages) if message.detail]
    _join_similar([messages[i].detail for i in with_detail], with_detail, DETAIL_SIMILARITY, union)
    return np.array([union.find(index) for index in range(len(messages))])


def holdout_split(
    messages: Sequence[LabelledMessage], *, test_fraction: float = 0.2, seed: int = 42
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, held-out): stratified by category, near-duplicate groups never split."""
    from sklearn.model_selection import StratifiedGroupKFold

    folds = max(2, round(1 / test_fraction))
    labels = [m.category for m in messages]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    train, test = next(splitter.split(np.zeros(len(messages)), labels, near_duplicate_groups(messages)))
    return train, test


def cross_validation_folds(
    messages: Sequence[LabelledMessage], *, folds: int = 5, seed: int = 42
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped, stratified folds for cross-validation (the same grouping as the held-out split)."""
    from sklearn.model_selection import StratifiedGroupKFold

    labels = [m.category for m in messages]
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    return list(splitter.split(np.zeros(len(messages)), labels, near_duplicate_groups(messages)))
