"""Who may issue, revoke and administer certificates. Permissions are checked against the issuing department."""

from __future__ import annotations

import enum
from typing import Any

from zhizheng.core.actor import Actor
from zhizheng.core.policy import Policy, deny

ISSUE_ROLES = frozenset({"caseworker", "section_chief", "department_head", "window_officer"})
"""Roles in the issuing department that may issue, renew and re-issue its certificates."""
REVOKE_ROLES = frozenset({"section_chief", "department_head"})
"""Revocation withdraws a right: only the department's section chiefs and head."""
KEY_ROLES = frozenset({"department_head"})


class Perm(enum.StrEnum):
    ISSUE = "certificates.certificate.issue"
    REVOKE = "certificates.certificate.revoke"
    ROTATE_KEY = "certificates.issuer_key.rotate"
    LOAD_TYPES = "certificates.type.load"
    IMPORT = "certificates.certificate.import"
    EXPIRE = "certificates.certificate.expire"
    REMIND = "certificates.certificate.remind"
    """Tell holders that their certificates expire soon (the proactive-service job: the system only)."""


def _department_code(obj: Any) -> str | None:
    """The department the permission is about: a Department, or anything with ``issuing_department``."""
    department = getattr(obj, "issuing_department", obj)
    code = getattr(department, "code", None)
    return code if isinstance(code, str) else None


def _holds_in_department(roles: frozenset[str]) -> Any:
    def rule(actor: Actor, obj: Any) -> bool:
        code = _department_code(obj)
        return code is not None and any(actor.has_role(role, code) for role in roles)

    return rule


class CertificatesPolicy(Policy[Perm]):
    """Staff act for their own department only; the system (approved applications, imports) and superusers
    pass every rule."""

    permission_enum = Perm
    rules = {
        Perm.ISSUE: _holds_in_department(ISSUE_ROLES),
        Perm.REVOKE: _holds_in_department(REVOKE_ROLES),
        Perm.ROTATE_KEY: _holds_in_department(KEY_ROLES),
        Perm.LOAD_TYPES: deny,
        Perm.IMPORT: deny,
        Perm.EXPIRE: deny,
        Perm.REMIND: deny,
    }


policy = CertificatesPolicy()
