"""Who may change the organisation: loading reference data and granting staff roles."""

from __future__ import annotations

import enum

from zhizheng.core.policy import Policy, deny, has_role
from zhizheng.orgs.choices import Role


class Perm(enum.StrEnum):
    LOAD_REFERENCE_DATA = "orgs.reference_data.load"
    MANAGE_MEMBERSHIPS = "orgs.membership.manage"


class OrgsPolicy(Policy[Perm]):
    """Reference data is loaded by the system or a superuser; administrators (the role) manage memberships."""

    permission_enum = Perm
    rules = {
        Perm.LOAD_REFERENCE_DATA: deny,
        Perm.MANAGE_MEMBERSHIPS: has_role(Role.ADMINISTRATOR),
    }


policy = OrgsPolicy()
