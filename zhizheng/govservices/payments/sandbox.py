"""The sandbox payment platform: a stand-in for a real one in the demo and in tests, behaving like one.

It keeps its own order book (``SandboxOrder``), shows the payer a pay/cancel page, refuses to take money for an
expired or closed order, and tells the platform what happened with a callback whose raw JSON body is signed with
HMAC-SHA256 (``Sandbox-Signature: t=<unix time>,v1=<hex>`` over ``"<t>." + body``), like Stripe's or WeChat Pay's
signed notifications. A callback older than ``SIGNATURE_TOLERANCE`` is refused (replays). The secret is
``settings.GOVSERVICES_PAYMENT_SANDBOX_SECRET`` (by default derived from ``SECRET_KEY``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from zhizheng.govservices.models import SandboxOrder
from zhizheng.govservices.payments.base import (
    NotificationEvent,
    PaymentProvider,
    ProviderNotification,
    ProviderOrder,
    ProviderState,
    ProviderStatus,
    SignatureInvalid,
)

SIGNATURE_HEADER = "Sandbox-Signature"
SIGNATURE_TOLERANCE = 300  # seconds


def sandbox_secret() -> bytes:
    configured = getattr(settings, "GOVSERVICES_PAYMENT_SANDBOX_SECRET", "")
    if configured:
        return str(configured).encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"govservices-payment-sandbox", hashlib.sha256).digest()


def sign(body: bytes, *, at: int | None = None, secret: bytes | None = None) -> str:
    """The signature header value for ``body`` (the sandbox signs; tests sign forged or stale bodies with it)."""
    moment = int(time.time()) if at is None else at
    mac = hmac.new(secret or sandbox_secret(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={mac}"


def _state(order: SandboxOrder, now: dt.datetime) -> str:
    if order.state == SandboxOrder.State.OPEN and order.expires_at <= now:
        return SandboxOrder.State.CLOSED
    return str(order.state)


class SandboxProvider(PaymentProvider):
    name = "sandbox"

    def order_create(
        self, *, order_number: str, amount_fen: int, description: str, expires_at: dt.datetime, return_url: str
    ) -> ProviderOrder:
        order = SandboxOrder.objects.create(
            reference=f"SBX{secrets.token_hex(12).upper()}",
            merchant_order=order_number,
            amount_fen=amount_fen,
            description=description[:200],
            return_url=return_url[:300],
            expires_at=expires_at,
        )
        return ProviderOrder(
            reference=order.reference, pay_url=reverse("govservices:sandbox_pay", args=[order.reference])
        )

    def order_query(self, *, order_number: str) -> ProviderStatus:
        order = SandboxOrder.objects.get(merchant_order=order_number)
        return ProviderStatus(
            state=ProviderState(_state(order, timezone.now())),
            reference=order.reference,
            amount_fen=order.amount_fen,
            paid_at=order.paid_at,
        )

    def order_close(self, *, order_number: str) -> None:
        SandboxOrder.objects.filter(merchant_order=order_number, state=SandboxOrder.State.OPEN).update(
            state=SandboxOrder.State.CLOSED
        )

    def notification_verify(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderNotification:
        header = headers.get(SIGNATURE_HEADER) or headers.get(SIGNATURE_HEADER.lower()) or ""
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        try:
            moment = int(parts.get("t", ""))
        except ValueError:
            raise SignatureInvalid() from None
        expected = sign(body, at=moment).split("v1=", 1)[1]
        if not hmac.compare_digest(expected, parts.get("v1", "")) or abs(time.time() - moment) > SIGNATURE_TOLERANCE:
            raise SignatureInvalid()
        try:
            data: dict[str, Any] = json.loads(body)
            return ProviderNotification(
                notification_id=str(data["id"]),
                event=NotificationEvent(data["event"]),
                order_number=str(data["order_number"]),
                reference=str(data["reference"]),
                amount_fen=int(data["amount_fen"]),
                occurred_at=dt.datetime.fromisoformat(data["occurred_at"]),
                raw=data,
            )
        except (KeyError, ValueError, TypeError):
            raise SignatureInvalid() from None  # signed but malformed: nothing in it can be used

    def refund(self, *, order_number: str, refund_number: str, amount_fen: int, reason: str) -> str:
        order = SandboxOrder.objects.select_for_update().get(merchant_order=order_number)
        if order.state != SandboxOrder.State.PAID or amount_fen != order.amount_fen:
            raise ValueError("the sandbox refunds paid orders in full only")
        order.state = SandboxOrder.State.REFUNDED
        order.save(update_fields=["state"])
        return f"SBXR{secrets.token_hex(10).upper()}"

    # --- the payer's side (the sandbox's own pay page) ---------------------------------------------------------

    def payer_act(self, *, reference: str, pay: bool) -> tuple[SandboxOrder, bytes, dict[str, str]] | None:
        """The payer pays (or cancels) on the sandbox page. Answers the order and the signed notification the
        sandbox sends the platform, or None when the order can no longer be paid or cancelled (expired, closed,
        already paid): a real platform would show the same refusal."""
        now = timezone.now()
        order = SandboxOrder.objects.select_for_update().filter(reference=reference).first()
        if order is None or _state(order, now) != SandboxOrder.State.OPEN:
            return None
        order.state = SandboxOrder.State.PAID if pay else SandboxOrder.State.CLOSED
        order.paid_at = now if pay else None
        order.save(update_fields=["state", "paid_at"])
        body = json.dumps(
            {
                "id": f"SBXN{secrets.token_hex(10).upper()}",
                "event": "paid" if pay else "closed",
                "order_number": order.merchant_order,
                "reference": order.reference,
                "amount_fen": order.amount_fen,
                "occurred_at": now.isoformat(),
            },
            separators=(",", ":"),
        ).encode()
        return order, body, {SIGNATURE_HEADER: sign(body)}

    def order_for(self, reference: str) -> SandboxOrder | None:
        order = SandboxOrder.objects.filter(reference=reference).first()
        if order is not None:
            order.state = _state(order, timezone.now())
        return order
