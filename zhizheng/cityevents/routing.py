"""Which category and department an event most likely belongs to: the message classifier's suggestion, and the
department a category names (the leaf's own, else its first-level category's, from ``data_taxonomy``)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from zhizheng.cityevents.classifier import classify
from zhizheng.cityevents.models import Category

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data_taxonomy"


@dataclass(frozen=True, slots=True)
class Suggestion:
    category: str = ""
    confidence: float | None = None
    department_code: str = ""
    error: str = ""


def suggest(text: str) -> Suggestion:
    """The classifier's first-level category, confidence and department for ``text``. Never raises: a missing
    model or any other failure comes back as ``error`` and the event waits for a dispatcher."""
    try:
        prediction = classify([text])[0]
    except Exception as exc:  # noqa: BLE001 - the report must be kept whatever the classifier does
        logger.warning("classification failed: %s", exc)
        return Suggestion(error=f"{type(exc).__name__}: {exc}"[:200])
    return Suggestion(
        category=prediction.category,
        confidence=round(float(prediction.confidence), 4),
        department_code=prediction.department,
    )


@lru_cache(maxsize=1)
def level1_departments() -> dict[str, str]:
    raw = json.loads((DATA_DIR / "level1_departments.json").read_text(encoding="utf-8"))
    return {name: code for name, code in raw.items() if not name.startswith("_")}


def default_department_code(category: Category) -> str:
    """The department named by the category, its parent or its first-level category ("" when none)."""
    node: Category | None = category
    while node is not None:
        if node.department_code:
            return node.department_code
        if node.parent_id is None:
            return level1_departments().get(node.name, "")
        node = node.parent
    return ""
