"""Reads about divisions, departments and staff roles."""

from __future__ import annotations

from typing import Any

from zhizheng.core.actor import Actor, ActorKind


def actor_for_user(user: Any) -> Actor:
    """Build the ``Actor`` for a signed-in user, with their department roles."""
    return Actor(
        kind=ActorKind.USER,
        user_id=user.pk,
        display=str(user),
        user_kind=getattr(user, "kind", ""),
        roles=frozenset(),
        is_superuser=bool(user.is_superuser),
        real_name_level=int(getattr(user, "real_name_level", 0)),
    )
