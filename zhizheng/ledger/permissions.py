"""Who may read what in the ledger. Everything public (leaves, proofs, checkpoints) is open to everyone; the private
payload behind a leaf (personal values, salts, the actor of a citizen's own act) only to auditors."""

from __future__ import annotations

import enum

from zhizheng.core.policy import Policy, any_of, has_role

AUDITOR_ROLE = "auditor"
"""The ``orgs`` role of supervision and audit staff, who may read the private payload of ledger entries."""


class Perm(enum.StrEnum):
    VIEW_PRIVATE = "ledger.entry.view_private"


class LedgerPolicy(Policy[Perm]):
    """Private payloads: auditors (any department), superusers and the system."""

    permission_enum = Perm
    rules = {Perm.VIEW_PRIVATE: any_of(has_role(AUDITOR_ROLE))}


policy = LedgerPolicy()
