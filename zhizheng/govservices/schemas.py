"""Shapes of the catalogue and search API (django-ninja)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class SearchHitOut(Schema):
    code: str
    name: str
    department: str
    score: float
    kind: str
    department_name: str


class SearchOut(Schema):
    count: int
    items: list[SearchHitOut]


class SuggestionOut(Schema):
    text: str
    code: str
    kind: str


class SuggestOut(Schema):
    count: int
    items: list[SuggestionOut]


class ItemSummaryOut(Schema):
    code: str
    name: str
    item_type: str
    department: str
    department_name: str
    audience: list[str]
    themes: list[str]
    processing_kind: str
    promised_days: int
    statutory_days: int
    max_visits: int
    online_level: int


class ItemListOut(Schema):
    count: int
    items: list[ItemSummaryOut]


class MaterialOut(Schema):
    name: str
    form: str
    required: bool
    source: str
    certificate_type: str
    note: str


class FeeOut(Schema):
    charged: bool
    standard: str
    basis: str


class ResultOut(Schema):
    name: str
    certificate_type: str


class HallOut(Schema):
    address: str
    hours: str


class ItemDetailOut(ItemSummaryOut):
    legal_basis: list[str]
    fee: FeeOut
    conditions: str
    keywords: list[str]
    description: str
    steps: list[str]
    result: ResultOut
    materials: list[MaterialOut]
    hall: HallOut
    life_events: list[str]


class FormDefinitionOut(Schema):
    item: str
    version: str
    schema_: dict[str, Any] = Field(..., alias="schema")
    ui: dict[str, Any]
    prefill: dict[str, Any]


class FormValidOut(Schema):
    valid: bool
    version: str
