"""Versioned model artefacts: save, find the newest, load with checks.

An artefact is a directory ``message-classifier-v<YYYYMMDD>-<hash>/`` holding

* ``weights.npz``: IDF weights per feature block, the linear model's weights and intercepts (plain numpy arrays,
  read with ``allow_pickle=False``: loading an artefact never runs code from it);
* ``vocabulary.json``: each feature block's terms in column order;
* ``manifest.json``: format, model kind, label set, settings, temperature, data hash, library versions and the
  SHA-256 of the two files above;
* ``metrics.json``: held-out and cross-validation results of the run that made it.

Loading refuses an artefact whose format, kind, labels, shapes or file hashes do not match, with a
message that says to retrain, rather than serving predictions from a model that may be silently wrong.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from .departments import CATEGORIES
from .errors import ClassifierUnavailable
from .features import Block
from .model import BLOCK_KINDS, BLOCKS, MODEL_KIND, MessageClassifier, Settings, ngram_max

FORMAT_VERSION = 1
PREFIX = "message-classifier-v"
WEIGHTS_FILE = "weights.npz"
VOCABULARY_FILE = "vocabulary.json"
MANIFEST_FILE = "manifest.json"
METRICS_FILE = "metrics.json"
LIBRARIES = ("scikit-learn", "numpy", "scipy", "rjieba")


@dataclass(frozen=True, slots=True)
class Artefact:
    path: Path
    model: MessageClassifier
    manifest: dict[str, Any]
    metrics: dict[str, Any]

    @property
    def version(self) -> str:
        return self.path.name


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        versions[name] = metadata.version(name)
    return versions


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save(
    model: MessageClassifier,
    *,
    output_dir: Path,
    metrics: dict[str, Any],
    data: dict[str, Any],
    seed: int,
    final: bool,
) -> Path:
    """Write a new artefact directory under ``output_dir`` (atomically: a half-written one is never visible)."""
    output_dir.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC)
    work = Path(tempfile.mkdtemp(dir=output_dir, prefix=".tmp-"))
    try:
        work.chmod(0o755)
        arrays: dict[str, Any] = {f"idf_{name}": model.blocks[name].idf for name in BLOCKS}
        arrays.update(coef=model.coef, intercept=model.intercept)
        np.savez_compressed(work / WEIGHTS_FILE, **arrays)
        terms = {name: model.blocks[name].terms for name in BLOCKS}
        vocabulary = json.dumps(terms, ensure_ascii=False, separators=(",", ":"))
        (work / VOCABULARY_FILE).write_text(vocabulary, encoding="utf-8")
        hashes = {name: _sha256(work / name) for name in (WEIGHTS_FILE, VOCABULARY_FILE)}
        manifest = {
            "format_version": FORMAT_VERSION,
            "kind": MODEL_KIND,
            "created_at": created_at.isoformat(timespec="seconds"),
            "labels": model.labels,
            "settings": model.settings.as_dict(),
            "temperature": model.temperature,
            "seed": seed,
            "final": final,
            "data": data,
            "libraries": library_versions(),
            "sha256": hashes,
        }
        (work / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        (work / METRICS_FILE).write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        target = output_dir / f"{PREFIX}{created_at:%Y%m%d}-{hashes[WEIGHTS_FILE][:10]}"
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def _candidates(root: Path) -> list[Path]:
    return [p for p in root.iterdir() if p.is_dir() and p.name.startswith(PREFIX) and (p / MANIFEST_FILE).is_file()]


def resolve(path: Path) -> Path:
    """``path`` itself when it is an artefact, else its newest artefact (by ``created_at``, then name)."""
    if (path / MANIFEST_FILE).is_file():
        return path
    if not path.is_dir():
        raise ClassifierUnavailable(
            _("The message classifier is not available: %(path)s does not exist."), params={"path": str(path)}
        )
    found = _candidates(path)
    if not found:
        raise ClassifierUnavailable(
            _(
                "The message classifier is not available: no model artefact in %(path)s. "
                "Run manage.py train_message_classifier --final."
            ),
            params={"path": str(path)},
        )

    def created(candidate: Path) -> tuple[str, str]:
        try:
            manifest = json.loads((candidate / MANIFEST_FILE).read_text(encoding="utf-8"))
            return str(manifest.get("created_at", "")), candidate.name
        except (OSError, ValueError):
            return "", candidate.name

    return max(found, key=created)


def _incompatible(path: Path, reason: str) -> ClassifierUnavailable:
    return ClassifierUnavailable(
        _(
            "The message classifier is not available: the artefact %(path)s cannot be used (%(reason)s). "
            "Retrain with manage.py train_message_classifier --final."
        ),
        params={"path": str(path), "reason": reason},
    )


def load(path: Path) -> Artefact:
    """Load and check one artefact directory (or the newest one under a directory)."""
    path = resolve(path)
    try:
        manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
        metrics_file = path / METRICS_FILE
        metrics = json.loads(metrics_file.read_text(encoding="utf-8")) if metrics_file.is_file() else {}
    except (OSError, ValueError) as exc:
        raise _incompatible(path, f"unreadable manifest: {exc}") from exc
    if manifest.get("format_version") != FORMAT_VERSION or manifest.get("kind") != MODEL_KIND:
        raise _incompatible(path, f"format {manifest.get('format_version')}/{manifest.get('kind')}")
    labels = manifest.get("labels")
    if not isinstance(labels, list) or not labels or not set(labels) <= set(CATEGORIES):
        raise _incompatible(path, f"unknown labels {labels}")
    hashes = manifest.get("sha256", {})
    for name in (WEIGHTS_FILE, VOCABULARY_FILE):
        if not (path / name).is_file() or _sha256(path / name) != hashes.get(name):
            raise _incompatible(path, f"{name} missing or its SHA-256 differs from the manifest")
    settings = Settings.from_dict(manifest.get("settings", {}))
    try:
        with np.load(path / WEIGHTS_FILE, allow_pickle=False) as weights:
            arrays = {key: weights[key] for key in weights.files}
        vocabularies = json.loads((path / VOCABULARY_FILE).read_text(encoding="utf-8"))
        blocks = {
            name: Block.create(
                kind=BLOCK_KINDS[name],
                ngram_max=ngram_max(settings, name),
                terms=vocabularies[name],
                idf=arrays[f"idf_{name}"],
            )
            for name in BLOCKS
        }
        coef, intercept = arrays["coef"], arrays["intercept"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _incompatible(path, f"{type(exc).__name__}: {exc}") from exc
    columns = sum(len(vocabularies[name]) for name in BLOCKS)
    if coef.shape != (len(labels), columns) or intercept.shape != (len(labels),):
        raise _incompatible(path, f"weights of shape {coef.shape}, expected ({len(labels)}, {columns})")
    model = MessageClassifier(
        labels=list(labels),
        settings=settings,
        blocks=blocks,
        coef=coef,
        intercept=intercept,
        temperature=float(manifest.get("temperature", 1.0)),
    )
    return Artefact(path=path, model=model, manifest=manifest, metrics=metrics)
