"""Who may read and change the service catalogue.

Published items, life events and themes are public. Unpublished items exist only for catalogue editors (the
platform's administrators); loading reference data is for the system."""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, deny, has_role
from zhizheng.govservices.models import ProcessStep

CATALOGUE_EDITOR_ROLE = "administrator"
"""The ``orgs`` role that edits the catalogue (superusers and the system pass every rule anyway)."""


class Perm(enum.StrEnum):
    VIEW_ITEM = "govservices.item.view"
    EDIT_ITEM = "govservices.item.edit"
    LOAD_CATALOGUE = "govservices.catalogue.load"


def _is_published(actor: Actor, item: Any) -> bool:
    return bool(getattr(item, "published", False))


_is_editor = has_role(CATALOGUE_EDITOR_ROLE)


class CataloguePolicy(Policy[Perm]):
    """Everyone sees published items; editors see and change all of them."""

    permission_enum = Perm
    view_permission = Perm.VIEW_ITEM
    rules = {
        Perm.VIEW_ITEM: lambda actor, item: _is_published(actor, item) or _is_editor(actor, item),
        Perm.EDIT_ITEM: _is_editor,
        Perm.LOAD_CATALOGUE: deny,
    }

    def scope_for(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if _is_editor(actor, None):
            return queryset
        return queryset.filter(published=True)


policy = CataloguePolicy()


# --- applications -------------------------------------------------------------------------------------------------

HANDLER_ROLES = frozenset({"caseworker", "section_chief", "department_head"})
"""Roles in the item's department that accept, ask for supplements, approve and reject its applications."""
STAFF_ROLES = HANDLER_ROLES | {"window_officer"}
"""Roles that see a department's applications; window officers accept at the service hall (受理)."""


class ApplicationPerm(enum.StrEnum):
    VIEW = "govservices.application.view"
    APPLY = "govservices.application.apply"
    HANDLE = "govservices.application.handle"


def _is_applicant(actor: Actor, application: Any) -> bool:
    return actor.user_id is not None and getattr(application, "applicant_id", None) == actor.user_id


def _handles(actor: Actor, application: Any) -> bool:
    """Staff holding a handler role (or the window officer's) in a department the application concerns: the one
    handling it, or one with a step in its process that is not cancelled (joint review). Drafts are nobody's.
    Which of them may act now is decided by the process's current step (``workflow.may_act``)."""
    if application is None or application.status == "draft":
        return False
    codes = {application.handling_department.code}
    if application.pk:
        steps = application.steps.exclude(status="cancelled").exclude(kind="apply")
        codes |= set(steps.values_list("department__code", flat=True))
    return any(actor.has_role(role, code) for code in codes for role in STAFF_ROLES)


def _is_person(actor: Actor, obj: Any) -> bool:
    return actor.kind is ActorKind.USER and actor.user_id is not None and (obj is None or _is_applicant(actor, obj))


class ApplicationPolicy(Policy[ApplicationPerm]):
    """Applicants see and act on their own applications; the handlers of the item's department see the submitted
    ones and act on them. Everyone else finds nothing (404)."""

    permission_enum = ApplicationPerm
    view_permission = ApplicationPerm.VIEW
    rules = {
        ApplicationPerm.VIEW: lambda actor, app: _is_applicant(actor, app) or _handles(actor, app),
        ApplicationPerm.APPLY: _is_person,
        ApplicationPerm.HANDLE: _handles,
    }

    def scope_for(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if actor.user_id is None:
            return queryset.none()
        return queryset.filter(Q(applicant_id=actor.user_id) | staff_visible_q(actor))


def staff_visible_q(actor: Actor) -> Q:
    """Applications past the draft that concern the actor's departments (see ``_handles``)."""
    departments = sorted({code for code, role in actor.roles if role in STAFF_ROLES})
    if not departments:
        return Q(pk__in=[])
    steps = (
        ProcessStep.objects.filter(application=OuterRef("pk"), department__code__in=departments)
        .exclude(status="cancelled")
        .exclude(kind="apply")
    )
    visible: Q = ~Q(status="draft") & (Q(department__code__in=departments) | Q(Exists(steps)))
    return visible


application_policy = ApplicationPolicy()
