"""Fees and their payment (缴费): payment orders of applications, the provider notifications received (kept, so a
repeated notification changes nothing), and the sandbox provider's own order book (the demo stand-in for a
payment platform, which keeps its records apart from ours as a real one would)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhizheng.govservices.choices import PaymentStatus
from zhizheng.govservices.models.applications import Application


class Payment(models.Model):
    """One payment order for an application's fee (amounts in integer fen). At most one order per application is
    pending or paid at a time; an expired or cancelled one may be followed by a new order."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="payments"
    )
    order_number = models.CharField(_("order number"), max_length=32, unique=True)
    provider = models.CharField(_("payment provider"), max_length=32)
    provider_reference = models.CharField(_("provider's reference"), max_length=64, blank=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    description = models.CharField(_("description"), max_length=200)
    status = models.CharField(_("status"), max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    pay_url = models.CharField(_("payment page"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    refund_number = models.CharField(_("refund number"), max_length=32, blank=True)
    refund_reason = models.TextField(_("refund reason"), blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=models.Q(status__in=["pending", "paid"]),
                name="govservices_payment_one_open_per_application",
            ),
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="govservices_payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order_number} {self.amount_fen / 100:.2f} {self.get_status_display()}"

    @property
    def amount_yuan(self) -> str:
        """The amount in yuan with two decimals, for pages."""
        return f"{(self.amount_fen or 0) / 100:.2f}"


class PaymentNotification(models.Model):
    """A verified notification (callback) from a payment provider, kept by its id so a repeat is recognised and
    answered the same way without changing anything."""

    provider = models.CharField(_("payment provider"), max_length=32)
    notification_id = models.CharField(_("notification id"), max_length=64)
    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="notifications"
    )
    event = models.CharField(_("event"), max_length=32)
    body = models.JSONField(_("body"), default=dict)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "notification_id"], name="govservices_payment_notification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.notification_id}"


class SandboxOrder(models.Model):
    """The sandbox payment platform's own record of an order (its side of the ledger, not ours): what the payer
    sees on the sandbox pay page, and what ``order_query`` answers."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("payment order", "Open")
        PAID = "paid", pgettext_lazy("payment order", "Paid")
        CLOSED = "closed", pgettext_lazy("payment order", "Closed")
        REFUNDED = "refunded", pgettext_lazy("payment order", "Refunded")

    reference = models.CharField(_("sandbox reference"), max_length=40, unique=True)
    merchant_order = models.CharField(_("merchant order number"), max_length=32, unique=True)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))
    description = models.CharField(_("description"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    return_url = models.CharField(_("return address"), max_length=300, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox payment order")
        verbose_name_plural = _("sandbox payment orders")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.state}"

    @property
    def amount_yuan(self) -> str:
        """The amount in yuan with two decimals, for pages."""
        return f"{(self.amount_fen or 0) / 100:.2f}"
