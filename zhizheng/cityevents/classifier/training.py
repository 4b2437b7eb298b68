"""One training run: split, fit, evaluate on the held-out part, cross-validate, optionally refit on everything,
and save a versioned artefact with its metrics."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import artefact as artefacts
from . import model as models
from .dataset import (
    DEFAULT_DATA,
    LabelledMessage,
    cross_validation_folds,
    file_sha256,
    holdout_split,
    near_duplicate_groups,
    read_messages,
)
from .evaluation import evaluate, latency, mean_and_spread


@dataclass(frozen=True, slots=True)
class TrainingRun:
    artefact_path: Path
    metrics: dict[str, Any]


def _subsample(messages: list[LabelledMessage], limit: int, seed: int) -> list[LabelledMessage]:
    """At most ``limit`` messages, stratified by category (every category keeps its share)."""
    if limit >= len(messages):
        return messages
    rng = random.Random(seed)
    by_category: dict[str, list[LabelledMessage]] = {}
    for message in messages:
        by_category.setdefault(message.category, []).append(message)
    chosen: list[LabelledMessage] = []
    for items in by_category.values():
        share = max(10, round(limit * len(items) / len(messages)))
        chosen.extend(rng.sample(items, min(share, len(items))))
    rng.shuffle(chosen)
    return chosen


def _cross_validate(
    messages: Sequence[LabelledMessage], prepared: models.Prepared, settings: models.Settings, folds: int, seed: int
) -> dict[str, Any]:
    """Grouped, stratified k-fold scores (no temperature fitting: it does not change predictions)."""
    fold_settings = models.Settings.from_dict({**settings.as_dict(), "calibration_folds": 0})
    results = []
    for train, test in cross_validation_folds(messages, folds=folds, seed=seed):
        fitted = models.fit(prepared.take(train), [messages[i].category for i in train], settings=fold_settings)
        results.append(evaluate(fitted, [messages[i] for i in test]))
    summary: dict[str, Any] = {"folds": folds}
    for part in ("all", "with_detail", "subject_only", "with_detail_cut_to_subject"):
        if all(part in r for r in results):
            summary[part] = {
                "macro_f1": mean_and_spread([r[part]["macro_f1"] for r in results]),
                "accuracy": mean_and_spread([r[part]["accuracy"] for r in results]),
            }
    return summary


def train(
    *,
    data: Path = DEFAULT_DATA,
    output_dir: Path,
    seed: int = 42,
    final: bool = False,
    cv_folds: int = 5,
    limit: int | None = None,
    settings: models.Settings | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> TrainingRun:
    """Train, evaluate and save; ``limit`` subsamples the data (for quick checks and tests)."""
    settings = settings or models.Settings()
    started = time.perf_counter()
    messages = read_messages(data)
    if limit is not None:
        messages = _subsample(messages, limit, seed)
    log(f"{len(messages)} messages from {data}")
    prepared = models.Prepared.from_pairs([(m.subject, m.detail) for m in messages])
    groups = near_duplicate_groups(messages)
    train_rows, test_rows = holdout_split(messages, seed=seed)
    log(f"split: {len(train_rows)} train, {len(test_rows)} held out ({len(set(groups))} near-duplicate groups)")

    fitted = models.fit(
        prepared.take(train_rows),
        [messages[i].category for i in train_rows],
        groups=groups[train_rows],
        settings=settings,
        seed=seed,
    )
    held_out = [messages[i] for i in test_rows]
    metrics: dict[str, Any] = {
        "held_out": evaluate(fitted, held_out),
        "latency": latency(fitted, held_out),
        "temperature": round(fitted.temperature, 4),
    }
    log(f"held-out macro-F1 {metrics['held_out']['all']['macro_f1']:.4f}")
    if cv_folds >= 2:
        metrics["cross_validation"] = _cross_validate(messages, prepared, settings, cv_folds, seed)
        log(f"{cv_folds}-fold macro-F1 {metrics['cross_validation']['all']['macro_f1']['mean']:.4f}")
    if final:
        fitted = models.fit(prepared, [m.category for m in messages], groups=groups, settings=settings, seed=seed)
        log("refitted on all messages")
    metrics["training_seconds"] = round(time.perf_counter() - started, 1)
    data_info = {
        "file": Path(data).name,
        "sha256": file_sha256(data),
        "messages": len(messages),
        "train": len(train_rows),
        "held_out": len(test_rows),
        "limit": limit,
        "groups": len(np.unique(groups)),
    }
    path = artefacts.save(fitted, output_dir=output_dir, metrics=metrics, data=data_info, seed=seed, final=final)
    return TrainingRun(artefact_path=path, metrics=metrics)
