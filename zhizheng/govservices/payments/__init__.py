"""Payment providers (支付渠道): the interface a real payment platform plugs into (``base.PaymentProvider``) and the
sandbox that behaves like one for the demo. ``settings.GOVSERVICES_PAYMENT_PROVIDER`` names the class in use."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from zhizheng.govservices.payments.base import (
    NotificationEvent,
    PaymentProvider,
    ProviderNotification,
    ProviderOrder,
    ProviderState,
    ProviderStatus,
    SignatureInvalid,
)

__all__ = [
    "NotificationEvent",
    "PaymentProvider",
    "ProviderNotification",
    "ProviderOrder",
    "ProviderState",
    "ProviderStatus",
    "SignatureInvalid",
    "provider_get",
]


def provider_get() -> PaymentProvider:
    """An instance of the configured provider class."""
    cls = import_string(settings.GOVSERVICES_PAYMENT_PROVIDER)
    provider = cls()
    if not isinstance(provider, PaymentProvider):
        raise TypeError(f"{settings.GOVSERVICES_PAYMENT_PROVIDER} is not a PaymentProvider")
    return provider
