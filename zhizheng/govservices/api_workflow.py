"""The API of the application process (review, transfer, fee, payment, refund), the payment provider's callback and
life events (一件事) under /api/v1/services/. Thin: each operation calls one service function."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhizheng.accounts.api import API_AUTH, request_actor
from zhizheng.core.actor import actor_of
from zhizheng.govservices.api import _act, _page, payment_out, router
from zhizheng.govservices.form_schemas import ui_hints
from zhizheng.govservices.life_event_forms import combined_form
from zhizheng.govservices.models import LifeEventCase
from zhizheng.govservices.schemas import (
    ApplicationDetailOut,
    FeeIn,
    LifeEventCaseIn,
    LifeEventCaseListOut,
    LifeEventCaseOut,
    LifeEventFormOut,
    LifeEventItemOut,
    NotificationAckOut,
    PaymentIn,
    PaymentOut,
    RefundIn,
    ReviewIn,
    TransferIn,
)
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.services import life_events as life_event_services
from zhizheng.govservices.services import payments as payment_services
from zhizheng.govservices.services import workflow as workflow_services


@router.post(
    "/services/applications/{receipt_number}/review",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_review",
)
def application_review(request: HttpRequest, receipt_number: str, payload: ReviewIn) -> ApplicationDetailOut:
    """Staff of a department at an active review step: conclude that department's review (joint review: the
    process moves on when every department at the step is done). 403 for staff not at the step."""
    return _act(
        request,
        receipt_number,
        lambda actor, a: workflow_services.application_review(actor=actor, application=a, opinion=payload.opinion),
    )


@router.post(
    "/services/applications/{receipt_number}/transfer",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_transfer",
)
def application_transfer(request: HttpRequest, receipt_number: str, payload: TransferIn) -> ApplicationDetailOut:
    """Staff of the handling department: transfer (转办) to the competent department with a reason; it accepts anew
    and the promised deadline keeps running."""
    return _act(
        request,
        receipt_number,
        lambda actor, a: workflow_services.application_transfer(
            actor=actor, application=a, department=payload.department, reason=payload.reason
        ),
    )


@router.post(
    "/services/applications/{receipt_number}/fee",
    response=ApplicationDetailOut,
    auth=API_AUTH,
    operation_id="govservices_application_fee_assess",
)
def application_fee(request: HttpRequest, receipt_number: str, payload: FeeIn) -> ApplicationDetailOut:
    """Staff of the handling department: assess the fee (integer fen) of an item that charges one; the application
    then waits for payment."""
    return _act(
        request,
        receipt_number,
        lambda actor, a: workflow_services.application_fee_assess(
            actor=actor, application=a, amount_fen=payload.amount_fen, note=payload.note
        ),
    )


@router.post(
    "/services/applications/{receipt_number}/payments",
    response={201: PaymentOut},
    auth=API_AUTH,
    operation_id="govservices_payment_create",
)
def payment_create(request: HttpRequest, receipt_number: str, payload: PaymentIn) -> Status:
    """The applicant: a payment order for the assessed fee (the open one again while it has not expired). Pay at
    ``pay_url``; the provider's signed notification marks it paid."""
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    payment = payment_services.payment_create(actor=actor, application=application, return_url=payload.return_url)
    return Status(201, payment_out(payment))


@router.post(
    "/services/applications/{receipt_number}/payments/{order_number}/refund",
    response=PaymentOut,
    auth=API_AUTH,
    operation_id="govservices_payment_refund",
)
def payment_refund(request: HttpRequest, receipt_number: str, order_number: str, payload: RefundIn) -> PaymentOut:
    """Staff of the handling department: refund the paid fee of a rejected or withdrawn application."""
    actor = request_actor(request)
    application = application_selectors.application_get(actor=actor, receipt_number=receipt_number)
    payment = payment_services.payment_for(application=application, order_number=order_number)
    return payment_out(payment_services.payment_refund(actor=actor, payment=payment, reason=payload.reason))


