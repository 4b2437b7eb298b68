"""The message classifier: TF-IDF features of a subject and its detail, a linear model, calibrated confidences.

Features (all sublinear TF-IDF, L2-normalised per block, stacked side by side):

* character 1-3-grams of subject + detail: robust to segmentation errors, typos and unseen place names;
* jieba words and word bigrams of subject + detail;
* character 1-3-grams of the subject alone, so that the subject keeps its weight next to a long detail.

The linear model is a one-vs-rest linear SVM with class weights inversely proportional to class frequency (the
measure is macro-F1, so the small classes count as much as the large ones). Its scores become probabilities by
a softmax whose temperature is fitted on out-of-fold scores (one scalar: the ranking, hence the accuracy, is
unchanged). Training adds a subject-only copy of every message that has a detail, because callers send short
texts too (a hotline summary, an SMS) and a model trained only on long texts underrates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from . import text
from .features import Block, stack, tfidf_vectoriser

MODEL_KIND = "tfidf-char-word-linearsvc"


@dataclass(frozen=True, slots=True)
class Settings:
    """Hyper-parameters; stored in the artefact's manifest."""

    svm_c: float = 0.5
    subject_weight: float = 1.0
    char_ngram_max: int = 3
    char_min_df: int = 2
    char_max_features: int = 300_000
    word_min_df: int = 2
    augment_subject_only: bool = True
    balanced_classes: bool = True
    calibration_folds: int = 5

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Settings:
        return cls(**{k: v for k, v in values.items() if k in cls.__dataclass_fields__})


@dataclass(slots=True)
class Prepared:
    """Normalised texts and their jieba words (the slow part), computed once per batch."""

    full: list[str]
    subjects: list[str]
    full_words: list[str]

    @classmethod
    def from_pairs(cls, pairs: Sequence[tuple[str, str]]) -> Prepared:
        subjects = [text.normalise(s) for s, _ in pairs]
        details = [text.normalise(d) for _, d in pairs]
        full = [f"{s}。{d}" if d else s for s, d in zip(subjects, details, strict=True)]
        return cls(full=full, subjects=subjects, full_words=[text.words(t) for t in full])

    def take(self, rows: Sequence[int] | np.ndarray) -> Prepared:
        return Prepared(
            full=[self.full[i] for i in rows],
            subjects=[self.subjects[i] for i in rows],
            full_words=[self.full_words[i] for i in rows],
        )


BLOCKS = ("char", "word", "subject")
BLOCK_KINDS = {"char": "char", "word": "word", "subject": "char"}


@dataclass(slots=True)
class MessageClassifier:
    """A fitted classifier as plain data: a TF-IDF block per feature kind (vocabulary and IDF weights), the
    linear model's weights and intercepts, and the softmax temperature. Nothing in it needs pickle to save."""

    labels: list[str]
    settings: Settings
    blocks: dict[str, Block]
    coef: np.ndarray
    intercept: np.ndarray
    temperature: float = 1.0

    def features(self, prepared: Prepared) -> Any:
        weight = self.settings.subject_weight
        return stack(
            [
                (self.blocks["char"], prepared.full, 1.0),
                (self.blocks["word"], prepared.full_words, 1.0),
                (self.blocks["subject"], prepared.subjects, weight),
            ]
        )

    def scores(self, prepared: Prepared) -> np.ndarray:
        """The linear model's decision values, one column per label in ``self.labels`` order."""
        return np.asarray(self.features(prepared) @ self.coef.T + self.intercept)

    def predict_proba(self, prepared: Prepared) -> np.ndarray:
        return softmax(self.scores(prepared), self.temperature)

    def predict(self, prepared: Prepared) -> list[str]:
        return [self.labels[i] for i in np.argmax(self.scores(prepared), axis=1)]


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    z = scores / temperature
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def ngram_max(settings: Settings, name: str) -> int:
    return settings.char_ngram_max if BLOCK_KINDS[name] == "char" else 2


