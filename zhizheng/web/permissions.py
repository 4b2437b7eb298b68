"""Who may open which face. Pages check these to answer 403; services keep their own checks."""

from __future__ import annotations

from zhizheng.core.actor import Actor

STAFF_KIND = "staff"
"""``User.kind`` of civil servants (see ``zhizheng.accounts.models.User.Kind``)."""

LEADER_ROLE = "leader"
"""The department role that opens the cockpit."""


def can_use_workbench(actor: Actor) -> bool:
    """Civil servants (and administrators) use the workbench."""
    return actor.is_authenticated and (actor.user_kind == STAFF_KIND or actor.is_superuser)


def can_use_cockpit(actor: Actor) -> bool:
    """Leaders (the ``leader`` role in any department) and administrators use the cockpit."""
    return actor.is_authenticated and (actor.has_role(LEADER_ROLE) or actor.is_superuser)