@router.post(
    "/services/payments/notify/{provider}",
    response=NotificationAckOut,
    auth=None,
    operation_id="govservices_payment_notification_create",
)
def payment_notify(request: HttpRequest, provider: str) -> NotificationAckOut:
    """The payment provider's signed callback. 400 when the signature is wrong or stale, 404 for an unknown order,
    409 when the amount differs; a repeated notification is acknowledged again and changes nothing."""
    payment_services.payment_notification_handle(
        provider_name=provider, body=request.body, headers=dict(request.headers)
    )
    return NotificationAckOut(code="SUCCESS")


# --- life events --------------------------------------------------------------------------------------------------


def case_out(case: LifeEventCase, timeline: list[dict[str, Any]] | None = None) -> LifeEventCaseOut:
    if timeline is None:
        timeline = application_selectors.life_event_case_timelines(cases=[case])[case.pk]
    return LifeEventCaseOut(
        receipt_number=case.receipt_number,
        event=case.event.code,
        event_name=case.event.name,
        status=case.status,
        status_label=str(case.get_status_display()),
        current_stage=case.current_stage,
        submitted_at=case.submitted_at.isoformat(),
        items=[LifeEventItemOut(**row) for row in life_event_services.case_items(case)],
        timeline=timeline,
    )


@router.get(
    "/services/life-events/{code}/form",
    response=LifeEventFormOut,
    auth=None,
    operation_id="govservices_life_event_form_get",
)
def life_event_form(request: HttpRequest, code: str) -> dict[str, Any]:
    """The combined form (一表申请) of a life event: every item's fields, each asked once; ``items`` maps each item
    to the combined material keys it uses."""
    actor = actor_of(request)
    form = combined_form(selectors.life_event_for_code(actor=actor, code=code))
    return {
        "event": code,
        "schema": form.definition.schema,
        "ui": ui_hints(form.definition),
        "prefill": selectors.form_prefill(actor=actor, ui=form.definition.ui),
        "items": {item: sorted(set(keys.values())) for item, keys in form.material_keys.items()},
    }


@router.post(
    "/services/life-event-cases",
    response={201: LifeEventCaseOut},
    auth=API_AUTH,
    operation_id="govservices_life_event_case_submit",
)
def life_event_case_submit(request: HttpRequest, payload: LifeEventCaseIn) -> Status:
    """Submit the combined form: one receipt number; the first stage's items start in their departments. 422 with
    every problem at once (fields named as in the combined form)."""
    actor = request_actor(request)
    event = selectors.life_event_for_code(actor=actor, code=payload.event)
    key = request.headers.get("Idempotency-Key") or payload.idempotency_key
    case = life_event_services.life_event_case_submit(
        actor=actor,
        event=event,
        form_data=payload.form,
        idempotency_key=key,
        certificate_consents=payload.certificate_consents,
    )
    return Status(
        201, case_out(application_selectors.life_event_case_get(actor=actor, receipt_number=case.receipt_number))
    )


@router.get(
    "/services/life-event-cases",
    response=LifeEventCaseListOut,
    auth=API_AUTH,
    operation_id="govservices_life_event_case_list",
)
def life_event_case_list(request: HttpRequest, limit: int = 20, offset: int = 0) -> LifeEventCaseListOut:
    """The caller's own life-event applications, newest first, each with its items and one timeline."""
    _page(limit, offset)
    queryset = application_selectors.life_event_cases_mine(actor=request_actor(request))
    cases = list(queryset[offset : offset + limit])
    timelines = application_selectors.life_event_case_timelines(cases=cases)
    return LifeEventCaseListOut(count=queryset.count(), items=[case_out(c, timelines[c.pk]) for c in cases])


@router.get(
    "/services/life-event-cases/{receipt_number}",
    response=LifeEventCaseOut,
    auth=API_AUTH,
    operation_id="govservices_life_event_case_get",
)
def life_event_case_get(request: HttpRequest, receipt_number: str) -> LifeEventCaseOut:
    """One of the caller's life-event applications: its items with their status and one timeline over all."""
    return case_out(
        application_selectors.life_event_case_get(actor=request_actor(request), receipt_number=receipt_number)
    )
