"""``actor_of``: the one reader of the actor that ``ActorMiddleware`` sets on a request."""

from __future__ import annotations

from django.test import RequestFactory
from django.utils.functional import SimpleLazyObject

from zhizheng.core.actor import ANONYMOUS, SYSTEM, Actor, ActorKind, actor_of


def test_actor_of_returns_the_actor_the_middleware_set() -> None:
    request = RequestFactory().get("/")
    actor = Actor(kind=ActorKind.USER, user_id=7, display="x")
    request.actor = actor  # type: ignore[attr-defined]

    assert actor_of(request) is actor


def test_actor_of_resolves_the_middlewares_lazy_actor() -> None:
    request = RequestFactory().get("/")
    request.actor = SimpleLazyObject(lambda: SYSTEM)  # type: ignore[attr-defined]

    assert actor_of(request).ref == "system"
    assert actor_of(request).is_system is True


def test_actor_of_a_request_outside_the_middleware_is_anonymous() -> None:
    request = RequestFactory().get("/")

    assert actor_of(request) is ANONYMOUS


def test_actor_of_ignores_something_that_is_not_an_actor() -> None:
    request = RequestFactory().get("/")
    request.actor = "user:1"  # type: ignore[attr-defined]

    assert actor_of(request) is ANONYMOUS
