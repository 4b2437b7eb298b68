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
    certificate_consents: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Serials of the applicant's certificates given as materials (``certificate:<serial>``) that "
        "the applicant agrees the government attaches (免提交); each such material needs its serial here.",
    )


class ReasonIn(Schema):
    legal_basis: str = Field(description="One of the item's legal bases (GET /services/items/{code}: legal_basis).")
    reason: str = Field(description="How the legal basis applies to this application; shown to the applicant.")


class ReviewIn(Schema):
    opinion: str = Field(description="The department's review opinion (审查意见), 4-2000 characters.")


class TransferIn(Schema):
    department: str = Field(description="The receiving department's code, e.g. SCJGJ.")
    reason: str = Field(description="Why the receiving department is competent (转办理由).")


class FeeIn(Schema):
    amount_fen: int = Field(description="The fee in fen (1 yuan = 100 fen).")
    note: str = Field("", max_length=200, description="Which part of the fee standard applies.")


class PaymentIn(Schema):
    return_url: str = Field("", max_length=300, description="Where the payer returns after paying.")


class RefundIn(Schema):
    reason: str = Field(description="Why the fee is refunded.")


class StepOut(Schema):
    position: int
    name: str
    kind: str
    department: str
    department_name: str
    roles: list[str]
    status: str
    completed_at: str | None


class PaymentOut(Schema):
    order_number: str
    amount_fen: int
    status: str
    provider: str
    pay_url: str
    expires_at: str
    paid_at: str | None
    refunded_at: str | None


class AttachedCertificateOut(Schema):
    material_key: str
    material_name: str
    serial: str
    type_code: str
    type_name: str
    consented_at: str


class ItemReuseOut(Schema):
    code: str
    name: str
    materials: int = Field(description="Materials nobody had to submit: certificates attached instead.")
    applications: int


class ReuseStatisticsOut(Schema):
    count: int = Field(description="Items with at least one certificate attached instead of a material.")
    materials: int = Field(description="Materials nobody had to submit, over all items.")
    applications: int = Field(description="Applications with at least one certificate attached.")
    items: list[ItemReuseOut]


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
    allowed_actions: list[str] = Field(
        description="What the caller may do now: the applicant their own acts (submitted: resubmit, paid, "
        "withdrawn); staff exactly the acts the case page offers them at the current step."
    )
    handling_department: str
    fee_fen: int | None
    life_event_case: str | None


class ApplicationDetailOut(ApplicationOut):
    form: dict[str, Any]
    events: list[ApplicationEventOut]
    steps: list[StepOut]
    payments: list[PaymentOut]
    certificates_attached: list[AttachedCertificateOut]


class ApplicationListOut(Schema):
    count: int
    items: list[ApplicationOut]


class QueueItemOut(ApplicationOut):
    warning_level: str = Field(description="The highest supervision warning (yellow, red, statutory) or empty.")


class QueueOut(Schema):
    count: int = Field(description="Applications in the chosen tab under the filters.")
    items: list[QueueItemOut]
    tabs: dict[str, int] = Field(
        description="Every tab's count under the same filters: mine, department, warned, waiting, all."
    )


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


class NotificationAckOut(Schema):
    code: str


# --- life events ----------------------------------------------------------------------------------------------


class LifeEventCaseIn(Schema):
    event: str = Field(description="The life event's code, e.g. LE-02.")
    form: dict[str, Any] = Field(description="The combined form (GET /services/life-events/{code}/form).")
    idempotency_key: str = Field("", max_length=64, description="Makes retries safe.")
    certificate_consents: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="Serials of the applicant's certificates given as materials that the applicant agrees the "
        "government attaches (免提交), as for a single application.",
    )


class LifeEventItemOut(Schema):
    stage: int
    receipt_number: str
    item: str
    item_name: str
    department: str
    status: str
    status_label: str
    decision_reason: str


class LifeEventCaseOut(Schema):
    receipt_number: str
    event: str
    event_name: str
    status: str
    status_label: str
    current_stage: int
    submitted_at: str
    items: list[LifeEventItemOut]
    timeline: list[dict[str, Any]]


class LifeEventCaseListOut(Schema):
    count: int
    items: list[LifeEventCaseOut]


class LifeEventFormOut(Schema):
    event: str
    schema_: dict[str, Any] = Field(alias="schema")
    ui: dict[str, Any]
    prefill: dict[str, Any]
    items: dict[str, list[str]]


class MessageIn(Schema):
    text: str = Field(..., description="1 to 2000 characters")


class MessageOut(Schema):
    id: int
    side: str = Field(..., description="applicant or staff")
    author: str = Field(..., description="the applicant, or the department and the staff member's name")
    text: str
    created_at: str
    read_at: str | None = Field(None, description="when the other side first read it")
    ledger_index: int | None = Field(None, description="staff messages only: the ledger entry recording it")


class MessageListOut(Schema):
    count: int
    items: list[MessageOut]
