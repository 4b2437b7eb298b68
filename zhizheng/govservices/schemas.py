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


# --- applications -------------------------------------------------------------------------------------------------


class ApplicationIn(Schema):
    item: str = Field(description="The item's code, e.g. SFS-0018.")
    form: dict[str, Any] = Field(description="The filled form (see GET /services/items/{code}/form).")
    idempotency_key: str = Field(
        "", max_length=64, description="Makes retries safe; the Idempotency-Key header takes precedence."
    )


class ReasonIn(Schema):
    reason: str = Field(description="The legal reason, shown to the applicant.")


class SupplementIn(Schema):
    materials: str = Field(description="Everything missing, in one message (一次性告知).")


class ApplicationEventOut(Schema):
    action: str
    status_after: str
    at: str
    note: str
    ledger_index: int | None


class ApplicationOut(Schema):
    receipt_number: str
    item: str
    item_name: str
    department: str
    status: str
    status_label: str
    acting_for_uscc: str
    submitted_at: str | None
    deadline_on: str | None
    calendar_warnings: list[dict[str, Any]]
    supplement_request: str
    decision_reason: str
    certificate: str | None
    allowed_actions: list[str]


class ApplicationDetailOut(ApplicationOut):
    form: dict[str, Any]
    events: list[ApplicationEventOut]


class ApplicationListOut(Schema):
    count: int
    items: list[ApplicationOut]


# --- supervision, ratings, rectifications, visits, public figures -------------------------------------------------


class RatingIn(Schema):
    score: int = Field(..., description="1 (非常不满意) … 5 (非常满意)")
    reasons: list[str] = Field(default_factory=list, description="reason codes from /services/rating-reasons")
    comment: str = Field("", max_length=2000)


class RectificationOut(Schema):
    id: int
    receipt_number: str
    item: str
    department: str
    status: str
    status_label: str
    opened_at: str
    due_on: str
    overdue: bool
    answer: str
    answered_at: str | None
    score: int
    reasons: list[str]


class RectificationListOut(Schema):
    count: int
    items: list[RectificationOut]


class AnswerIn(Schema):
    answer: str = Field(..., max_length=4000)


class RatingOut(Schema):
    receipt_number: str
    score: int
    score_label: str
    reasons: list[str]
    comment: str
    rated_at: str
    ledger_index: int | None
    rectification: RectificationOut | None


class ReasonOut(Schema):
    code: str
    label: str
    kind: str = Field(..., description="praise (allowed with scores 3-5) or complaint (scores 1-3)")


class ReasonListOut(Schema):
    count: int
    items: list[ReasonOut]


class VisitIn(Schema):
    visited_at: str = Field(..., description="ISO 8601 date and time with its offset, e.g. 2026-10-09T09:30:00+08:00")
    place: str = Field(..., max_length=400)
    purpose: str
    note: str = Field("", max_length=2000)


class VisitOut(Schema):
    id: int
    visited_at: str
    place: str
    purpose: str
    purpose_label: str
    note: str
    ledger_index: int | None


class VisitListOut(Schema):
    count: int
    items: list[VisitOut]


class SupervisionRowOut(Schema):
    key: str
    name: str
    submitted: int
    open: int
    completed: int
    on_time: int
    on_time_rate: float | None
    overdue_open: int
    overdue_completed: int
    average_days: float | None = Field(..., description="calendar days from submission to decision")
    warnings: dict[str, int]
    rectifications_overdue: int


class WarnedApplicationOut(Schema):
    receipt_number: str
    item: str
    department: str
    status: str
    deadline_on: str | None
    warning_level: str


class SupervisionOut(Schema):
    today: str
    date_from: str | None
    date_to: str | None
    total: SupervisionRowOut
    departments: list[SupervisionRowOut]
    items: list[SupervisionRowOut]
    months: list[SupervisionRowOut]
    warned_open: list[WarnedApplicationOut]


class PublicRowOut(Schema):
    key: str
    name: str
    completed: int
    zero_visit: int
    zero_visit_rate: float | None
    at_most_one_visit: int
    at_most_one_visit_rate: float | None
    ratings: int
    average: float | None
    distribution: dict[str, int]
    bad: int
    bad_rate: float | None
    rectifications: int
    rectified: int
    rectified_rate: float | None


class PublicFiguresOut(Schema):
    group: str
    date_from: str | None
    date_to: str | None
    total: PublicRowOut
    count: int
    items: list[PublicRowOut]
