"""What the server calls: the process-wide classifier and ``classify(texts)``.

The artefact is loaded once per process (``load_classifier``); ``warm_up`` loads it and initialises jieba so
that the first request does not pay for either. ``classify`` validates its input and raises
``InvalidClassifierInput`` ("cityevents.invalid_input") for anything else than 1 to ``MAX_TEXTS`` non-blank
strings of at most ``MAX_TEXT_LENGTH`` characters.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import artefact as artefacts
from .departments import department_for
from .errors import InvalidClassifierInput
from .model import Prepared

MAX_TEXTS = 1000
MAX_TEXT_LENGTH = 20_000
DEFAULT_TOP_K = 3
# A text up to this long with no line break is taken as a subject (a title, an SMS, a hotline summary).
SUBJECT_MAX_LENGTH = 60
# Only the beginning of a long text is read (99.9% of the training messages are shorter): it decides the category,
# and it bounds the work of a request of 1,000 long texts.
CLASSIFIED_SUBJECT_LENGTH = 200
CLASSIFIED_DETAIL_LENGTH = 3000
_SENTENCE_END = re.compile(r"[。！？!?；;\n]")

_lock = threading.Lock()
_loaded: dict[Path, artefacts.Artefact] = {}
_DEFAULT = Path("<default>")


@dataclass(frozen=True, slots=True)
class Alternative:
    category: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Prediction:
    category: str
    confidence: float
    department: str
    alternatives: tuple[Alternative, ...]


def default_artefact_path() -> Path:
    return Path(settings.MESSAGE_CLASSIFIER_ARTEFACT)


def load_classifier(path: Path | str | None = None) -> artefacts.Artefact:
    """The artefact at ``path`` (an artefact or a directory of them; default: the setting), loaded once.

    The default is resolved once per process too: a newer artefact saved later is picked up at the next start.
    """
    if path is None:
        cached_default = _loaded.get(_DEFAULT)
        if cached_default is not None:
            return cached_default
    target = artefacts.resolve(Path(path) if path is not None else default_artefact_path()).resolve()
    with _lock:
        if target not in _loaded:
            _loaded[target] = artefacts.load(target)
        if path is None:
            _loaded[_DEFAULT] = _loaded[target]
        return _loaded[target]


def unload_classifiers() -> None:
    """Forget every loaded artefact (after retraining in a running process, or when a test changes the setting)."""
    with _lock:
        _loaded.clear()


def warm_up() -> artefacts.Artefact:
    """Load the default artefact and run one prediction (initialises jieba); call at server start."""
    loaded = load_classifier()
    loaded.model.predict(Prepared.from_pairs([("小区噪音扰民", "")]))
    return loaded


def split_message(message: str) -> tuple[str, str]:
    """(subject, detail) of one free text: its first line, or first sentence, is the subject."""
    stripped = message.strip()
    if "\n" in stripped:
        subject, _newline, detail = stripped.partition("\n")
        if subject.strip() and len(subject.strip()) <= 2 * SUBJECT_MAX_LENGTH:
            return subject.strip(), detail.strip()
    if len(stripped) <= SUBJECT_MAX_LENGTH:
        return stripped, ""
    end = _SENTENCE_END.search(stripped)
    if end is not None and 4 <= end.start() <= SUBJECT_MAX_LENGTH:
        return stripped[: end.start()], stripped[end.end() :]
    return stripped[:SUBJECT_MAX_LENGTH], stripped


def validate_texts(texts: object) -> list[str]:
    """The texts as a list, or ``InvalidClassifierInput`` saying what is wrong."""
    if isinstance(texts, str | bytes) or not isinstance(texts, Sequence):
        raise InvalidClassifierInput(_("Send the texts to classify as a list of strings."))
    if not texts:
        raise InvalidClassifierInput(_("The list of texts is empty; send at least one text."))
    if len(texts) > MAX_TEXTS:
        raise InvalidClassifierInput(
            _("Too many texts: %(count)d sent, at most %(limit)d per request."),
            params={"count": len(texts), "limit": MAX_TEXTS},
        )
    for index, item in enumerate(texts):
        if not isinstance(item, str):
            raise InvalidClassifierInput(_("Text number %(number)d is not a string."), params={"number": index + 1})
        if not item.strip():
            raise InvalidClassifierInput(_("Text number %(number)d is empty."), params={"number": index + 1})
        if len(item) > MAX_TEXT_LENGTH:
            raise InvalidClassifierInput(
                _("Text number %(number)d is too long: at most %(limit)d characters."),
                params={"number": index + 1, "limit": MAX_TEXT_LENGTH},
            )
    return list(texts)


def classify_pairs(
    pairs: Sequence[tuple[str, str]], *, top_k: int = DEFAULT_TOP_K, classifier: artefacts.Artefact | None = None
) -> list[Prediction]:
    """Predictions for (subject, detail) pairs, which need no validation beyond being strings."""
    loaded = classifier or load_classifier()
    model = loaded.model
    cut = [(subject[:CLASSIFIED_SUBJECT_LENGTH], detail[:CLASSIFIED_DETAIL_LENGTH]) for subject, detail in pairs]
    probabilities = model.predict_proba(Prepared.from_pairs(cut))
    order = np.argsort(-probabilities, axis=1)
    predictions = []
    for row, ranking in zip(probabilities, order, strict=True):
        best = model.labels[ranking[0]]
        alternatives = tuple(
            Alternative(category=model.labels[i], confidence=round(float(row[i]), 4)) for i in ranking[1:top_k]
        )
        predictions.append(
            Prediction(
                category=best,
                confidence=round(float(row[ranking[0]]), 4),
                department=department_for(best).code,
                alternatives=alternatives,
            )
        )
    return predictions


def classify(
    texts: object, *, top_k: int = DEFAULT_TOP_K, classifier: artefacts.Artefact | None = None
) -> list[Prediction]:
    """Category, confidence, department and the next ``top_k - 1`` categories for each text, in order."""
    valid = validate_texts(texts)
    return classify_pairs([split_message(t) for t in valid], top_k=top_k, classifier=classifier)
