"""Who may change accounts: real-name levels, API tokens and one's own second factor and sessions."""

from __future__ import annotations

import enum
from typing import Any

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, deny, has_role

WINDOW_OFFICER_ROLE = "window_officer"
"""The ``orgs`` role of service-hall window officers, who check identity documents in person (level L3)."""


class Perm(enum.StrEnum):
    RAISE_REAL_NAME_LEVEL = "accounts.user.raise_real_name_level"
    VERIFY_IN_PERSON = "accounts.user.verify_in_person"
    CREATE_STAFF = "accounts.user.create_staff"
    MANAGE_API_TOKEN = "accounts.api_token.manage"  # noqa: S105 - a permission name
    MANAGE_OWN_SECURITY = "accounts.security.manage_own"


def _is_owner(actor: Actor, obj: Any) -> bool:
    """The signed-in person the object belongs to (a ``User`` itself, or anything with ``owner_id``/``user_id``)."""
    if actor.kind is not ActorKind.USER or actor.user_id is None or obj is None:
        return False
    owner_id = getattr(obj, "owner_id", None)
    if owner_id is None:
        owner_id = getattr(obj, "user_id", None) if not hasattr(obj, "username") else obj.pk
    return bool(owner_id == actor.user_id)


class AccountsPolicy(Policy[Perm]):
    """Real-name levels rise only through the system's verification services (or a superuser); staff accounts are
    created by superusers; people manage their own tokens, second factor and sessions."""

    permission_enum = Perm
    rules = {
        Perm.RAISE_REAL_NAME_LEVEL: deny,
        Perm.VERIFY_IN_PERSON: has_role(WINDOW_OFFICER_ROLE),
        Perm.CREATE_STAFF: deny,
        Perm.MANAGE_API_TOKEN: _is_owner,
        Perm.MANAGE_OWN_SECURITY: _is_owner,
    }


policy = AccountsPolicy()
