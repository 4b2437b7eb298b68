"""Reads of ``accounts``: one's own sessions and API tokens, and whether a staff member owes the second factor."""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from zhizheng.accounts.models import ApiToken, Notification, User, UserSession
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotFound


def session_public_id(session_key: str) -> str:
    """An identifier for a session that is safe to put in a page or URL (the key itself is a secret)."""
    return hashlib.sha256(session_key.encode()).hexdigest()[:24]


_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"OPR/(\d+)")),
    ("WeChat", re.compile(r"MicroMessenger/(\d+)")),
    ("Firefox", re.compile(r"Firefox/(\d+)")),
    ("Chromium", re.compile(r"Chromium/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+).*Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("HarmonyOS", re.compile(r"HarmonyOS|OpenHarmony")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("Linux", re.compile(r"Linux|X11")),
)


def describe_user_agent(user_agent: str) -> str:
    """``Chrome 131 · Windows`` from a User-Agent header; the raw text (shortened) when nothing is recognised."""
    browser = next((f"{name} {m.group(1)}" for name, rx in _BROWSERS if (m := rx.search(user_agent))), "")
    system = next((name for name, rx in _SYSTEMS if rx.search(user_agent)), "")
    described = " · ".join(part for part in (browser, system) if part)
    return described or user_agent[:60]


@dataclass(frozen=True, slots=True)
class SessionView:
    """One of the actor's sessions as the sessions page shows it."""

    public_id: str
    browser: str
    ip_address: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    is_current: bool


def session_list(*, actor: Actor, current_session_key: str | None) -> list[SessionView]:
    """The actor's own unexpired sessions, the current one first. Nobody sees anyone else's sessions here."""
    if actor.user_id is None:
        return []
    rows = UserSession.objects.filter(user_id=actor.user_id, expire_date__gt=timezone.now()).order_by("-last_seen_at")
    views = [
        SessionView(
            public_id=session_public_id(row.session_key),
            browser=describe_user_agent(row.user_agent),
            ip_address=row.ip_address,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
            expires_at=row.expire_date,
            is_current=row.session_key == current_session_key,
        )
        for row in rows
    ]
    return sorted(views, key=lambda view: not view.is_current)


def api_token_list(*, actor: Actor) -> QuerySet[ApiToken]:
    """API tokens the actor may see: their own; all for administrators and the system."""
    queryset = ApiToken.objects.select_related("owner").order_by("-created_at")
    if actor.is_system or actor.is_superuser:
        return queryset
    if actor.user_id is None:
        return queryset.none()
    return queryset.filter(owner_id=actor.user_id)


class SecondFactor(enum.Enum):
    """Where a signed-in person stands with the TOTP second factor."""

    SATISFIED = "satisfied"
    VERIFY = "verify"  # enrolled, but this session has not passed a code yet
    ENROL = "enrol"  # staff must enrol (ZHIZHENG_STAFF_REQUIRE_TOTP) and has no device yet


def is_staff_user(user: Any) -> bool:
    return getattr(user, "kind", "") == User.Kind.STAFF or bool(getattr(user, "is_staff", False))


def totp_device_confirmed(user: Any) -> TOTPDevice | None:
    """The user's confirmed TOTP device, if they enrolled."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def second_factor_state(user: Any) -> SecondFactor:
    """SATISFIED for everyone but staff who still owe a code: enrolled staff whose session is not OTP-verified
    (VERIFY), and unenrolled staff while ``ZHIZHENG_STAFF_REQUIRE_TOTP`` is on (ENROL). Cached on the user."""
    cached = getattr(user, "_zz_second_factor", None)
    if isinstance(cached, SecondFactor):
        return cached
    state = SecondFactor.SATISFIED
    if is_staff_user(user):
        is_verified = getattr(user, "is_verified", None)
        if not (callable(is_verified) and is_verified()):
            if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
                state = SecondFactor.VERIFY
            elif getattr(settings, "ZHIZHENG_STAFF_REQUIRE_TOTP", False):
                state = SecondFactor.ENROL
    user._zz_second_factor = state
    return state


# --- notifications ---------------------------------------------------------------------------------------------

NOTIFICATIONS_SCOPE = "accounts.notifications"
"""The API-token scope a program needs to read and mark its owner's notifications."""


class NotificationNotFound(NotFound):
    code = "accounts.notification_not_found"
    message = _("No such notification.")


def notification_list(*, actor: Actor) -> QuerySet[Notification]:
    """The actor's own notifications, newest first. Nobody, administrators included, reads another's inbox; an API
    client reads its owner's only with the ``accounts.notifications`` scope."""
    if actor.user_id is None or actor.kind not in (ActorKind.USER, ActorKind.API_CLIENT):
        return Notification.objects.none()
    if actor.kind is ActorKind.API_CLIENT and not actor.has_scope(NOTIFICATIONS_SCOPE):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=actor.user_id).order_by("-created_at", "-pk")


def notification_get(*, actor: Actor, notification_id: int) -> Notification:
    """One of the actor's notifications; anyone else's answers 404 exactly like a missing one."""
    notification = notification_list(actor=actor).filter(pk=notification_id).first()
    if notification is None:
        raise NotificationNotFound()
    return notification


def notification_unread_count(*, actor: Actor) -> int:
    """How many of the actor's notifications are unread (the badge in the navigation)."""
    return notification_list(actor=actor).filter(read_at__isnull=True).count()
