"""Sending text messages: the provider interface and the demo provider.

A provider is any class with ``send(phone, text)`` that raises on failure; the setting ``ZHIZHENG_SMS_PROVIDER``
names it (dotted path) and it is built without arguments, reading its own settings. The default provider appends
each message as one JSON line to ``ZHIZHENG_SMS_LOG`` (under ``var/``), so a demo installation shows what would
have gone out; a real gateway (阿里云短信, 腾讯云短信, an operator's SMPP) plugs in behind the same interface.
"""

from __future__ import annotations

import fcntl
import json
from pathlib import Path
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


@runtime_checkable
class SmsProvider(Protocol):
    """Sends one text message; raises any exception when the message was not accepted."""

    def send(self, phone: str, text: str) -> None: ...


class LogFileSmsProvider:
    """Appends ``{"at", "phone", "text"}`` as one JSON line per message to ``ZHIZHENG_SMS_LOG`` (demo, tests).

    Lines are written under an exclusive lock so that several worker processes never interleave them."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path or settings.ZHIZHENG_SMS_LOG)

    def send(self, phone: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "phone": phone, "text": text}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                handle.write(line + "\n")
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def sms_provider() -> SmsProvider:
    """The configured provider (``ZHIZHENG_SMS_PROVIDER``)."""
    provider_class = import_string(settings.ZHIZHENG_SMS_PROVIDER)
    provider = provider_class()
    if not isinstance(provider, SmsProvider):
        raise TypeError(f"{settings.ZHIZHENG_SMS_PROVIDER} has no send(phone, text) method")
    return provider
