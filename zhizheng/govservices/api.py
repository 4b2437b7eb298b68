"""The catalogue and search API under /api/v1/services/: public reads (published items only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import Body, Router, Status

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.core.actor import Actor, actor_of
from zhizheng.core.errors import ValidationFailed
from zhizheng.govservices.choices import Audience
from zhizheng.govservices.form_schemas import form_definition, form_validate, ui_hints
from zhizheng.govservices.models import Application, Payment, ServiceItem
from zhizheng.govservices.schemas import (
    ApplicationDetailOut,
    ApplicationEventOut,
    ApplicationIn,
    ApplicationListOut,
    ApplicationOut,
    AttachedCertificateOut,
    FeeOut,
    FormDefinitionOut,
    FormValidOut,
    HallOut,
    ItemDetailOut,
    ItemListOut,
    ItemReuseOut,
    ItemSummaryOut,
    MaterialOut,
    PaymentOut,
    QueueItemOut,
    QueueOut,
    ReasonIn,
    ResultOut,
    ReuseStatisticsOut,
    SearchHitOut,
    SearchOut,
    StepOut,
    SuggestionOut,
    SuggestOut,
    SupplementIn,
)
from zhizheng.govservices.search.errors import MAX_SUGGEST_LIMIT, InvalidSearchLimit, check_limit
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.selectors import queue as queue_selectors
from zhizheng.govservices.services import actions as application_actions
from zhizheng.govservices.services import applications, material_reuse

router = Router(tags=["services"])

MAX_PAGE_SIZE = 100
AUDIENCES = {"individual": Audience.INDIVIDUAL.value, "legal_person": Audience.LEGAL_PERSON.value}


class InvalidListParameter(ValidationFailed):
    code = "govservices.invalid_list_parameter"
    message = _("A list parameter is invalid: correct the fields named.")


def _limit(raw: str | None, *, default: int, maximum: int) -> int:
    """Parse ``limit`` ourselves so that a non-number gets the search's own error code, not a generic one."""
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidSearchLimit(
            params={"max": maximum},
            field_errors={"limit": [_("The number of results must be a whole number.")]},
        ) from None
    return check_limit(value, maximum=maximum)


def _page(limit: int, offset: int, problems: dict[str, list[str | Promise]] | None = None) -> None:
    """Raise ``InvalidListParameter`` naming every bad list parameter: ``limit``/``offset`` and any ``problems``
    the caller already found."""
    problems = dict(problems or {})
    if not 1 <= limit <= MAX_PAGE_SIZE:
        problems["limit"] = [_("Ask for between 1 and 100 items.")]
    if offset < 0:
        problems["offset"] = [_("The offset cannot be negative.")]
    if problems:
        raise InvalidListParameter(field_errors=problems)


@router.get("/services/search", response=SearchOut, auth=None, operation_id="govservices_search_list")
def search(request: HttpRequest, q: str = "", limit: str | None = None) -> SearchOut:
    """Service items and life events for what a person typed, best first.

    Life events ("一件事") appear among the items with their ``LE-nn`` code, ``kind`` = ``life_event`` and an empty
    ``department``. Errors: ``govservices.invalid_query`` (``q`` blank or over 100 characters) and
    ``govservices.invalid_search_limit`` (``limit`` not 1…50), both 422 problem+json."""
    hits = selectors.service_search(actor=actor_of(request), query=q, limit=_limit(limit, default=10, maximum=50))
    return SearchOut(
        count=len(hits),
        items=[
            SearchHitOut(
                code=h.code,
                name=h.name,
                department=h.department,
                score=h.score,
                kind=h.kind,
                department_name=h.department_name,
            )
            for h in hits
        ],
    )


@router.get("/services/suggest", response=SuggestOut, auth=None, operation_id="govservices_suggest_list")
def suggest(request: HttpRequest, q: str = "", limit: str | None = None) -> SuggestOut:
    """Type-ahead: names completing what has been typed (full pinyin and initials work: "gjj"). Nothing typed
    yet answers an empty list; ``limit`` is 1…20 (default 8)."""
    found = selectors.service_suggest(
        actor=actor_of(request), query=q, limit=_limit(limit, default=8, maximum=MAX_SUGGEST_LIMIT)
    )
    return SuggestOut(count=len(found), items=[SuggestionOut(text=s.text, code=s.code, kind=s.kind) for s in found])


def _summary(item: ServiceItem) -> dict[str, object]:
    return {
        "code": item.code,
        "name": item.name,
        "item_type": item.item_type,
        "department": item.department.code,
        "department_name": item.department.name,
        "audience": item.audience,
        "themes": sorted({t.name for t in item.themes.all()}),
        "processing_kind": item.processing_kind,
        "promised_days": item.promised_days,
        "statutory_days": item.statutory_days,
        "max_visits": item.max_visits,
        "online_level": item.online_level,
    }


