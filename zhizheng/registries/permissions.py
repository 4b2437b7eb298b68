"""Who may read the base registries, and when personal data may be shown in full."""

from __future__ import annotations

import enum
from typing import Any

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, any_of, deny, has_scope
from zhizheng.registries.choices import Purpose

CASE_ROLES = frozenset({"caseworker", "section_chief", "department_head", "window_officer"})
"""``orgs`` roles that handle applications and events and may see a person's full record for that purpose."""
AUDITOR_ROLE = "auditor"


class Perm(enum.StrEnum):
    READ = "registries.read"
    DISCLOSE = "registries.personal.disclose"
    VERIFY_IDENTITY = "registries.identity.verify"
    LOAD = "registries.load"


def _is_staff(actor: Actor, obj: Any) -> bool:
    return actor.kind is ActorKind.USER and bool(actor.roles)


def _may_disclose(actor: Actor, purpose: Any) -> bool:
    """Full personal data only for a purpose that needs it: case handling by case roles, audits by auditors.
    Statistics and public disclosure never see it."""
    if actor.kind is not ActorKind.USER:
        return (
            actor.kind is ActorKind.API_CLIENT
            and actor.has_scope("registries.disclose")
            and (purpose == Purpose.SERVICE_HANDLING)
        )
    held = {role for _department, role in actor.roles}
    if purpose == Purpose.SERVICE_HANDLING:
        return bool(held & CASE_ROLES)
    if purpose == Purpose.AUDIT:
        return AUDITOR_ROLE in held
    return False


def _is_the_user(actor: Actor, user: Any) -> bool:
    return actor.kind is ActorKind.USER and user is not None and actor.user_id == getattr(user, "pk", None)


class RegistriesPolicy(Policy[Perm]):
    """Staff and API clients with ``registries.read`` read masked records; disclosure depends on the purpose;
    a person may have their own identity verified; loading is for the system."""

    permission_enum = Perm
    rules = {
        Perm.READ: any_of(_is_staff, has_scope("registries.read")),
        Perm.DISCLOSE: _may_disclose,
        Perm.VERIFY_IDENTITY: any_of(_is_the_user, lambda actor, obj: actor.has_role("window_officer")),
        Perm.LOAD: deny,
    }


policy = RegistriesPolicy()
