"""Who may read and change the service catalogue.

Published items, life events and themes are public. Unpublished items exist only for catalogue editors (the
platform's administrators); loading reference data is for the system."""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, deny, has_role
from zhizheng.govservices import workflow
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
    MESSAGE = "govservices.application.message"


def _is_applicant(actor: Actor, application: Any) -> bool:
    return actor.user_id is not None and getattr(application, "applicant_id", None) == actor.user_id


def _handles(actor: Actor, application: Any) -> bool:
    """Staff holding a handler role (or the window officer's) in a department the application concerns: the one
    handling it, or one with a step in its process that is not cancelled (joint review). Drafts are nobody's.
    Which of them may act now is decided by the process's current step (``workflow.may_act``), which reads the
    same steps: they are read once (``workflow.steps_of``) and kept on the application."""
    if application is None or application.status == "draft":
        return False
    codes = {application.handling_department.code}
    if application.pk:
        codes |= {
            s.department.code for s in workflow.steps_of(application) if s.status != "cancelled" and s.kind != "apply"
        }
    return any(actor.has_role(role, code) for code in codes for role in STAFF_ROLES)


def _is_person(actor: Actor, obj: Any) -> bool:
    return actor.kind is ActorKind.USER and actor.user_id is not None and (obj is None or _is_applicant(actor, obj))


def _in_handling_department(actor: Actor, application: Any) -> bool:
    """Staff (any role that sees applications) of the department handling the application now — not a department
    that only reviews at one step: the conversation with the applicant is the handling department's."""
    if application is None or application.status == "draft":
        return False
    code = application.handling_department.code
    return any(actor.has_role(role, code) for role in STAFF_ROLES)


class ApplicationPolicy(Policy[ApplicationPerm]):
    """Applicants see and act on their own applications; the handlers of the item's department see the submitted
    ones and act on them. Everyone else finds nothing (404)."""

    permission_enum = ApplicationPerm
    view_permission = ApplicationPerm.VIEW
    rules = {
        ApplicationPerm.VIEW: lambda actor, app: _is_applicant(actor, app) or _handles(actor, app),
        ApplicationPerm.APPLY: _is_person,
        ApplicationPerm.HANDLE: _handles,
        ApplicationPerm.MESSAGE: lambda actor, app: _is_applicant(actor, app) or _in_handling_department(actor, app),
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


# --- supervision (电子监察), ratings (好差评), rectifications and visits ---------------------------------------------

AUDITOR_ROLE = "auditor"
"""Auditors (电子监察) see the supervision figures of every department."""
DEPARTMENT_HEAD_ROLE = "department_head"
"""Department heads see the supervision figures of their own departments and are told of warnings."""
RECTIFIER_ROLES = frozenset({"section_chief", "department_head"})
"""Roles in the rated item's department that answer a rectification (整改) for it."""
VISIT_RECORDER_ROLES = frozenset({"window_officer"})
"""Hall window officers record visits for any department's items (a 综合窗口 serves many); handlers of the item's
department may too."""


class SupervisionPerm(enum.StrEnum):
    VIEW = "govservices.supervision.view"
    RAISE_WARNINGS = "govservices.supervision.raise"


def supervision_departments(actor: Actor) -> frozenset[str] | None:
    """The departments whose supervision figures ``actor`` sees: None for all of them (auditors, superusers, the
    system), the departments they head for department heads, and an empty set for everyone else."""
    if actor.is_system or actor.is_superuser or actor.has_role(AUDITOR_ROLE):
        return None
    return actor.departments(DEPARTMENT_HEAD_ROLE)


def _supervises(actor: Actor, department_code: Any) -> bool:
    allowed = supervision_departments(actor)
    if allowed is None:
        return True
    if department_code is None:
        return bool(allowed)
    return str(department_code) in allowed


class SupervisionPolicy(Policy[SupervisionPerm]):
    """Auditors see every department's figures, department heads their own; warnings are raised by the system."""

    permission_enum = SupervisionPerm
    rules = {
        SupervisionPerm.VIEW: _supervises,
        SupervisionPerm.RAISE_WARNINGS: deny,
    }


supervision_policy = SupervisionPolicy()


class RatingPerm(enum.StrEnum):
    RATE = "govservices.rating.rate"
    RECORD_VISIT = "govservices.visit.record"


def _records_visits(actor: Actor, application: Any) -> bool:
    if application is None or application.status == "draft":
        return False
    if any(actor.has_role(role) for role in VISIT_RECORDER_ROLES):
        return True
    return _handles(actor, application)


class RatingPolicy(Policy[RatingPerm]):
    """Only the applicant rates their application; window officers (any department) and the item's handlers
    record visits. Whether the application exists for the actor at all is ``application_policy``'s answer."""

    permission_enum = RatingPerm
    rules = {
        RatingPerm.RATE: _is_applicant,
        RatingPerm.RECORD_VISIT: _records_visits,
    }


rating_policy = RatingPolicy()


class RectificationPerm(enum.StrEnum):
    VIEW = "govservices.rectification.view"
    ANSWER = "govservices.rectification.answer"


def _rectification_department(rectification: Any) -> str:
    return str(rectification.department.code)


def _answers(actor: Actor, rectification: Any) -> bool:
    if rectification is None:
        return False
    code = _rectification_department(rectification)
    return any(actor.has_role(role, code) for role in RECTIFIER_ROLES)


def _sees_rectification(actor: Actor, rectification: Any) -> bool:
    if rectification is None:
        return False
    code = _rectification_department(rectification)
    if _is_applicant(actor, rectification.rating.application):
        return True
    if any(actor.has_role(role, code) for role in HANDLER_ROLES):
        return True
    allowed = supervision_departments(actor)
    return allowed is None or code in allowed


class RectificationPolicy(Policy[RectificationPerm]):
    """The department's section chiefs and head answer its rectifications (整改); the applicant, the department's
    handlers and the supervisors (auditors, department heads) see them; everyone else finds nothing."""

    permission_enum = RectificationPerm
    view_permission = RectificationPerm.VIEW
    rules = {
        RectificationPerm.VIEW: _sees_rectification,
        RectificationPerm.ANSWER: _answers,
    }

    def scope_for(self, actor: Actor, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if actor.user_id is None:
            return queryset.none()
        supervised = supervision_departments(actor)
        if supervised is None:
            return queryset
        handled = {code for code, role in actor.roles if role in HANDLER_ROLES} | supervised
        return queryset.filter(Q(rating__application__applicant_id=actor.user_id) | Q(department__code__in=handled))


rectification_policy = RectificationPolicy()