@router.get("/services/items", response=ItemListOut, auth=None, operation_id="govservices_item_list")
def item_list(
    request: HttpRequest,
    theme: str | None = None,
    department: str | None = None,
    audience: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> ItemListOut:
    """Published items by code. Filters: ``theme`` (a theme name such as 社会保障), ``department`` (a code such as
    SCJGJ), ``audience`` (``individual`` or ``legal_person``). ``limit`` 1…100, ``offset`` ≥ 0."""
    problems: dict[str, list[str | Promise]] = {}
    if audience is not None and audience not in AUDIENCES:
        problems["audience"] = [_("Use individual or legal_person.")]
    _page(limit, offset, problems)
    queryset = selectors.items_list(
        actor=actor_of(request),
        theme_name=theme or None,
        department=department or None,
        audience=AUDIENCES.get(audience or ""),
    )
    count = queryset.count()
    items = [ItemSummaryOut(**_summary(i)) for i in queryset[offset : offset + limit]]  # type: ignore[arg-type]
    return ItemListOut(count=count, items=items)


@router.get("/services/items/{code}", response=ItemDetailOut, auth=None, operation_id="govservices_item_get")
def item_get(request: HttpRequest, code: str) -> ItemDetailOut:
    """One published item with everything its guide (办事指南) shows; an unknown or unpublished code is 404."""
    item = selectors.item_for_code(actor=actor_of(request), code=code)
    return ItemDetailOut(
        **_summary(item),  # type: ignore[arg-type]
        legal_basis=list(item.legal_basis),
        fee=FeeOut(charged=item.fee_charged, standard=item.fee_standard, basis=item.fee_basis),
        conditions=item.conditions,
        keywords=list(item.keywords),
        description=item.description,
        steps=list(item.steps),
        result=ResultOut(name=item.result_name, certificate_type=item.result_certificate_type),
        materials=[
            MaterialOut(
                name=m.name,
                form=m.form,
                required=m.required,
                source=m.source,
                certificate_type=m.certificate_type,
                note=m.note,
            )
            for m in item.materials.all()
        ],
        hall=HallOut(address=item.hall_address, hours=item.hall_hours),
        life_events=sorted({s.event.code for s in item.life_event_stages.all()}),
    )


@router.get(
    "/services/items/{code}/form",
    response=FormDefinitionOut,
    auth=None,
    by_alias=True,
    operation_id="govservices_form_get",
)
def form_get(request: HttpRequest, code: str) -> FormDefinitionOut:
    """The item's application form: a JSON Schema (draft 2020-12) and UI hints (order, widgets, labels in the
    request's language, where pre-filled values come from). ``version`` changes whenever the schema does.
    ``prefill`` holds what the platform already knows of the signed-in person (empty for anonymous callers)."""
    actor = actor_of(request)
    definition = form_definition(selectors.item_for_form(actor=actor, code=code))
    return FormDefinitionOut(
        item=definition.item_code,
        version=definition.version,
        schema=definition.schema,
        ui=ui_hints(definition),
        prefill=selectors.form_prefill(actor=actor, ui=definition.ui),
    )


@router.post(
    "/services/items/{code}/form/validate",
    response=FormValidOut,
    auth=None,
    operation_id="govservices_form_validate",
)
def form_check(request: HttpRequest, code: str, data: dict[str, Any] = Body(...)) -> FormValidOut:  # noqa: B008
    """Check filled-in form data against the item's form without storing anything: 200 when valid, else 422
    ``govservices.form_invalid`` listing every problem at once, each under its field (``person.id_number``,
    ``materials.m3``…), in Chinese (``errors``) and English (``errors_en``)."""
    definition = form_definition(selectors.item_for_form(actor=actor_of(request), code=code))
    form_validate(definition, data)
    return FormValidOut(valid=True, version=definition.version)


# --- applications -------------------------------------------------------------------------------------------------


def _application_out(application: Application, actor: Actor) -> dict[str, Any]:
    """An application as its list rows show it; ``allowed_actions`` is what ``actor`` may do to it now (the acts the
    case pages offer, ``actions.actions_for``)."""
    return {
        "receipt_number": application.receipt_number,
        "item": application.item.code,
        "item_name": application.item.name,
        "department": application.item.department.code,
        "handling_department": application.handling_department.code,
        "fee_fen": application.fee_fen,
        "life_event_case": application.life_event_case.receipt_number if application.life_event_case else None,
        "status": application.status,
        "status_label": str(application.get_status_display()),
        "acting_for_uscc": application.acting_for_uscc,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "deadline_on": application.deadline_on.isoformat() if application.deadline_on else None,
        "calendar_warnings": application.calendar_warnings,
        "supplement_request": application.supplement_request,
        "decision_reason": application.decision_reason,
        "certificate": application.certificate.serial if application.certificate else None,
        "allowed_actions": application_actions.actions_for(actor, application),
    }


def _application_detail(application: Application, actor: Actor) -> ApplicationDetailOut:
    events = [
        ApplicationEventOut(
            action=e.action,
            status_after=e.status_after,
            at=e.created_at.isoformat(),
            note=e.note,
            ledger_index=e.ledger_index,
        )
        for e in application_selectors.application_events(application=application)
    ]
    steps = [
        StepOut(
            position=s.position,
            name=s.name,
            kind=s.kind,
            department=s.department.code,
            department_name=s.department.name,
            roles=list(s.roles),
            status=s.status,
            completed_at=s.completed_at.isoformat() if s.completed_at else None,
        )
        for s in application_selectors.application_steps(application=application)
    ]
    payments = [payment_out(p) for p in application_selectors.application_payments(application=application)]
    attached = [
        AttachedCertificateOut(
            material_key=a.material_key,
            material_name=a.material_name,
            serial=a.certificate.serial,
            type_code=a.certificate.type.code,
            type_name=a.certificate.type.name,
            consented_at=a.consented_at.isoformat(),
        )
        for a in material_reuse.attachments_of(application=application)
    ]
    return ApplicationDetailOut(
        **_application_out(application, actor),
        form=application.form_data,
        events=events,
        steps=steps,
        payments=payments,
        certificates_attached=attached,
    )


def payment_out(payment: Payment) -> PaymentOut:
    return PaymentOut(
        order_number=payment.order_number,
        amount_fen=payment.amount_fen,
        status=payment.status,
        provider=payment.provider,
        pay_url=payment.pay_url,
        expires_at=payment.expires_at.isoformat(),
        paid_at=payment.paid_at.isoformat() if payment.paid_at else None,
        refunded_at=payment.refunded_at.isoformat() if payment.refunded_at else None,
    )


@router.post(
    "/services/applications",
    response={201: ApplicationDetailOut},
    auth=API_AUTH,
    operation_id="govservices_application_submit",
)
def application_submit(request: HttpRequest, payload: ApplicationIn) -> Status:
    """Submit an application. The form is checked against the item's form: every problem at once (422
    ``govservices.form_invalid`` with ``errors`` per dotted field). Send an ``Idempotency-Key`` header (or the
    ``idempotency_key`` field): repeating the request returns the same application, never a second one. A material
    may be ``certificate:<serial>``, one of the applicant's valid certificates of the type the material names, when
    its serial is in ``certificate_consents`` (免提交); otherwise 422 ``govservices.certificate_reuse_refused``."""
    actor = request_actor(request)
    item = selectors.item_for_form(actor=actor, code=payload.item)
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key
    application = applications.application_submit(
        actor=actor,
        item=item,
        form_data=payload.form,
        idempotency_key=key,
        certificate_consents=payload.certificate_consents,
    )
    return Status(201, _application_detail(application, actor))


@router.get(
    "/services/statistics/reuse",
    response=ReuseStatisticsOut,
    auth=None,
    operation_id="govservices_reuse_statistics_get",
)
def reuse_statistics(request: HttpRequest, limit: int = 20, offset: int = 0) -> ReuseStatisticsOut:
    """免提交 in figures: materials nobody had to submit because a certificate the government holds was attached
    instead, in total and per item (most first; ``limit`` 1…100, ``offset`` ≥ 0). Aggregates only, public."""
    _page(limit, offset)
    count, figures = material_reuse.reuse_statistics(limit=limit, offset=offset)
    return ReuseStatisticsOut(
        count=count,
        materials=figures.materials,
        applications=figures.applications,
        items=[
            ItemReuseOut(code=i.code, name=i.name, materials=i.materials, applications=i.applications)
            for i in figures.items
        ],
    )


@router.get(
    "/services/applications",
    response=ApplicationListOut,
    auth=API_AUTH,
    operation_id="govservices_application_list",
)
def application_list(request: HttpRequest, limit: int = 20, offset: int = 0) -> ApplicationListOut:
    """The caller's own applications, newest first (``limit`` 1…100, ``offset`` ≥ 0)."""
    _page(limit, offset)
    actor = request_actor(request)
    queryset = application_selectors.applications_mine(actor=actor)
    rows = [ApplicationOut(**_application_out(a, actor)) for a in queryset[offset : offset + limit]]
    return ApplicationListOut(count=queryset.count(), items=rows)


def _count_param(raw: str | None, name: str, default: int, problems: dict[str, list[str | Promise]]) -> int:
    """A whole-number list parameter; anything else is named in ``problems``."""
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        problems[name] = [_("Enter a whole number.")]
        return default


@router.get(
    "/services/queue",
    response=QueueOut,
    auth=API_AUTH,
    operation_id="govservices_application_queue",
)
def application_queue(
    request: HttpRequest,
    tab: str = "mine",
    item: str = "",
    status: str = "",
    warning: str = "",
    submitted_from: str = "",
    submitted_to: str = "",
    limit: str | None = None,
    offset: str | None = None,
) -> QueueOut:
    """Staff: the workbench queue (办件工作台) as the page shows it. ``tab``: ``mine`` (to act on by me, the
    default), ``department`` (handled by my departments), ``warned`` (warned or overdue), ``waiting`` (waiting for
    the applicant), ``all``. Filters, applied to the rows and to every tab's count: ``item`` (a code), ``status``,
    ``warning`` (yellow, red, statutory), ``submitted_from``/``submitted_to`` (YYYY-MM-DD, inclusive). ``limit``
    1…100 (default 25), ``offset`` ≥ 0. ``allowed_actions`` of each row is what the caller may do to it now.
    Errors: 403 for callers who are not staff; 422 ``govservices.invalid_list_parameter`` naming every bad
    parameter (``errors``, ``errors_en``)."""
    actor = request_actor(request)
    params = {
        "tab": tab,
        "item": item,
        "status": status,
        "warning": warning,
        "submitted_from": submitted_from,
        "submitted_to": submitted_to,
    }
    filters = queue_selectors.queue_filters_parse(params)
    problems: dict[str, list[str | Promise]] = {name: list(found) for name, found in filters.errors.items()}
    size = _count_param(limit, "limit", queue_selectors.PAGE_SIZE, problems)
    start = _count_param(offset, "offset", 0, problems)
    _page(size if "limit" not in problems else 1, start if "offset" not in problems else 0, problems)
    found = queue_selectors.application_workbench(
        actor=actor, filters=filters, page_size=size, offset=start, with_steps=True
    )
    return QueueOut(
        count=found.count,
        items=[QueueItemOut(**_application_out(a, actor), warning_level=a.warning_level) for a in found.rows],
        tabs=found.counts,
    )


@router.get(
    "/services/applications/{receipt_number}",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_get",
)
def application_get(request: HttpRequest, receipt_number: str) -> ApplicationDetailOut:
    """One application with its form and timeline: for its applicant and the item's department (else 404)."""
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    return _application_detail(application, actor)


def _act(
    request: HttpRequest, receipt_number: str, act: Callable[[Actor, Application], Application]
) -> ApplicationDetailOut:
    actor = request_actor(request)
    application = application_selectors.application_ref(
        actor=actor, receipt_number=receipt_number
    )  # the act re-reads it locked
    return _application_detail(act(actor, application), actor)


@router.post(
    "/services/applications/{receipt_number}/accept",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_accept",
)
def application_accept(request: HttpRequest, receipt_number: str) -> ApplicationDetailOut:
    """Staff of the item's department: accept (受理). 409 when the application is not submitted."""
    return _act(request, receipt_number, lambda actor, a: applications.application_accept(actor=actor, application=a))


@router.post(
    "/services/applications/{receipt_number}/supplement",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_supplement",
)
def application_supplement(request: HttpRequest, receipt_number: str, payload: SupplementIn) -> ApplicationDetailOut:
    """Staff: ask once for every missing material (一次性告知); the applicant then resubmits."""
    return _act(
        request,
        receipt_number,
        lambda actor, a: applications.application_request_supplement(
            actor=actor, application=a, materials=payload.materials
        ),
    )


@router.post(
    "/services/applications/{receipt_number}/approve",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_approve",
)
def application_approve(request: HttpRequest, receipt_number: str) -> ApplicationDetailOut:
    """Staff: approve an accepted application; a certificate result is issued and linked."""
    return _act(request, receipt_number, lambda actor, a: applications.application_approve(actor=actor, application=a))


@router.post(
    "/services/applications/{receipt_number}/reject",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_reject",
)
def application_reject(request: HttpRequest, receipt_number: str, payload: ReasonIn) -> ApplicationDetailOut:
    """Staff of the handling department at the current step: reject with the legal basis (one of the item's) and
    the reason (both required, 422 otherwise)."""
    return _act(
        request,
        receipt_number,
        lambda actor, a: applications.application_reject(
            actor=actor, application=a, reason=payload.reason, legal_basis=payload.legal_basis
        ),
    )


@router.post(
    "/services/applications/{receipt_number}/withdraw",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_withdraw",
)
def application_withdraw(request: HttpRequest, receipt_number: str) -> ApplicationDetailOut:
    """The applicant withdraws an application not yet decided."""
    return _act(request, receipt_number, lambda actor, a: applications.application_withdraw(actor=actor, application=a))


# The process, payment and life-event endpoints live in their own module on this router.
from zhizheng.govservices import api_messages, api_workflow  # noqa: E402, F401
