"""Who may browse, edit, review and publish catalogue entries, request resources and answer requests.

The catalogue is visible to all staff. The provider's data officer (or the data office's) drafts and edits an
entry; a data officer of the data office (数据局, ``SJJ``) reviews and publishes. A department's data officer or
caseworker requests a resource; the provider's data officer answers; the requesting department sees its grants.
"""

from __future__ import annotations

import enum
from typing import Any

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy
from zhizheng.datahub.choices import DATA_OFFICE

DATA_OFFICER = "data_officer"
REQUESTER_ROLES = frozenset({"data_officer", "caseworker"})


class Perm(enum.StrEnum):
    VIEW = "datahub.catalogue.view"
    EDIT = "datahub.resource.edit"
    REVIEW = "datahub.resource.review"
    REQUEST = "datahub.request.create"
    DECIDE = "datahub.request.decide"
    SEE_REQUEST = "datahub.request.view"
    REGISTER_APP = "datahub.app.register"
    MANAGE_APP = "datahub.app.manage"


def _staff(actor: Actor, obj: Any) -> bool:
    return actor.kind is ActorKind.USER and bool(actor.roles)


def _provider_code(obj: Any) -> str | None:
    """The provider department code of a resource, a resource spec or a request."""
    if obj is None:
        return None
    resource = getattr(obj, "resource", None)
    if resource is not None and hasattr(resource, "provider_id"):
        return str(resource.provider.code)
    if hasattr(obj, "provider_id"):
        return str(obj.provider.code)
    code = getattr(obj, "provider_code", None)
    return str(code) if code else None


def _editor(actor: Actor, obj: Any) -> bool:
    code = _provider_code(obj)
    return actor.has_role(DATA_OFFICER, DATA_OFFICE) or (code is not None and actor.has_role(DATA_OFFICER, code))


def _reviewer(actor: Actor, obj: Any) -> bool:
    return actor.has_role(DATA_OFFICER, DATA_OFFICE)


def _requester(actor: Actor, obj: Any) -> bool:
    code = getattr(obj, "code", None) if obj is not None else None
    return any(r in REQUESTER_ROLES and (code is None or d == code) for d, r in actor.roles)


def _decider(actor: Actor, obj: Any) -> bool:
    code = _provider_code(obj)
    return code is not None and actor.has_role(DATA_OFFICER, code)


def _sees_request(actor: Actor, obj: Any) -> bool:
    if _decider(actor, obj):
        return True
    department = getattr(getattr(obj, "department", None), "code", None)
    return department is not None and any(d == department and r in REQUESTER_ROLES for d, r in actor.roles)


def _signed_in(actor: Actor, obj: Any) -> bool:
    return actor.kind is ActorKind.USER and actor.user_id is not None


def _app_owner(actor: Actor, obj: Any) -> bool:
    return _signed_in(actor, obj) and (actor.is_superuser or getattr(obj, "owner_id", None) == actor.user_id)


class DatahubPolicy(Policy[Perm]):
    permission_enum = Perm
    rules = {
        Perm.VIEW: _staff,
        Perm.EDIT: _editor,
        Perm.REVIEW: _reviewer,
        Perm.REQUEST: _requester,
        Perm.DECIDE: _decider,
        Perm.SEE_REQUEST: _sees_request,
        Perm.REGISTER_APP: _signed_in,
        Perm.MANAGE_APP: _app_owner,
    }


policy = DatahubPolicy()
