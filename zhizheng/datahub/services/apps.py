"""Third-party applications of the open-data portal (政府即平台): registration by a signed-in person, a key of
their own (an ``accounts.ApiToken`` with the scope ``datahub.open``: shown once, hashed at rest), a rate limit per
minute, revocation, and calls counted per day and per resource for the owner's statistics.

Rate limits count calls in the Django cache per minute (Redis in production through ``CACHE_URL``, so that every
web process shares the count); anonymous callers are limited per client address."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from zhizheng.accounts import services as accounts
from zhizheng.accounts.models import User
from zhizheng.core.actor import Actor
from zhizheng.core.errors import DomainError
from zhizheng.datahub.errors import AppAlreadyRevoked, AppInvalid, AppKeyInvalid, AppRateLimited
from zhizheng.datahub.models import AppUsage, OpenApp
from zhizheng.datahub.permissions import Perm, policy

APP_SCOPE = "datahub.open"
KEY_DAYS = 366
"""An app's key lasts a year (the longest ``accounts`` allows a person); the owner registers again to renew."""
DEFAULT_RATE = 120
ANONYMOUS_RATE_SETTING = "DATAHUB_ANONYMOUS_RATE_LIMIT"
ANONYMOUS_RATE = 60


@transaction.atomic
def app_register(*, actor: Actor, name: str, description: str = "", url: str = "") -> tuple[OpenApp, str]:
    """Register an application of the signed-in actor and return it with its key, which is never shown again."""
    policy.require(actor, Perm.REGISTER_APP)
    errors: dict[str, list[str | Promise]] = {}
    name = (name or "").strip()
    url = (url or "").strip()
    if not 1 <= len(name) <= 100:
        errors["name"] = [_("Give the application a name of 1 to 100 characters.")]
    if len(description or "") > 2000:
        errors["description"] = [_("Describe the application in at most 2,000 characters.")]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except DjangoValidationError:
            errors["url"] = [_("Give the website as a full http(s) address, or leave it empty.")]
    if errors:
        raise AppInvalid(field_errors=errors)
    assert actor.user_id is not None  # the policy admits signed-in people only
    owner = User.objects.get(pk=actor.user_id)
    token, key = accounts.api_token_create(
        actor=actor, owner=owner, name=f"open data: {name}"[:100], scopes=[APP_SCOPE], days=KEY_DAYS
    )
    app = OpenApp.objects.create(
        owner=owner, name=name, description=(description or "").strip(), url=url, token=token, rate_limit=DEFAULT_RATE
    )
    return app, key


@transaction.atomic
def app_revoke(*, actor: Actor, app: OpenApp) -> OpenApp:
    """Revoke an application and its key at once (its statistics stay)."""
    policy.require(actor, Perm.MANAGE_APP, app)
    locked = OpenApp.objects.select_for_update().select_related("token").get(pk=app.pk)
    if locked.revoked_at is not None:
        raise AppAlreadyRevoked()
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    accounts.api_token_revoke(actor=actor, token=locked.token)
    return locked


def app_authenticate(*, key: str) -> OpenApp:
    """The live application of a presented key; ``AppKeyInvalid`` for an unknown, expired or revoked one."""
    try:
        token = accounts.api_token_authenticate(plain=key.strip())
    except DomainError:
        raise AppKeyInvalid() from None
    app = OpenApp.objects.filter(token=token).select_related("owner").first()
    if app is None or app.revoked_at is not None or APP_SCOPE not in token.scopes:
        raise AppKeyInvalid()
    return app


def _throttle(who: str, limit: int) -> None:
    window = f"datahub:rate:{who}:{int(time.time() // 60)}"
    cache.add(window, 0, timeout=90)
    try:
        calls = cache.incr(window)
    except ValueError:  # expired between add and incr: this call opens the window
        cache.set(window, 1, timeout=90)
        calls = 1
    if calls > limit:
        raise AppRateLimited(params={"limit": limit})


def call_admit(*, app: OpenApp | None, client: str) -> None:
    """Count a call against the app's rate limit, or the client address's if anonymous; ``AppRateLimited`` over it."""
    if app is not None:
        _throttle(f"app:{app.pk}", app.rate_limit)
    else:
        _throttle(f"ip:{client}", int(getattr(settings, ANONYMOUS_RATE_SETTING, ANONYMOUS_RATE)))


def usage_record(*, app: OpenApp, resource_code: str = "") -> None:
    """Add one call of ``app`` today (local date) on ``resource_code`` ("" for calls about no single resource)."""
    today = timezone.localdate()
    rows = AppUsage.objects.filter(app=app, used_on=today, resource_code=resource_code[:32])
    if rows.update(calls=F("calls") + 1):
        return
    try:
        with transaction.atomic():
            AppUsage.objects.create(app=app, used_on=today, resource_code=resource_code[:32], calls=1)
    except IntegrityError:  # another process created today's row first
        rows.update(calls=F("calls") + 1)
