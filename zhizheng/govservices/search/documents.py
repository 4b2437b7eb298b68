"""What the engine indexes: service items and life events as plain, read-only records.

The engine never touches models. Callers feed it ``SearchDocument`` records, built here from the catalogue's
dictionaries (the shape of ``data/service_catalog.json`` and ``data/life_events.json``) or from any object with
the same keys, so the future models only need a small adapter.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

Kind = Literal["item", "life_event"]


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable thing: a service item (``SFS-…``) or a life event bundle (``LE-…``)."""

    code: str
    kind: Kind
    name: str
    department: str = ""
    department_name: str = ""
    keywords: tuple[str, ...] = ()
    description: str = ""
    materials: tuple[str, ...] = ()
    result: str = ""
    conditions: str = ""
    themes: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()  # 自然人 (people), 法人 (organisations and businesses), or both
    members: tuple[str, ...] = field(default=())  # item codes of a life event

    def fields(self) -> dict[str, str]:
        """Text per index field (the field names are the keys of ``index.FIELD_WEIGHTS``)."""
        return {
            "name": self.name,
            "keywords": " ".join(self.keywords),
            "result": self.result,
            "materials": " ".join(self.materials),
            "description": self.description,
            "conditions": self.conditions,
            "themes": " ".join(self.themes),
            "department": self.department_name,
        }


def _get(source: Mapping[str, Any] | object, key: str, default: Any = None) -> Any:
    if isinstance(source, Mapping):
        return source.get(key, default)
    return getattr(source, key, default)


def item_document(
    item: Mapping[str, Any] | object, department_names: Mapping[str, str] | None = None
) -> SearchDocument:
    """A catalogue item (dict or object with the catalogue's keys) as a search document."""
    department = str(_get(item, "department", "") or "")
    result = _get(item, "result") or {}
    materials = _get(item, "materials") or []
    return SearchDocument(
        code=str(_get(item, "code")),
        kind="item",
        name=str(_get(item, "name")),
        department=department,
        department_name=(department_names or {}).get(department, ""),
        keywords=tuple(str(k) for k in _get(item, "keywords") or ()),
        description=str(_get(item, "description") or ""),
        materials=tuple(str(_get(m, "name") or "") for m in materials),
        result=str(_get(result, "name") or ""),
        conditions=str(_get(item, "conditions") or ""),
        themes=tuple(str(t) for t in _get(item, "themes") or ()),
        audience=tuple(str(a) for a in _get(item, "audience") or ()),
    )


def life_event_document(event: Mapping[str, Any] | object) -> SearchDocument:
    """A life event bundle ("一件事一次办") as a search document; its member items are linked, not inlined."""
    return SearchDocument(
        code=str(_get(event, "code")),
        kind="life_event",
        name=str(_get(event, "name")),
        description=str(_get(event, "description") or ""),
        audience=tuple(str(a) for a in _get(event, "audience") or ()),
        members=tuple(str(c) for c in _get(event, "items") or ()),
    )


def _read_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def department_names() -> dict[str, str]:
    """Department code → "full name short name" (both are how people refer to a department)."""
    return {d["code"]: f"{d['name']} {d.get('short_name') or ''}".strip() for d in _read_json("departments.json")}


def catalogue_items() -> list[dict[str, Any]]:
    """The reference catalogue shipped with the project (``data/service_catalog.json``)."""
    items: list[dict[str, Any]] = _read_json("service_catalog.json")
    return items


def life_events() -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = _read_json("life_events.json")
    return events


def reference_documents() -> list[SearchDocument]:
    """Documents for the shipped catalogue and life events."""
    names = department_names()
    docs = [item_document(item, names) for item in catalogue_items()]
    docs.extend(life_event_document(e) for e in life_events())
    return docs


def documents_from(
    items: Iterable[Mapping[str, Any] | object],
    events: Iterable[Mapping[str, Any] | object] = (),
    department_names: Mapping[str, str] | None = None,
) -> list[SearchDocument]:
    docs = [item_document(item, department_names) for item in items]
    docs.extend(life_event_document(e) for e in events)
    return docs
