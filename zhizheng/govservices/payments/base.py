"""The payment-provider interface. A provider (a bank's or a non-tax payment platform's gateway) is adapted by one
class implementing these five operations; the platform never talks to a provider any other way.

What must hold for every provider:
* amounts are integer fen; the platform's order number is the merchant order number at the provider;
* ``notification_verify`` authenticates the raw callback (signature, freshness) before anything in it is trusted,
  and raises ``SignatureInvalid`` otherwise; it answers the provider's notification id, which the platform keeps to
  make repeated notifications change nothing;
* ``order_query`` is authoritative (used when a notification was lost, and before an order is expired);
* refunds are whole-order refunds of paid orders."""

from __future__ import annotations

import datetime as dt
import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _

from zhizheng.core.errors import BadRequest


class ProviderState(enum.StrEnum):
    OPEN = "open"
    PAID = "paid"
    CLOSED = "closed"
    REFUNDED = "refunded"


class NotificationEvent(enum.StrEnum):
    PAID = "paid"
    CLOSED = "closed"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class ProviderOrder:
    reference: str
    pay_url: str


@dataclass(frozen=True)
class ProviderStatus:
    state: ProviderState
    reference: str
    amount_fen: int
    paid_at: dt.datetime | None = None


@dataclass(frozen=True)
class ProviderNotification:
    notification_id: str
    event: NotificationEvent
    order_number: str
    reference: str
    amount_fen: int
    occurred_at: dt.datetime
    raw: Mapping[str, Any] = field(default_factory=dict)


class SignatureInvalid(BadRequest):
    code = "govservices.payment.signature_invalid"
    message = _("The payment notification's signature is missing, wrong or too old.")


class PaymentProvider(ABC):
    """One payment platform. Subclasses set ``name`` (stored with each payment) and implement the operations."""

    name: ClassVar[str]
    acknowledgement: ClassVar[dict[str, str]] = {"code": "SUCCESS"}
    """What the callback endpoint answers once a notification is handled (or recognised as a repeat)."""

    @abstractmethod
    def order_create(
        self, *, order_number: str, amount_fen: int, description: str, expires_at: dt.datetime, return_url: str
    ) -> ProviderOrder:
        """Open an order; answer the provider's reference and the page where the payer pays."""

    @abstractmethod
    def order_query(self, *, order_number: str) -> ProviderStatus:
        """The provider's view of the order (authoritative)."""

    @abstractmethod
    def order_close(self, *, order_number: str) -> None:
        """Close an unpaid order so it can no longer be paid (on expiry or cancellation)."""

    @abstractmethod
    def notification_verify(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderNotification:
        """Authenticate and parse a callback; raise ``SignatureInvalid`` when it cannot be trusted."""

    @abstractmethod
    def refund(self, *, order_number: str, refund_number: str, amount_fen: int, reason: str) -> str:
        """Refund a paid order in full; answer the provider's refund reference."""
