"""Paying an application's fee through the configured payment provider, and refunds.

The applicant opens an order (``payment_create``) and pays on the provider's page; the provider's signed
notification (``payment_notification_handle``, the callback endpoint and the sandbox both call it) marks the
payment paid, completes the process's payment step and lets the application be decided. A notification is kept by
its id: the same one again changes nothing and gets the same answer. Orders expire
(``GOVSERVICES_PAYMENT_EXPIRY_MINUTES``); ``payments_expire`` (Celery beat) asks the provider about every overdue
order and closes the unpaid ones. Payments and refunds are acts in the ledger."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhizheng.core.actor import SYSTEM, Actor
from zhizheng.core.errors import Conflict, NotFound, PermissionDenied
from zhizheng.govservices import workflow
from zhizheng.govservices.choices import ApplicationAction, ApplicationStatus, PaymentStatus, StepStatus
from zhizheng.govservices.models import Application, Payment, PaymentNotification
from zhizheng.govservices.payments import NotificationEvent, ProviderNotification, ProviderState, provider_get
from zhizheng.govservices.permissions import HANDLER_ROLES, ApplicationPerm, application_policy
from zhizheng.govservices.services.applications import (
    A,
    ApplicationInvalidTransition,
    K,
    S,
    _check_reason,
    _lock,
    _record,
    _staff_act,
    transition_check,
)

P = PaymentStatus


class PaymentUnknown(NotFound):
    code = "govservices.payment.unknown"
    message = _("No payment order with this number exists.")


class PaymentAmountMismatch(Conflict):
    code = "govservices.payment.amount_mismatch"
    message = _("The amount paid does not match the order: the payment was not accepted.")


class PaymentNotRefundable(Conflict):
    code = "govservices.payment.not_refundable"
    message = _("Only a paid fee of a rejected or withdrawn application can be refunded.")


def _order_number(now: dt.datetime) -> str:
    return f"ZF{timezone.localdate(now):%Y%m%d}{secrets.token_hex(5).upper()}"


def _expiry(now: dt.datetime) -> dt.datetime:
    return now + dt.timedelta(minutes=int(getattr(settings, "GOVSERVICES_PAYMENT_EXPIRY_MINUTES", 30)))


@transaction.atomic
def payment_create(*, actor: Actor, application: Application, return_url: str = "") -> Payment:
    """The applicant's payment order for the assessed fee: the open one when it has not expired (a double click
    opens no second order), else a new one at the provider."""
    application_policy.require(actor, ApplicationPerm.VIEW, application)
    if actor.user_id is None or application.applicant_id != actor.user_id:
        raise NotFound()
    application = _lock(application)
    if application.status != S.AWAITING_PAYMENT or not application.fee_fen:
        raise ApplicationInvalidTransition(
            params={"status": ApplicationStatus(application.status).label, "action": ApplicationAction.PAID.label}
        )
    now = timezone.now()
    provider = provider_get()
    for open_payment in Payment.objects.select_for_update().filter(application=application, status=P.PENDING):
        if open_payment.expires_at > now:
            return open_payment
        _expire(open_payment, provider_name=provider.name)
    order_number = _order_number(now)
    expires_at = _expiry(now)
    description = f"{application.item.name} {application.receipt_number}"[:200]
    order = provider.order_create(
        order_number=order_number,
        amount_fen=application.fee_fen,
        description=description,
        expires_at=expires_at,
        return_url=return_url,
    )
    return Payment.objects.create(
        application=application,
        order_number=order_number,
        provider=provider.name,
        provider_reference=order.reference,
        amount_fen=application.fee_fen,
        description=description,
        expires_at=expires_at,
        pay_url=order.pay_url,
    )


def _expire(payment: Payment, *, provider_name: str) -> None:
    provider = provider_get()
    if provider.name == provider_name:
        status = provider.order_query(order_number=payment.order_number)
        if status.state == ProviderState.PAID:  # the money arrived although its notification did not
            _mark_paid(payment, reference=status.reference, amount_fen=status.amount_fen)
            return
        provider.order_close(order_number=payment.order_number)
    payment.status = P.EXPIRED
    payment.save(update_fields=["status"])


@transaction.atomic
def payments_expire(*, now: dt.datetime | None = None) -> int:
    """Close overdue unpaid orders (after asking the provider, whose word on money is final); returns how many
    expired. Run by Celery beat."""
    moment = now or timezone.now()
    count = 0
    provider = provider_get()
    for payment in Payment.objects.select_for_update().filter(status=P.PENDING, expires_at__lte=moment):
        _expire(payment, provider_name=provider.name)
        count += payment.status == P.EXPIRED
    return count


def _mark_paid(payment: Payment, *, reference: str, amount_fen: int) -> None:
    """Money for this order arrived: mark it paid and move the application on (or refund at once when the
    application no longer waits for it: withdrawn, rejected, or paid already through another order)."""
    if amount_fen != payment.amount_fen:
        raise PaymentAmountMismatch()
    application = _lock(payment.application)
    already_paid = Payment.objects.filter(application=application, status=P.PAID).exclude(pk=payment.pk).exists()
    payment.status = P.PAID
    payment.paid_at = timezone.now()
    payment.provider_reference = reference or payment.provider_reference
    if already_paid or application.status != S.AWAITING_PAYMENT:
        # The constraint allows one paid order per application; this one goes straight back.
        payment.status = P.REFUNDED
        payment.save(update_fields=["status", "paid_at", "provider_reference"])
        _refund(payment, application, actor=SYSTEM, reason=str(_("Paid when no payment was due: refunded.")))
        return
    payment.save(update_fields=["status", "paid_at", "provider_reference"])
    application.status = transition_check(application, A.PAID)
    application.save(update_fields=["status", "updated_at"])
    application.steps.filter(kind=K.PAYMENT, status__in=[StepStatus.WAITING, StepStatus.ACTIVE]).update(
        status=StepStatus.DONE, actor_ref=SYSTEM.ref, completed_at=timezone.now(), note=payment.order_number
    )
    workflow.steps_forget(application)
    workflow.steps_advance(application)
    _record(
        SYSTEM,
        application,
        A.PAID,
        note=f"{payment.amount_fen / 100:.2f}",
        extra={
            "order_number": payment.order_number,
            "amount_fen": payment.amount_fen,
            "provider": payment.provider,
            "provider_reference": payment.provider_reference,
        },
    )


@transaction.atomic
def payment_notification_handle(*, provider_name: str, body: bytes, headers: Mapping[str, str]) -> PaymentNotification:
    """A provider's callback: verified first (400 when the signature is wrong or stale), then applied once. A
    repeated notification (same id) returns the stored one and changes nothing."""
    provider = provider_get()
    if provider.name != provider_name:
        raise PaymentUnknown()
    notice: ProviderNotification = provider.notification_verify(body=body, headers=headers)
    seen = PaymentNotification.objects.filter(provider=provider.name, notification_id=notice.notification_id).first()
    if seen is not None:
        return seen
    payment = (
        Payment.objects.select_for_update()
        .select_related("application__item")
        .filter(order_number=notice.order_number, provider=provider.name)
        .first()
    )
    if payment is None:
        raise PaymentUnknown()
    if notice.event == NotificationEvent.PAID and payment.status != P.PAID:
        if payment.status == P.REFUNDED:
            pass  # a late repeat under a new id for money already returned
        else:
            _mark_paid(payment, reference=notice.reference, amount_fen=notice.amount_fen)
    elif notice.event == NotificationEvent.CLOSED and payment.status == P.PENDING:
        payment.status = P.CANCELLED
        payment.save(update_fields=["status"])
    try:
        with transaction.atomic():
            return PaymentNotification.objects.create(
                provider=provider.name,
                notification_id=notice.notification_id,
                payment=payment,
                event=notice.event,
                body=dict(notice.raw),
            )
    except IntegrityError:  # the same notification handled concurrently: that one stands
        return PaymentNotification.objects.get(provider=provider.name, notification_id=notice.notification_id)


def _refund(payment: Payment, application: Application, *, actor: Actor, reason: str) -> None:
    refund_number = f"TK{payment.order_number[2:]}"
    provider_get().refund(
        order_number=payment.order_number, refund_number=refund_number, amount_fen=payment.amount_fen, reason=reason
    )
    payment.status = P.REFUNDED
    payment.refund_number = refund_number
    payment.refund_reason = reason
    payment.refunded_at = timezone.now()
    payment.save(update_fields=["status", "refund_number", "refund_reason", "refunded_at"])
    _record(
        actor,
        application,
        A.REFUNDED,
        note=reason,
        extra={"order_number": payment.order_number, "refund_number": refund_number, "amount_fen": payment.amount_fen},
    )


@transaction.atomic
def payment_refund(*, actor: Actor, payment: Payment, reason: str) -> Payment:
    """The handling department refunds the paid fee of a rejected or withdrawn application, with a reason."""
    text = _check_reason(reason, "reason")
    application, _target = _staff_act(actor, payment.application, A.REFUNDED)
    handling = application.handling_department.code
    if not actor.is_superuser and not any(actor.has_role(role, handling) for role in HANDLER_ROLES):
        raise PermissionDenied()
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if locked.status != P.PAID:
        raise PaymentNotRefundable()
    _refund(locked, application, actor=actor, reason=text)
    return locked


def payment_for(*, application: Application, order_number: str) -> Payment:
    found = Payment.objects.filter(application=application, order_number=order_number).first()
    if found is None:
        raise PaymentUnknown()
    return found
