"""Message classification and routing: which first-level category a citizen's message belongs to and which
department takes it. See docs/classifier.md for the data, the evaluation protocol and the numbers.

The server calls ``warm_up()`` (or ``load_classifier()``) at start and ``classify(texts)`` per request.
"""

from .departments import CATEGORIES, DEPARTMENTS, Department, department_for
from .errors import ClassifierUnavailable, InvalidClassifierInput
from .runtime import (
    MAX_TEXTS,
    Alternative,
    Prediction,
    classify,
    classify_pairs,
    load_classifier,
    split_message,
    unload_classifiers,
    validate_texts,
    warm_up,
)

__all__ = [
    "CATEGORIES",
    "DEPARTMENTS",
    "MAX_TEXTS",
    "Alternative",
    "ClassifierUnavailable",
    "Department",
    "InvalidClassifierInput",
    "Prediction",
    "classify",
    "classify_pairs",
    "department_for",
    "load_classifier",
    "split_message",
    "unload_classifiers",
    "validate_texts",
    "warm_up",
]
