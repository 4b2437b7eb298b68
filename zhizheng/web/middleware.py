"""Attach ``request.actor``: the explicit actor that views pass into services."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from zhizheng.core.actor import ANONYMOUS, Actor


def _actor_for(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    from zhizheng.orgs.selectors import actor_for_user

    return actor_for_user(user)


class ActorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: _actor_for(request))  # type: ignore[attr-defined]
        return self.get_response(request)
