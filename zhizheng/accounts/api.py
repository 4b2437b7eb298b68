"""API authentication (browser session or bearer token, both giving an ``Actor``), ``/api/v1/me`` and one's own
notifications under ``/api/v1/me/notifications``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.security import APIKeyCookie, HttpBearer

from zhizheng.accounts.models import Notification, User
from zhizheng.accounts.selectors import SecondFactor, notification_list, second_factor_state
from zhizheng.accounts.services import api_token_authenticate, notification_mark_all_read, notification_mark_read
from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.errors import NotAuthenticated
from zhizheng.core.masking import mask_name


class SessionActorAuth(APIKeyCookie):
    """The browser's Django session, giving ``request.actor``. Unsafe methods must carry the CSRF token (checked
    only for signed-in sessions, so a program presenting a bearer token is not asked for one). Staff who still owe
    their TOTP code are not signed in for the API."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        key = self._get_key(request)  # raises 403 when the CSRF check fails
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        if second_factor_state(request.user) is not SecondFactor.SATISFIED:
            return None
        actor = getattr(request, "actor", None)
        return actor if actor is not None and actor.is_authenticated else None


def actor_for_token(token: Any) -> Actor:
    """The actor of an API client: acts for the token's owner, limited to the token's scopes."""
    owner = token.owner
    return Actor(
        kind=ActorKind.API_CLIENT,
        user_id=owner.pk,
        display=token.name,
        user_kind=owner.kind,
        client_id=token.pk,
        scopes=frozenset(token.scopes),
        real_name_level=int(owner.real_name_level),
    )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer zz_…``. A wrong, expired or revoked token answers 401 problem+json that says which."""

    def authenticate(self, request: HttpRequest, token: str) -> Actor:
        found = api_token_authenticate(plain=token.strip())
        actor = actor_for_token(found)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


API_AUTH = [SessionActorAuth(), TokenAuth()]
"""Authentication for API operations: a signed-in browser session first, then a bearer token."""


def request_actor(request: HttpRequest) -> Actor:
    """The authenticated actor of an API request (set by ``API_AUTH``)."""
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise NotAuthenticated()
    return actor


router = Router(tags=["accounts"], auth=API_AUTH)


class RoleOut(Schema):
    department: str
    role: str


class MeOut(Schema):
    kind: str
    user_kind: str
    display: str
    roles: list[RoleOut]
    scopes: list[str]
    real_name_level: int
    is_superuser: bool


@router.get("/me", response=MeOut, operation_id="accounts_me_get")
def me(request: HttpRequest) -> MeOut:
    """Who the request acts as: kind, a masked display name, department roles, scopes and real-name level."""
    actor = request_actor(request)
    display = actor.display
    if actor.kind is ActorKind.USER and actor.user_kind != User.Kind.STAFF:
        display = mask_name(display)
    return MeOut(
        kind=actor.kind.value,
        user_kind=actor.user_kind,
        display=display,
        roles=[RoleOut(department=d, role=r) for d, r in sorted(actor.roles)],
        scopes=sorted(actor.scopes),
        real_name_level=actor.real_name_level,
        is_superuser=actor.is_superuser,
    )


# --- notifications ---------------------------------------------------------------------------------------------

MAX_PAGE_SIZE = 100


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationList(Schema):
    count: int
    items: list[NotificationOut]


class NotificationPage(Schema):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0)
    unread: bool = False


class MarkedOut(Schema):
    marked: int


def _notification_out(notification: Notification) -> NotificationOut:
    return NotificationOut(
        id=notification.pk,
        kind=notification.kind,
        title=notification.title,
        body=notification.body,
        link=notification.link,
        created_at=notification.created_at,
        read_at=notification.read_at,
    )


@router.get("/me/notifications", response=NotificationList, operation_id="accounts_notification_list")
def notifications(request: HttpRequest, page: Query[NotificationPage]) -> NotificationList:
    """The caller's own notifications, newest first (``unread=true`` for unread ones only). An API token needs the
    ``accounts.notifications`` scope."""
    queryset = notification_list(actor=request_actor(request))
    if page.unread:
        queryset = queryset.filter(read_at__isnull=True)
    items = [_notification_out(n) for n in queryset[page.offset : page.offset + page.limit]]
    return NotificationList(count=queryset.count(), items=items)


@router.post(
    "/me/notifications/{notification_id}/read",
    response=NotificationOut,
    operation_id="accounts_notification_mark_read",
)
def notification_read(request: HttpRequest, notification_id: int) -> NotificationOut:
    """Mark one of the caller's notifications read (repeating it changes nothing); anyone else's answers 404."""
    notification = notification_mark_read(actor=request_actor(request), notification_id=notification_id)
    return _notification_out(notification)


@router.post("/me/notifications/read-all", response=MarkedOut, operation_id="accounts_notification_mark_all_read")
def notifications_read_all(request: HttpRequest) -> MarkedOut:
    """Mark all the caller's unread notifications read; answers how many changed."""
    return MarkedOut(marked=notification_mark_all_read(actor=request_actor(request)))
