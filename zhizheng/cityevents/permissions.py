"""Who may do what with a city event.

Roles of the loop (``orgs`` memberships, checked as ``(department_code, role)`` pairs on the Actor):

* hotline operator — ``hotline_operator`` at the 12345 hotline centre (``CITYEVENTS_HOTLINE_DEPARTMENT``, RX12345);
* dispatcher — ``dispatcher`` at the command centre (``CITYEVENTS_DISPATCH_DEPARTMENT``, CGJ);
* inspector (监督员) — ``inspector`` at the command centre: checks results independently of the department that
  produced them;
* department handler — ``caseworker`` (or ``section_chief``) of the event's responsible department;
* leaders see every event; assisting departments see the events they help with and add notes.
"""

from __future__ import annotations

import enum
from typing import Any

from django.conf import settings
from django.db.models import Q

from zhizheng.core.actor import Actor, ActorKind
from zhizheng.core.policy import Policy, allow, any_of, deny
from zhizheng.orgs.choices import Role

HANDLER_ROLES = (Role.CASEWORKER.value, Role.SECTION_CHIEF.value)
INSPECTOR_ROLE = Role.INSPECTOR.value


def hotline_department() -> str:
    return str(getattr(settings, "CITYEVENTS_HOTLINE_DEPARTMENT", "RX12345"))


def dispatch_department() -> str:
    return str(getattr(settings, "CITYEVENTS_DISPATCH_DEPARTMENT", "CGJ"))


class Perm(enum.StrEnum):
    VIEW = "cityevents.event.view"
    REPORT = "cityevents.event.report"
    REPORT_HOTLINE = "cityevents.event.report_hotline"
    REPORT_PATROL = "cityevents.event.report_patrol"
    REPORT_SENSOR = "cityevents.event.report_sensor"
    REGISTER = "cityevents.event.register"
    DISPATCH = "cityevents.event.dispatch"
    TRANSFER = "cityevents.event.transfer"
    HANDLE = "cityevents.event.handle"
    VERIFY = "cityevents.event.verify"
    CLOSE = "cityevents.event.close"
    EVALUATE = "cityevents.event.evaluate"
    NOTE = "cityevents.event.note"
    ESCALATE = "cityevents.event.escalate"
    CLASSIFY = "cityevents.event.classify"


def is_hotline_operator(actor: Actor, obj: Any = None) -> bool:
    return actor.has_role(Role.HOTLINE_OPERATOR, hotline_department())


def is_dispatcher(actor: Actor, obj: Any = None) -> bool:
    return actor.has_role(Role.DISPATCHER, dispatch_department())


def is_inspector(actor: Actor, obj: Any = None) -> bool:
    return actor.has_role(INSPECTOR_ROLE, dispatch_department())


def is_leader(actor: Actor, obj: Any = None) -> bool:
    return actor.has_role(Role.LEADER)


def _responsible_code(obj: Any) -> str | None:
    department = getattr(obj, "responsible_department", None)
    return getattr(department, "code", None)


def is_handler(actor: Actor, obj: Any) -> bool:
    """A caseworker or section chief of the event's responsible department."""
    code = _responsible_code(obj)
    return code is not None and any(actor.has_role(role, code) for role in HANDLER_ROLES)


def _assisting_codes(obj: Any) -> set[str]:
    if obj is None or getattr(obj, "pk", None) is None:
        return set()
    return {department.code for department in obj.assisting_departments.all()}


def is_assisting(actor: Actor, obj: Any) -> bool:
    """Staff of a department asked to help with the event."""
    return bool(actor.departments() & _assisting_codes(obj))


def is_department_staff(actor: Actor, obj: Any) -> bool:
    code = _responsible_code(obj)
    return code is not None and code in actor.departments()


def is_reporter(actor: Actor, obj: Any) -> bool:
    return (
        actor.kind is ActorKind.USER
        and actor.user_id is not None
        and getattr(obj, "reporter_id", None) == actor.user_id
    )


def is_api_reporter(actor: Actor, obj: Any) -> bool:
    """A program (bearer token with the scope ``cityevents.report``), e.g. a sensor gateway."""
    return actor.kind is ActorKind.API_CLIENT and actor.has_scope("cityevents.report")


class EventPolicy(Policy[Perm]):
    permission_enum = Perm
    view_permission = Perm.VIEW
    rules = {
        Perm.VIEW: any_of(
            is_reporter,
            is_hotline_operator,
            is_dispatcher,
            is_inspector,
            is_leader,
            is_department_staff,
            is_assisting,
        ),
        Perm.REPORT: allow,
        Perm.REPORT_HOTLINE: is_hotline_operator,
        Perm.REPORT_PATROL: is_inspector,
        Perm.REPORT_SENSOR: is_api_reporter,
        Perm.REGISTER: is_dispatcher,
        Perm.DISPATCH: is_dispatcher,
        Perm.TRANSFER: any_of(is_dispatcher, is_handler),
        Perm.HANDLE: is_handler,
        Perm.VERIFY: is_inspector,
        Perm.CLOSE: is_dispatcher,
        Perm.EVALUATE: any_of(is_reporter, is_hotline_operator),
        Perm.NOTE: any_of(is_dispatcher, is_handler, is_assisting, is_inspector, is_hotline_operator),
        Perm.ESCALATE: deny,
        Perm.CLASSIFY: any_of(is_dispatcher, is_hotline_operator),
    }

    def scope_for(self, actor: Actor, queryset: Any) -> Any:
        if is_hotline_operator(actor) or is_dispatcher(actor) or is_inspector(actor) or is_leader(actor):
            return queryset
        codes = sorted(actor.departments())
        condition = Q(pk__in=[])
        if codes:
            condition |= Q(responsible_department__code__in=codes) | Q(assisting_departments__code__in=codes)
        if actor.kind is ActorKind.USER and actor.user_id is not None:
            condition |= Q(reporter_id=actor.user_id)
        return queryset.filter(condition).distinct()


policy = EventPolicy()


def is_staff_of_loop(actor: Actor) -> bool:
    """Anyone who works events (for the workbench queue link and pages)."""
    return bool(
        is_hotline_operator(actor)
        or is_dispatcher(actor)
        or is_inspector(actor)
        or is_leader(actor)
        or actor.is_superuser
        or (actor.user_kind == "staff" and actor.departments())
    )
