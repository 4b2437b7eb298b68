"""``{% notification_unread_count as count %}``: the signed-in person's unread notifications, for the badge."""

from __future__ import annotations

from typing import Any

from django import template

from zhizheng.accounts.selectors import notification_unread_count as _unread_count
from zhizheng.core.actor import ANONYMOUS, actor_of

register = template.Library()


@register.simple_tag(takes_context=True)
def notification_unread_count(context: dict[str, Any]) -> int:
    request = context.get("request")
    actor = actor_of(request) if request is not None else ANONYMOUS
    if not actor.is_authenticated:
        return 0
    return _unread_count(actor=actor)
