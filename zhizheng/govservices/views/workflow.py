"""Pages for paying a fee (the applicant's pay button, the sandbox provider's pay/cancel page), refunds, and life
events (一件事): the combined form and the combined case with one timeline. Thin: every change goes through a
service function."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from zhizheng.core.actor import actor_of
from zhizheng.core.errors import DomainError, NotFound, ValidationFailed
from zhizheng.govservices.application_forms import data_from_post, fields_for
from zhizheng.govservices.life_event_forms import combined_form
from zhizheng.govservices.payments import provider_get
from zhizheng.govservices.payments.sandbox import SandboxProvider
from zhizheng.govservices.selectors import applications as application_selectors
from zhizheng.govservices.selectors import catalogue as selectors
from zhizheng.govservices.services import life_events as life_event_services
from zhizheng.govservices.services import payments as payment_services
from zhizheng.govservices.views.applications import _case_context, _consents, _errors, _held, _visible


@login_required
@require_POST
def pay(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The applicant's pay button: open (or reuse) the payment order and go to the provider's page."""
    found = _visible(request, receipt_number)
    return_url = request.build_absolute_uri(reverse("govservices:application", args=[receipt_number]))
    try:
        payment = payment_services.payment_create(actor=actor_of(request), application=found, return_url=return_url)
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        context = _case_context(found, actor=actor_of(request), message=exc.detail)
        return render(request, "govservices/application.html", context, status=exc.status)
    return redirect(payment.pay_url)


@login_required
@require_POST
def refund(request: HttpRequest, receipt_number: str, order_number: str) -> HttpResponse:
    """Staff: refund the paid fee of a rejected or withdrawn application."""
    found = _visible(request, receipt_number)
    try:
        payment = payment_services.payment_for(application=found, order_number=order_number)
        payment_services.payment_refund(actor=actor_of(request), payment=payment, reason=request.POST.get("reason", ""))
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        context = _case_context(found, actor=actor_of(request), message=exc.detail, errors=_errors(exc))
        return render(request, "govservices/case.html", context, status=exc.status)
    return redirect("govservices:case", receipt_number=receipt_number)


def _sandbox() -> SandboxProvider:
    provider = provider_get()
    if not isinstance(provider, SandboxProvider):  # a real provider serves its own pages
        raise Http404
    return provider


@require_http_methods(["GET", "POST"])
def sandbox_pay(request: HttpRequest, reference: str) -> HttpResponse:
    """The sandbox payment platform's page: the order, and pay / cancel. Paying sends the platform the same
    signed notification the callback endpoint receives, then returns the payer to the application."""
    provider = _sandbox()
    order = provider.order_for(reference)
    if order is None:
        raise Http404
    message = ""
    if request.method == "POST":
        outcome = provider.payer_act(reference=reference, pay=request.POST.get("action") == "pay")
        if outcome is None:
            order = provider.order_for(reference)
            message = "closed"
        else:
            order, body, headers = outcome
            payment_services.payment_notification_handle(provider_name=provider.name, body=body, headers=headers)
            if order.return_url:
                return redirect(order.return_url)
    return render(request, "govservices/sandbox_pay.html", {"order": order, "message": message})


@login_required
@require_http_methods(["GET", "POST"])
def life_event_apply(request: HttpRequest, code: str) -> HttpResponse:
    """One form for every item of the life event (一表申请), pre-filled from the account; one submission."""
    actor = actor_of(request)
    try:
        event = selectors.life_event_for_code(actor=actor, code=code)
    except NotFound:
        raise Http404 from None
    form = combined_form(event)
    definition = form.definition
    values: dict[str, Any] = selectors.form_prefill(actor=actor, ui=definition.ui)
    errors: dict[str, list[str]] = {}
    message = ""
    status = 200
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    consented: set[str] = set()
    if request.method == "POST":
        try:
            values = data_from_post(definition, request.POST, request.FILES)
            consented, serials = _consents(request.POST, values)
            case = life_event_services.life_event_case_submit(
                actor=actor, event=event, form_data=values, idempotency_key=key, certificate_consents=serials
            )
            return redirect("govservices:life_event_case", receipt_number=case.receipt_number)
        except ValidationFailed as exc:
            errors, message, status = _errors(exc), exc.detail, 422
        except DomainError as exc:
            message, status = exc.detail, exc.status
    context = {
        "event": event,
        "items": form.items,
        "fields": fields_for(definition, values, errors, _held(actor, definition), consented=consented),
        "message": message,
        "idempotency_key": key,
    }
    return render(request, "govservices/life_event_apply.html", context, status=status)


@login_required
def life_event_case(request: HttpRequest, receipt_number: str) -> HttpResponse:
    """The applicant's combined case: every item with its department and status, and one timeline."""
    try:
        case = application_selectors.life_event_case_get(actor=actor_of(request), receipt_number=receipt_number)
    except NotFound:
        raise Http404 from None
    context = {
        "case": case,
        "items": life_event_services.case_items(case),
        "timeline": application_selectors.life_event_case_timelines(cases=[case])[case.pk],
    }
    return render(request, "govservices/life_event_case.html", context)