def _vectorisers(settings: Settings) -> dict[str, Any]:
    return {
        "char": tfidf_vectoriser(
            "char",
            ngram_max=settings.char_ngram_max,
            min_df=settings.char_min_df,
            max_features=settings.char_max_features,
        ),
        "word": tfidf_vectoriser("word", ngram_max=2, min_df=settings.word_min_df),
        "subject": tfidf_vectoriser("char", ngram_max=settings.char_ngram_max),
    }


def _augment(prepared: Prepared, labels: Sequence[str]) -> tuple[Prepared, list[str]]:
    """Add a subject-only copy of every row that has a detail."""
    pairs = zip(prepared.full, prepared.subjects, strict=True)
    long_rows = [i for i, (full, subject) in enumerate(pairs) if full != subject]
    short = Prepared(
        full=[prepared.subjects[i] for i in long_rows],
        subjects=[prepared.subjects[i] for i in long_rows],
        full_words=[text.words(prepared.subjects[i]) for i in long_rows],
    )
    merged = Prepared(
        full=prepared.full + short.full,
        subjects=prepared.subjects + short.subjects,
        full_words=prepared.full_words + short.full_words,
    )
    return merged, list(labels) + [labels[i] for i in long_rows]


def _fit_linear(prepared: Prepared, labels: Sequence[str], settings: Settings) -> MessageClassifier:
    from scipy.sparse import hstack
    from sklearn.svm import LinearSVC

    if settings.augment_subject_only:
        prepared, labels = _augment(prepared, labels)
    fitted = _vectorisers(settings)
    matrix = hstack(
        [
            fitted["char"].fit_transform(prepared.full),
            fitted["word"].fit_transform(prepared.full_words),
            fitted["subject"].fit_transform(prepared.subjects) * settings.subject_weight,
        ],
        format="csr",
        dtype=np.float32,
    )
    estimator = LinearSVC(
        C=settings.svm_c, class_weight="balanced" if settings.balanced_classes else None, random_state=0
    )
    estimator.fit(matrix, np.asarray(labels))
    blocks = {
        name: Block.from_vectoriser(fitted[name], kind=BLOCK_KINDS[name], ngram_max=ngram_max(settings, name))
        for name in BLOCKS
    }
    return MessageClassifier(
        labels=[str(c) for c in estimator.classes_],
        settings=settings,
        blocks=blocks,
        coef=np.asarray(estimator.coef_, dtype=np.float32),
        intercept=np.asarray(estimator.intercept_, dtype=np.float32),
    )


def fit_temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature minimising log-loss of out-of-fold scores (a coarse-to-fine grid search)."""

    def loss(t: float) -> float:
        p = softmax(scores, t)
        return float(-np.mean(np.log(np.clip(p[np.arange(len(truth)), truth], 1e-12, None))))

    grid = np.geomspace(0.01, 10.0, 61)
    best = float(min(grid, key=loss))
    fine = np.geomspace(best / 1.2, best * 1.2, 41)
    return float(min(fine, key=loss))


def fit(
    prepared: Prepared,
    labels: Sequence[str],
    *,
    groups: np.ndarray | None = None,
    settings: Settings | None = None,
    seed: int = 42,
) -> MessageClassifier:
    """Fit on all given rows; calibrate the temperature on out-of-fold scores (grouped folds when given)."""
    from sklearn.model_selection import StratifiedGroupKFold

    settings = settings or Settings()
    model = _fit_linear(prepared, labels, settings)
    folds = settings.calibration_folds
    if folds >= 2 and min(np.unique(np.asarray(labels), return_counts=True)[1]) >= folds:
        group_ids = groups if groups is not None else np.arange(len(labels))
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        out_scores = np.zeros((len(labels), len(model.labels)))
        for train, test in splitter.split(np.zeros(len(labels)), labels, group_ids):
            fold_model = _fit_linear(prepared.take(train), [labels[i] for i in train], settings)
            if fold_model.labels != model.labels:
                continue
            out_scores[test] = fold_model.scores(prepared.take(test))
        index = {label: i for i, label in enumerate(model.labels)}
        model.temperature = fit_temperature(out_scores, np.array([index[label] for label in labels]))
    return model
