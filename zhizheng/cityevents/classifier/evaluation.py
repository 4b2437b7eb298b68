"""Scores of a classifier on labelled messages: macro-F1 (the competition's measure), per class, by text kind."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from .dataset import LabelledMessage
from .model import MessageClassifier, Prepared


def scores(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Macro-F1, accuracy, per-class precision / recall / F1 / support and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), zero_division=0
    )
    return {
        "count": len(truth),
        "macro_f1": round(float(f1_score(truth, predicted, labels=list(labels), average="macro")), 4),
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 4),
                "recall": round(float(recall[i]), 4),
                "f1": round(float(f1[i]), 4),
                "support": int(support[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion": {
            "labels": list(labels),
            "matrix": confusion_matrix(truth, predicted, labels=list(labels)).tolist(),
        },
    }


def evaluate(model: MessageClassifier, messages: Sequence[LabelledMessage]) -> dict[str, Any]:
    """Scores on all messages, on those with a detail, on the subject-only ones, and on the long ones cut to
    their subject (how the model does when a caller sends only a title)."""
    truth = [m.category for m in messages]
    probabilities = model.predict_proba(Prepared.from_pairs([(m.subject, m.detail) for m in messages]))
    predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
    result: dict[str, Any] = {"all": scores(truth, predicted, model.labels)}
    result["calibration"] = calibration(truth, predicted, probabilities.max(axis=1))
    long_rows = [i for i, m in enumerate(messages) if not m.subject_only]
    short_rows = [i for i, m in enumerate(messages) if m.subject_only]
    for name, rows in (("with_detail", long_rows), ("subject_only", short_rows)):
        if rows:
            part = scores([truth[i] for i in rows], [predicted[i] for i in rows], model.labels)
            result[name] = {k: part[k] for k in ("count", "macro_f1", "accuracy")}
    if long_rows:
        cut = model.predict(Prepared.from_pairs([(messages[i].subject, "") for i in long_rows]))
        part = scores([truth[i] for i in long_rows], cut, model.labels)
        result["with_detail_cut_to_subject"] = {k: part[k] for k in ("count", "macro_f1", "accuracy")}
    return result


def calibration(truth: Sequence[str], predicted: Sequence[str], confidence: np.ndarray) -> dict[str, float]:
    """Mean confidence against accuracy, and the expected calibration error over 10 equal-width bins."""
    correct = np.array([t == p for t, p in zip(truth, predicted, strict=True)], dtype=float)
    bins = np.minimum((confidence * 10).astype(int), 9)
    error = 0.0
    for b in range(10):
        members = bins == b
        if members.any():
            error += members.mean() * abs(confidence[members].mean() - correct[members].mean())
    return {
        "mean_confidence": round(float(confidence.mean()), 4),
        "accuracy": round(float(correct.mean()), 4),
        "expected_calibration_error": round(float(error), 4),
    }


def latency(model: MessageClassifier, messages: Sequence[LabelledMessage], *, singles: int = 200) -> dict[str, float]:
    """Milliseconds per message: one message per call (``singles`` calls: mean, median and 95th percentile) and
    all messages in one batch."""
    pairs = [(m.subject, m.detail) for m in messages]
    model.predict(Prepared.from_pairs(pairs[:1]))  # jieba and caches are warm before timing
    sample = pairs[: min(singles, len(pairs))]
    calls = []
    for pair in sample:
        started = time.perf_counter()
        model.predict(Prepared.from_pairs([pair]))
        calls.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    model.predict(Prepared.from_pairs(pairs))
    batch = (time.perf_counter() - started) * 1000 / len(pairs)
    return {
        "single_ms": round(float(np.mean(calls)), 3),
        "single_p50_ms": round(float(np.percentile(calls, 50)), 3),
        "single_p95_ms": round(float(np.percentile(calls, 95)), 3),
        "batch_ms": round(batch, 3),
        "batch_size": len(pairs),
    }


def mean_and_spread(values: Sequence[float]) -> dict[str, float]:
    array = np.asarray(values, dtype=float)
    return {"mean": round(float(array.mean()), 4), "std": round(float(array.std()), 4)}
